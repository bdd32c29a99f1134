"""Reads for the public pages: published results only, nothing personal.

Heads of RT, phone numbers and jurors' names stay off these pages; an RT sees
its pillar and indicator scores so it knows what to improve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from bantar.filters import ScopedFilterSet
from bantar.models import User
from competitions.filters import (
    RT_NUMBER,
    category_filter,
    kecamatan_filter,
    kelurahan_filter,
    search_terms,
)
from competitions.models import (
    RT,
    Competition,
    CompetitionStatus,
    Kecamatan,
    Kelurahan,
)
from indicators.models import Indicator, Pillar
from scoring import result_cache
from scoring.models import Result, ResultSet
from scoring.reports import (
    KelurahanRekapRow,
    active_kelurahan,
    earlier_published,
    kelurahan_rows,
    proposed_per_kelurahan,
)
from scoring.result_selectors import frozen_indicators

BAR_STEP = 28  # px between bars
# The name of the kept WinnerFigures; result_cache's code digest does not cover this module,
# so a change to WinnerFigures or to how it is counted takes a new number.
FIGURES_KEY = "public-winners-1"
# Kencana (issue 15) in gold: the category of RTs that won three years in a row.
CATEGORY_COLOURS = {
    "besar": "#146c43",
    "sedang": "#0d6efd",
    "kecil": "#fd7e14",
    "kencana": "#b8860b",
}


def published_competitions() -> QuerySet[Competition]:
    """The published contests, newest first: the public results, the documents' home links.

    A coaching re-visit round is carried by a competition of its own (coaching.RevisitRound,
    its one-to-one `competition`, reverse name "revisit"); it ranks nobody and awards nothing,
    so it is no contest here. The link itself says so (no `kind` field that could disagree
    with it); the juror still finds the round on the competition list and the scoring pages."""
    return Competition.objects.filter(
        status=CompetitionStatus.PUBLISHED, revisit__isnull=True
    ).order_by("-year", "-period")


def published_result_set(competition: Competition) -> ResultSet | None:
    """The frozen results the public sees: the current set, once published (never changed)."""
    if competition.status != CompetitionStatus.PUBLISHED:
        return None
    return (
        ResultSet.objects.current()
        .filter(competition=competition, published_at__isnull=False)
        .order_by("-published_at")
        .first()
    )


def category_order(competition: Competition) -> list[tuple[str, str]]:
    """(code, name) of the competition's size categories, largest households first."""
    return list(competition.size_categories.order_by("-min_kk").values_list("code", "name"))


def winner_rows(result_set: ResultSet, codes: list[str]) -> QuerySet[Result]:
    """The winners of a frozen set, by category (in `codes` order) then rank, in SQL: a page
    of them is one LIMIT/OFFSET query, whatever the size of the city."""
    position = Case(
        *(When(category_code=code, then=Value(index)) for index, code in enumerate(codes)),
        default=Value(len(codes)),
        output_field=IntegerField(),
    )
    return (
        Result.objects.filter(result_set=result_set, is_winner=True)
        .select_related("entry__rt__kelurahan__kecamatan")
        # The explanation and the pillar scores are the RT page's, not this list's.
        .only(
            "category_code",
            "final",
            "rank",
            "prize",
            "entry__kampung_name",
            "entry__rt__number",
            "entry__rt__kelurahan__name",
            "entry__rt__kelurahan__kecamatan__name",
        )
        .annotate(category_position=position)
        .order_by("category_position", "rank", "entry__rt__kelurahan__code", "entry__rt__number")
    )


@dataclass(frozen=True)
class CategorySummary:
    code: str
    name: str
    winners: int
    prize: int


def category_summary(
    result_set: ResultSet, categories: list[tuple[str, str]]
) -> list[CategorySummary]:
    """Winners and prize money per category: one grouped query over the frozen set."""
    counted = {
        row["category_code"]: row
        for row in Result.objects.filter(result_set=result_set, is_winner=True)
        .values("category_code")
        .annotate(n=Count("pk"), prize=Sum("prize"))
        .order_by()
    }
    return [
        CategorySummary(code, name, counted[code]["n"], counted[code]["prize"] or 0)
        for code, name in categories
        if code in counted
    ]


def _search_winners(results: QuerySet[Result], text: str) -> QuerySet[Result]:
    """Each number must be the RT number, each word the kampung or the kelurahan; the head
    of RT is never searched on a public page (a name typed in must tell nothing)."""
    for term in search_terms(text):
        number = RT_NUMBER.match(term)
        if number:
            results = results.filter(entry__rt__number=int(number.group(1)))
            continue
        results = results.filter(
            Q(entry__kampung_name__icontains=term)
            | Q(entry__rt__name_kampung__icontains=term)
            | Q(entry__rt__kelurahan__name__icontains=term)
        )
    return results


class WinnerFilter(ScopedFilterSet):
    """The public winners list: category, kecamatan, kelurahan, and a search by kampung or RT.

    A visitor has no region, so every kecamatan and kelurahan of the city is a choice
    (ScopedFilterSet would offer an anonymous user none)."""

    q = django_filters.CharFilter(label=_("Cari"), method="filter_search", max_length=100)
    category = category_filter(field_name="category_code")
    kecamatan = kecamatan_filter(field_name="entry__rt__kelurahan__kecamatan")
    kelurahan = kelurahan_filter(field_name="entry__rt__kelurahan")

    class Meta:
        model = Result
        fields: list[str] = []

    def __init__(
        self,
        data: Any = None,
        *,
        queryset: QuerySet[Result],
        user: User,
        competition: Competition,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            data,
            queryset=queryset,
            user=user,
            competition=competition,
            search_placeholder=str(_("Kampung, kelurahan atau RT")),
            **kwargs,
        )
        # Published winners are public: the whole city, not the visitor's (empty) scope.
        self.filters["kecamatan"].queryset = Kecamatan.objects.order_by("code")
        self.filters["kelurahan"].queryset = (
            Kelurahan.objects.active_in(competition.year)
            .select_related("kecamatan")
            .order_by("code")
        )

    def filter_search(self, queryset: QuerySet[Result], name: str, value: str) -> QuerySet[Result]:
        return _search_winners(queryset, value)


def public_bantar_kelurahan(
    competition: Competition, result_set: ResultSet
) -> list[KelurahanRekapRow]:
    """The Kelurahan BANTAR of `scoring.reports.bantar_kelurahan`, counted in SQL over the
    frozen set (four grouped queries, whatever the number of entries): the RTs holding the
    predicate are the winners of this set and of earlier published competitions."""
    threshold = competition.bantar_kelurahan_share
    if threshold is None:
        return []
    winners = dict(
        Result.objects.filter(result_set=result_set, is_winner=True)
        .values_list("entry__rt__kelurahan_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    held = dict(
        Result.objects.filter(
            Q(result_set=result_set) | earlier_published(competition), is_winner=True
        )
        .values_list("entry__rt__kelurahan_id")
        .annotate(n=Count("entry__rt_id", distinct=True))
        .order_by()
    )
    rows = kelurahan_rows(
        active_kelurahan(competition),
        proposed_per_kelurahan(competition),
        winners,
        held,
        threshold,
    )
    return [row for row in rows if row.is_bantar]


@dataclass(frozen=True)
class Segment:
    category: str
    count: int
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class Bar:
    kecamatan: str
    y: int
    segments: list[Segment]
    total: int

    @property
    def end(self) -> float:
        return sum(segment.width for segment in self.segments)


def chart_counts(result_set: ResultSet) -> dict[tuple[int, str], int]:
    """Winners per (kecamatan id, category code) of a frozen set: one grouped query."""
    return {
        (kecamatan_id, code): n
        for kecamatan_id, code, n in Result.objects.filter(result_set=result_set, is_winner=True)
        .values_list("entry__rt__kelurahan__kecamatan", "category_code")
        .annotate(n=Count("pk"))
        .order_by()
    }


@dataclass(frozen=True)
class WinnerFigures:
    """What the public page counts over every winner: the summary and the chart."""

    summary: list[CategorySummary]
    chart: dict[tuple[int, str], int]


def winner_figures(
    competition: Competition, result_set: ResultSet, categories: list[tuple[str, str]]
) -> WinnerFigures:
    """The counts of the page, kept between requests (scoring.result_cache, 2 queries when
    kept): each grouped query reads every winner of the set, which at 10x city scale costs
    more than the rest of the page; a published set never changes, and a new set (a
    correction) or a region's new name gives the competition a new data version."""
    return result_cache.cached(
        FIGURES_KEY,
        competition,
        lambda: WinnerFigures(category_summary(result_set, categories), chart_counts(result_set)),
    )


class CountedRows:
    """Rows whose total is known already (the kept summary), so the paginator reads only
    the page's rows (LIMIT/OFFSET) and no COUNT over every winner."""

    ordered = True  # the paginator's check: the queryset is ordered

    def __init__(self, rows: QuerySet[Result], sizes: list[tuple[str, int]]) -> None:
        self.rows = rows
        self.sizes = sizes  # (category code, winners) in the list's order
        self.total = sum(n for _code, n in sizes)

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index: slice) -> QuerySet[Result]:
        # The list is by category first: a page reads only the categories it overlaps, so
        # the database joins and sorts a category's winners, not the whole city's.
        bottom, top = index.start or 0, index.stop if index.stop is not None else self.total
        start, codes, first = 0, [], None
        for code, n in self.sizes:
            if start < top and start + n > bottom:
                codes.append(code)
                first = start if first is None else first
            start += n
        if first is None:
            return self.rows.none()
        return self.rows.filter(category_code__in=codes)[bottom - first : top - first]


def counted_winners(filters: WinnerFilter, summary: list[CategorySummary]) -> Any:
    """The filtered rows; their total from the summary when only a category narrows them
    (the page as most visitors open it), else a COUNT of the matching rows."""
    rows = filters.qs
    if filters.is_bound and not filters.form.is_valid():
        return rows  # none(): counted without a query
    chosen = filters.form.cleaned_data if filters.is_bound else {}
    if chosen.get("q") or chosen.get("kecamatan") or chosen.get("kelurahan"):
        return rows
    category = chosen.get("category")
    sizes = [(i.code, i.winners) for i in summary if not category or i.code == category]
    return CountedRows(rows, sizes)


def winners_chart(
    counts: dict[tuple[int, str], int],
    categories: list[tuple[str, str]],
    *,
    width: float = 420,
) -> tuple[list[Bar], list[tuple[str, str, str]]]:
    """Stacked bars of winners per kecamatan by category, as SVG geometry."""
    kecamatan = list(Kecamatan.objects.order_by("code"))
    totals = {k.pk: sum(counts.get((k.pk, code), 0) for code, _n in categories) for k in kecamatan}
    most = max(totals.values(), default=0) or 1
    bars = []
    for index, item in enumerate(kecamatan):
        x, segments = 0.0, []
        for code, name in categories:
            n = counts.get((item.pk, code), 0)
            segments.append(
                Segment(
                    name,
                    n,
                    round(x, 1),
                    round(width * n / most, 1),
                    CATEGORY_COLOURS.get(code, "#6c757d"),
                )
            )
            x += width * n / most
        bars.append(Bar(item.name, index * BAR_STEP, segments, totals[item.pk]))
    legend = [(name, CATEGORY_COLOURS.get(code, "#6c757d"), code) for code, name in categories]
    return bars, legend


@dataclass(frozen=True)
class RTYear:
    competition: Competition
    result: Result
    weakest: list[dict[str, Any]]
    # (code, name, score) of the competition's instrument's pillars, in its order (issue 14).
    pillars: list[tuple[str, str, Decimal]] = field(default_factory=list)


def rt_history(rt: RT) -> list[RTYear]:
    """Every published result of the RT, newest first, with its weakest indicators."""
    # Codes are unique per instrument only: texts and pillars by (instrument, code).
    texts: dict[tuple[int | None, str], str] = {
        (owner, code): text
        for owner, code, text in Indicator.objects.values_list("instrument_id", "code", "text")
    }
    pillars: dict[int | None, list[tuple[str, str]]] = {}
    for owner, code, name in Pillar.objects.order_by("instrument_id", "order").values_list(
        "instrument_id", "code", "name"
    ):
        pillars.setdefault(owner, []).append((code, name))
    results = (
        Result.objects.filter(
            entry__rt=rt,
            result_set__superseded_at__isnull=True,
            result_set__published_at__isnull=False,
            result_set__competition__status=CompetitionStatus.PUBLISHED,
        )
        .select_related("result_set__competition", "entry__category")
        .order_by("-result_set__competition__year", "-result_set__competition__period")
    )
    history = []
    for result in results:
        instrument = result.result_set.competition.instrument_id
        indicators = [
            {
                **indicator,
                "pillar": pillar["code"],
                "text": texts.get((instrument, indicator["code"]), ""),
                "value": Decimal(indicator["mean"]),
            }
            for pillar in result.explanation.get("pillars", [])
            for indicator in frozen_indicators(pillar)  # every stored shape
            if indicator.get("mean")
        ]
        weakest = sorted(indicators, key=lambda item: (item["value"], item["code"]))[:3]
        scores = [
            (code, name, result.pillar_score(code)) for code, name in pillars.get(instrument, [])
        ]
        history.append(RTYear(result.result_set.competition, result, weakest, scores))
    return history
