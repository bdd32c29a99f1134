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

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.cache import caches
from django.db import connection
from django.utils.translation import gettext as _

from bantar.models import User
from bantar.numbers import hundredths
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
    area: str
    editions: list[Edition]
    rt_count: int
    never: list[RTRecord]
    not_won: list[RTRecord]
    won_not_back: list[RTRecord]
    weakest: list[WeakIndicator]
    drops: list[Drop]
    shares: list[YearShare]
    every: list[RTRecord] = field(default_factory=list, repr=False)

    @property
    def took_part(self) -> int:
        return self.rt_count - len(self.never)

    @property
    def never_summary(self) -> list[KelurahanCount] | None:
        """Counts per kelurahan when the list is too long to read on a page, else None."""
        if len(self.never) <= PAGE_LIST_LIMIT:
            return None
        return by_kelurahan(self.never, self.every)


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
_MEAN_SCALE = 10000
_MEANS_SQL = {
    "postgresql": """
        SELECT t.kelurahan_id, e.rt_id, i.value->>'code',
               SUM(CASE WHEN COALESCE(i.value->>'mean', '') <> ''
                   THEN ROUND((i.value->>'mean')::numeric * 10000)::bigint ELSE 0 END),
               COUNT(CASE WHEN COALESCE(i.value->>'mean', '') <> '' THEN 1 END)
        FROM scoring_result r
        JOIN {entry} e ON e.id = r.entry_id JOIN {rt} t ON t.id = e.rt_id
        CROSS JOIN LATERAL jsonb_array_elements(r.explanation->'pillars') p
        CROSS JOIN LATERAL jsonb_array_elements(p.value->'indicators') i
        WHERE r.result_set_id = %s
        GROUP BY 1, 2, 3
    """,
    "sqlite": """
        SELECT t.kelurahan_id, e.rt_id, json_extract(i.value, '$.code'),
               SUM(CASE WHEN COALESCE(json_extract(i.value, '$.mean'), '') <> ''
                   THEN CAST(ROUND(CAST(json_extract(i.value, '$.mean') AS REAL) * 10000)
                             AS INTEGER) ELSE 0 END),
               COUNT(CASE WHEN COALESCE(json_extract(i.value, '$.mean'), '') <> '' THEN 1 END)
        FROM scoring_result r JOIN {entry} e ON e.id = r.entry_id JOIN {rt} t ON t.id = e.rt_id,
             json_each(r.explanation, '$.pillars') p, json_each(p.value, '$.indicators') i
        WHERE r.result_set_id = %s
        GROUP BY 1, 2, 3
    """,
}
# A kept set's sums: the whole set (the city's, small) and per kelurahan its RTs' (an officer
# reads only its own). "v2": the shape; the set's id and finalisation time name it (a test
# database that rolls back can give an id again). In the process's memory cache ("default"):
# each worker computes a set once, no table needed; culled or lost, it is computed again.
_MEANS_KEY = "coaching-means:v2:{}:{}"
Sums = dict[str, tuple[int, int]]  # indicator code -> (sum in ten-thousandths, how many)


def _set_means(result_set: int) -> dict[str, Any]:
    """One published result set's frozen indicator means summed in SQL: cache key -> value."""
    by_kelurahan: dict[int, dict[int, dict[str, tuple[int, int]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    city: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    sql = _MEANS_SQL[connection.vendor].format(entry=Entry._meta.db_table, rt=RT._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [result_set])
        for kelurahan_id, rt_id, code, total, count in cursor.fetchall():
            sums = by_kelurahan[kelurahan_id][rt_id]  # every RT of the set, even with no mean
            if count:  # an indicator no juror scored has no mean: it counts nowhere
                sums[code] = (int(total), count)
                city[code][0] += int(total)
                city[code][1] += count
    kept: dict[str, Any] = {"city": {code: (t, c) for code, (t, c) in city.items()}}
    kept.update({f"k{pk}": dict(rts) for pk, rts in by_kelurahan.items()})
    return kept


def _indicator_means(user: User, editions: list[Edition], records: list[RTRecord]) -> Sums:
    """The area's sums over every published edition, from the kept sums of each set.

    An officer's sums are its RTs' that took part in the edition (as their showings say); an
    RT missing from its kelurahan's kept sums (culled, or moved to another kelurahan since)
    has the set computed again, so a kept value is never trusted beyond what it holds.
    """
    cache = caches["default"]
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def add(part: Sums) -> None:
        for code, (total, count) in part.items():
            sums[code][0] += total
            sums[code][1] += count

    kelurahan = {record.rt.kelurahan_id for record in records}
    for edition in editions:
        base = _MEANS_KEY.format(edition.result_set, edition.finalised_at)
        if user.is_city_wide:
            city = cache.get(f"{base}:city")
            if city is None:
                fresh = _set_means(edition.result_set)
                cache.set_many({f"{base}:{key}": value for key, value in fresh.items()}, None)
                city = fresh["city"]
            add(city)
            continue
        took_part = [
            record.rt.pk
            for record in records
            if any(showing.edition.pk == edition.pk for showing in record.showings)
        ]
        parts = cache.get_many([f"{base}:k{pk}" for pk in kelurahan])
        found = {rt: part for rts in parts.values() for rt, part in rts.items()}
        if any(pk not in found for pk in took_part):
            fresh = _set_means(edition.result_set)
            cache.set_many({f"{base}:{key}": value for key, value in fresh.items()}, None)
            found = {
                rt: part for key, rts in fresh.items() if key != "city" for rt, part in rts.items()
            }
        for pk in took_part:
            add(found[pk])
    return {code: (total, count) for code, (total, count) in sums.items()}


def coaching_figures(user: User) -> CoachingFigures:
    rts = area_rts(user)
    editions = published_editions()
    by_pk = {edition.pk: edition for edition in editions}
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
    # The editions' instruments' indicators (issue 14): a new version keeps its codes, so
    # the same code is the same indicator across the editions; the newest text is shown.
    texts = dict(
        Indicator.objects.filter(instrument__competitions__in=by_pk.keys())
        .order_by("instrument__created_at", "pillar__order", "number")
        .values_list("code", "text")
    )
    order = list(texts)
    means = _indicator_means(user, editions, list(records.values()))
    weakest = sorted(
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
    return CoachingFigures(
        area=area_name(user),
        editions=editions,
        rt_count=len(rts),
        never=[record for record in ordered if not record.showings],
        not_won=[record for record in ordered if record.showings and not record.wins],
        won_not_back=won_not_back,
        weakest=weakest,
        drops=drops,
        shares=_shares(ordered, editions, len(rts)),
        every=ordered,
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
