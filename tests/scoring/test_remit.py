"""A juror's remit changed after scoring: with a reason, kept in history, shown on the sheet page."""

from __future__ import annotations

import uuid

import pytest

from bantar.models import Role
from indicators.models import Indicator, Pillar
from scoring.models import Assignment
from scoring.result_selectors import result_table
from scoring.services import (
    ERROR_REMIT_REASON,
    member_set_remit,
    score_save,
    sheet_submit,
    team_add_member,
    team_create,
)
from tests.conftest import make_user
from tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(open_competition, eka_jaya):
    """juri.dlh, every pillar, submits RT 1 with 5s for Aman and 1s elsewhere."""
    open_competition.status = "assessment"
    open_competition.save()
    team = team_create(competition=open_competition, name="Tim Satu")
    juror = make_user("juri.dlh", Role.JURI)
    member = team_add_member(team=team, user=juror, agency="DLH")
    entry = EntryFactory(competition=open_competition, rt__kelurahan=eka_jaya, status="verified")
    Assignment.objects.create(entry=entry, team=team)
    for indicator in Indicator.objects.select_related("pillar"):
        value = 5 if indicator.pillar.code == "A" else 1
        score_save(
            entry=entry,
            juror=juror,
            indicator=indicator,
            value=value,
            note="",
            client_id=uuid.uuid4(),
        )
    sheet_submit(entry=entry, juror=juror)
    return entry, member


def test_after_a_submitted_sheet_a_remit_change_needs_a_reason(submitted, panitia):
    _entry, member = submitted
    aman = Pillar.objects.get(code="A")
    with pytest.raises(Exception) as refused:
        member_set_remit(member=member, pillars=[aman], by=panitia)
    assert str(ERROR_REMIT_REASON % {"team": "Tim Satu"}) in str(refused.value)
    assert list(member.pillars.all()) == []


def test_the_remit_change_is_kept_with_who_and_why(client, submitted, panitia, open_competition):
    _entry, member = submitted
    client.force_login(panitia)
    url = f"/kompetisi/{open_competition.pk}/tim/anggota/{member.pk}/pilar/"
    aman = Pillar.objects.get(code="A")
    response = client.post(url, {"pillars": [aman.pk], "reason": "DLH hanya menilai Aman"})
    assert response.status_code == 302
    assert [p.code for p in member.pillars.all()] == ["A"]
    page = client.get(url).content.decode()
    assert "DLH hanya menilai Aman" in page and "Panitia" in page
    latest = member.history.latest()
    assert latest.history_user == panitia
    assert [item.pillar.code for item in latest.historicaljurymember_pillars_set.all()] == ["A"]


def test_the_sheet_page_strikes_through_levels_that_no_longer_count(
    client, submitted, panitia, open_competition
):
    entry, member = submitted
    member_set_remit(
        member=member, pillars=[Pillar.objects.get(code="A")], by=panitia, reason="Hanya Aman"
    )
    client.force_login(panitia)
    page = client.get(f"/peserta/{entry.pk}/lembar-nilai/").content.decode()
    assert page.count("data-outside-remit") == 14  # Bersih and Pintar
    assert "Tidak dihitung: di luar pilar yang dinilai juri ini sekarang." in page
    row = result_table(open_competition).row(entry.pk)
    assert row is not None and row.pillars["A"] == 100


def test_another_competitions_member_is_not_found(client, submitted, panitia, open_competition):
    _entry, member = submitted
    other = type(open_competition).objects.create(year=open_competition.year - 1, title="Lama")
    client.force_login(panitia)
    response = client.get(f"/kompetisi/{other.pk}/tim/anggota/{member.pk}/pilar/")
    assert response.status_code == 404
