"""The coaching view's figures (pembinaan): where an area's RTs stand after the award.

Only published results count: the current (not superseded) result set of a competition in
the published stage. The area is the user's, through `RT.objects.for_user`, as everywhere.
Six queries whatever the size of the city: the area's RTs, the published editions, their
results in the area (without the explanations), the weakest indicators summed in SQL over
the explanations, the indicators, the user's region name. Reading the explanations into
Python (3 KB of JSON a result) took 2 of the 3 s of the city's page (issue 19).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bantar.models import User
from bantar.numbers import hundredths
from competitions.models import RT, Competition, CompetitionStatus
from indicators.models import Indicator
from scoring.models import Result


@dataclass(frozen=True)
class Edition:
    pk: int
    year: int
    period: int
    title: str

    @property
    def label(self) -> str:
        return f"{self.year}" if self.period == 1 else f"{self.year}/{self.period}"


@dataclass(frozen=True)
class Showing:
    """One RT's published result in one edition."""

    edition: Edition
    final: Decimal
    is_winner: bool


@dataclass
class RTRecord:
    rt: RT
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
    first: dict[int, RT] = {}
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
        .values_list("pk", "year", "period", "title")
        .distinct()
    )
    return [Edition(*row) for row in rows]


# Each frozen indicator mean is a decimal text with 4 places ("4.6667", scoring.results): the
# database sums them as whole ten-thousandths, so the mean below is exact, as with Fractions.
_MEAN_SCALE = 10000
_MEANS_SQL = {
    "postgresql": """
        SELECT i.value->>'code', SUM(ROUND((i.value->>'mean')::numeric * 10000)::bigint),
               COUNT(*)
        FROM scoring_result r
        CROSS JOIN LATERAL jsonb_array_elements(r.explanation->'pillars') p
        CROSS JOIN LATERAL jsonb_array_elements(p.value->'indicators') i
        WHERE r.id IN ({ids}) AND COALESCE(i.value->>'mean', '') <> ''
        GROUP BY 1
    """,
    "sqlite": """
        SELECT json_extract(i.value, '$.code'),
               SUM(CAST(ROUND(CAST(json_extract(i.value, '$.mean') AS REAL) * 10000)
                        AS INTEGER)),
               COUNT(*)
        FROM scoring_result r, json_each(r.explanation, '$.pillars') p,
             json_each(p.value, '$.indicators') i
        WHERE r.id IN ({ids}) AND COALESCE(json_extract(i.value, '$.mean'), '') <> ''
        GROUP BY 1
    """,
}


def _indicator_means(results: QuerySet[Result]) -> dict[str, tuple[int, int]]:
    """Indicator code -> (sum of the frozen means in ten-thousandths, how many), in one query."""
    ids, params = results.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_MEANS_SQL[connection.vendor].format(ids=ids), params)
        return {code: (int(total), count) for code, total, count in cursor.fetchall()}


def coaching_figures(user: User) -> CoachingFigures:
    rts = list(RT.objects.for_user(user).select_related("kelurahan__kecamatan"))
    editions = published_editions()
    by_pk = {edition.pk: edition for edition in editions}
    records = {rt.pk: RTRecord(rt) for rt in rts}
    results = Result.objects.filter(
        entry__rt__in=RT.objects.for_user(user).values("pk"),
        result_set__competition__in=by_pk.keys(),
        result_set__superseded_at__isnull=True,
        result_set__published_at__isnull=False,
    )
    rows = results.order_by(
        "result_set__competition__year", "result_set__competition__period"
    ).values_list("entry__rt_id", "result_set__competition_id", "final", "is_winner")
    for rt_id, competition_id, final, is_winner in rows:
        records[rt_id].showings.append(Showing(by_pk[competition_id], final, is_winner))
    # The editions' instruments' indicators (issue 14): a new version keeps its codes, so
    # the same code is the same indicator across the editions; the newest text is shown.
    texts = dict(
        Indicator.objects.filter(instrument__competitions__in=by_pk.keys())
        .order_by("instrument__created_at", "pillar__order", "number")
        .values_list("code", "text")
    )
    order = list(texts)
    means = _indicator_means(results)
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
    position = {edition.pk: index for index, edition in enumerate(editions)}
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
