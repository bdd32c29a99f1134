"""A petugas kelurahan proposes RTs; every refusal explains itself and saves nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from competitions.forms import ERROR_LOCATION_PAIR
from competitions.models import RT, CompetitionStatus, Entry, EntryStatus
from competitions.services import (
    ERROR_DEADLINE_PASSED,
    ERROR_KK_BELOW_MINIMUM,
    ERROR_KK_NOT_POSITIVE,
    ERROR_KK_TOO_LARGE,
    ERROR_NOT_EDITABLE,
    ERROR_RT_OTHER_KELURAHAN,
    ERROR_RT_TAKEN,
)
from competitions.stages import ERROR_REGISTRATION_CLOSED
from competitions.validators import ERROR_PHONE
from tests.competitions.conftest import entry_form
from tests.factories import EntryFactory, RTFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_eka_jaya(client, officer_eka_jaya):
    client.force_login(officer_eka_jaya)
    return client


def create_url(competition) -> str:
    return f"/kompetisi/{competition.pk}/peserta/baru/"


def page_of(response) -> str:
    return response.content.decode()


def assert_nothing_saved(rt_count: int = 0) -> None:
    assert Entry.objects.count() == 0
    assert RT.objects.count() == rt_count


def test_an_officer_proposes_a_new_rt(as_eka_jaya, open_competition, officer_eka_jaya):
    response = as_eka_jaya.post(create_url(open_competition), entry_form(), follow=True)
    entry = Entry.objects.get()
    assert entry.status == EntryStatus.PROPOSED
    assert (entry.rt.kelurahan.name, entry.rt.number, entry.rt.name_kampung) == (
        "Eka Jaya",
        8,
        "Kampung Bunga Tanjung",
    )
    assert entry.category.code == "sedang"
    assert entry.phone == "081274112233"
    assert entry.submitted_by == officer_eka_jaya
    assert "RT 08 Eka Jaya diusulkan ke kecamatan." in page_of(response)
    assert entry.history.latest().history_user == officer_eka_jaya


def test_an_officer_saves_a_draft_then_proposes_it(as_eka_jaya, open_competition):
    as_eka_jaya.post(create_url(open_competition), entry_form(propose="", draft="1"))
    entry = Entry.objects.get()
    assert entry.status == EntryStatus.DRAFT
    as_eka_jaya.post(f"/peserta/{entry.pk}/usulkan/")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PROPOSED


def test_an_officer_picks_an_existing_rt_and_edits_the_entry(
    as_eka_jaya, open_competition, eka_jaya
):
    rt = RTFactory(kelurahan=eka_jaya, number=3, name_kampung="Kampung Lama")
    as_eka_jaya.post(create_url(open_competition), entry_form(rt=str(rt.pk), new_rt_number=""))
    entry = Entry.objects.get()
    assert entry.rt == rt
    as_eka_jaya.post(
        f"/peserta/{entry.pk}/ubah/", entry_form(rt=str(rt.pk), new_rt_number="", kk_count="140")
    )
    entry.refresh_from_db()
    assert (entry.kk_count, entry.category.code) == (140, "besar")
    assert RT.objects.count() == 1


@pytest.mark.parametrize(
    ("kk_count", "message"),
    [
        ("29", ERROR_KK_BELOW_MINIMUM % {"kk": 29, "min": 30}),
        ("0", str(ERROR_KK_NOT_POSITIVE)),
        ("-12", str(ERROR_KK_NOT_POSITIVE)),
        ("2001", ERROR_KK_TOO_LARGE % {"kk": 2001, "max": 2000}),
    ],
)
def test_impossible_or_too_small_kk_counts_are_refused(
    as_eka_jaya, open_competition, kk_count, message
):
    response = as_eka_jaya.post(create_url(open_competition), entry_form(kk_count=kk_count))
    assert response.status_code == 200
    assert message in page_of(response)
    assert_nothing_saved()


def test_a_kk_count_that_is_not_a_number_is_refused(as_eka_jaya, open_competition):
    response = as_eka_jaya.post(create_url(open_competition), entry_form(kk_count="tujuh puluh"))
    assert str(ERROR_KK_NOT_POSITIVE) in page_of(response)
    assert_nothing_saved()


def test_a_second_entry_for_the_same_rt_is_refused(as_eka_jaya, open_competition, eka_jaya):
    first = EntryFactory(competition=open_competition, rt=RTFactory(kelurahan=eka_jaya, number=8))
    response = as_eka_jaya.post(create_url(open_competition), entry_form(new_rt_number="8"))
    expected = ERROR_RT_TAKEN % {
        "rt": "RT 08 Eka Jaya",
        "competition": open_competition.title,
        "status": "Diusulkan",
    }
    assert expected in page_of(response)
    assert list(Entry.objects.all()) == [first]


def test_an_rt_of_another_kelurahan_is_refused(as_eka_jaya, open_competition, beringin):
    theirs = RTFactory(kelurahan=beringin, number=2)
    response = as_eka_jaya.post(
        create_url(open_competition), entry_form(rt=str(theirs.pk), new_rt_number="")
    )
    assert str(ERROR_RT_OTHER_KELURAHAN) in page_of(response)
    assert_nothing_saved(rt_count=1)


def test_registration_outside_the_registration_stage_is_refused(as_eka_jaya, open_competition):
    open_competition.status = CompetitionStatus.VERIFICATION
    open_competition.save()
    response = as_eka_jaya.post(create_url(open_competition), entry_form())
    expected = ERROR_REGISTRATION_CLOSED % {
        "competition": open_competition.title,
        "status": "Verifikasi",
    }
    assert expected in page_of(response)
    assert_nothing_saved()


def test_registration_after_the_deadline_is_refused(as_eka_jaya, open_competition):
    open_competition.registration_closes = timezone.now() - timedelta(minutes=1)
    open_competition.save()
    response = as_eka_jaya.post(create_url(open_competition), entry_form())
    assert "Batas waktu pendaftaran" in page_of(response)
    assert "sudah lewat" in page_of(response)
    assert_nothing_saved()
    assert ERROR_DEADLINE_PASSED  # the constant the page shows


@pytest.mark.parametrize(
    "phone", ["12345", "telepon saya", "0000000000", "0812", "+1 555 0100 222"]
)
def test_a_phone_number_that_is_not_one_is_refused(as_eka_jaya, open_competition, phone):
    response = as_eka_jaya.post(create_url(open_competition), entry_form(phone=phone))
    assert str(ERROR_PHONE) in page_of(response)
    assert_nothing_saved()


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("+62 812 7411 2233", "081274112233"),
        ("0741-123456", "0741123456"),
        ("62811745566", "0811745566"),
    ],
)
def test_phone_numbers_are_stored_in_one_form(as_eka_jaya, open_competition, phone, stored):
    as_eka_jaya.post(create_url(open_competition), entry_form(phone=phone))
    assert Entry.objects.get().phone == stored


def test_half_a_map_point_is_refused(as_eka_jaya, open_competition):
    response = as_eka_jaya.post(create_url(open_competition), entry_form(latitude="-1.61"))
    assert str(ERROR_LOCATION_PAIR) in page_of(response)
    assert_nothing_saved()


def test_a_double_submit_creates_one_entry(as_eka_jaya, open_competition):
    form = entry_form(client_token=str(uuid.uuid4()))
    first = as_eka_jaya.post(create_url(open_competition), form)
    second = as_eka_jaya.post(create_url(open_competition), form)
    entry = Entry.objects.get()
    assert first["Location"] == second["Location"] == f"/peserta/{entry.pk}/"


def test_a_count_near_a_band_edge_warns_to_double_check(as_eka_jaya, open_competition):
    response = as_eka_jaya.post(
        create_url(open_competition), entry_form(kk_count="58"), follow=True
    )
    assert "dekat batas kategori (60 KK)" in page_of(response)
    response = as_eka_jaya.post(
        create_url(open_competition), entry_form(kk_count="75", new_rt_number="9"), follow=True
    )
    assert "dekat batas kategori" not in page_of(response)


def test_an_officer_withdraws_before_the_deadline_but_not_after(
    as_eka_jaya, open_competition, eka_jaya
):
    entry = EntryFactory(competition=open_competition, rt=RTFactory(kelurahan=eka_jaya))
    as_eka_jaya.post(f"/peserta/{entry.pk}/tarik/")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WITHDRAWN

    other = EntryFactory(competition=open_competition, rt=RTFactory(kelurahan=eka_jaya))
    open_competition.registration_closes = timezone.now() - timedelta(minutes=1)
    open_competition.save()
    response = as_eka_jaya.post(f"/peserta/{other.pk}/tarik/", follow=True)
    assert "sudah lewat" in page_of(response)
    other.refresh_from_db()
    assert other.status == EntryStatus.PROPOSED


def test_a_verified_entry_cannot_be_changed_by_the_kelurahan(
    as_eka_jaya, open_competition, eka_jaya
):
    entry = EntryFactory(
        competition=open_competition, rt=RTFactory(kelurahan=eka_jaya), status="verified"
    )
    response = as_eka_jaya.post(
        f"/peserta/{entry.pk}/ubah/",
        entry_form(rt=str(entry.rt.pk), new_rt_number="", kk_count="140"),
    )
    assert ERROR_NOT_EDITABLE % {"status": "Terverifikasi"} in page_of(response)
    entry.refresh_from_db()
    assert entry.kk_count == 75


@pytest.mark.parametrize("persona", ["officer_beringin", "officer_pasar_jambi"])
def test_officers_of_other_regions_get_404_for_an_eka_jaya_entry(
    client, request, persona, open_competition, eka_jaya
):
    entry = EntryFactory(competition=open_competition, rt=RTFactory(kelurahan=eka_jaya))
    client.force_login(request.getfixturevalue(persona))
    for url in (f"/peserta/{entry.pk}/", f"/peserta/{entry.pk}/ubah/"):
        assert client.get(url).status_code == 404
    for action in ("usulkan", "tarik", "verifikasi", "kembalikan"):
        assert client.post(f"/peserta/{entry.pk}/{action}/", {"note": "x"}).status_code == 404
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PROPOSED


@pytest.mark.parametrize("persona", ["officer_paal_merah", "juror", "panitia", "pejabat"])
def test_only_kelurahan_officers_propose(client, request, persona, open_competition):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(create_url(open_competition)).status_code == 403
    assert client.post(create_url(open_competition), entry_form()).status_code == 403
    assert_nothing_saved()


def test_the_kecamatan_officer_may_see_but_not_edit_an_entry(
    client, officer_paal_merah, open_competition, eka_jaya
):
    entry = EntryFactory(competition=open_competition, rt=RTFactory(kelurahan=eka_jaya))
    client.force_login(officer_paal_merah)
    assert client.get(f"/peserta/{entry.pk}/").status_code == 200
    assert client.get(f"/peserta/{entry.pk}/ubah/").status_code == 403
    assert client.post(f"/peserta/{entry.pk}/tarik/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, open_competition):
    response = client.get(create_url(open_competition))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
