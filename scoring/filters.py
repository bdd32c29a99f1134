"""The scoring app's entry filters, in the URL: the teams-and-assignments page and the matrix.

The assignment page's GET and the bulk form's POST carry the same fields, so "assign what I
see" assigns exactly the rows the filters match, on every page, not only the one shown.
The region and category filters are competitions.filters'; the team filter is this app's.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bantar.filters import ScopedFilterSet
from bantar.models import User
from competitions.filters import (
    category_filter,
    entry_search,
    kecamatan_filter,
    kelurahan_filter,
    offer_kecamatan_city_wide,
)
from competitions.models import Competition, Entry, EntryStatus
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


def filter_by_team(queryset: QuerySet[Entry], _name: str, value: str) -> QuerySet[Entry]:
    if value == UNASSIGNED:
        return queryset.filter(assignment__isnull=True)
    return queryset.filter(assignment__team_id=int(value))


def team_filter() -> django_filters.ChoiceFilter:
    """An entry's jury team, or none yet; its choices come from `offer_teams`."""
    return django_filters.ChoiceFilter(
        label=_("Tim"), method=filter_by_team, empty_label=_("Semua tim")
    )


class TeamFilterSet(ScopedFilterSet):
    """Entries filtered by region, category and jury team; the team choices are `teams`.

    A subclass declares `tim = team_filter()` where its form shows it (a field declared
    here would come first).
    """

    class Meta:
        model = Entry
        fields: list[str] = []

    def __init__(self, data: Any = None, *, teams: list[JuryTeam], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.filters["tim"].extra["choices"] = team_choices(teams)


class AssignmentFilter(TeamFilterSet):
    q = django_filters.CharFilter(label=_("Cari"), method="filter_search", max_length=100)
    kecamatan = kecamatan_filter()
    kelurahan = kelurahan_filter()
    category = category_filter()
    tim = team_filter()

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        placeholder = str(_("No. RT, kampung atau kelurahan"))
        super().__init__(data, search_placeholder=placeholder, **kwargs)

    def filter_search(self, queryset: QuerySet[Entry], name: str, value: str) -> QuerySet[Entry]:
        # The panitia may see heads of RT, but this page does not show them: no name search.
        return entry_search(queryset, value, with_contacts=False)


class MatrixFilter(TeamFilterSet):
    """The score matrix's filters, in the URL: category, kecamatan (city-wide users), team.

    The rows are the user's entries (`Entry.objects.for_user`), so no filter leads outside
    a region; the results themselves are computed over every entry first.
    """

    category = category_filter()
    kecamatan = kecamatan_filter()
    tim = team_filter()

    def __init__(self, data: Any = None, *, user: User, **kwargs: Any) -> None:
        super().__init__(data, user=user, **kwargs)
        offer_kecamatan_city_wide(self, user)
