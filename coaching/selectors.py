"""The coaching view's figures (pembinaan): where an area's RTs stand after the award.

Only published results count: the current (not superseded) result set of a competition in
the published stage. The area is the user's, through `RT.objects.for_user`, as everywhere.
A fixed number of queries whatever the size of the city: the area's RTs, the published
editions, their results in the area (without the explanations), the weakest indicators' sums
from the cache, the indicators, the user's region name. The weakest indicators come
from the frozen explanations (3 KB of JSON a result): decoding them in Python took 2 of the
3 s of the city's page, summing them in SQL still 0.3 s at city scale and ten times that at
10x (issue 19). A published result set never changes (a correction is a new set), so its sums
per RT are computed once, in SQL, and kept in the cache under the set's id.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar, overload

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bantar.models import User
from bantar.numbers import hundredths
from coaching.models import KeptCount, KeptDrop, KeptShowing, KeptStanding, KeptSums, KeptView
from competitions.models import RT, Competition, CompetitionStatus, Entry, Kelurahan, RTNames
from indicators.models import Indicator
from scoring.models import Result


@dataclass(frozen=True)
class Edition:
    pk: int
    year: int
    period: int
    title: str
    result_set: int = 0  # the current published result set's id
    finalised_at: str = ""  # and when it was frozen: with the id, names its cached sums

    @property
    def label(self) -> str:
        return f"{self.year}" if self.period == 1 else f"{self.year}/{self.period}"


@dataclass(frozen=True)
class Showing:
    """One RT's published result in one edition."""

    edition: Edition
    final: Decimal
    is_winner: bool


@dataclass(slots=True)
class CoachingRT(RTNames):
    """An RT of the area, named like `competitions.models.RT`: a model instance (and its
    kelurahan's and kecamatan's) per RT cost 2 of the 2.5 s of the page at 10x (issue 19)."""

    pk: int
    number: int
    name_kampung: str
    kelurahan_id: int
    kelurahan: Kelurahan


def area_rts(user: User) -> list[CoachingRT]:
    """The user's RTs in the master data's order, in two queries (the RTs, their kelurahan)."""
    kelurahan = {k.pk: k for k in Kelurahan.objects.for_user(user).select_related("kecamatan")}
    rows = RT.objects.for_user(user).values_list("pk", "number", "name_kampung", "kelurahan_id")
    return [CoachingRT(*row, kelurahan[row[3]]) for row in rows]


@dataclass
class RTRecord:
    rt: CoachingRT
    showings: list[Showing] = field(default_factory=list)  # oldest edition first

    @property
    def name(self) -> str:
        return str(self.rt)

    @property
    def kecamatan(self) -> str:
        return self.rt.kelurahan.kecamatan.name

    @property
    def wins(self) -> list[Showing]:
        return [showing for showing in self.showings if showing.is_winner]

    @property
    def last(self) -> Showing | None:
        return self.showings[-1] if self.showings else None


@dataclass(frozen=True)
class Drop:
    record: RTRecord
    before: Showing
    after: Showing

    @property
    def change(self) -> Decimal:
        return self.after.final - self.before.final


@dataclass(frozen=True)
class WeakIndicator:
    code: str
    text: str
    mean: Decimal  # mean level over the area's published results, on the jurors' scale
    results: int  # how many results it is the mean of


@dataclass(frozen=True)
class YearShare:
    year: int
    rts: int  # the area's RTs (master data)
    took_part: int
    winners: int  # RTs that won in a competition of that year (two periods: once)

    @property
    def share(self) -> Decimal:
        """Percent of the area's RTs holding the predicate, 2 places half up."""
        return hundredths(Fraction(100 * self.winners, self.rts) if self.rts else Fraction(0))


@dataclass(frozen=True)
class KelurahanCount:
    kecamatan: str
    kelurahan: str
    count: int  # the RTs of the list in this kelurahan
    rts: int  # every RT of the kelurahan in the master data


# Longer lists show on the page as counts per kelurahan; the xlsx always names every RT.
PAGE_LIST_LIMIT = 100


def _never_summary(never: list[RTRecord], every: list[RTRecord]) -> list[KelurahanCount] | None:
    """Counts per kelurahan when the list is too long to read on a page, else None."""
    return by_kelurahan(never, every) if len(never) > PAGE_LIST_LIMIT else None


def by_kelurahan(records: list[RTRecord], every: list[RTRecord]) -> list[KelurahanCount]:
    totals: dict[int, int] = defaultdict(int)
    for record in every:
        totals[record.rt.kelurahan_id] += 1
    counts: dict[int, int] = defaultdict(int)
    first: dict[int, CoachingRT] = {}
    for record in records:
        counts[record.rt.kelurahan_id] += 1
        first.setdefault(record.rt.kelurahan_id, record.rt)
    return [
        KelurahanCount(rt.kelurahan.kecamatan.name, rt.kelurahan.name, counts[pk], totals[pk])
        for pk, rt in first.items()
    ]


@dataclass
class CoachingFigures:
    """The page's figures. The lists are Python lists (the xlsx) or, on the paged page and
    its print page, `SQLRows`: counted and paged in SQL (issue 19)."""

    area: str
    editions: list[Edition]
    rt_count: int
    never: Sequence[RTRecord]
    not_won: Sequence[RTRecord]
    won_not_back: Sequence[RTRecord]
    weakest: list[WeakIndicator]
    drops: Sequence[Drop]
    shares: list[YearShare]
    # Counts per kelurahan when the never list is too long to read on a page, else None.
    never_summary: list[KelurahanCount] | None = None

    @property
    def took_part(self) -> int:
        return self.rt_count - len(self.never)


T = TypeVar("T")


class SQLRows(Sequence[T]):
    """A list counted and paged in SQL: its length is a COUNT (given, or one query the first
    time), a slice one LIMIT/OFFSET query. Django's Paginator takes it as it is."""

    def __init__(self, count: int | Callable[[], int], fetch: Callable[[int, int], list[T]]):
        self._count = count
        self._fetch = fetch  # (offset, limit) -> the rows

    def __len__(self) -> int:
        if callable(self._count):
            self._count = self._count()
        return self._count

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("step")
            # Fetched even when empty: a page's queries do not depend on its rows (issue 19).
            return self._fetch(start, max(stop - start, 0))
        rows = self._fetch(index if index >= 0 else len(self) + index, 1)
        if not rows:
            raise IndexError(index)
        return rows[0]

    def __iter__(self) -> Iterator[T]:  # every row: one query, not one a row
        return iter(self[0 : len(self)])


def area_name(user: User) -> str:
    if user.is_city_wide:
        return _("Kota Jambi")
    return str(user.scope_label)


def published_editions() -> list[Edition]:
    """Editions whose results are published, oldest first."""
    rows = (
        Competition.objects.filter(
            status=CompetitionStatus.PUBLISHED,
            result_sets__superseded_at__isnull=True,
            result_sets__published_at__isnull=False,
        )
        .order_by("year", "period")
        .values_list(
            "pk", "year", "period", "title", "result_sets__pk", "result_sets__finalised_at"
        )
        .distinct()
    )
    return [Edition(*row[:5], row[5].isoformat()) for row in rows]


# Each frozen indicator mean is a decimal text with 4 places ("4.6667", scoring.results): the
# database sums them as whole ten-thousandths, so the mean below is exact, as with Fractions.
# A pillar's indicators are stored as two arrays ("codes", "means": scoring.result_freeze)
# since issue 12.10's third shape, as an object each ("code", "mean") before: both are read.
# On PostgreSQL the column is json (scoring.fields): json's functions, not jsonb's.
_MEAN_SCALE = 10000
_MEANS_SQL = {
    "postgresql": """
        SELECT t.kelurahan_id, e.rt_id, i.code,
               SUM(CASE WHEN COALESCE(i.mean, '') <> ''
                   THEN ROUND(i.mean::numeric * 10000)::bigint ELSE 0 END),
               COUNT(CASE WHEN COALESCE(i.mean, '') <> '' THEN 1 END)
        FROM scoring_result r
        JOIN {entry} e ON e.id = r.entry_id JOIN {rt} t ON t.id = e.rt_id
        CROSS JOIN LATERAL json_array_elements(r.explanation->'pillars') p
        CROSS JOIN LATERAL json_array_elements(COALESCE(p.value->'codes', p.value->'indicators'))
            WITH ORDINALITY c(value, n)
        CROSS JOIN LATERAL (SELECT
            CASE WHEN json_typeof(c.value) = 'object' THEN c.value->>'code'
                 ELSE c.value #>> '{{}}' END AS code,
            CASE WHEN json_typeof(c.value) = 'object' THEN c.value->>'mean'
                 ELSE p.value->'means'->>CAST(c.n - 1 AS INTEGER) END AS mean) i
        WHERE r.result_set_id = %s {area}
        GROUP BY 1, 2, 3
    """,
    "sqlite": """
        SELECT kelurahan_id, rt_id, code,
               SUM(CASE WHEN COALESCE(mean, '') <> ''
                   THEN CAST(ROUND(CAST(mean AS REAL) * 10000) AS INTEGER) ELSE 0 END),
               COUNT(CASE WHEN COALESCE(mean, '') <> '' THEN 1 END)
        FROM (
            SELECT t.kelurahan_id, e.rt_id,
                   CASE WHEN i.type = 'object' THEN json_extract(i.value, '$.code')
                        ELSE i.value END AS code,
                   CASE WHEN i.type = 'object' THEN json_extract(i.value, '$.mean')
                        ELSE json_extract(p.value, '$.means[' || i.key || ']') END AS mean
            FROM scoring_result r JOIN {entry} e ON e.id = r.entry_id
                 JOIN {rt} t ON t.id = e.rt_id,
                 json_each(r.explanation, '$.pillars') p,
                 json_each(p.value, CASE WHEN json_type(p.value, '$.codes') IS NULL
                                         THEN '$.indicators' ELSE '$.codes' END) i
            WHERE r.result_set_id = %s {area}
        )
        GROUP BY 1, 2, 3
    """,
}
# A kept set's sums (coaching.models.KeptSums, in the database: every worker process reads
# what one computed, issue 19): part 0 the whole set (the city's), and per kelurahan its RTs'
# total and which RTs they are (an officer reads only its own, a few hundred bytes each: the
# RTs' own sums, 10 KB a kelurahan at 10x, cost 0.1 s to decode). A set never changes; its
# rows go with it.
Sums = dict[str, tuple[int, int]]  # indicator code -> (sum in ten-thousandths, how many)
CITY_PART = 0


def set_sums(result_set: int, kelurahan: set[int] | None = None) -> dict[int, dict[str, Any]]:
    """One published result set's frozen indicator means summed in SQL: part -> sums. Reads
    only (`coaching.kept` keeps them at publication); `kelurahan`: only these kelurahan's
    RTs (an officer's, when what is kept is not theirs now), else the whole set.

    A part: {"ids": the RTs of the set in the kelurahan, "total": {code: [sum, results]}}.
    """
    parts: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"ids": set(), "total": defaultdict(lambda: [0, 0])}
    )
    ids = [] if kelurahan is None else sorted(kelurahan) or [0]
    area = f"AND t.kelurahan_id IN ({', '.join('%s' for _ in ids)})" if ids else ""
    sql = _MEANS_SQL[connection.vendor].format(
        entry=Entry._meta.db_table, rt=RT._meta.db_table, area=area
    )
    params: list[Any] = [result_set, *ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kelurahan_id, rt_id, code, total, count in cursor.fetchall():
            for part in (parts[CITY_PART], parts[kelurahan_id]):
                part["ids"].add(rt_id)  # every RT of the set, even with no mean
                if count:  # an indicator no juror scored has no mean: it counts nowhere
                    part["total"][code][0] += int(total)
                    part["total"][code][1] += count
    parts[CITY_PART]["ids"] = set()  # the city's: every RT of the set, not needed
    return {
        pk: {"ids": sorted(part["ids"]), "total": dict(part["total"])} for pk, part in parts.items()
    }


TookPart = dict[int, dict[int, set[int]]]  # set id -> kelurahan id -> its RTs with a result
Kept = dict[int, dict[int, Any]]  # set id -> part -> its kept sums


def _is_kept(part: Any, ids: set[int] | None = None) -> bool:
    """Whether a kept part holds the sums of exactly these RTs (None: any; an older shape or
    none at all: not kept)."""
    if not isinstance(part, dict) or not isinstance(part.get("total"), dict):
        return False
    return ids is None or set(part.get("ids", ())) == ids


def kept_sums(user: User, editions: list[Edition], kelurahan: set[int]) -> Kept:
    """What is kept of the published sets' sums for the user's area (1 query): the whole
    set's part always (a set without it is not kept: nor are its KeptShowing rows), and for
    an officer its kelurahan's parts."""
    parts = [CITY_PART] if user.is_city_wide else [CITY_PART, *sorted(kelurahan)]
    kept: Kept = defaultdict(dict)
    rows = KeptSums.objects.filter(
        result_set__in=[edition.result_set for edition in editions], part__in=parts
    ).values_list("result_set_id", "part", "sums")
    for set_id, part, value in rows:
        kept[set_id][part] = value
    return kept


def _all_kept(editions: list[Edition], kept: Kept) -> bool:
    return all(_is_kept(kept.get(edition.result_set, {}).get(CITY_PART)) for edition in editions)


def _indicator_means(
    user: User,
    editions: list[Edition],
    kept: Kept,
    took_part: TookPart | None,
    kelurahan: set[int],
) -> Sums:
    """The area's sums over every published edition, from the kept sums of each set. Reads
    only: what is not kept is summed from the explanations in memory (slow, never written:
    keeping is publication's, `coaching.kept`).

    took_part: the area's RTs with a result in each set, by kelurahan (not needed for the
    city; None: the kept view vouches for the parts, worked out over today's RTs). An
    officer's sums are its kelurahan's totals; a kelurahan whose kept RTs are not the ones
    that took part now (an RT moved to another kelurahan since) has its sums computed again,
    so a kept value is never trusted beyond what it holds.
    """
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def add(part: dict[str, Any]) -> None:
        for code, (total, count) in part.items():
            sums[code][0] += total
            sums[code][1] += count

    empty: dict[str, Any] = {"ids": [], "total": {}}  # a kelurahan without RTs in the set
    for edition in editions:
        found = kept.get(edition.result_set, {})
        if user.is_city_wide:
            if not _is_kept(found.get(CITY_PART)):
                found = set_sums(edition.result_set)
            add(found[CITY_PART]["total"])
            continue
        members = (took_part or {}).get(edition.result_set, {})
        if not _is_kept(found.get(CITY_PART)) or not all(
            _is_kept(found.get(pk, empty), None if took_part is None else members.get(pk, set()))
            for pk in kelurahan
        ):
            found = set_sums(edition.result_set, kelurahan)
        for pk in kelurahan:
            add(found.get(pk, empty)["total"])
    return {code: (total, count) for code, (total, count) in sums.items()}


def _weakest(editions: list[Edition], means: Sums) -> list[WeakIndicator]:
    """The indicators by their mean over the area's results, weakest first (1 query)."""
    # The editions' instruments' indicators (issue 14): a new version keeps its codes, so
    # the same code is the same indicator across the editions; the newest text is shown.
    texts = dict(
        Indicator.objects.filter(instrument__competitions__in=[edition.pk for edition in editions])
        .order_by("instrument__created_at", "pillar__order", "number")
        .values_list("code", "text")
    )
    order = list(texts)
    return sorted(
        (
            WeakIndicator(
                code,
                texts.get(code, ""),
                hundredths(Fraction(total, _MEAN_SCALE * count)),
                count,
            )
            for code, (total, count) in means.items()
        ),
        key=lambda item: (item.mean, order.index(item.code) if item.code in order else 99),
    )


def coaching_figures(user: User) -> CoachingFigures:
    rts = area_rts(user)
    editions = published_editions()
    records = {rt.pk: RTRecord(rt) for rt in rts}
    # The current published sets are known by id: no join to each result's set and competition.
    by_set = {edition.result_set: edition for edition in editions}
    results = Result.objects.filter(result_set__in=by_set.keys())
    if not user.is_city_wide:
        results = results.filter(entry__rt__in=RT.objects.for_user(user).values("pk"))
    rows = results.order_by().values_list("entry__rt_id", "result_set_id", "final", "is_winner")
    for rt_id, set_id, final, is_winner in rows:
        if (record := records.get(rt_id)) is not None:
            record.showings.append(Showing(by_set[set_id], final, is_winner))
    position = {edition.pk: index for index, edition in enumerate(editions)}
    for record in records.values():  # oldest edition first, as the editions are
        if len(record.showings) > 1:
            record.showings.sort(key=lambda showing: position[showing.edition.pk])
    took_part: TookPart = defaultdict(lambda: defaultdict(set))
    for record in records.values():
        for showing in record.showings:
            took_part[showing.edition.result_set][record.rt.kelurahan_id].add(record.rt.pk)
    kelurahan = {rt.kelurahan_id for rt in rts}
    kept = kept_sums(user, editions, kelurahan)
    weakest = _weakest(editions, _indicator_means(user, editions, kept, took_part, kelurahan))
    ordered = [records[rt.pk] for rt in rts]
    won_not_back = []
    for record in ordered:
        if record.wins:
            last_win = position[record.wins[-1].edition.pk]
            came_back = any(position[s.edition.pk] > last_win for s in record.showings)
            if not came_back and last_win < len(editions) - 1:
                won_not_back.append(record)
    drops = [
        Drop(record, before, after)
        for record in ordered
        for before, after in zip(record.showings, record.showings[1:], strict=False)
        if after.final < before.final
    ]
    drops.sort(key=lambda drop: (drop.change, drop.record.name))
    never = [record for record in ordered if not record.showings]
    return CoachingFigures(
        area=area_name(user),
        editions=editions,
        rt_count=len(rts),
        never=never,
        not_won=[record for record in ordered if record.showings and not record.wins],
        won_not_back=won_not_back,
        weakest=weakest,
        drops=drops,
        shares=_shares(ordered, editions, len(rts)),
        never_summary=_never_summary(never, ordered),
    )


def _shares(records: list[RTRecord], editions: list[Edition], rt_count: int) -> list[YearShare]:
    years = sorted({edition.year for edition in editions})
    took_part: dict[int, set[int]] = defaultdict(set)
    winners: dict[int, set[int]] = defaultdict(set)
    for record in records:
        for showing in record.showings:
            took_part[showing.edition.year].add(record.rt.pk)
            if showing.is_winner:
                winners[showing.edition.year].add(record.rt.pk)
    return [YearShare(year, rt_count, len(took_part[year]), len(winners[year])) for year in years]


# --- The paged page: each list counted and paged in SQL (issue 19) -------------------------
# At 10x (16,500 RTs) bringing every result into Python to sort the RTs into the lists took
# 0.5 s of CPU; here SQL sorts them and the page reads 50 rows a list (its print page
# BANTAR_PRINT_ROWS). The xlsx names every RT: it uses `coaching_figures` (linear in the
# area's results).

_LISTS_SQL = """
    WITH shown AS (
        SELECT r.rt_id AS rt_id, MAX({position}) AS last_show,
               MAX(CASE WHEN r.is_winner THEN {position} END) AS last_win
        FROM {kept} r
        WHERE r.result_set_id IN ({sets}) {area_kept}
        GROUP BY r.rt_id
    ), listed AS (
        SELECT t.id AS id, t.number AS number, t.name_kampung AS name_kampung,
               t.kelurahan_id AS kelurahan_id, k.code AS code,
               CASE WHEN s.rt_id IS NULL THEN 'never'
                    WHEN s.last_win IS NULL THEN 'not_won'
                    WHEN s.last_win = s.last_show AND s.last_win < {last} THEN 'won_not_back'
                    ELSE '' END AS list
        FROM {rt} t JOIN {kelurahan} k ON k.id = t.kelurahan_id
        LEFT JOIN shown s ON s.rt_id = t.id
        {area_rt}
    )
"""
# Per kelurahan, in one pass over the showings: its RTs, how many are in each list (the
# counts, the never summary), their drops, and per year the RTs that took part and that won
# (the shares; {years}: two columns a year). Each pass over the city's showings costs 30-50 ms
# at 10x: the counts, the drops' count and the shares were three.
_COUNTS_SQL = """
    WITH shown AS (
        SELECT r.rt_id AS rt_id, r.final AS final, r.is_winner AS is_winner,
               {position} AS pos, {year} AS year
        FROM {kept} r
        WHERE r.result_set_id IN ({sets}) {area_kept}
    ), pairs AS (
        SELECT rt_id, pos, year, is_winner, final, LAG(final) OVER w AS before_final
        FROM shown WINDOW w AS (PARTITION BY rt_id ORDER BY pos)
    ), per_rt AS (
        SELECT rt_id, MAX(pos) AS last_show, MAX(CASE WHEN is_winner THEN pos END) AS last_win,
               SUM(CASE WHEN final < before_final THEN 1 ELSE 0 END) AS drops {year_flags}
        FROM pairs GROUP BY rt_id
    )
    SELECT t.kelurahan_id, COUNT(*),
           SUM(CASE WHEN s.rt_id IS NULL THEN 1 ELSE 0 END),
           SUM(CASE WHEN s.rt_id IS NOT NULL AND s.last_win IS NULL THEN 1 ELSE 0 END),
           SUM(CASE WHEN s.last_win = s.last_show AND s.last_win < {last} THEN 1 ELSE 0 END),
           SUM(COALESCE(s.drops, 0)) {year_sums}
    FROM {rt} t JOIN {kelurahan} k ON k.id = t.kelurahan_id
    LEFT JOIN per_rt s ON s.rt_id = t.id
    {area_rt}
    GROUP BY t.kelurahan_id ORDER BY MIN(k.code)
"""
# One list's page in the master data's order (a kelurahan's code, the RT's number).
_PAGE_SQL = """
    SELECT id, number, name_kampung, kelurahan_id FROM listed WHERE list = %s
    ORDER BY code, number LIMIT %s OFFSET %s
"""
# Drops: each RT's showings in the editions' order, each against the one before. Ordered as
# `coaching_figures` sorts them: by the change (exact: whole ten-thousandths, SQLite keeps
# decimals as floats), then the RT's name as Python compares text (code points: "C"), then
# the master data's order, then the editions'.
_DROPS_SQL = """
    WITH shown AS (
        SELECT r.rt_id AS rt_id, r.result_set_id AS set_id, r.final AS final,
               r.is_winner AS is_winner, {position} AS pos
        FROM {kept} r
        WHERE r.result_set_id IN ({sets}) {area_kept}
    ), pairs AS (
        SELECT rt_id, pos, set_id, final, is_winner,
               LAG(set_id) OVER w AS before_set, LAG(final) OVER w AS before_final,
               LAG(is_winner) OVER w AS before_winner
        FROM shown WINDOW w AS (PARTITION BY rt_id ORDER BY pos)
    ), drops AS (
        SELECT p.*, t.number AS number, t.name_kampung AS name_kampung,
               t.kelurahan_id AS kelurahan_id, k.code AS code,
               ('RT ' || CASE WHEN t.number < 10 THEN '0' ELSE '' END
                || CAST(t.number AS {text}) || ' ' || k.name) {collate} AS name
        FROM pairs p JOIN {rt} t ON t.id = p.rt_id JOIN {kelurahan} k ON k.id = t.kelurahan_id
        WHERE p.before_final IS NOT NULL AND p.final < p.before_final
    )
"""
_DROPS_PAGE_SQL = """
    SELECT rt_id, number, name_kampung, kelurahan_id, before_set, before_final, before_winner,
           set_id, final, is_winner
    FROM drops ORDER BY ROUND((final - before_final) * 10000), name, code, number, pos
    LIMIT %s OFFSET %s
"""
_FOUR_PLACES = Decimal("0.0001")


def _decimal(value: Any) -> Decimal:
    """A result's final as the model gives it (SQLite hands raw SQL a float)."""
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(_FOUR_PLACES)


class _AreaSQL:
    """The SQL parts the lists share: the area's RTs and the published sets' order."""

    def __init__(self, user: User | None, editions: list[Edition]) -> None:
        # The city's RTs (None: the city, as `coaching.kept` keeps it) are every RT (and
        # every kept row's RT): no filter to apply.
        area: str = ""
        area_params: tuple[Any, ...] = ()
        if user is not None and not user.is_city_wide:
            try:
                query = RT.objects.for_user(user).order_by().values("pk").query
                area, area_params = query.sql_with_params()
            except EmptyResultSet:  # an officer without a region sees no RT
                area, area_params = "SELECT 0 WHERE 1 = 0", ()
        sets = [edition.result_set for edition in editions]
        whens = " ".join("WHEN %s THEN %s" for _ in sets)
        self.parts = {
            "kept": KeptShowing._meta.db_table,
            "rt": RT._meta.db_table,
            "kelurahan": Kelurahan._meta.db_table,
            "position": f"(CASE r.result_set_id {whens} END)",
            "sets": ", ".join("%s" for _ in sets),
            "area_kept": f"AND r.rt_id IN ({area})" if area else "",
            "area_rt": f"WHERE t.id IN ({area})" if area else "",
            "last": str(len(editions) - 1),
            "text": "TEXT",
            "collate": 'COLLATE "C"' if connection.vendor == "postgresql" else "",
        }
        self.position_params: list[Any] = [v for index, pk in enumerate(sets) for v in (pk, index)]
        self.sets = sets
        self.years = [edition.year for edition in editions]
        self.area_params = list(area_params)

    def counts(self, years: list[int]) -> tuple[str, list[Any]]:
        flags = "".join(
            f", MAX(CASE WHEN year = %s THEN 1 ELSE 0 END) AS took_{i}"
            f", MAX(CASE WHEN year = %s AND is_winner THEN 1 ELSE 0 END) AS won_{i}"
            for i, _ in enumerate(years)
        )
        sums = "".join(
            f", SUM(COALESCE(s.took_{i}, 0)), SUM(COALESCE(s.won_{i}, 0))"
            for i, _ in enumerate(years)
        )
        whens = " ".join("WHEN %s THEN %s" for _ in self.sets)
        parts = {
            **self.parts,
            "year": f"(CASE r.result_set_id {whens} END)",
            "year_flags": flags,
            "year_sums": sums,
        }
        sql = _COUNTS_SQL.format(**parts)
        year_params = [
            v for pk, year in zip(self.sets, self.years, strict=True) for v in (pk, year)
        ]
        params = [*self.position_params, *year_params, *self.sets, *self.area_params]
        return sql, [*params, *[y for year in years for y in (year, year)], *self.area_params]

    def lists(self) -> tuple[str, list[Any]]:
        sql = _LISTS_SQL.format(**self.parts)
        params = [*self.position_params, *self.position_params, *self.sets, *self.area_params]
        return sql, [*params, *self.area_params]

    def drops(self) -> tuple[str, list[Any]]:
        sql = _DROPS_SQL.format(**self.parts)
        return sql, [*self.position_params, *self.sets, *self.area_params]


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def view_key(editions: list[Edition]) -> str:
    """A kept view's name: the current published sets, oldest edition first."""
    return ",".join(str(edition.result_set) for edition in editions)


# The RT master data a kept view's rows depend on, per kelurahan (its RTs' ids and numbers:
# the order, the area, the drops' names; its code and name), in one query over the RTs'
# index: each kelurahan's RTs counted beside a sum that mixes each RT's id with its number
# and kelurahan (not linear: two RTs swapping places change it). An officer's area only.
# (%% is the modulo: the SQL goes with parameters, where a lone % starts one.)
_FINGERPRINT_SQL = """
    SELECT t.kelurahan_id, COUNT(*),
           SUM(((CAST(t.id AS BIGINT) * 31 + t.kelurahan_id)
                * (CAST(t.id AS BIGINT) * 17 + t.kelurahan_id + t.number * 7)) %% 1000000007)
    FROM {rt} t {area}
    GROUP BY t.kelurahan_id
"""


def area_fingerprints(kelurahan: dict[int, Kelurahan], city: bool) -> dict[int, str]:
    """Each of these kelurahan's master data (those with RTs), as `KeptCount` keeps it."""
    ids = [] if city else sorted(kelurahan) or [0]
    area = f"WHERE t.kelurahan_id IN ({', '.join('%s' for _ in ids)})" if ids else ""
    rows = _fetch(_FINGERPRINT_SQL.format(rt=RT._meta.db_table, area=area), ids)
    found = {}
    for pk, count, mix in rows:  # (PostgreSQL sums bigints as numeric: int() for both)
        named = kelurahan.get(pk)
        described = [pk, getattr(named, "code", ""), getattr(named, "name", ""), count, int(mix)]
        found[pk] = hashlib.sha256(json.dumps(described).encode()).hexdigest()
    return found


KeptCounts = list[list[Any]]  # per kelurahan: its pk, then its kept counts


def kept_view(
    user: User, editions: list[Edition], kelurahan: dict[int, Kelurahan] | None = None
) -> tuple[int, KeptCounts] | None:
    """The kept view of these editions and its counts for the user's area (`kelurahan`: the
    area's, else read), if every kelurahan of the area is as it was when the view was worked
    out (3 queries)."""
    if kelurahan is None:
        kelurahan = {k.pk: k for k in Kelurahan.objects.for_user(user)}
    view = KeptView.objects.filter(sets=view_key(editions)).values_list("pk", flat=True).first()
    if view is None:
        return None
    rows = KeptCount.objects.filter(view_id=view)
    if not user.is_city_wide:
        rows = rows.filter(kelurahan_id__in=sorted(kelurahan))
    counts, kept = [], {}
    for pk, values, fingerprint in rows.values_list("kelurahan_id", "counts", "fingerprint"):
        counts.append([pk, *values])
        kept[pk] = fingerprint
    if kept != area_fingerprints(kelurahan, user.is_city_wide):
        return None
    return view, counts


def coaching_page(user: User) -> CoachingFigures:
    """The figures of the paged page: the same as `coaching_figures`, each long list counted
    and paged in SQL. Reads only, whatever is kept:

    - the kept view (`coaching.kept`, at publication) of today's sets, while the area's
      master data is as then: each list a range of an index. Queries: the kelurahan, the
      editions, the kept sums, the view, its counts for the area, the area's fingerprints,
      the indicators, the region name; then each list's page as it is read (the RTs, and
      their showings);
    - else (the area's master data changed since, a set reopened), the lists counted, ordered and
      paged in SQL over the kept results (coaching.KeptShowing);
    - else (a set published before keeping was publication's), the plain computation.
    """
    kelurahan = {k.pk: k for k in Kelurahan.objects.for_user(user).select_related("kecamatan")}
    editions = published_editions()
    if not editions:  # nothing published: every RT of the area never took part
        rts = area_rts(user)
        never = [RTRecord(rt) for rt in rts]
        return CoachingFigures(
            area=area_name(user),
            editions=[],
            rt_count=len(rts),
            never=never,
            not_won=[],
            won_not_back=[],
            weakest=[],
            drops=[],
            shares=[],
            never_summary=_never_summary(never, never),
        )
    kept = kept_sums(user, editions, set(kelurahan))
    if not _all_kept(editions, kept):  # without its KeptShowing rows: from the results
        return coaching_figures(user)
    found = kept_view(user, editions, kelurahan)
    if found is not None:
        return _kept_page(user, editions, kelurahan, kept, *found)
    return _sql_page(user, editions, kelurahan, kept)


class _Rows:
    """Turns a page's rows into records, with their showings (one query a page)."""

    def __init__(self, editions: list[Edition], kelurahan: dict[int, Kelurahan]) -> None:
        self.by_set = {edition.result_set: edition for edition in editions}
        self.position = {edition.result_set: index for index, edition in enumerate(editions)}
        self.kelurahan = kelurahan

    def records(self, rows: list[tuple[Any, ...]], showings: bool) -> list[RTRecord]:
        found = [
            RTRecord(CoachingRT(pk, number, kampung, kel, self.kelurahan[kel]))
            for pk, number, kampung, kel in rows
        ]
        if showings:
            by_rt = {record.rt.pk: record for record in found}
            # [0]: an empty page asks too (Django runs no query for `IN ()`): its queries do
            # not depend on its rows (issue 19).
            shown = (
                KeptShowing.objects.filter(
                    result_set__in=self.by_set.keys(), rt__in=list(by_rt) or [0]
                )
                .order_by()
                .values_list("rt_id", "result_set_id", "final", "is_winner")
            )
            for rt_id, set_id, final, is_winner in shown:
                by_rt[rt_id].showings.append(Showing(self.by_set[set_id], final, is_winner))
            for record in found:
                record.showings.sort(key=lambda showing: self.position[showing.edition.result_set])
        return found

    def drops(self, rows: list[tuple[Any, ...]]) -> list[Drop]:
        found = []
        for rt_id, number, kampung, kel, before_set, before, before_won, set_id, final, won in rows:
            record = RTRecord(CoachingRT(rt_id, number, kampung, kel, self.kelurahan[kel]))
            found.append(
                Drop(
                    record,
                    Showing(self.by_set[before_set], _decimal(before), bool(before_won)),
                    Showing(self.by_set[set_id], _decimal(final), bool(won)),
                )
            )
        return found


def _figures(
    user: User,
    editions: list[Edition],
    kelurahan: dict[int, Kelurahan],
    counts: Sequence[Sequence[Any]],
    means: Sums,
    lists: dict[str, Callable[[int, int], list[RTRecord]]],
    drops: Callable[[int, int], list[Drop]],
) -> CoachingFigures:
    """The page's figures from the counts per kelurahan (kelurahan id, then `_COUNTED`, then
    per year the RTs that took part and that won; in the kelurahan's order) and each list's
    page fetcher."""
    years = sorted({edition.year for edition in editions})
    totals = {name: sum(int(row[i]) for row in counts) for i, name in enumerate(_COUNTED, 1)}
    rt_count = totals["total"]
    shares = [
        YearShare(
            year,
            rt_count,
            sum(int(row[6 + 2 * i]) for row in counts),
            sum(int(row[7 + 2 * i]) for row in counts),
        )
        for i, year in enumerate(years)
    ]
    never_summary = None
    if totals["never"] > PAGE_LIST_LIMIT:
        never_summary = [
            KelurahanCount(kelurahan[pk].kecamatan.name, kelurahan[pk].name, int(never), int(total))
            for pk, total, never, *_rest in counts
            if never
        ]
    return CoachingFigures(
        area=area_name(user),
        editions=editions,
        rt_count=rt_count,
        never=SQLRows(totals["never"], lists["never"]),
        not_won=SQLRows(totals["not_won"], lists["not_won"]),
        won_not_back=SQLRows(totals["won_not_back"], lists["won_not_back"]),
        weakest=_weakest(editions, means),
        drops=SQLRows(totals["drops"], drops),
        shares=shares,
        never_summary=never_summary,
    )


def _kept_page(
    user: User,
    editions: list[Edition],
    kelurahan: dict[int, Kelurahan],
    kept: Kept,
    view: int,
    counts: KeptCounts,
) -> CoachingFigures:
    """The page from a kept view: the counts per kelurahan summed, each list's page a range of
    an index (the view's rows, the area's kelurahan, by position or rank)."""
    area = None if user.is_city_wide else sorted(kelurahan)

    def scoped(rows: QuerySet[Any]) -> QuerySet[Any]:
        return rows if area is None else rows.filter(kelurahan_id__in=area)

    counts.sort(key=lambda row: kelurahan[row[0]].code)
    rows = _Rows(editions, kelurahan)

    def rt_list(name: str) -> Callable[[int, int], list[RTRecord]]:
        standing = (
            scoped(KeptStanding.objects.filter(view_id=view, kind=name))
            .order_by("position")
            .values_list("rt_id", "rt__number", "rt__name_kampung", "kelurahan_id")
        )
        # At least one row asked for, then cut: Django runs no query for an empty slice, and
        # an empty page must cost the same queries as a full one (issue 19).
        return lambda offset, limit: rows.records(
            list(standing[offset : offset + max(limit, 1)])[:limit], showings=name != "never"
        )

    kept_drops = (
        scoped(KeptDrop.objects.filter(view_id=view))
        .order_by("rank")
        .values_list(
            "rt_id",
            "rt__number",
            "rt__name_kampung",
            "kelurahan_id",
            "before_set",
            "before_final",
            "before_winner",
            "after_set",
            "after_final",
            "after_winner",
        )
    )
    return _figures(
        user,
        editions,
        kelurahan,
        counts,
        _indicator_means(user, editions, kept, None, set(kelurahan)),
        {name: rt_list(name) for name in ("never", "not_won", "won_not_back")},
        lambda offset, limit: rows.drops(list(kept_drops[offset : offset + max(limit, 1)])[:limit]),
    )


def _sql_page(
    user: User, editions: list[Edition], kelurahan: dict[int, Kelurahan], kept: Kept
) -> CoachingFigures:
    """The page without a kept view: each list counted, ordered and paged in SQL over the
    kept results (a pass over the area's results a list)."""
    took_part: TookPart = defaultdict(lambda: defaultdict(set))
    if not user.is_city_wide:  # an officer's sums are its kelurahan's (a few hundred results)
        found = (
            Result.objects.filter(
                result_set__in=[edition.result_set for edition in editions],
                entry__rt__in=RT.objects.for_user(user).values("pk"),
            )
            .order_by()
            .values_list("result_set_id", "entry__rt__kelurahan_id", "entry__rt_id")
        )
        for set_id, kelurahan_id, rt_id in found:
            took_part[set_id][kelurahan_id].add(rt_id)
    means = _indicator_means(user, editions, kept, took_part, set(kelurahan))
    area = _AreaSQL(user, editions)
    lists_sql, lists_params = area.lists()
    years = sorted({edition.year for edition in editions})
    counts = _fetch(*area.counts(years))
    rows = _Rows(editions, kelurahan)

    def rt_list(name: str) -> Callable[[int, int], list[RTRecord]]:
        def fetch(offset: int, limit: int) -> list[RTRecord]:
            found = _fetch(lists_sql + _PAGE_SQL, [*lists_params, name, limit, offset])
            return rows.records(found, showings=name != "never")

        return fetch

    drops_sql, drops_params = area.drops()

    def drops(offset: int, limit: int) -> list[Drop]:
        return rows.drops(_fetch(drops_sql + _DROPS_PAGE_SQL, [*drops_params, limit, offset]))

    return _figures(
        user,
        editions,
        kelurahan,
        counts,
        means,
        {name: rt_list(name) for name in ("never", "not_won", "won_not_back")},
        drops,
    )


_COUNTED = ("total", "never", "not_won", "won_not_back", "drops")
