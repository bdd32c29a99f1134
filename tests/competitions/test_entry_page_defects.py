"""Issue 18's smaller defects on the entry pages: the history, the draft button, the errors."""

from __future__ import annotations

import pytest

from competitions.models import Entry, EntryStatus
from competitions.selectors import entry_timeline
from tests.competitions.conftest import entry_form
from tests.factories import EntryFactory, RTFactory

pytestmark = pytest.mark.django_db


def test_the_history_names_each_status_once(
    client, open_competition, officer_eka_jaya, officer_paal_merah
):
    client.force_login(officer_eka_jaya)
    client.post(f"/kompetisi/{open_competition.pk}/peserta/baru/", entry_form(propose="1"))
    entry = Entry.objects.get()
    client.force_login(officer_paal_merah)
    client.post(f"/peserta/{entry.pk}/kembalikan/", {"note": "Jumlah KK berbeda."})
    events = entry_timeline(entry)
    assert [(event.status, event.reason) for event in events] == [
        ("Diusulkan", ""),
        ("Dikembalikan", "Dikembalikan: Jumlah KK berbeda."),
    ]
    page = client.get(f"/peserta/{entry.pk}/").content.decode()
    timeline = page[page.index('data-testid="timeline"') : page.index("</ol>")]
    assert timeline.count("Diusulkan") == 1


def test_every_refusal_of_the_form_comes_in_one_round(
    client, open_competition, eka_jaya, officer_eka_jaya
):
    taken = EntryFactory(competition=open_competition, rt=RTFactory(kelurahan=eka_jaya, number=8))
    client.force_login(officer_eka_jaya)
    response = client.post(
        f"/kompetisi/{open_competition.pk}/peserta/baru/",
        # RT 8 is taken, 12 KK is below the minimum, and the head of RT is missing.
        entry_form(rt=str(taken.rt.pk), new_rt_number="", kk_count="12", ketua_rt=""),
    )
    form = response.context["form"]
    assert set(form.errors) == {"rt", "kk_count", "ketua_rt"}
    assert [e.code for e in form.errors.as_data()["rt"]] == ["rt_taken"]
    assert [e.code for e in form.errors.as_data()["kk_count"]] == ["kk_below_minimum"]
    assert Entry.objects.count() == 1


def test_a_count_the_form_refuses_is_not_refused_twice(client, open_competition, officer_eka_jaya):
    client.force_login(officer_eka_jaya)
    response = client.post(
        f"/kompetisi/{open_competition.pk}/peserta/baru/", entry_form(kk_count="banyak", rt="")
    )
    form = response.context["form"]
    assert len(form.errors["kk_count"]) == 1
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("status", "button", "kept"),
    [
        (EntryStatus.DRAFT, "Simpan sebagai draf", "disimpan sebagai draf"),
        (EntryStatus.PROPOSED, "Simpan perubahan saja", "statusnya tetap Diusulkan"),
        (EntryStatus.RETURNED, "Simpan perubahan saja", "statusnya tetap Dikembalikan"),
    ],
)
def test_the_second_button_says_what_saving_does(
    client, open_competition, eka_jaya, officer_eka_jaya, status, button, kept
):
    """ "Simpan sebagai draf" is offered only where the entry is and stays a draft."""
    entry = EntryFactory(
        competition=open_competition,
        rt=RTFactory(kelurahan=eka_jaya, number=8),
        status=status,
        return_note="Periksa KK." if status == EntryStatus.RETURNED else "",
    )
    client.force_login(officer_eka_jaya)
    page = client.get(f"/peserta/{entry.pk}/ubah/").content.decode()
    assert button in page
    if status != EntryStatus.DRAFT:
        assert "Simpan sebagai draf" not in page
    response = client.post(
        f"/peserta/{entry.pk}/ubah/",
        entry_form(rt=str(entry.rt.pk), new_rt_number="", kk_count="80", save="1", propose=""),
        follow=True,
    )
    entry.refresh_from_db()
    assert (entry.status, entry.kk_count) == (status, 80)
    assert kept in response.content.decode()


def test_an_empty_post_to_the_entry_form_shows_the_form_again(
    client, officer_eka_jaya, open_competition
):
    client.force_login(officer_eka_jaya)
    response = client.post(f"/kompetisi/{open_competition.pk}/peserta/baru/")
    assert response.status_code == 200
    assert b"<form" in response.content
