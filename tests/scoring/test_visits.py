"""The panitia plans each team's day (visit date and order); the juror's list follows the plan."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from competitions.models import CompetitionStatus
from competitions.stages import ERROR_ASSIGN_STAGE
from scoring.forms import ERROR_VISIT_ORDER
from scoring.models import Assignment
from scoring.selectors import juror_tasks
from scoring.services import ERROR_VISIT_UNASSIGNED, assignment_plan_visit, entry_assign
from tests.factories import EntryFactory, RTFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_panitia(client, panitia):
    client.force_login(panitia)
    return client


@pytest.fixture
def four_entries(assessment, eka_jaya, team1, panitia, entry_eka_jaya):
    """RT 08 (the fixture's), 10, 11 and 12 of Eka Jaya, all with team 1."""
    entries = [entry_eka_jaya]
    for number in (10, 11, 12):
        entry = EntryFactory(
            competition=assessment,
            rt=RTFactory(kelurahan=eka_jaya, number=number),
            status="verified",
        )
        entry_assign(entry=entry, team=team1, by=panitia)
        entries.append(entry)
    return entries


def plan(client, competition, entry, team, visit_date: str = "", visit_order: str = ""):
    return client.post(
        f"/kompetisi/{competition.pk}/tugaskan/",
        {
            "entry": entry.pk,
            "team": team.pk,
            "plan_visit": "1",
            "visit_date": visit_date,
            "visit_order": visit_order,
        },
        follow=True,
    )


def test_the_panitia_sets_a_visit_on_the_teams_page(as_panitia, assessment, team1, entry_eka_jaya):
    response = plan(as_panitia, assessment, entry_eka_jaya, team1, "2026-06-12", "3")
    assert response.status_code == 200
    assignment = Assignment.objects.get(entry=entry_eka_jaya)
    assert (assignment.visit_date, assignment.visit_order) == (date(2026, 6, 12), 3)
    assert assignment.history.first().history_change_reason == "Jadwal kunjungan diubah"
    html = response.content.decode()
    assert 'name="visit_date" value="2026-06-12"' in html
    assert 'name="visit_order" value="3"' in html
    # Cleared with empty fields; an assignment form without plan_visit leaves the visit alone.
    plan(as_panitia, assessment, entry_eka_jaya, team1, "2026-06-13", "1")
    as_panitia.post(
        f"/kompetisi/{assessment.pk}/tugaskan/", {"entry": entry_eka_jaya.pk, "team": team1.pk}
    )
    assignment.refresh_from_db()
    assert (assignment.visit_date, assignment.visit_order) == (date(2026, 6, 13), 1)
    plan(as_panitia, assessment, entry_eka_jaya, team1)
    assignment.refresh_from_db()
    assert (assignment.visit_date, assignment.visit_order) == (None, None)


@pytest.mark.parametrize("order", ["0", "100", "dua"])
def test_a_visit_order_outside_1_to_99_is_refused(
    as_panitia, assessment, team1, entry_eka_jaya, order
):
    response = plan(as_panitia, assessment, entry_eka_jaya, team1, "2026-06-12", order)
    assert f"Urutan kunjungan: {ERROR_VISIT_ORDER}" in response.content.decode()
    assignment = Assignment.objects.get(entry=entry_eka_jaya)
    assert (assignment.visit_date, assignment.visit_order) == (None, None)


def test_a_broken_date_is_refused(as_panitia, assessment, team1, entry_eka_jaya):
    response = plan(as_panitia, assessment, entry_eka_jaya, team1, "12/06/2026x", "2")
    assert "Tanggal kunjungan tidak dikenal" in response.content.decode()
    assert Assignment.objects.get(entry=entry_eka_jaya).visit_order is None


def test_a_visit_needs_an_assignment_and_an_open_stage(
    assessment, panitia, team1, entry_eka_jaya, entry_beringin
):
    with pytest.raises(ValidationError) as error:
        assignment_plan_visit(
            entry=entry_beringin, visit_date=date(2026, 6, 12), visit_order=1, by=panitia
        )
    assert error.value.messages == [ERROR_VISIT_UNASSIGNED % {"rt": str(entry_beringin.rt)}]
    assessment.status = CompetitionStatus.PLENARY
    assessment.save()
    entry_eka_jaya.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        assignment_plan_visit(
            entry=entry_eka_jaya, visit_date=date(2026, 6, 12), visit_order=1, by=panitia
        )
    assert error.value.messages == [str(ERROR_ASSIGN_STAGE)]


def test_the_jurors_list_follows_the_visit_plan(juror, panitia, four_entries):
    rt08, rt10, rt11, rt12 = four_entries
    assert [t.entry for t in juror_tasks(juror)] == [rt08, rt10, rt11, rt12]  # region order
    assignment_plan_visit(entry=rt12, visit_date=date(2026, 6, 12), visit_order=2, by=panitia)
    assignment_plan_visit(entry=rt10, visit_date=date(2026, 6, 12), visit_order=1, by=panitia)
    assignment_plan_visit(entry=rt08, visit_date=date(2026, 6, 13), visit_order=None, by=panitia)
    tasks = juror_tasks(juror)
    assert [t.entry for t in tasks] == [rt10, rt12, rt08, rt11]  # unplanned last
    assert [(t.visit_date, t.visit_order) for t in tasks] == [
        (date(2026, 6, 12), 1),
        (date(2026, 6, 12), 2),
        (date(2026, 6, 13), None),
        (None, None),
    ]
