"""Finalisation that leads: one list of blockers on the plenary page, each a link to the
RT's sheet page; entering the plenary names the sheets still missing and asks to confirm."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from competitions.models import CompetitionStatus
from competitions.services import advance_warnings
from scoring.models import ScoreSheet, SheetStatus
from scoring.result_selectors import finalise_blockers, missing_sheets
from scoring.result_views import ERROR_SEE_BLOCKERS
from tests.scoring.seasons import build_season

pytestmark = pytest.mark.django_db


@pytest.fixture
def season(open_competition):
    entries = build_season(open_competition)
    ScoreSheet.objects.filter(
        entry__in=[entries["A"], entries["E"]], juror__username="juri.dua"
    ).update(status=SheetStatus.DRAFT)
    return entries


def test_each_blocker_appears_once_and_links_its_sheet_page(
    client, panitia, season, open_competition
):
    blockers = finalise_blockers(open_competition)
    assert {(b.entry_id, b.text) for b in blockers} == {
        (season["E"].pk, "RT 05 Beringin: lembar nilai Juri.Dua belum dikirim"),
        (season["A"].pk, "RT 01 Eka Jaya: lembar nilai Juri.Dua belum dikirim"),
    }
    assert missing_sheets(open_competition) == [b.text for b in blockers]
    client.force_login(panitia)
    # A refused finalisation says how many, once; the list below names them, once each.
    page = client.post(
        f"/kompetisi/{open_competition.pk}/finalisasi/", follow=True
    ).content.decode()
    assert ERROR_SEE_BLOCKERS.split("%")[0] in page
    for blocker in blockers:
        # The link lands on the awaited juror's row, where the sheet is reopened or excused.
        anchor = f"#juror-{blocker.juror_id}"
        link = f'<a href="/peserta/{blocker.entry_id}/lembar-nilai/{anchor}">{blocker.text}</a>'
        assert page.count(blocker.text) == 1 and link in page
    assert "Belum dapat difinalisasi: 2 hal belum lengkap" in page
    said = [str(m) for m in get_messages(client.get("/").wsgi_request)]
    assert not any("belum dikirim" in m for m in said)


def test_entering_the_plenary_names_the_missing_sheets_and_asks_to_confirm(
    client, panitia, season, open_competition
):
    open_competition.status = CompetitionStatus.ASSESSMENT
    open_competition.save()
    warnings = advance_warnings(open_competition)
    assert warnings == missing_sheets(open_competition) and len(warnings) == 2
    client.force_login(panitia)
    page = client.get(f"/kompetisi/{open_competition.pk}/").content.decode()
    assert "2 hal belum lengkap" in page
    for text in warnings:
        assert f"<li>{text}</li>" in page
    assert "Saya sudah membaca 2 hal yang belum lengkap di atas" in page
    url = f"/kompetisi/{open_competition.pk}/lanjut/"
    client.post(url, {"to_status": CompetitionStatus.PLENARY})  # no confirmation: no step
    open_competition.refresh_from_db()
    assert open_competition.status == CompetitionStatus.ASSESSMENT
    client.post(url, {"to_status": CompetitionStatus.PLENARY, "confirm": "on"})
    open_competition.refresh_from_db()
    assert open_competition.status == CompetitionStatus.PLENARY


def test_other_steps_ask_no_such_confirmation(open_competition):
    assert open_competition.next_status == CompetitionStatus.VERIFICATION
    assert advance_warnings(open_competition) == []


def test_the_competition_page_writes_its_marks_with_a_decimal_comma(
    client, panitia, open_competition
):
    client.force_login(panitia)
    page = client.get(f"/kompetisi/{open_competition.pk}/").content.decode()
    assert '<dd class="col-6">70,00</dd>' in page and "70.00" not in page
