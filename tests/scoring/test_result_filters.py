"""The plenary's region, category and team filters are the entry lists' (one home each):
the same labels, empty choices and choices as the teams page, for the same user."""

from __future__ import annotations

import pytest

from competitions.models import Entry
from scoring.filters import UNASSIGNED, AssignmentFilter
from scoring.result_filters import PlenaryFilter
from scoring.services import team_create

pytestmark = pytest.mark.django_db

SHARED = ("kecamatan", "kelurahan", "category", "tim")


def offered(filters) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Each shared field's label and its choices as the form shows them."""
    form = filters.form
    return {
        name: (
            str(form.fields[name].label),
            [(str(v), str(t)) for v, t in form.fields[name].choices],
        )
        for name in SHARED
    }


def test_the_plenary_offers_the_teams_pages_region_category_and_team_choices(panitia, assessment):
    teams = [team_create(competition=assessment, name=name) for name in ("Tim A", "Tim B")]
    plenary = PlenaryFilter(None, user=panitia, competition=assessment, teams=teams)
    assignment = AssignmentFilter(
        None,
        queryset=Entry.objects.filter(competition=assessment),
        user=panitia,
        competition=assessment,
        teams=teams,
    )
    shown = offered(plenary)
    assert shown == offered(assignment)
    assert shown["tim"][1] == [
        ("", "Semua tim"),
        (UNASSIGNED, "Belum ditugaskan"),
        (str(teams[0].pk), "Tim A"),
        (str(teams[1].pk), "Tim B"),
    ]
    assert shown["kecamatan"][0] == "Kecamatan" and shown["kecamatan"][1][0] == (
        "",
        "Semua kecamatan",
    )
    assert shown["category"][1][0] == ("", "Semua kategori") and len(shown["category"][1]) > 1
