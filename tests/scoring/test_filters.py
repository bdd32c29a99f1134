"""scoring/filters.py: the assignment page's and the matrix's filters share one definition.

The region and category filters are declared once (competitions.filters), the team filter
once (scoring.filters); each list still shows its fields in its own order, and the matrix
offers a kecamatan to city-wide users only.
"""

from __future__ import annotations

import pytest

from competitions.filters import EntryFilter
from competitions.models import Entry
from scoring.filters import UNASSIGNED, AssignmentFilter, MatrixFilter
from scoring.models import JuryTeam

pytestmark = pytest.mark.django_db


def matrix_filter(user, competition, teams, data=None) -> MatrixFilter:
    return MatrixFilter(
        data,
        queryset=Entry.objects.filter(competition=competition),
        user=user,
        competition=competition,
        teams=teams,
    )


def assignment_filter(user, competition, teams) -> AssignmentFilter:
    return AssignmentFilter(
        queryset=Entry.objects.filter(competition=competition),
        user=user,
        competition=competition,
        teams=teams,
    )


@pytest.fixture
def teams(open_competition) -> list[JuryTeam]:
    return [JuryTeam.objects.create(competition=open_competition, name="Tim Satu")]


def test_each_list_shows_its_fields_in_its_own_order(panitia, open_competition, teams):
    matrix = matrix_filter(panitia, open_competition, teams)
    assignments = assignment_filter(panitia, open_competition, teams)

    assert list(matrix.form.fields) == ["category", "kecamatan", "tim"]
    assert list(assignments.form.fields) == ["q", "kecamatan", "kelurahan", "category", "tim"]


def test_the_region_and_category_filters_read_the_same_on_every_list(
    panitia, open_competition, teams
):
    entries = EntryFilter(
        queryset=Entry.objects.filter(competition=open_competition),
        user=panitia,
        competition=open_competition,
    )
    lists = [entries, assignment_filter(panitia, open_competition, teams)]
    lists.append(matrix_filter(panitia, open_competition, teams))

    for name, label, empty in [
        ("kecamatan", "Kecamatan", "Semua kecamatan"),
        ("category", "Kategori", "Semua kategori"),
    ]:
        fields = [filters.form.fields[name] for filters in lists]
        assert {str(field.label) for field in fields} == {label}
        assert {str(field.empty_label) for field in fields} == {empty}
    assert str(entries.form.fields["kelurahan"].empty_label) == "Semua kelurahan"


def test_the_team_choices_are_the_teams_given_after_not_yet_assigned(
    panitia, open_competition, teams
):
    for filters in (
        matrix_filter(panitia, open_competition, teams),
        assignment_filter(panitia, open_competition, teams),
    ):
        choices = list(filters.form.fields["tim"].choices)
        assert choices == [
            ("", "Semua tim"),
            (UNASSIGNED, "Belum ditugaskan"),
            (str(teams[0].pk), "Tim Satu"),
        ]


def test_the_matrix_offers_a_kecamatan_to_city_wide_users_only(
    panitia, officer_paal_merah, open_competition, teams
):
    assert "kecamatan" in matrix_filter(panitia, open_competition, teams).form.fields
    officer = matrix_filter(officer_paal_merah, open_competition, teams)
    assert list(officer.form.fields) == ["category", "tim"]
