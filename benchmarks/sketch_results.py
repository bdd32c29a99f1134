"""NOT APP CODE: a sketch of the fix proposed for the results budget, to measure it.

`bench_results.py` measures this next to `scoring.selectors.result_table` and
checks that it gives the same outcome for every entry. The proposal, in
benchmarks/README.md, is to move these ideas into scoring/selectors.py and
scoring/results.py:

1. Let the database add up the levels. One aggregate per (sheet, pillar):
   SUM(value) and COUNT(value). A submitted sheet holds a level for every
   indicator in the juror's remit (sheet_submit refuses an incomplete sheet),
   so every indicator of a pillar has the same number of jurors n_p. The mean
   of the indicator means is then exactly T_p / (K_p * n_p), where T_p is the
   sum of the counted sheets' sums and K_p the number of indicators in the
   pillar. An entry where a sheet is not complete for a pillar (COUNT < K_p)
   goes through the per-level path (`results.score_entry`), so the result is
   exact in every case.
2. Exact integer arithmetic instead of Fraction objects. Every pillar score of
   the competition is an integer multiple of 1/G for one G (the lowest common
   denominator of the possible K_p * n_p * span), and every final score a
   multiple of 1/(G * sum of the weights). The existing `rank_category`,
   `apply_caps` and `apply_budget` work unchanged on these integers, because
   they only compare and group. Decimal for display is made once per figure
   from the integers, rounded half up as `as_decimal` does.
3. No explanation for every row. `live_rows` builds `results.explain` (every
   juror's level for every indicator, as text) for all 1,650 entries on every
   page, though only the explain page of one RT and the matrix export read
   them. Build it on demand: the explain page loads one entry's levels (one
   query); the matrix export reads the levels with one query ordered by RT.
   `disagreements` (the plenary) becomes one GROUP BY ... HAVING MAX(value) -
   MIN(value) >= 2 query.
4. Entries for the rows: select_related("rt") only, with the 68 kelurahan,
   their kecamatan and the size categories attached from small dicts, rather
   than four joined models built for every one of 1,650 rows; and only the
   columns the results pages and exports read (no datetimes to convert).
5. Further, if 4. is not enough: rows whose `entry` is a small read-only
   object with the attribute paths the templates and reports use (pk, rt.label,
   rt.kelurahan.kecamatan.name, kampung_name, ketua_rt, kk_count,
   category.name), built from one values_list() query instead of 3,300 model
   instances. `light=True` measures this variant.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db import connection
from django.utils.translation import gettext as _

from competitions.models import RT, Entry, EntryStatus, Kelurahan
from indicators.models import Indicator
from scoring import results
from scoring.models import Assignment, JuryMember, Recusal, Score, ScoreSheet, SheetStatus
from scoring.selectors import ResultRow, jury_panel, results_rules


@dataclass
class SketchTable:
    rows: list[ResultRow]
    warnings: list[str]


def _decimal(numerator: int, denominator: int, places: int = 4) -> Decimal:
    """numerator/denominator rounded half up to `places`, as results.as_decimal does."""
    scaled = abs(numerator) * 10**places
    whole = (2 * scaled + denominator) // (2 * denominator)
    return Decimal(whole if numerator >= 0 else -whole).scaleb(-places)


def _sums_sql() -> str:
    """Per (entry, pillar): counted sheets, sum of their levels, number of levels.

    Only the sheets `jury_panel` counts: submitted, by a member of the entry's
    assigned team, who does not live in the RT's kelurahan and was not recused.
    """
    return (
        f"SELECT sheet.entry_id, indicator.pillar_id, COUNT(DISTINCT sheet.id), "
        f"SUM(score.value), COUNT(score.value) "
        f"FROM {Score._meta.db_table} score "
        f"JOIN {ScoreSheet._meta.db_table} sheet ON sheet.id = score.sheet_id "
        f"JOIN {Entry._meta.db_table} entry ON entry.id = sheet.entry_id "
        f"JOIN {RT._meta.db_table} rt ON rt.id = entry.rt_id "
        f"JOIN {Assignment._meta.db_table} assignment ON assignment.entry_id = entry.id "
        f"JOIN {JuryMember._meta.db_table} member ON member.team_id = assignment.team_id "
        f"AND member.user_id = sheet.juror_id "
        f"JOIN {Indicator._meta.db_table} indicator ON indicator.id = score.indicator_id "
        f"WHERE entry.competition_id = %s AND entry.status = %s AND sheet.status = %s "
        f"AND score.value IS NOT NULL "
        f"AND (member.home_kelurahan_id IS NULL OR member.home_kelurahan_id <> rt.kelurahan_id) "
        f"AND NOT EXISTS (SELECT 1 FROM {Recusal._meta.db_table} recusal "
        f"WHERE recusal.entry_id = entry.id AND recusal.juror_id = sheet.juror_id) "
        f"GROUP BY sheet.entry_id, indicator.pillar_id"
    )


def sketch_results(competition, *, light: bool = False) -> SketchTable:
    """The live results table; `light` builds the rows' entries from values() (see 5. above)."""
    rules = results_rules(competition)
    pillar_codes = dict(Indicator.objects.values_list("pillar_id", "pillar__code").distinct())
    order = list(rules.pillar_order)
    size = {p: sum(1 for owner in rules.indicators.values() if owner == p) for p in order}
    span = rules.scale_max - rules.scale_min

    # entry -> pillar -> (sum of the counted sheets' levels, number of counted sheets)
    totals: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    partial: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(_sums_sql(), [competition.pk, EntryStatus.VERIFIED, SheetStatus.SUBMITTED])
        for entry_id, pillar_id, sheets, total, levels in cursor.fetchall():
            code = pillar_codes[pillar_id]
            if levels != size[code] * sheets:  # a counted sheet lacks a level in this pillar
                partial.add(entry_id)
            totals[entry_id][code] = (total, sheets)

    entries = _light_entries(competition) if light else _entries(competition)
    # One denominator G for every pillar score: 100 * (T - min*K*n) / (K*n*span) = x / G.
    counts = {n for pillars in totals.values() for _t, n in pillars.values()} | {1}
    denominator = span * math.lcm(*size.values()) * math.lcm(*counts)
    weights = {p: Fraction(str(rules.weights[p])) for p in order}
    common = math.lcm(*(w.denominator for w in weights.values()))
    weight = {p: int(weights[p] * common) for p in order}
    final_denominator = denominator * sum(weight.values())
    pass_mark = Fraction(str(rules.pass_mark))
    minimum = None if rules.pillar_minimum is None else Fraction(str(rules.pillar_minimum))
    panel = None

    outcomes: list[results.EntryResult] = []
    missing_entries = 0
    empty: dict = {}
    for entry_id, entry in entries.items():
        category = entry.category.code
        if entry_id in partial:
            panel = panel or jury_panel(competition)
            exact = _exact(entry_id, category, rules, panel.expected, denominator, weight, order)
            outcomes.append(exact)
            missing_entries += bool(exact.missing)
            continue
        pillars = totals.get(entry_id, empty)
        scores = {}
        has_missing = False
        for p in order:
            total, n = pillars.get(p, (0, 0))
            if n:
                k = size[p]
                # 100 * (total - min*k*n) / (k*n*span), as a multiple of 1/G
                scores[p] = (
                    100 * (total - rules.scale_min * k * n) * (denominator // (k * n * span))
                )
            else:
                has_missing = True
                scores[p] = 0  # "lowest": every indicator at scale_min; "skip": no mean. Both 0.
        final = sum(weight[p] * scores[p] for p in order)
        gated = []
        if minimum is not None:
            gated = [
                p
                for p in order
                if scores[p] * minimum.denominator < minimum.numerator * denominator
            ]
        passed = (
            not gated and final * pass_mark.denominator >= pass_mark.numerator * final_denominator
        )
        missing_entries += has_missing
        outcomes.append(
            results.EntryResult(
                entry_id=entry_id,
                category=category,
                indicator_scores=empty,
                pillar_means=empty,
                pillar_scores=scores,
                final=final,
                missing=["?"] if has_missing else [],
                gated_pillars=gated,
                passed=passed,
            )
        )

    # Steps 5-7 of scoring.results, unchanged: they only compare and group.
    warnings: list[str] = []
    by_category: dict[str, list[results.EntryResult]] = defaultdict(list)
    for outcome in outcomes:
        by_category[outcome.category].append(outcome)
    for group in by_category.values():
        results.rank_category(group)
    results.apply_caps(outcomes, rules, warnings)
    results.apply_budget(outcomes, rules, warnings)
    for outcome in outcomes:
        outcome.prize = rules.prizes[outcome.category] if outcome.is_winner else 0
    if missing_entries:
        warnings.append(_(results.WARNING_MISSING) % {"count": missing_entries})

    rows = [
        ResultRow(
            entries[r.entry_id],
            r.category,
            *(_decimal(r.pillar_scores[p], denominator) for p in ("B", "A", "P")),
            _decimal(r.final, final_denominator),
            r.rank,
            r.passed,
            r.is_winner,
            r.prize,
            r.held_back,
            {},  # built on demand (see 3. above)
        )
        for r in outcomes
    ]
    return SketchTable(rows, warnings)


def _exact(entry_id, category, rules, expected, denominator, weight, order):
    """The per-level path for an entry with an incomplete sheet: scoring.results itself."""
    levels: dict[str, list[int]] = defaultdict(list)
    for juror_id, code, value in Score.objects.filter(
        sheet__entry_id=entry_id, sheet__status=SheetStatus.SUBMITTED, value__isnull=False
    ).values_list("sheet__juror_id", "indicator__code", "value"):
        if juror_id in expected.get(entry_id, ()):
            levels[code].append(value)
    exact = results.score_entry(results.EntryInput(entry_id, category, dict(levels)), rules)
    scaled = {p: exact.pillar_scores[p] * denominator for p in order}
    if any(value.denominator != 1 for value in scaled.values()):
        raise NotImplementedError("sketch: widen G with the partial entries' denominators")
    scores = {p: int(value) for p, value in scaled.items()}
    exact.pillar_scores = scores
    exact.final = sum(weight[p] * scores[p] for p in order)
    return exact


def _entries(competition) -> dict[int, Entry]:
    kelurahan = {k.pk: k for k in Kelurahan.objects.select_related("kecamatan")}
    categories = {c.pk: c for c in competition.size_categories.all()}
    entries = {}
    verified = Entry.objects.filter(competition=competition, status=EntryStatus.VERIFIED)
    # Only what the results pages and exports read (templates/scoring/plenary.html,
    # explain.html, scoring/reports.py); a test with assertNumQueries guards the rest.
    fields = ("competition_id", "status", "kampung_name", "kk_count", "ketua_rt", "category_id")
    rt_fields = ("rt__number", "rt__kelurahan_id", "rt__name_kampung")
    for entry in verified.select_related("rt").only(*fields, *rt_fields).order_by():
        entry.rt.kelurahan = kelurahan[entry.rt.kelurahan_id]
        entry.category = categories[entry.category_id]
        entries[entry.pk] = entry
    return entries


@dataclass(frozen=True, slots=True)
class RTRef:
    """Read-only stand-in for competitions.models.RT on a results row."""

    pk: int
    number: int
    kelurahan: Kelurahan

    @property
    def label(self) -> str:
        return f"RT {self.number:02d}"

    @property
    def kelurahan_id(self) -> int:
        return self.kelurahan.pk

    def __str__(self) -> str:
        return f"RT {self.number:02d} {self.kelurahan.name}"


@dataclass(frozen=True, slots=True)
class EntryRef:
    """Read-only stand-in for competitions.models.Entry on a results row."""

    pk: int
    rt: RTRef
    kampung_name: str
    kk_count: int
    ketua_rt: str
    category: object

    @property
    def id(self) -> int:
        return self.pk


def _light_entries(competition) -> dict[int, EntryRef]:
    kelurahan = {k.pk: k for k in Kelurahan.objects.select_related("kecamatan")}
    categories = {c.pk: c for c in competition.size_categories.all()}
    rows = (
        Entry.objects.filter(competition=competition, status=EntryStatus.VERIFIED)
        .order_by()
        .values_list(
            "pk",
            "rt_id",
            "rt__number",
            "rt__kelurahan_id",
            "kampung_name",
            "kk_count",
            "ketua_rt",
            "category_id",
        )
    )
    return {
        pk: EntryRef(pk, RTRef(rt, number, kelurahan[kel]), name, kk, ketua, categories[cat])
        for pk, rt, number, kel, name, kk, ketua, cat in rows
    }


FIELDS = (
    "category",
    "bersih",
    "aman",
    "pintar",
    "final",
    "rank",
    "passed",
    "is_winner",
    "prize",
    "held_back",
)


def check_against_portal(competition, table, *, light: bool = False) -> str:
    """Compare every row with `table` (from result_table); a short verdict for the report."""
    portal = {row.entry.pk: row for row in table.rows}
    sketch_table = sketch_results(competition, light=light)
    sketch = {row.entry.pk: row for row in sketch_table.rows}
    differences = []
    if set(portal) != set(sketch):
        differences.append(f"entries differ: {len(set(portal) ^ set(sketch))}")
    for pk in set(portal) & set(sketch):
        for name in FIELDS:
            if getattr(portal[pk], name) != getattr(sketch[pk], name):
                differences.append(
                    f"entry {pk} {name}: {getattr(portal[pk], name)!r} != "
                    f"{getattr(sketch[pk], name)!r}"
                )
    if sketch_table.warnings != table.warnings:
        differences.append("warnings differ")
    for pk in list(set(portal) & set(sketch))[:50]:
        a, b = portal[pk].entry, sketch[pk].entry
        if (str(a.rt), a.rt.label, a.rt.kelurahan.kecamatan.name, a.category.name) != (
            str(b.rt),
            b.rt.label,
            b.rt.kelurahan.kecamatan.name,
            b.category.name,
        ):
            differences.append(f"entry {pk}: labels differ")
    if differences:
        return f"NO, {len(differences)} differences, e.g. {differences[:3]}"
    return f"yes, {len(portal):,} rows x {len(FIELDS)} fields identical"
