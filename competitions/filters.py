"""The filters and search of the long entry lists, in the URL (a view can be bookmarked).

The choices come from the user's scope (bantar.filters.ScopedFilterSet) and the rows from
`Entry.objects.for_user`, so no filter leads outside a region.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bantar.access import may
from bantar.filters import ScopedFilterSet
from bantar.filters import page_of as page_of  # its home is bantar.filters; kept for callers
from bantar.models import User
from competitions.models import Competition, Entry, EntryStatus, Kecamatan, Kelurahan

# "RT 5", "RT05", "rt.7" or a bare "5": a search term that names an RT number.
RT_NUMBER = re.compile(r"^(?:rt\.?)?0*(\d{1,3})$", re.IGNORECASE)


def search_terms(text: str) -> list[str]:
    """The words of a search; "RT 5" is one term (the number), not "RT" and "5"."""
    words = re.findall(r"[\w.]+", text or "")
    terms = []
    for word in words:
        if word.lower().rstrip(".") == "rt":
            continue
        terms.append(word)
    return terms[:8]  # a pasted paragraph must not become a query of a hundred ORs


def entry_search(entries: QuerySet[Entry], text: str, *, with_contacts: bool) -> QuerySet[Entry]:
    """Each number must be the RT number, each word the kampung, kelurahan or head of RT.

    Without `scoring.see_contacts` the head of RT is not searched at all, so a name
    typed into the box cannot tell which rows belong to that person.
    """
    for term in search_terms(text):
        number = RT_NUMBER.match(term)
        if number:
            # A number is an RT number: "RT 1" must not also find every "Jalan 17".
            entries = entries.filter(rt__number=int(number.group(1)))
            continue
        match = (
            Q(kampung_name__icontains=term)
            | Q(rt__name_kampung__icontains=term)
            | Q(rt__kelurahan__name__icontains=term)
        )
        if with_contacts:
            match |= Q(ketua_rt__icontains=term)
        entries = entries.filter(match)
    return entries


# The region and category filters of every list of entries, declared here once: a FilterSet
# names them (`kecamatan = kecamatan_filter()`) in the order its form shows them, and
# ScopedFilterSet fills their choices from the user's scope and the competition.


def kecamatan_filter(**options: Any) -> django_filters.ModelChoiceFilter:
    """An entry's kecamatan; `options` (e.g. a `method`) override the defaults."""
    return django_filters.ModelChoiceFilter(
        **{
            "label": _("Kecamatan"),
            "field_name": "rt__kelurahan__kecamatan",
            "queryset": Kecamatan.objects.none(),
            "empty_label": _("Semua kecamatan"),
            **options,
        }
    )


def kelurahan_filter(**options: Any) -> django_filters.ModelChoiceFilter:
    """An entry's kelurahan; `options` override the defaults."""
    return django_filters.ModelChoiceFilter(
        **{
            "label": _("Kelurahan"),
            "field_name": "rt__kelurahan",
            "queryset": Kelurahan.objects.none(),
            "empty_label": _("Semua kelurahan"),
            **options,
        }
    )


def category_filter(**options: Any) -> django_filters.ChoiceFilter:
    """An entry's size category, by code; `options` override the defaults."""
    return django_filters.ChoiceFilter(
        **{
            "label": _("Kategori"),
            "field_name": "category__code",
            "empty_label": _("Semua kategori"),
            **options,
        }
    )


def offer_kecamatan_city_wide(filters: django_filters.FilterSet, user: User) -> None:
    """Only city-wide users choose a kecamatan: an officer's rows are one kecamatan at most."""
    if not user.is_city_wide:
        filters.filters.pop("kecamatan", None)


class EntryFilter(ScopedFilterSet):
    """The participants list and the verification queue: status, region, category, search."""

    q = django_filters.CharFilter(label=_("Cari"), method="filter_search", max_length=100)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=EntryStatus.choices, empty_label=_("Semua status")
    )
    kecamatan = kecamatan_filter()
    kelurahan = kelurahan_filter()
    category = category_filter()

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
        **kwargs: Any,
    ) -> None:
        self.with_contacts = may(user, "scoring.see_contacts")
        super().__init__(
            data,
            queryset=queryset,
            user=user,
            competition=competition,
            search_placeholder=self.search_placeholder(),
            **kwargs,
        )
        offer_kecamatan_city_wide(self, user)

    def search_placeholder(self) -> str:
        if self.with_contacts:
            return str(_("No. RT, kampung, kelurahan atau ketua RT"))
        return str(_("No. RT, kampung atau kelurahan"))

    def filter_search(self, queryset: QuerySet[Entry], name: str, value: str) -> QuerySet[Entry]:
        return entry_search(queryset, value, with_contacts=self.with_contacts)
