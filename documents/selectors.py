"""Reads for the printed documents, each in a fixed number of queries.

The rows come from the same result tables as the plenary, the lists and the public
pages (`scoring.result_selectors`): a document never counts differently from them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import overload

from django.db.models import Count, QuerySet

from bantar.models import User
from competitions.models import RT, Competition, CompetitionStatus, Entry
from documents.certificates import certificate_code, result_pk_for
from indicators.selectors import indicators_of, levels_of, pillars_of
from scoring import result_cache
from scoring.models import Result, ResultSet
from scoring.result_selectors import ResultRow, ResultTable, score_breakdown


def category_names(competition: Competition) -> dict[str, str]:
    return dict(competition.size_categories.values_list("code", "name"))


@dataclass(frozen=True)
class Certificate:
    row: ResultRow
    category: str
    code: str


def certificates(
    competition: Competition, table: ResultTable, *, entry_pk: int | None = None
) -> list[Certificate]:
    """One piagam per winner of the frozen results, in the order of the Lampiran SK."""
    names = category_names(competition)
    return [
        Certificate(row, names[code], certificate_code(row.frozen_result))
        for code, rows in table.by_category()
        for row in rows
        if row.is_winner
        and row.frozen_result is not None
        and (entry_pk is None or row.entry.pk == entry_pk)
    ]


def published_results() -> QuerySet[Result]:
    """Results the public may see: the current set of a published competition."""
    return Result.objects.filter(
        result_set__superseded_at__isnull=True,
        result_set__published_at__isnull=False,
        result_set__competition__status=CompetitionStatus.PUBLISHED,
    )


def verified_certificate(code: str) -> Result | None:
    """The published winning result a piagam's code stands for, or None (a wrong code)."""
    pk = result_pk_for(code)
    if pk is None:
        return None
    return (
        published_results()
        .filter(pk=pk, is_winner=True)
        .select_related(
            "entry__rt__kelurahan__kecamatan", "entry__category", "result_set__competition"
        )
        .first()
    )


@dataclass(frozen=True)
class IndicatorLine:
    code: str
    text: str
    mean: Decimal | None
    next_level: int | None  # None at the top of the scale
    next_descriptor: str


@dataclass(frozen=True)
class PillarLine:
    name: str
    score: Decimal
    indicators: list[IndicatorLine]


@dataclass(frozen=True)
class HistoryLine:
    title: str
    category: str
    final: Decimal
    rank: int
    is_winner: bool


@dataclass
class Rapor:
    row: ResultRow
    category: str
    pillars: list[PillarLine]
    history: list[HistoryLine] = field(default_factory=list)


def next_level(mean: Decimal | None, scale_max: int) -> int | None:
    """The first whole level above the mean (3.50 -> 4, 4.00 -> 5), None at the top."""
    if mean is None:
        return None
    level = int(mean.to_integral_value(rounding=ROUND_FLOOR)) + 1
    return level if level <= scale_max else None


def rapor(competition: Competition, table: ResultTable, entries: list[int]) -> list[Rapor]:
    """Each entry's report card: pillars, indicator levels and the next level's descriptor,
    and the RT's published history. Six queries, however many entries."""
    rows = {row.entry.pk: row for row in table.rows if row.entry.pk in set(entries)}
    breakdown = score_breakdown(competition, table)
    # The competition's instrument's pillars, indicators and descriptors (issue 14).
    instrument = competition.instrument_id
    indicators = list(indicators_of(instrument))
    pillars = pillars_of(instrument)
    descriptors = dict(
        ((pk, value), text)
        for pk, value, text in levels_of(instrument).values_list(
            "indicator_id", "value", "descriptor"
        )
    )
    history = _histories({row.entry.rt.pk for row in rows.values()})
    names = category_names(competition)
    cards = []
    for row in sorted(rows.values(), key=_place):
        means = breakdown.get(row.entry.pk, ({}, {}))[1]
        lines = []
        for pillar in pillars:
            items = []
            for indicator in (i for i in indicators if i.pillar_id == pillar.pk):
                mean = means.get(indicator.code)
                level = next_level(mean, competition.scale_max)
                text = descriptors.get((indicator.pk, level), "") if level else ""
                items.append(IndicatorLine(indicator.code, indicator.text, mean, level, text))
            score = row.pillars.get(pillar.code, Decimal(0))
            lines.append(PillarLine(pillar.name, score, items))
        cards.append(Rapor(row, names[row.category], lines, history.get(row.entry.rt.pk, [])))
    return cards


def _place(row: ResultRow) -> tuple[str, int]:
    return (row.entry.rt.kelurahan.code, row.entry.rt.number)


def _histories(rt_ids: set[int]) -> dict[int, list[HistoryLine]]:
    """RT -> its published results over the years, oldest first (one query)."""
    found: dict[int, list[HistoryLine]] = defaultdict(list)
    results = (
        published_results()
        .filter(entry__rt__in=rt_ids)
        .order_by("result_set__competition__year", "result_set__competition__period")
        .values_list(
            "entry__rt_id",
            "result_set__competition__title",
            "entry__category__name",
            "final",
            "rank",
            "is_winner",
        )
    )
    for rt, title, category, final, rank, winner in results:
        found[rt].append(HistoryLine(title, category, final, rank, winner))
    return found


def kecamatan_counts(table: ResultTable) -> list[tuple[int, str, int]]:
    """(id, name, entries) of each kecamatan in the table, in code order."""
    counts: dict[tuple[str, int, str], int] = defaultdict(int)
    for row in table.rows:
        kecamatan = row.entry.rt.kelurahan.kecamatan
        counts[(kecamatan.code, kecamatan.pk, kecamatan.name)] += 1
    return [(pk, name, n) for (_code, pk, name), n in sorted(counts.items())]


def frozen_result_set(competition: Competition) -> ResultSet | None:
    """The results the documents print once final (as `result_table` reads them), else None."""
    if competition.status not in (CompetitionStatus.FINAL, CompetitionStatus.PUBLISHED):
        return None
    return ResultSet.objects.current().filter(competition=competition).first()


def document_rows(user: User, result_set: ResultSet) -> QuerySet[Result]:
    """The frozen results of the entries the user may see, in region order, for one page.

    Read, counted and paged in SQL, so the documents page costs the same for a city of
    16,500 RTs as for 1,650 (the whole table is built only by the PDFs that print it all).
    """
    results = Result.objects.filter(result_set=result_set)
    if not user.is_city_wide:  # as result_table_for: the city sees every entry of the set
        # (for the city the subquery of every entry would drive each page's query: SQLite
        # then looked each result up by entry, 16,500 at 10x, before reading a kelurahan's)
        visible = Entry.objects.for_user(user).filter(competition_id=result_set.competition_id)
        results = results.filter(entry__in=visible)
    return (
        results.select_related("entry__rt__kelurahan__kecamatan")
        .only(
            "final",
            "is_winner",
            "entry__kampung_name",
            "entry__rt__number",
            "entry__rt__kelurahan__name",
            "entry__rt__kelurahan__code",
            "entry__rt__kelurahan__kecamatan__name",
            "entry__rt__kelurahan__kecamatan__code",
        )
        .order_by(
            "entry__rt__kelurahan__kecamatan__code",
            "entry__rt__kelurahan__code",
            "entry__rt__number",
        )
    )


def row_kelurahan_counts(rows: QuerySet[Result]) -> list[tuple[int, str, int, int]]:
    """(kecamatan id, kecamatan name, kelurahan id, results) per kelurahan of `rows`, in
    the rows' order (kecamatan code, kelurahan code; one query)."""
    kelurahan = "entry__rt__kelurahan"
    counted = (
        rows.order_by()
        .values_list(
            f"{kelurahan}__kecamatan_id",
            f"{kelurahan}__kecamatan__name",
            f"{kelurahan}__pk",
            f"{kelurahan}__kecamatan__code",
            f"{kelurahan}__code",
        )
        .annotate(n=Count("pk"))
        .order_by(f"{kelurahan}__kecamatan__code", f"{kelurahan}__code")
    )
    return [(kec, name, pk, n) for kec, name, pk, _kec_code, _code, n in counted]


def kecamatan_totals(counts: list[tuple[int, str, int, int]]) -> list[tuple[int, str, int]]:
    """(id, name, results) per kecamatan from `row_kelurahan_counts`, in its order."""
    totals: dict[tuple[int, str], int] = {}
    for kecamatan, name, _kelurahan, n in counts:
        totals[(kecamatan, name)] = totals.get((kecamatan, name), 0) + n
    return [(pk, name, n) for (pk, name), n in totals.items()]


def kept_kelurahan_counts(
    user: User, competition: Competition, result_set: ResultSet, rows: QuerySet[Result]
) -> list[tuple[int, str, int, int]]:
    """`row_kelurahan_counts(rows)` (rows: `document_rows(user, result_set)`), kept per
    viewer and result set under the competition's data version (2 queries when kept).

    A frozen set's results never change; which entries the user sees and in which region
    they lie change only by writes that renew the version (entries, RTs, region names).
    """
    return result_cache.cached(
        f"documents-kelurahan:{result_cache.viewer(user)}:{result_set.pk}",
        competition,
        lambda: row_kelurahan_counts(rows),
    )


class RegionPages(Sequence[Result]):
    """`document_rows` with their counts per kelurahan known: a page reads only the
    kelurahan it overlaps (their offsets are the counts before them), so the database sorts
    a few kelurahan's results for a page, not the city's, and no COUNT runs."""

    def __init__(
        self, rows: QuerySet[Result], counts: list[tuple[int, str, int, int]], competition_id: int
    ) -> None:
        self.rows = rows
        self.competition_id = competition_id
        self.counts = counts  # in the rows' order: kecamatan code, kelurahan code

    def __len__(self) -> int:
        return sum(item[3] for item in self.counts)

    @overload
    def __getitem__(self, index: int) -> Result: ...
    @overload
    def __getitem__(self, index: slice) -> list[Result]: ...
    def __getitem__(self, index: int | slice) -> Result | list[Result]:
        if isinstance(index, int):
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop = index.start or 0, len(self) if index.stop is None else index.stop
        wanted: list[int] = []
        first = 0  # where the first kelurahan wanted begins among all rows
        offset = 0
        for _kecamatan, _name, kelurahan, n in self.counts:
            if offset < stop and offset + n > start:
                if not wanted:
                    first = offset
                wanted.append(kelurahan)
            offset += n
        if not wanted or stop <= start:
            return []
        # Nested IN lists, so that the database walks the indexes from the kelurahan: their
        # RTs, those RTs' entries of the competition, those entries' results. Joined, SQLite
        # read every result of the set (16,500 at 10x) to find a kelurahan's.
        rts = RT.objects.filter(kelurahan_id__in=wanted).values("pk")
        entries = Entry.objects.filter(competition_id=self.competition_id, rt__in=rts)
        overlapped = self.rows.filter(entry__in=entries.values("pk"))
        return list(overlapped[start - first : stop - first])
