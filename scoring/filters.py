"""The filters of the teams-and-assignments page (in the URL), also the set a bulk assign takes.

The page's GET and the bulk form's POST carry the same fields, so "assign what I see" assigns
exactly the rows the filters match, on every page, not only the one shown.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bantar.filters import ScopedFilterSet
from bantar.models import User
from competitions.filters import entry_search
from competitions.models import Competition, Entry, EntryStatus, Kecamatan, Kelurahan
from scoring.models import JuryTeam

UNASSIGNED = "belum"


def verified_entries(competition: Competition) -> QuerySet[Entry]:
    """The entries the panitia assigns: verified, in region order."""
    return (
        Entry.objects.filter(competition=competition, status=EntryStatus.VERIFIED)
        .select_related("rt__kelurahan__kecamatan", "category", "assignment__team")
        .order_by("rt__kelurahan__kecamatan__code", "rt__kelurahan__code", "rt__number")
    )


def team_choices(teams: list[JuryTeam]) -> list[tuple[str, str]]:
    """The team filter's choices: not yet assigned, then each team."""
    return [
        (UNASSIGNED, str(_("Belum ditugaskan"))),
        *((str(team.pk), team.name) for team in teams),
    ]


def filter_by_team(queryset: QuerySet[Entry], value: str) -> QuerySet[Entry]:
    if value == UNASSIGNED:
        return queryset.filter(assignment__isnull=True)
    return queryset.filter(assignment__team_id=int(value))


class AssignmentFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Cari"), method="filter_search", max_length=100)
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"),
        field_name="rt__kelurahan__kecamatan",
        queryset=Kecamatan.objects.none(),
        empty_label=_("Semua kecamatan"),
    )
    kelurahan = django_filters.ModelChoiceFilter(
        label=_("Kelurahan"),
        field_name="rt__kelurahan",
        queryset=Kelurahan.objects.none(),
        empty_label=_("Semua kelurahan"),
    )
    category = django_filters.ChoiceFilter(
        label=_("Kategori"), field_name="category__code", empty_label=_("Semua kategori")
    )
    tim = django_filters.ChoiceFilter(
        label=_("Tim"), method="filter_team", empty_label=_("Semua tim")
    )

    class Meta:
        model = Entry
        fields: list[str] = []

    def __init__(
        self,
        data: Any = None,
        *,
        queryset: QuerySet[Entry],
        user: User,
        competition: Competition,
        teams: list[JuryTeam],
        **kwargs: Any,
    ) -> None:
        super().__init__(
            data,
            queryset=queryset,
            user=user,
            competition=competition,
            search_placeholder=str(_("No. RT, kampung atau kelurahan")),
            **kwargs,
        )
        self.filters["tim"].extra["choices"] = team_choices(teams)

    def filter_search(self, queryset: QuerySet[Entry], name: str, value: str) -> QuerySet[Entry]:
        # The panitia may see heads of RT, but this page does not show them: no name search.
        return entry_search(queryset, value, with_contacts=False)

    def filter_team(self, queryset: QuerySet[Entry], name: str, value: str) -> QuerySet[Entry]:
        return filter_by_team(queryset, value)
