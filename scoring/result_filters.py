"""The filters and search of the results pages (plenary, winners, rekap), in the URL.

The results are computed over every entry first (`result_selectors.result_table`); the
filters then pick which of the computed rows a page shows, so a filter never changes a
rank, a winner or a prize. Every choice comes from the user's region, and an invalid
filter (a forged kecamatan, an unknown team) shows no rows and says so, like the lists
of `competitions.filters`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from bantar.access import may
from bantar.models import User
from competitions.filters import category_filter, entry_search, kecamatan_filter, kelurahan_filter
from competitions.models import KENCANA_CODE, Competition, Entry, Kecamatan, Kelurahan
from scoring.filters import team_choices, team_filter
from scoring.models import JuryTeam
from scoring.result_selectors import ResultRow

ERROR_FILTER_INVALID = _(
    "Saringan ini tidak dapat dipakai (pilihan tidak dikenal atau di luar wilayah Anda): "
    "tidak ada RT yang ditampilkan. Perbaiki pilihan yang ditandai atau hapus saringan."
)

ERROR_KELURAHAN_ELSEWHERE = _("Kelurahan ini tidak termasuk kecamatan yang dipilih.")

# The kinds of "perlu keputusan", as they read in the URL (?perlu=...).
NEEDS_ANY = "semua"
NEEDS_INCOMPLETE = "belum-lengkap"
NEEDS_DISAGREEMENT = "beda-juri"
NEEDS_SHARED_PHOTO = "foto-sama"
NEEDS_HELD = "ditahan"
NEEDS_NEAR_PASS = "dekat-batas"
NEEDS_KINDS = (
    NEEDS_INCOMPLETE,
    NEEDS_DISAGREEMENT,
    NEEDS_SHARED_PHOTO,
    NEEDS_HELD,
    NEEDS_NEAR_PASS,
)


def near_pass_window() -> Decimal:
    """How far (in points of the final score) either side of the pass mark counts as near."""
    return Decimal(str(settings.BANTAR_NEAR_PASS_MARK))


def needs_choices() -> list[tuple[str, Any]]:
    window = str(near_pass_window().quantize(Decimal("0.01"))).replace(".", ",")
    return [
        (NEEDS_ANY, _("Semua yang perlu keputusan")),
        (NEEDS_INCOMPLETE, _("Belum lengkap / belum dinilai")),
        (NEEDS_DISAGREEMENT, _("Nilai juri berbeda 2 tingkat atau lebih")),
        (NEEDS_SHARED_PHOTO, _("Foto yang sama dengan RT lain")),
        (NEEDS_HELD, _("Ditahan (batas atau pagu, nilai sama)")),
        (NEEDS_NEAR_PASS, _("Dekat batas lulus (± %(window)s)") % {"window": window}),
    ]


def needs_short() -> dict[str, Any]:
    """The badge of each kind on a row of the plenary (the long label is its title)."""
    return {
        NEEDS_INCOMPLETE: _("Belum lengkap"),
        NEEDS_DISAGREEMENT: _("Beda juri"),
        NEEDS_SHARED_PHOTO: _("Foto sama"),
        NEEDS_HELD: _("Ditahan"),
        NEEDS_NEAR_PASS: _("Dekat batas lulus"),
    }


@dataclass(frozen=True)
class Concerns:
    """Why rows need the committee's decision: the facts the page has computed already."""

    pass_mark: Decimal
    pass_marks: dict[str, Decimal] = field(default_factory=dict)  # a category's own mark
    disagreement: frozenset[int] = frozenset()  # entry ids with jurors 2+ levels apart
    shared_photo: frozenset[int] = frozenset()  # entry ids whose photo another RT also used

    @classmethod
    def of(
        cls, competition: Competition, disagreement: Iterable[int], shared_photo: Iterable[int]
    ) -> Concerns:
        marks = {}
        if competition.kencana_pass_mark is not None:
            marks[KENCANA_CODE] = competition.kencana_pass_mark
        return cls(competition.pass_mark, marks, frozenset(disagreement), frozenset(shared_photo))

    def kinds(self, row: ResultRow) -> list[str]:
        """The kinds of decision this row needs, in NEEDS_KINDS order (empty: none)."""
        found = []
        if not row.complete or not row.scored:
            found.append(NEEDS_INCOMPLETE)
        if row.entry.pk in self.disagreement:
            found.append(NEEDS_DISAGREEMENT)
        if row.entry.pk in self.shared_photo:
            found.append(NEEDS_SHARED_PHOTO)
        if row.undecided:
            found.append(NEEDS_HELD)
        mark = self.pass_marks.get(row.category, self.pass_mark)
        if row.scored and abs(row.final - mark) <= near_pass_window():
            found.append(NEEDS_NEAR_PASS)
        return found

    def counts(self, rows: Iterable[ResultRow]) -> Counter[str]:
        """How many rows have each kind, and (NEEDS_ANY) how many have any."""
        counted: Counter[str] = Counter()
        for row in rows:
            kinds = self.kinds(row)
            counted.update(kinds)
            if kinds:
                counted[NEEDS_ANY] += 1
        return counted

    def matches(self, row: ResultRow, kind: str) -> bool:
        kinds = self.kinds(row)
        return bool(kinds) if kind == NEEDS_ANY else kind in kinds


class KelurahanSelect(forms.Select):
    """Each kelurahan option says its kecamatan, so the choice can follow the kecamatan
    (static/js/region-filter.js hides the others when a kecamatan is chosen)."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        instance = getattr(option["value"], "instance", None)
        if isinstance(instance, Kelurahan):
            option["attrs"]["data-kecamatan"] = str(instance.kecamatan_id)
        return option


class ResultFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kecamatan, kelurahan = data.get("kecamatan"), data.get("kelurahan")
        if (
            kecamatan is not None
            and kelurahan is not None
            and kelurahan.kecamatan_id != kecamatan.pk
        ):
            self.add_error("kelurahan", ERROR_KELURAHAN_ELSEWHERE)
        return data


def _keep(queryset: QuerySet[Entry], _name: str, _value: object) -> QuerySet[Entry]:
    return queryset  # applied to the computed rows (ResultFilter.rows), not to the query


class ResultFilter(django_filters.FilterSet):
    """Region and category of result rows: the winners and rekap pages, and the plenary's base."""

    # The entry lists' region and category filters (competitions.filters), applied to the
    # computed rows instead of the query.
    kecamatan = kecamatan_filter(method=_keep)
    kelurahan = kelurahan_filter(method=_keep, widget=KelurahanSelect)
    category = category_filter(method=_keep)

    class Meta:
        model = Entry
        fields: list[str] = []
        form = ResultFilterForm

    # The fields this page offers; the others are dropped in __init__.
    fields_offered: Sequence[str] = ("kecamatan", "kelurahan", "category")

    def __init__(
        self,
        data: Any = None,
        *,
        user: User,
        competition: Competition,
        fields_offered: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        queryset = Entry.objects.filter(competition=competition)
        super().__init__(data, queryset=queryset, **kwargs)
        self.user = user
        self.competition = competition
        for name in list(self.filters):
            if name not in (fields_offered or self.fields_offered):
                del self.filters[name]
        kecamatan = Kecamatan.objects.for_user(user).order_by("code")
        if "kecamatan" in self.filters:
            self.filters["kecamatan"].queryset = kecamatan
        if "kelurahan" in self.filters:
            # Every kelurahan of the scope is an option (the browser hides those of other
            # kecamatan); a pair that does not belong together is refused by the form.
            self.filters["kelurahan"].queryset = Kelurahan.objects.for_user(user).order_by(
                "kecamatan__code", "code"
            )
        if "category" in self.filters:
            self.filters["category"].extra["choices"] = [
                (category.code, category.name) for category in competition.size_categories.all()
            ]

    @property
    def invalid(self) -> bool:
        return self.is_bound and not self.form.is_valid()

    def chosen(self, name: str) -> Any:
        if not self.is_bound or not self.form.is_valid():
            return None
        return self.form.cleaned_data.get(name)

    def active(self) -> bool:
        """Whether any filter narrows the rows."""
        return self.invalid or any(self.chosen(name) for name in self.filters)

    def rows(self, rows: Iterable[ResultRow]) -> list[ResultRow]:
        """The computed rows the filters match, in their order; none when a filter is invalid."""
        if self.invalid:
            return []
        kecamatan, kelurahan = self.chosen("kecamatan"), self.chosen("kelurahan")
        category = self.chosen("category")
        return [
            row
            for row in rows
            if (kecamatan is None or row.entry.rt.kelurahan.kecamatan_id == kecamatan.pk)
            and (kelurahan is None or row.entry.rt.kelurahan.pk == kelurahan.pk)
            and (not category or row.category == category)
        ]

    def described(self) -> str:
        """The filters in force, in words ("Kecamatan: Paal Merah; Kategori: Besar")."""
        parts = []
        for name in self.filters:
            value = self.chosen(name)
            if not value:
                continue
            formfield = self.form.fields[name]
            if isinstance(value, models.Model):
                shown = str(value)
            else:
                shown = str(dict(getattr(formfield, "choices", ())).get(value, value))
            parts.append(f"{formfield.label}: {shown}")
        return "; ".join(parts)


class PlenaryFilter(ResultFilter):
    """The plenary: region, category, team, "perlu keputusan" and the search box."""

    q = django_filters.CharFilter(label=_("Cari"), method="filter_search", max_length=100)
    tim = team_filter()
    perlu = django_filters.ChoiceFilter(
        label=_("Perlu keputusan"), empty_label=_("Semua RT"), method=_keep
    )

    fields_offered = ("q", "kecamatan", "kelurahan", "category", "tim", "perlu")

    def __init__(
        self,
        data: Any = None,
        *,
        teams: Sequence[JuryTeam],
        counts: Mapping[str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.with_contacts = may(self.user, "scoring.see_contacts")
        self.filters["tim"].extra["choices"] = team_choices(list(teams))
        labels = needs_choices()
        if counts is not None:  # how many RTs of the whole table each choice would show
            labels = [(kind, f"{label} ({counts.get(kind, 0)})") for kind, label in labels]
        self.filters["perlu"].extra["choices"] = labels
        placeholder = (
            _("No. RT, kampung, kelurahan atau ketua RT")
            if self.with_contacts
            else _("No. RT, kampung atau kelurahan")
        )
        self.filters["q"].field.widget.attrs.update(placeholder=str(placeholder), type="search")

    def filter_search(self, queryset: QuerySet[Entry], name: str, value: str) -> QuerySet[Entry]:
        # Without `scoring.see_contacts` the head of RT is not searched: a typed name must
        # not tell which rows are that person's, though the page never shows the name.
        return entry_search(queryset, value, with_contacts=self.with_contacts)

    def plenary_rows(self, rows: Iterable[ResultRow], concerns: Concerns) -> list[ResultRow]:
        """`rows` narrowed by every filter: region and category on the rows, the search and
        the team in one query for the matching entry ids, "perlu keputusan" by `concerns`."""
        found = self.rows(rows)
        if self.chosen("q") or self.chosen("tim"):
            ids = set(self.qs.order_by().values_list("pk", flat=True))
            found = [row for row in found if row.entry.pk in ids]
        kind = self.chosen("perlu")
        if kind:
            found = [row for row in found if concerns.matches(row, kind)]
        return found


def plenary_query(text: str) -> str:
    """The plenary's filters and page from a query string, re-encoded with only their names
    (the explain page's link back keeps the committee's view, and nothing else)."""
    given = QueryDict(text[:1000])
    kept = QueryDict(mutable=True)
    for name in (*PlenaryFilter.fields_offered, "halaman"):
        value = given.get(name)
        if value:
            kept[name] = value[:100]
    return kept.urlencode()
