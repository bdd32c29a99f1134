"""Reads for the results pages and exports: live tables, frozen snapshots, explanations.

Live results count what `scoring.panel` says counts; the maths is `scoring.results`.
Each function reads what one page needs in a fixed number of queries.
"""

from __future__ import annotations

import dataclasses
import gc
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connections, router
from django.db.models import Count, F, Max, Min, QuerySet
from django.utils.translation import gettext as _

from bantar.models import User
from competitions.models import (
    KENCANA_CODE,
    Competition,
    CompetitionStatus,
    Entry,
    EntryStatus,
    Kelurahan,
    RTNames,
    SizeCategory,
)
from indicators.models import Indicator, Pillar
from indicators.selectors import indicator_pillars, pillar_codes, pillar_names
from scoring import normalise, result_cache, results
from scoring.models import (
    Evidence,
    JuryMember,
    Result,
    ResultSet,
    Score,
    ScoreSheet,
    SheetStatus,
)
from scoring.normalise import normalised_values
from scoring.panel import Panel, counted_levels, counted_scores, jury_panel


def results_rules(competition: Competition) -> results.Rules:
    return results.Rules(
        scale_min=competition.scale_min,
        scale_max=competition.scale_max,
        pass_mark=competition.pass_mark,
        weights={code: Decimal(str(weight)) for code, weight in competition.pillar_weights.items()},
        # The competition's instrument decides the pillars, their order (= tie-break order)
        # and which indicator belongs to which (issue 14).
        indicators=indicator_pillars(competition.instrument_id),
        prizes=dict(competition.size_categories.values_list("code", "prize")),
        pillar_order=pillar_codes(competition.instrument_id),
        pillar_minimum=competition.pillar_minimum,
        cap_per_category=competition.cap_per_category,
        budget=competition.budget,
        missing=settings.BANTAR_MISSING_INDICATOR,
        # The Kencana category's own pass mark, when the competition sets one (issue 15).
        pass_marks=(
            {KENCANA_CODE: competition.kencana_pass_mark}
            if competition.kencana_pass_mark is not None
            else {}
        ),
        normalise=competition.normalise_levels,
    )


def method_text(competition: Competition) -> str:
    """The method text of the matrix, the winners list and the explain page: every rule in force."""
    return results.method(
        results_rules(competition),
        pillar_names(competition.instrument_id),
        dict(competition.size_categories.values_list("code", "name")),
    )


class Coverage(NamedTuple):
    """How many of an entry's expected sheets are in: the one rule for "complete".

    A NamedTuple: the live path makes one per entry, and a frozen dataclass takes
    several times longer to make (benchmarks/bench_results.py)."""

    expected: int  # the jurors `jury_panel` expects (conflicts and recusals left out)
    submitted: int  # of those, the ones whose sheet is submitted

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.submitted >= self.expected


def _submitted_pairs(competition: Competition) -> set[tuple[int, int]]:
    return set(
        ScoreSheet.objects.filter(
            entry__competition=competition, status=SheetStatus.SUBMITTED
        ).values_list("entry_id", "juror_id")
    )


def sheet_coverage(competition: Competition, panel: Panel) -> dict[int, Coverage]:
    """Verified entry -> its coverage, from the panel and the submitted sheets (1 query).

    An entry with no team, or whose team has nobody who may score it, expects
    nothing and is never complete. A sheet of a recused, conflicted or
    reassigned juror is not expected and not counted.
    """
    submitted = _submitted_pairs(competition)
    coverage = {entry_id: Coverage(0, 0) for entry_id in panel.unassigned}
    for entry_id, jurors in panel.expected.items():
        coverage[entry_id] = Coverage(
            len(jurors), sum(1 for juror in jurors if (entry_id, juror) in submitted)
        )
    return coverage


# Statements of the live path, compiled once per database, name and competition: the ORM
# takes a few milliseconds to build these joins, a tenth of what the live results may
# spend beyond the aggregate itself (benchmarks/bench_results.py). Their SQL and
# parameters depend on nothing but the competition's pk.
_STATEMENTS: dict[tuple[str, str, int], tuple[str, tuple[Any, ...]]] = {}


def _fetch(name: str, competition: Competition, build: Callable[[], QuerySet[Any]]) -> list[Any]:
    """The rows of `build()`'s statement through the cursor: plain integers, no converters."""
    alias = router.db_for_read(Score)
    key = (alias, name, competition.pk)
    if key not in _STATEMENTS:
        sql, params = build().query.sql_with_params()
        _STATEMENTS[key] = (sql, tuple(params))
    sql, params = _STATEMENTS[key]
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def results_inputs(
    competition: Competition,
) -> tuple[results.Rules, list[results.EntryInput], Panel, list]:
    rules, entries, panel, levels, _coverage = covered_inputs(competition)
    return rules, entries, panel, levels


def covered_inputs(
    competition: Competition,
) -> tuple[results.Rules, list[results.EntryInput], Panel, list, dict[int, Coverage]]:
    """`results_inputs` and the coverage it read: for `explained_results`, so that the
    panel and the sheets are read once (the normalised path explains from every level)."""
    panel = jury_panel(competition)
    coverage = sheet_coverage(competition, panel)
    levels = counted_levels(competition, panel)
    rules = results_rules(competition)
    by_entry: dict[int, dict[str, list[int | Fraction]]] = defaultdict(lambda: defaultdict(list))
    for (entry_id, _juror, code, _raw), value in zip(levels, _values(rules, levels), strict=True):
        by_entry[entry_id][code].append(value)
    categories = dict(
        Entry.objects.filter(competition=competition, status=EntryStatus.VERIFIED).values_list(
            "pk", "category__code"
        )
    )
    entries = [
        results.EntryInput(
            entry_id=pk,
            category=code,
            scores={k: list(v) for k, v in by_entry[pk].items()},
            complete=_complete(coverage, pk),
        )
        for pk, code in categories.items()
    ]
    return rules, entries, panel, levels, coverage


def _values(rules: results.Rules, levels: list) -> list[int | Fraction]:
    """The levels the means use: raw, or normalised when the competition says so."""
    if not rules.normalise:
        return [value for *_, value in levels]
    return list(normalised_values(levels, rules.scale_min, rules.scale_max))


def _complete(coverage: dict[int, Coverage], entry_id: int) -> bool:
    found = coverage.get(entry_id)
    return found is not None and found.complete


@dataclass(frozen=True, slots=True)
class Blocker:
    """One thing that keeps the competition from being finalised, and the RT's sheet page."""

    entry_id: int
    text: str
    juror_id: int | None = None  # the juror whose sheet is awaited: the row to submit or excuse


def missing_sheets(
    competition: Competition,
    *,
    panel: Panel | None = None,
    sheets: list[tuple[int, int, int]] | None = None,
) -> list[str]:
    """What keeps the competition from being finalised, named for the panitia.

    `panel` and `sheets` (`_submitted_sheets`): when the caller has read them (finalising).
    """
    return [blocker.text for blocker in finalise_blockers(competition, panel=panel, sheets=sheets)]


def finalise_blockers(
    competition: Competition,
    *,
    panel: Panel | None = None,
    sheets: list[tuple[int, int, int]] | None = None,
) -> list[Blocker]:
    """`missing_sheets` with the entry of each, so the plenary can link its sheet page."""
    if panel is None:
        panel = jury_panel(competition)
    if sheets is None:
        sheets = _submitted_sheets(competition)
    submitted = {(entry_id, juror) for _sheet, entry_id, juror in sheets}
    # Only the entries with a problem are named: finalising a complete city reads no label.
    waiting = set(panel.unassigned) | {
        entry_id
        for entry_id, jurors in panel.expected.items()
        if not jurors or any((entry_id, juror) not in submitted for juror in jurors)
    }
    if not waiting:  # every expected sheet is in: nothing to name, no names to read
        return []
    labels = {
        entry.pk: str(entry.rt)
        for entry in Entry.objects.filter(
            competition=competition, status=EntryStatus.VERIFIED, pk__in=waiting
        ).select_related("rt__kelurahan")
    }
    names = {
        user.pk: user.get_full_name() or user.username
        for user in User.objects.filter(
            pk__in={j for jurors in panel.expected.values() for j in jurors}
        )
    }
    problems = [
        Blocker(entry_id, _("%(rt)s: belum ditugaskan ke tim juri") % {"rt": labels[entry_id]})
        for entry_id in panel.unassigned
    ]
    problem_entries = ((e, jurors) for e, jurors in panel.expected.items() if e in waiting)
    for entry_id, jurors in sorted(problem_entries, key=lambda item: labels[item[0]]):
        if not jurors:
            problems.append(
                Blocker(
                    entry_id, _("%(rt)s: tidak ada juri yang menilai") % {"rt": labels[entry_id]}
                )
            )
        for juror in sorted(jurors, key=lambda j: names[j]):
            if (entry_id, juror) not in submitted:
                problems.append(
                    Blocker(
                        entry_id,
                        _("%(rt)s: lembar nilai %(juror)s belum dikirim")
                        % {"rt": labels[entry_id], "juror": names[juror]},
                        juror,
                    )
                )
    return problems


@dataclass(slots=True)
class RTRef(RTNames):
    """The RT of a results row, named like `competitions.models.RT`."""

    pk: int
    number: int
    kelurahan: Kelurahan


@dataclass(slots=True)
class EntryRef:
    """The entry of a results row: only what the results pages and reports read."""

    pk: int
    rt: RTRef
    kampung_name: str
    ketua_rt: str
    kk_count: int
    category: SizeCategory


@dataclass(slots=True)
class ResultRow:
    """One entry's result, live or frozen: the rows every results page and export use."""

    entry: EntryRef
    category: str
    pillars: dict[str, Decimal]  # pillar code -> score, in the instrument's pillar order
    final: Decimal
    rank: int
    passed: bool
    is_winner: bool
    prize: int
    held_back: str
    tied_with: list[int]
    frozen_result: int | None = None  # the Result row, once finalised; see `explanation`
    sheets_in: int = 0  # coverage: the expected sheets submitted ...
    sheets_expected: int = 0  # ... of those the panel expects
    missing: list[str] = field(default_factory=list)  # indicators nobody gave a level
    complete: bool = True  # every expected sheet is in (provisional results: else no rank)
    scored: bool = True  # some juror gave a level ("belum dinilai" otherwise)
    undecided: bool = False  # held back in a tie the cap or budget splits: "Ditahan"

    @property
    def ranked(self) -> bool:
        return self.complete and self.scored


@dataclass
class ResultTable:
    rows: list[ResultRow]
    frozen: bool
    result_set: ResultSet | None
    warnings: list[str]
    category_order: list[str] = field(default_factory=list)  # largest households first
    # The competition's instrument's pillars, code -> name in order: the columns (issue 14).
    pillars: dict[str, str] = field(default_factory=dict)

    @property
    def total_prize(self) -> int:
        return sum(row.prize for row in self.rows)

    def by_category(self) -> list[tuple[str, list[ResultRow]]]:
        grouped: dict[str, list[ResultRow]] = {code: [] for code in self.category_order}
        # Ranked rows first; then the incomplete by provisional score, the unscored last.
        for row in sorted(
            self.rows, key=lambda r: (not r.ranked, not r.scored, r.rank, -r.final, r.entry.pk)
        ):
            grouped.setdefault(row.category, []).append(row)
        return [(code, rows) for code, rows in grouped.items() if rows]

    @property
    def coverage_counts(self) -> dict[str, int]:
        """How far the table can be trusted: complete, incomplete and unscored rows."""
        return {
            "complete": sum(1 for row in self.rows if row.ranked),
            "incomplete": sum(1 for row in self.rows if row.scored and not row.complete),
            "unscored": sum(1 for row in self.rows if not row.scored),
        }

    def row(self, entry_id: int) -> ResultRow | None:
        return next((row for row in self.rows if row.entry.pk == entry_id), None)


def _entry_refs(
    competition: Competition, entries: QuerySet[Entry]
) -> tuple[dict[int, EntryRef], list[str], list[tuple[int, int, int | None]]]:
    """Entry id -> EntryRef in 3 queries (the entries, two small tables), the category order,
    and each entry as `jury_panel` reads it: (pk, kelurahan id, team id or None).

    The entries come through the cursor: 1,650 rows of plain values need none of the
    ORM's converters (the live path's budget, benchmarks/bench_results.py).
    """
    kelurahan = {k.pk: k for k in Kelurahan.objects.select_related("kecamatan")}
    categories = {c.pk: c for c in competition.size_categories.all()}
    fields = ("pk", "rt_id", "rt__number", "rt__kelurahan_id", "kampung_name", "ketua_rt")
    query = entries.order_by().values_list(*fields, "kk_count", "category_id", "assignment__team")
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    order = [c.code for c in sorted(categories.values(), key=lambda c: -c.min_kk)]
    refs = {
        pk: EntryRef(pk, RTRef(rt, number, kelurahan[kel]), name, ketua, kk, categories[cat])
        for pk, rt, number, kel, name, ketua, kk, cat, _team in rows
    }
    return refs, order, [(row[0], row[3], row[8]) for row in rows]


def result_table(competition: Competition) -> ResultTable:
    """The frozen results once finalised; before that, results computed from the sheets so far.

    Kept between requests under the competition's data version (`scoring.result_cache`):
    one query when nothing changed since it was computed. The caller may change the copy.
    """
    return result_cache.cached("table", competition, lambda: computed_result_table(competition))


def computed_result_table(competition: Competition) -> ResultTable:
    """`result_table` computed now, from the database (the first request after a write)."""
    result_set = ResultSet.objects.current().filter(competition=competition).first()
    if result_set is not None and competition.status in (
        CompetitionStatus.FINAL,
        CompetitionStatus.PUBLISHED,
    ):
        pillars = pillar_names(competition.instrument_id)
        # The explanations stay in the database until a page asks for one (`explanation`).
        frozen = result_set.results.defer("explanation").annotate(
            tied_with=F("explanation__tied_with"),
            missing=F("explanation__missing_indicators"),
            sheets=F("explanation__sheets"),  # as they were when finalised: all in
            undecided=F("explanation__undecided"),
        )
        entries, order, _panel_rows = _entry_refs(
            competition, Entry.objects.filter(results__result_set=result_set)
        )
        rows = [
            ResultRow(
                entries[r.entry_id],
                r.category_code,
                {code: r.pillar_score(code) for code in pillars},
                r.final,
                r.rank,
                r.passed,
                r.is_winner,
                r.prize,
                r.held_back,
                r.tied_with or [],
                r.pk,
                sheets_in=(r.sheets or (0, 0))[0],
                sheets_expected=(r.sheets or (0, 0))[1],
                missing=r.missing or [],
                complete=True,  # finalising needs every sheet
                scored=r.rank > 0,
                undecided=bool(r.undecided),
            )
            for r in frozen
        ]
        return ResultTable(rows, True, result_set, list(result_set.warnings), order, pillars)
    with collection_paused():
        entries, order, panel_rows = _entry_refs(
            competition, Entry.objects.filter(competition=competition, status=EntryStatus.VERIFIED)
        )
        categories = {pk: entry.category.code for pk, entry in entries.items()}
        outcome, coverage = live_results(
            competition, results_rules(competition), categories, panel_entries=panel_rows
        )
        rows = [live_row(entries[r.entry_id], r, outcome, coverage) for r in outcome.results]
    return ResultTable(
        rows, False, None, outcome.warnings, order, pillar_names(competition.instrument_id)
    )


@contextmanager
def collection_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a whole competition's results are made.

    The live path makes a few objects per sheet and entry (90,000 at 10x) and no cycles;
    each collection their allocations trigger walks every object alive again, more of
    them the bigger the city: at 10x the collector took 0.41 of the live path's 1.08 s
    CPU (measured 2026-12-02). Reference counting frees them as before.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def rekap_kecamatan_ids(user: User) -> set[int] | None:
    """The kecamatan whose rows a rekap shows the user: all (None) city-wide, else its region's."""
    if user.is_city_wide:
        return None
    if user.kelurahan is not None:
        return {user.kelurahan.kecamatan_id}
    return {user.kecamatan_id} if user.kecamatan_id is not None else set()


def result_table_for(user: User, competition: Competition) -> ResultTable:
    """`result_table` narrowed to the user's scope: the rows of entries `Entry.for_user` sees.

    Whether the user may read the competition's results at all is the rule
    `scoring.read_results`; this only decides which rows.
    """
    table = result_table(competition)
    if not user.is_city_wide:
        visible = set(
            Entry.objects.for_user(user)
            .filter(competition=competition)
            .values_list("pk", flat=True)
        )
        table.rows = [row for row in table.rows if row.entry.pk in visible]
    return table


_NO_SHEETS = Coverage(0, 0)


def _sheets(coverage: dict[int, Coverage], entry_id: int) -> tuple[int, int]:
    found = coverage.get(entry_id, _NO_SHEETS)
    return found.submitted, found.expected


@lru_cache(maxsize=8192)
def _decimal(value: Fraction | int, scale: int) -> Decimal:
    """`Outcome.pillar_decimal` / `final_decimal`, remembered: 1,650 rows share a few
    hundred distinct scores, and the live path's budget is tight (bench_results)."""
    return results.as_decimal(value, 4, scale)


def live_row(
    entry: EntryRef,
    result: results.EntryResult,
    outcome: results.Outcome,
    coverage: dict[int, Coverage] | None = None,
) -> ResultRow:
    """One computed result as the pages show it: figures rounded once, to 4 places."""
    scores, scale = result.pillar_scores, outcome.scale
    return ResultRow(
        entry,
        result.category,
        {code: _decimal(score, scale) for code, score in scores.items()},
        _decimal(result.final, outcome.final_scale),
        result.rank,
        result.passed,
        result.is_winner,
        result.prize,
        result.held_back,
        result.tied_with,
        None,
        *_sheets(coverage or {}, result.entry_id),
        list(result.missing),
        result.complete,
        result.scored,
        result.undecided,
    )


def live_outcome(
    competition: Competition,
    rules: results.Rules,
    categories: dict[int, str],
    coverage: dict[int, Coverage] | None = None,
) -> results.Outcome:
    """`results.compute` over the submitted sheets of `categories`' entries (id -> category).

    `coverage` (default: the one `live_totals` reads) says which entries are complete.
    """
    return live_results(competition, rules, categories, coverage)[0]


def live_results(
    competition: Competition,
    rules: results.Rules,
    categories: dict[int, str],
    coverage: dict[int, Coverage] | None = None,
    panel_entries: list[tuple[int, int, int | None]] | None = None,
) -> tuple[results.Outcome, dict[int, Coverage]]:
    """`live_outcome` and the coverage it used; `panel_entries` as `jury_panel` takes them."""
    if rules.normalise:
        return normalised_live_results(competition, rules, categories, coverage, panel_entries)
    pillars, incomplete, found = live_totals(competition, rules, panel_entries)
    if coverage is None:
        coverage = found
    totals = [
        results.EntryTotals(pk, code, pillars.get(pk, {}), _complete(coverage, pk))
        for pk, code in categories.items()
        if pk not in incomplete
    ]
    exact = []
    if incomplete:
        gap_levels: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for entry_id, code, value in (
            counted_scores(competition)
            .filter(sheet__entry__in=incomplete)
            .values_list("sheet__entry_id", "indicator__code", "value")
        ):
            if value is not None:  # counted_scores has only levels; the column may be empty
                gap_levels[entry_id][code].append(value)
        exact = [
            results.EntryInput(pk, categories[pk], dict(gap_levels[pk]), _complete(coverage, pk))
            for pk in sorted(incomplete)
            if pk in categories
        ]
    return results.compute_totals(totals, rules, exact), coverage


def normalised_live_results(
    competition: Competition,
    rules: results.Rules,
    categories: dict[int, str],
    coverage: dict[int, Coverage] | None = None,
    panel_entries: list[tuple[int, int, int | None]] | None = None,
) -> tuple[results.Outcome, dict[int, Coverage]]:
    """`live_results` with normalisation on: the outcome `results.compute` gives over every
    normalised level (finalisation's path), from counts of levels, in integers.

    The database counts each sheet's levels per pillar and level (a few per sheet, not one
    row per level); `scoring.normalise.normalised_sums` turns them into each sheet's pillar
    sum in millionths of a level, and `results.compute_totals` scores them with the scale
    in millionths too (`normalise.scaled`: the same pillar scores). An RT with a gap goes
    level by level, its levels normalised by the same (juror, level) values.
    """
    panel = jury_panel(competition, panel_entries)
    size = _pillar_sizes(rules)
    codes = dict(Pillar.objects.values_list("pk", "code"))
    sheets = _submitted_sheets(competition)
    counts = _fetch(
        "level-counts",
        competition,
        lambda: (
            _submitted_levels(competition)
            .values_list("sheet_id", "indicator__pillar_id", "value")
            .annotate(n=Count("value"))
            .order_by()
        ),
    )
    sums, known = normalise.normalised_sums(
        panel.expected, sheets, counts, rules.scale_min, rules.scale_max
    )
    pillars, incomplete, found = _pillar_totals(panel, sheets, sums, codes, size)
    if coverage is None:
        coverage = found
    totals = [
        results.EntryTotals(pk, code, pillars.get(pk, {}), _complete(coverage, pk))
        for pk, code in categories.items()
        if pk not in incomplete
    ]
    gap_levels: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    if incomplete:
        for entry_id, juror, code, value in (
            counted_scores(competition)
            .filter(sheet__entry__in=incomplete)
            .values_list("sheet__entry_id", "sheet__juror_id", "indicator__code", "value")
        ):
            if value is not None:
                gap_levels[entry_id][code].append(normalise.millionths(known[juror, value]))
    exact = [
        results.EntryInput(pk, categories[pk], dict(gap_levels[pk]), _complete(coverage, pk))
        for pk in sorted(incomplete)
        if pk in categories
    ]
    return results.compute_totals(totals, normalise.scaled(rules), exact), coverage


def live_totals(
    competition: Competition,
    rules: results.Rules,
    panel_entries: list[tuple[int, int, int | None]] | None = None,
) -> tuple[dict[int, dict[str, results.PillarTotal]], set[int], dict[int, Coverage]]:
    """Each entry's pillar totals over the counted levels, the entries with a gap, and coverage.

    The database adds up each submitted sheet's levels per pillar in one aggregate
    (`_SheetSums`: one row per submitted sheet, with its entry and juror; no join to the
    panel's tables); the panel rule (`jury_panel`, `Panel.counts`) then keeps the sheets
    and pillars that count, and the same rows give each entry's coverage, so that
    coverage costs no query of its own. An entry where a counted juror left an
    indicator of a pillar empty is "with a gap": `live_outcome` reads it level by level.
    """
    panel = jury_panel(competition, panel_entries)
    sums = _SheetSums(competition)
    return sums.totals(panel, sums.fetch(competition), _pillar_sizes(rules))


# The largest level a Score can hold (a PositiveSmallIntegerField): it bounds the packing.
_LEVEL_MAX = 32767
_PACKED_BITS = 62  # the bits a packed sum may use: a signed 64-bit SUM never overflows
_FOREIGN_BITS = 20  # room to count the levels of indicators outside the instrument


class _SheetSums:
    """The live path's aggregate: per submitted sheet, its levels' sum and count per pillar.

    One row per sheet, (sheet, entry, juror, packed sums..., packed counts...): each
    pillar's sum of levels sits in its own bits of a packed SUM (value x 2^shift), each
    pillar's count of levels likewise, and the levels of indicators outside the
    instrument are counted in the last bits. The pillar of a level comes from its
    indicator id (a CASE over the instrument's runs of consecutive ids, written into the
    statement), not from a join to the indicators. Grouped by the entry and the sheet,
    the order the joins walk them, SQLite adds up as it goes, with no sort: together
    0.6 of the time of the per-(sheet, pillar) GROUP BY it replaced (35 against 57 ms
    at city scale, benchmarks/bench_results.py). The sheet is LEFT JOINed to its levels, so that a submitted sheet
    without a level still counts for coverage; a level above a Score's range cannot be
    packed and is left out here, which makes its pillar a gap (read level by level).
    """

    def __init__(self, competition: Competition) -> None:
        indicators = sorted(
            Indicator.objects.filter(instrument=competition.instrument_id).values_list(
                "pk", "pillar_id", "pillar__code"
            )
        )
        self.runs: list[list[int]] = []  # [first id, last id, pillar id]
        codes: dict[int, str] = {}
        sizes: Counter[int] = Counter()
        for pk, pillar, code in indicators:
            codes[pillar] = code
            sizes[pillar] += 1
            if self.runs and self.runs[-1][1] == pk - 1 and self.runs[-1][2] == pillar:
                self.runs[-1][1] = pk
            else:
                self.runs.append([pk, pk, pillar])
        level_columns = _packed_columns(
            {p: (n * _LEVEL_MAX).bit_length() for p, n in sizes.items()}
        )
        count_columns = _packed_columns(
            {**{p: n.bit_length() for p, n in sizes.items()}, None: _FOREIGN_BITS}
        )
        self.levels = level_columns
        self.counts = count_columns
        place = {
            pillar: (3 + column, shift, (1 << width) - 1)
            for column, slots in enumerate(level_columns)
            for pillar, shift, width in slots
        }
        count_place = {
            pillar: (3 + len(level_columns) + column, shift, (1 << width) - 1)
            for column, slots in enumerate(count_columns)
            for pillar, shift, width in slots
        }
        # (pillar code, pillar id, column/shift/mask of its sum, column/shift/mask of its count)
        self.slots = [
            (codes[p], p, *place[p], *count_place[p])
            for p in dict.fromkeys(p for _pk, p, _c in indicators)
        ]
        self.foreign = count_place[None][:2]

    def statement(self) -> tuple[str, list[int | str]]:
        quote = connections[router.db_for_read(Score)].ops.quote_name
        params: list[int | str] = []

        def case(slots: list[tuple[int | None, int, int]], value: str) -> str:
            shift = {pillar: s for pillar, s, _width in slots}
            whens = []
            for first, last, pillar in self.runs:
                if pillar in shift:
                    whens.append("WHEN s.indicator_id BETWEEN %s AND %s THEN CAST(%s AS BIGINT)")
                    params.extend((first, last, 1 << shift[pillar]))
            params.append(1 << shift[None] if None in shift else 0)
            if not whens:  # a column of the foreign count only, or an instrument of nothing
                return f"CAST(SUM({value}CAST(%s AS BIGINT)) AS BIGINT)"
            # The CASTs: PostgreSQL multiplies a smallint level by an integer in 32 bits, and
            # its SUM of bigints is a numeric. SQLite's integers are 64 bits: no cost there.
            return f"CAST(SUM({value}CASE {' '.join(whens)} ELSE CAST(%s AS BIGINT) END) AS BIGINT)"

        columns = [case(slots, "s.value * ") for slots in self.levels]
        columns += [case(slots, "") for slots in self.counts]
        entry, sheet, score = (quote(model._meta.db_table) for model in (Entry, ScoreSheet, Score))
        # Only table names and placeholders go into the text; every value is a parameter.
        sql = (
            f"SELECT sh.id, sh.entry_id, sh.juror_id, {', '.join(columns)} "  # noqa: S608
            f"FROM {entry} e JOIN {sheet} sh ON sh.entry_id = e.id "
            f"LEFT JOIN {score} s ON s.sheet_id = sh.id AND s.value BETWEEN 0 AND %s "
            "WHERE e.competition_id = %s AND sh.status = %s "
            "GROUP BY e.id, sh.id"
        )
        return sql, [*params, _LEVEL_MAX]

    def fetch(self, competition: Competition) -> list[tuple[Any, ...]]:
        sql, params = self.statement()
        alias = router.db_for_read(Score)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [*params, competition.pk, SheetStatus.SUBMITTED])
            return cursor.fetchall()

    def totals(
        self, panel: Panel, rows: list[tuple[Any, ...]], size: dict[str, int]
    ) -> tuple[dict[int, dict[str, results.PillarTotal]], set[int], dict[int, Coverage]]:
        """`_pillar_totals` over this aggregate's rows: the same panel rule, one row per sheet."""
        expected = panel.expected
        adding: dict[int, dict[str, list[int]]] = {}  # code -> [sum, jurors, levels]
        submitted: dict[int, int] = dict.fromkeys(expected, 0)
        incomplete: set[int] = set()
        slots = self.slots
        foreign_column, foreign_shift = self.foreign
        for row in rows:
            entry_id = row[1]
            jurors = expected.get(entry_id)
            if jurors is None:
                continue
            remit = jurors.get(row[2])
            if remit is None:  # rules 1 to 3: not a juror the panel expects
                continue
            submitted[entry_id] += 1
            entry_totals = adding.get(entry_id)
            if entry_totals is None:
                entry_totals = adding[entry_id] = {}
            if row[3] is None:  # a submitted sheet without a level
                continue
            if not remit and row[foreign_column] >> foreign_shift:
                incomplete.add(entry_id)  # a level of another instrument: level by level
            for code, pillar, lc, ls, lm, nc, ns, nm in slots:
                n = (row[nc] >> ns) & nm
                if not n or (remit and pillar not in remit):  # rule 4, `in_remit`, inlined
                    continue
                total = entry_totals.get(code)
                if total is None:
                    entry_totals[code] = [(row[lc] >> ls) & lm, 1, n]
                else:  # one more juror: one sheet is one juror
                    total[0] += (row[lc] >> ls) & lm
                    total[1] += 1
                    total[2] += n
        coverage = {entry_id: Coverage(0, 0) for entry_id in panel.unassigned}
        for entry_id, jurors in expected.items():
            coverage[entry_id] = Coverage(len(jurors), submitted[entry_id])
        return _added_pillars(adding, size, incomplete), incomplete, coverage


def _packed_columns(widths: dict[int | None, int]) -> list[list[tuple[int | None, int, int]]]:
    """Slots of `widths` bits packed into as few columns of `_PACKED_BITS` as they fit:
    per column, [(key, shift, width)]."""
    columns: list[list[tuple[int | None, int, int]]] = [[]]
    used = 0
    for key, width in widths.items():
        if used + width > _PACKED_BITS and columns[-1]:
            columns.append([])
            used = 0
        columns[-1].append((key, used, width))
        used += width
    return columns


def _submitted_levels(competition: Competition) -> QuerySet[Score]:
    """Every level of the competition's submitted sheets: what each aggregate groups by sheet."""
    return Score.objects.filter(
        sheet__entry__competition=competition,
        sheet__status=SheetStatus.SUBMITTED,
        value__isnull=False,
    )


def _pillar_sizes(rules: results.Rules) -> dict[str, int]:
    """How many indicators each pillar of the rules has (0 for a pillar it does not name)."""
    return defaultdict(int, Counter(rules.indicators.values()))


def _submitted_sheets(competition: Competition) -> list[tuple[int, int, int]]:
    """(sheet, entry, juror) of every submitted sheet of the competition, through the cursor."""
    return _fetch(
        "sheets",
        competition,
        lambda: (
            ScoreSheet.objects.filter(entry__competition=competition, status=SheetStatus.SUBMITTED)
            .values_list("pk", "entry_id", "juror_id")
            .order_by()
        ),
    )


def _pillar_totals(
    panel: Panel,
    sheets: Iterable[tuple[int, int, int]],
    sums: Iterable[tuple[int, int, int, int]],
    codes: dict[int, str],
    size: dict[str, int],
) -> tuple[dict[int, dict[str, results.PillarTotal]], set[int], dict[int, Coverage]]:
    """`live_totals` from the submitted sheets and their (sheet, pillar id, sum, levels)."""
    # Rules 1 to 3: the sheets of the jurors the panel expects (a verified entry's team,
    # no conflict, no recusal or excuse); each with its juror's remit, for rule 4.
    expected = panel.expected
    counted: dict[int, tuple[dict[str, list[int]], frozenset[int]]] = {}
    adding: dict[int, dict[str, list[int]]] = defaultdict(dict)  # code -> [sum, jurors, levels]
    coverage = {entry_id: Coverage(0, 0) for entry_id in panel.unassigned}
    submitted: dict[int, int] = defaultdict(int)
    for sheet_id, entry_id, juror in sheets:
        jurors = expected.get(entry_id)
        if jurors is not None and juror in jurors:
            counted[sheet_id] = (adding[entry_id], jurors[juror])
            submitted[entry_id] += 1
    for entry_id, jurors in expected.items():
        coverage[entry_id] = Coverage(len(jurors), submitted[entry_id])
    for sheet_id, pillar_id, levels, n in sums:
        found = counted.get(sheet_id)
        if found is None:
            continue
        entry_totals, remit = found
        if remit and pillar_id not in remit:  # rule 4, `in_remit`, inlined: 15,000 rows
            continue
        total = entry_totals.get(codes[pillar_id])
        if total is None:
            entry_totals[codes[pillar_id]] = [levels, 1, n]
        else:  # one more juror: one sheet is one juror
            total[0] += levels
            total[1] += 1
            total[2] += n
    incomplete: set[int] = set()
    return _added_pillars(adding, size, incomplete), incomplete, coverage


def _added_pillars(
    adding: dict[int, dict[str, list[int]]], size: dict[str, int], incomplete: set[int]
) -> dict[int, dict[str, results.PillarTotal]]:
    """Each entry's pillar totals from its [sum, jurors, levels] per pillar code; an entry
    where a counted juror left an indicator of a pillar empty goes into `incomplete`."""
    pillars: dict[int, dict[str, results.PillarTotal]] = {}
    for entry_id, entry_totals in adding.items():
        if not entry_totals:
            continue
        for code, (_sum, count, n) in entry_totals.items():
            if n != size[code] * count:
                incomplete.add(entry_id)
        pillars[entry_id] = {
            code: results.PillarTotal(total, count)
            for code, (total, count, _n) in entry_totals.items()
        }
    return pillars


@dataclass
class Freeze:
    """What finalising stores: the outcome, each row's explanation, the hash of the inputs."""

    rules: results.Rules
    outcome: results.Outcome
    explained: list[tuple[results.EntryResult, str]]  # each result, its explanation as JSON
    inputs_hash: str


def _freeze_level_by_level(
    competition: Competition,
    rules: results.Rules,
    panel: Panel,
    categories: dict[int, str],
    sheets: list[tuple[int, int, int]],
) -> Freeze:
    """`result_freeze.results_to_freeze` from every counted level: the reference of
    `freeze_levels`, and
    the path for levels outside the competition's instrument (they count in the hash)."""
    indicators = {
        pk: (code, pillar)
        for pk, code, pillar in Indicator.objects.values_list("pk", "code", "pillar")
    }
    codes = dict(Pillar.objects.values_list("pk", "code"))
    size = _pillar_sizes(rules)
    by_sheet: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for sheet_id, indicator_id, value in _fetch(
        "levels",
        competition,
        lambda: (
            _submitted_levels(competition)
            .values_list("sheet_id", "indicator_id", "value")
            .order_by()
        ),
    ):
        by_sheet[sheet_id].append((indicator_id, value))
    names = _juror_names({juror for _sheet, _entry, juror in sheets})
    scores: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    named: dict[int, dict[str, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
    sums: list[tuple[int, int, int, int]] = []  # (sheet, pillar id, sum, levels), as live
    # In juror order, as the explain page lists the levels (`named_levels`).
    for sheet_id, entry_id, juror in sorted(sheets, key=lambda sheet: sheet[2]):
        remit = panel.expected.get(entry_id, {}).get(juror)
        if remit is None:  # rules 1 to 3: not a juror the panel expects
            continue
        entry_scores, entry_named, name = scores[entry_id], named[entry_id], names[juror]
        per_pillar: dict[int, list[int]] = {}
        for indicator_id, value in by_sheet.get(sheet_id, ()):
            code, pillar_id = indicators[indicator_id]
            if remit and pillar_id not in remit:  # rule 4
                continue
            entry_scores[code].append(value)
            entry_named[code].append((name, value))
            total = per_pillar.get(pillar_id)
            if total is None:
                per_pillar[pillar_id] = [value, 1]
            else:
                total[0] += value
                total[1] += 1
        sums.extend((sheet_id, pillar, total, n) for pillar, (total, n) in per_pillar.items())
    pillars, incomplete, coverage = _pillar_totals(panel, sheets, sums, codes, size)
    frozen_inputs = {
        pk: results.EntryInput(
            pk, code, {k: list(v) for k, v in scores[pk].items()}, _complete(coverage, pk)
        )
        for pk, code in categories.items()
    }
    totals = [
        results.EntryTotals(pk, code, pillars.get(pk, {}), _complete(coverage, pk))
        for pk, code in categories.items()
        if pk not in incomplete
    ]
    exact = [frozen_inputs[pk] for pk in sorted(incomplete) if pk in frozen_inputs]
    outcome = results.compute_totals(totals, rules, exact)
    means = _Means(rules, size)
    explained = [
        (
            r,
            {
                **results.explain(
                    means.explainable(r, outcome, scores[r.entry_id]), rules, named[r.entry_id]
                ),
                "sheets": list(_sheets(coverage, r.entry_id)),
            },
        )
        for r in outcome.results
    ]
    return Freeze(
        rules, outcome, _as_json(explained), results.inputs_hash(frozen_inputs.values(), rules)
    )


def _as_json(
    explained: list[tuple[results.EntryResult, dict[str, Any]]],
) -> list[tuple[results.EntryResult, str]]:
    return [(result, json.dumps(explanation)) for result, explanation in explained]


class _Means:
    """An integer result of `compute_totals` as `results.explain` reads one of `score_entry`.

    `compute_totals` keeps the pillar and final scores as integers over a common
    scale and, for an entry without a gap, no means: the means are the sums over
    the counts (a pillar without a gap: every counted juror scored its every
    indicator, so its mean level is its sum over indicators x jurors). The same
    few hundred fractions recur, so each is made once.
    """

    def __init__(self, rules: results.Rules, size: dict[str, int]) -> None:
        self.rules = rules
        self.size = size
        self.codes = {
            pillar: [code for code, owner in rules.indicators.items() if owner == pillar]
            for pillar in rules.pillar_order
        }
        self.made: dict[tuple[int, int], Fraction] = {}

    def fraction(self, numerator: int, denominator: int) -> Fraction:
        key = (numerator, denominator)
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = Fraction(numerator, denominator)
        return found

    def explainable(
        self, result: results.EntryResult, outcome: results.Outcome, levels: dict[str, list[int]]
    ) -> results.EntryResult:
        rules = self.rules
        indicator_scores = result.indicator_scores
        pillar_means = result.pillar_means
        if not indicator_scores:  # summed by pillar: no gap (else `score_entry` gave them)
            indicator_scores = {
                code: self.fraction(sum(levels[code]), len(levels[code]))
                if levels.get(code)
                else None
                for code in rules.indicators
            }
            pillar_means = {}
            for pillar, codes in self.codes.items():
                given = [levels[code] for code in codes if levels.get(code)]
                if given:
                    total = sum(sum(values) for values in given)
                    pillar_means[pillar] = self.fraction(total, len(given[0]) * self.size[pillar])
                elif rules.missing == results.MISSING_LOWEST:
                    pillar_means[pillar] = self.fraction(rules.scale_min, 1)
                else:
                    pillar_means[pillar] = None
        return dataclasses.replace(
            result,
            indicator_scores=indicator_scores,
            pillar_means=pillar_means,
            pillar_scores={
                p: self.fraction(int(v), outcome.scale) for p, v in result.pillar_scores.items()
            },
            final=self.fraction(int(result.final), outcome.final_scale),
        )


def _category_order(competition: Competition) -> list[str]:
    return list(competition.size_categories.order_by("-min_kk").values_list("code", flat=True))


def explained_results(
    competition: Competition,
    outcome: results.Outcome,
    rules: results.Rules,
    levels: list,
    coverage: dict[int, Coverage] | None = None,
) -> list[tuple[results.EntryResult, dict[str, Any]]]:
    """Each result of `results.compute` with its explanation, to freeze them.

    `coverage`: the one `covered_inputs` read with `levels` (else read again here).
    """
    names = _juror_names(juror for _entry, juror, _code, _value in levels)
    per_entry: dict[int, dict[str, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
    normalised: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for (entry_id, juror, code, value), used in zip(levels, _values(rules, levels), strict=True):
        per_entry[entry_id][code].append((names[juror], value))
        normalised[entry_id][code].append(used)
    if coverage is None:
        coverage = sheet_coverage(competition, jury_panel(competition))
    return [
        (
            r,
            {
                **results.explain(
                    r,
                    rules,
                    per_entry[r.entry_id],
                    normalised[r.entry_id] if rules.normalise else None,
                ),
                "sheets": list(_sheets(coverage, r.entry_id)),
            },
        )
        for r in outcome.results
    ]


def _juror_names(ids: Iterable[int]) -> dict[int, str]:
    """Each juror's full name, else the username, from plain values: no User instances built."""
    found = User.objects.filter(pk__in=set(ids)).values_list(
        "pk", "first_name", "last_name", "username"
    )
    # AbstractUser.get_full_name: first and last name, stripped.
    return {pk: f"{first} {last}".strip() or username for pk, first, last, username in found}


def named_levels(scores: QuerySet[Score]) -> dict[int, dict[str, list[tuple[str, int]]]]:
    """Entry -> indicator -> (juror's name, level), in juror order, for the given scores."""
    rows = list(
        scores.order_by("sheet__juror_id").values_list(
            "sheet__entry_id", "sheet__juror_id", "indicator_id", "value"
        )
    )
    names = _juror_names(juror for _entry, juror, _indicator, _value in rows)
    codes = dict(Indicator.objects.values_list("pk", "code"))
    levels: dict[int, dict[str, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
    for entry_id, juror, indicator, value in rows:
        if value is not None:
            levels[entry_id][codes[indicator]].append((names[juror], value))
    return levels


# A pillar's indicators in the stored explanation's newest shape: two arrays.
_ARRAYS = ("codes", "means")


def frozen_indicators(pillar: dict[str, Any]) -> list[dict[str, Any]]:
    """A frozen explanation's pillar's indicators, each with its "code" and "mean", in every
    stored shape: since issue 12.10's third shape two arrays ("codes", "means"), before it
    an object per indicator (with more keys in the older shapes)."""
    codes = pillar.get("codes")
    if codes is None:
        indicators: list[dict[str, Any]] = pillar.get("indicators", [])
        return indicators
    return [{"code": code, "mean": mean} for code, mean in zip(codes, pillar["means"], strict=True)]


def frozen_explanation(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored explanation as `results.explain` writes it: each level named by its juror.

    Finalisation stores the levels compactly since issue 12.10 (`scoring.result_freeze`):
    "jurors" once, and "levels": one string per juror, a character per indicator in the
    explanation's order, the level as a hex digit ("-": none, e.g. outside the juror's
    remit); each indicator's "missing" is "missing_indicators"'; each pillar's indicators as
    two arrays, "codes" and "means" (`frozen_indicators`; an object per indicator before,
    with the same levels). Stored before (issue 12.10's
    first shape): per indicator each juror's level by position (null: none). Explanations
    frozen before that, or level by level, name them.
    """
    jurors = stored.get("jurors")
    if jurors is None:
        return stored
    missing = set(stored.get("missing_indicators", []))
    explained = {key: value for key, value in stored.items() if key not in ("jurors", "levels")}
    sheets = stored.get("levels")
    if sheets is not None:  # one string per juror
        place = 0
        pillars = []
        for pillar in stored.get("pillars", []):
            indicators = []
            for item in frozen_indicators(pillar):
                levels = [
                    [juror, int(digits[place], 16)]
                    for juror, digits in zip(jurors, sheets, strict=True)
                    if digits[place] != "-"
                ]
                indicators.append({**item, "levels": levels, "missing": item["code"] in missing})
                place += 1
            figures = {key: value for key, value in pillar.items() if key not in _ARRAYS}
            pillars.append({**figures, "indicators": indicators})
        explained["pillars"] = pillars
        return explained
    explained["pillars"] = [
        {
            **pillar,
            "indicators": [
                {
                    **item,
                    "levels": [
                        [juror, level]
                        for juror, level in zip(jurors, item["levels"], strict=True)
                        if level is not None
                    ],
                    "missing": item["code"] in missing,
                }
                for item in pillar["indicators"]
            ],
        }
        for pillar in stored.get("pillars", [])
    ]
    return explained


def explanation(competition: Competition, row: ResultRow) -> dict[str, Any]:
    """Every step from the jurors' levels to the prize for one row: frozen, or worked out now."""
    if row.frozen_result is not None:
        return frozen_explanation(
            Result.objects.values_list("explanation", flat=True).get(pk=row.frozen_result)
        )
    rules = results_rules(competition)
    if rules.normalise:  # each juror's levels over the whole competition: as finalisation does
        _rules, inputs, _panel, every, coverage = covered_inputs(competition)
        outcome = results.compute(inputs, rules)
        explained = explained_results(competition, outcome, rules, every, coverage)
        found = next(e for r, e in explained if r.entry_id == row.entry.pk)
        return {**found, "sheets": [row.sheets_in, row.sheets_expected]}
    levels = named_levels(counted_scores(competition).filter(sheet__entry_id=row.entry.pk))
    named = levels.get(row.entry.pk, {})
    scores: dict[str, list[int | Fraction]] = {
        code: [level for _juror, level in pairs] for code, pairs in named.items()
    }
    result = results.score_entry(
        results.EntryInput(row.entry.pk, row.category, scores, row.complete), rules
    )
    result.rank, result.tied_with = row.rank, row.tied_with
    result.is_winner, result.held_back, result.prize = row.is_winner, row.held_back, row.prize
    result.undecided = row.undecided
    return {**results.explain(result, rules, named), "sheets": [row.sheets_in, row.sheets_expected]}


def with_notes(competition: Competition, row: ResultRow) -> dict[str, Any]:
    """`explanation` with each indicator's notes from the counted sheets: [[juror, note], ...]."""
    explained = explanation(competition, row)
    notes = juror_notes(competition, row.entry.pk)
    pillars = [
        {
            **pillar,
            "indicators": [
                {**item, "notes": notes.get(item["code"], [])} for item in pillar["indicators"]
            ],
        }
        for pillar in explained.get("pillars", [])
    ]
    return {**explained, "pillars": pillars}


def juror_notes(competition: Competition, entry_id: int) -> dict[str, list[tuple[str, str]]]:
    """Indicator -> (juror's name, note) of the counted sheets' notes for one entry."""
    rows = (
        counted_scores(competition)
        .filter(sheet__entry_id=entry_id)
        .exclude(note="")
        .order_by("sheet__juror_id")
        .values_list("sheet__juror_id", "indicator__code", "note")
    )
    names = _juror_names(juror for juror, _code, _note in rows)
    notes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for juror, code, note in rows:
        notes[code].append((names[juror], note))
    return dict(notes)


class JurorNumbers:
    """Jurors named by number ("Juri 1", "Juri 2", ...) in the order they first appear.

    What region officers see of one RT after publication, unless the competition
    names the jurors to them (`scoring.see_juror_names`).
    """

    def __init__(self) -> None:
        self.numbers: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        return self.numbers.setdefault(name, _("Juri %(n)s") % {"n": len(self.numbers) + 1})

    def explanation(self, explained: dict[str, Any]) -> dict[str, Any]:
        pillars = [
            {
                **pillar,
                "indicators": [
                    {
                        **item,
                        "levels": [[self(juror), level] for juror, level in item["levels"]],
                        "notes": [[self(juror), note] for juror, note in item.get("notes", [])],
                    }
                    for item in pillar["indicators"]
                ],
            }
            for pillar in explained.get("pillars", [])
        ]
        return {**explained, "pillars": pillars}


def score_breakdown(
    competition: Competition, table: ResultTable, *, entry_ids: Collection[int] | None = None
) -> dict[int, tuple[dict[str, list[tuple[str, int]]], dict[str, Decimal | None]]]:
    """Entry -> (indicator -> jurors' levels, indicator -> mean): frozen, or from the sheets now.

    `entry_ids` reads only those entries (one page of the score matrix), else every entry.
    """
    breakdown = {}
    if table.frozen:
        stored = Result.objects.filter(result_set=table.result_set)
        if entry_ids is not None:
            stored = stored.filter(entry_id__in=entry_ids)
        frozen = stored.values_list("entry_id", "explanation")
        for entry_id, stored_explanation in frozen:
            levels, means = {}, {}
            for pillar in frozen_explanation(stored_explanation).get("pillars", []):
                for indicator in pillar["indicators"]:
                    levels[indicator["code"]] = [tuple(pair) for pair in indicator["levels"]]
                    mean = indicator["mean"]
                    means[indicator["code"]] = Decimal(mean) if mean is not None else None
            breakdown[entry_id] = (levels, means)
        return breakdown
    scores = counted_scores(competition)
    if entry_ids is not None:
        scores = scores.filter(sheet__entry_id__in=entry_ids)
    for entry_id, levels in named_levels(scores).items():
        means = {
            code: results.as_decimal(sum(v for _j, v in pairs), 4, len(pairs))
            for code, pairs in levels.items()
        }
        breakdown[entry_id] = (levels, means)
    return breakdown


@dataclass(frozen=True)
class Disagreement:
    row: ResultRow
    indicator: str
    levels: list[tuple[str, int]]


def disagreeing_pairs(competition: Competition, *, spread: int = 2) -> set[tuple[int, int]]:
    """(entry id, indicator id) where the counted jurors' levels differ by `spread`+ (1 query)."""
    wide = (
        counted_scores(competition)
        .values_list("sheet__entry_id", "indicator_id")
        .annotate(low=Min("value"), high=Max("value"))
        .filter(high__gte=F("low") + spread)
        .order_by()
    )
    return {(entry_id, indicator) for entry_id, indicator, _low, _high in wide}


def disagreements(
    competition: Competition,
    table: ResultTable,
    *,
    spread: int = 2,
    limit: int | None = None,
    pairs: set[tuple[int, int]] | None = None,
) -> list[Disagreement]:
    """Indicators of the table's entries where the counted jurors' levels differ by `spread`+.

    `limit`: only the first so many, in region order, are read level by level (a city has
    thousands; the plenary lists 50 and filters by `pairs`, from `disagreeing_pairs`).
    """
    rows = {row.entry.pk: row for row in table.rows}
    if pairs is None:
        pairs = disagreeing_pairs(competition, spread=spread)
    if not pairs:
        return []
    codes = list(Indicator.objects.values_list("pk", "code"))  # the guide's order
    order = {pk: index for index, (pk, _code) in enumerate(codes)}
    code = dict(codes)

    def place(pair: tuple[int, int]) -> tuple[str, int, int]:
        rt = rows[pair[0]].entry.rt
        return (rt.kelurahan.code, rt.number, order[pair[1]])

    shown = sorted((p for p in pairs if p[0] in rows), key=place)[:limit]
    levels = named_levels(
        counted_scores(competition).filter(
            sheet__entry_id__in={entry_id for entry_id, _indicator in shown},
            indicator_id__in={indicator for _entry_id, indicator in shown},
        )
    )
    return [
        Disagreement(rows[entry_id], code[indicator], levels[entry_id][code[indicator]])
        for entry_id, indicator in shown
    ]


def _entries_by_id(competition: Competition, ids: Iterable[int]) -> dict[int, Entry]:
    return {
        entry.pk: entry
        for entry in Entry.objects.filter(competition=competition, pk__in=list(ids)).select_related(
            "rt__kelurahan__kecamatan", "category"
        )
    }


@dataclass(frozen=True)
class SharedPhoto:
    fingerprint: str
    entries: list[Entry]


def shared_photos(competition: Competition) -> list[SharedPhoto]:
    """The same photo (identical bytes or perceptual hash) used as evidence for two or more RTs."""
    groups: dict[str, set[int]] = defaultdict(set)
    for entry_id, sha256, phash in Evidence.objects.filter(
        entry__competition=competition
    ).values_list("entry_id", "sha256", "phash"):
        groups[f"sha256:{sha256}"].add(entry_id)
        groups[f"phash:{phash}"].add(entry_id)
    shared = {key: ids for key, ids in groups.items() if len(ids) > 1}
    seen: set[frozenset[int]] = set()
    unique = {}
    for key, ids in sorted(shared.items()):
        if frozenset(ids) not in seen:
            seen.add(frozenset(ids))
            unique[key] = ids
    entries = _entries_by_id(competition, {i for ids in unique.values() for i in ids})
    return [SharedPhoto(key, [entries[i] for i in sorted(ids)]) for key, ids in unique.items()]


@dataclass(frozen=True)
class JurorProgress:
    name: str
    team: str
    expected: int
    submitted: int


def juror_progress(competition: Competition) -> list[JurorProgress]:
    panel = jury_panel(competition)
    expected: dict[int, int] = defaultdict(int)
    for jurors in panel.expected.values():
        for juror in jurors:
            expected[juror] += 1
    # Only the sheets that count: a recused, conflicted or reassigned juror's sheet does not.
    submitted: dict[int, int] = defaultdict(int)
    for entry_id, juror in _submitted_pairs(competition):
        if juror in panel.expected.get(entry_id, {}):
            submitted[juror] += 1
    members = JuryMember.objects.filter(team__competition=competition).select_related(
        "user", "team"
    )
    return sorted(
        (
            JurorProgress(
                m.user.get_full_name() or m.user.username,
                m.team.name,
                expected[m.user_id],
                submitted.get(m.user_id, 0),
            )
            for m in members
        ),
        key=lambda p: (p.team, p.name),
    )
