"""Finalisation's own pass over the levels: the frozen outcome, explanations and hash (issue 12.10).

Finalising a city-scale competition must take at most twice the live results path. The
live path reads one aggregate; finalisation needs every counted level besides, for the
explanations (each juror's level per indicator, ~100,000 at city scale) and the hash.
So this pass reads the live path's own aggregate (`result_selectors._SheetSums`, one row
per submitted sheet) with one more column: each level as one digit of a number,
(level + 1) << (3 x its place among the instrument's indicator ids) (octal, 21 digits in
63 bits; hex for scales up to 14). The digits are the levels; the live columns go through
the live path's own `totals` and `compute_totals`, so the frozen rows are the plenary's by
construction.

What is formatted repeats: 1,650 RTs share a few hundred distinct columns of levels per
indicator, so each explanation is one %-template of the competition's shape filled with
remembered JSON fragments, and the hash's input is written the same way, byte for byte
what `results.inputs_hash` writes (tests/scoring/test_result_freeze.py compares both on
random panels and the demo season).

The stored explanation is `results.explain`'s with the levels compact, as JSON without
spaces: the counted jurors' names once ("jurors"), and their levels once ("levels"): one
string per juror, a character per indicator in the explanation's order (its pillars', then
their indicators'), the level as a hex digit, "-" none (e.g. outside the juror's remit).
Each pillar's indicators are two arrays, "codes" and "means" (the indicator's mean, null:
none), in the explanation's order; an indicator's "missing" is left to "missing_indicators".
Fewer bytes and JSON values to write, INSERT and, on PostgreSQL, turn into jsonb: ~1.3 KB
a row at city scale, under TOAST's threshold, where the per-indicator arrays of levels
made ~2.8 KB of jsonb that PostgreSQL compressed, row by row (COPY 50 ms -> 28 ms, measured).
The arrays instead of an object per indicator: ~23% fewer bytes again, and COPY's server
time 28 -> 22 ms. Since, the column is json on PostgreSQL, kept as written, not made jsonb
(`scoring.fields`: the server's CPU time at finalisation 0.19-0.20 -> 0.17 s). Readers go
through `result_selectors.frozen_explanation`, which names the levels and the indicators
again (and reads the shapes stored before), or, for the indicators' means alone,
`result_selectors.frozen_indicators` (the public RT page, the demo); coaching's SQL reads
both shapes (`coaching.selectors._MEANS_SQL`).
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from operator import itemgetter
from typing import Any, cast

from django.db import connections, router

from competitions.models import Competition, Entry, EntryStatus
from indicators.selectors import indicators_of
from scoring import results
from scoring.models import Score
from scoring.panel import Panel, jury_panel
from scoring.result_selectors import (
    Freeze,
    _as_json,
    _complete,
    _freeze_level_by_level,
    _juror_names,
    _Means,
    _pillar_sizes,
    _sheets,
    _SheetSums,
    _submitted_sheets,
    covered_inputs,
    explained_results,
    results_rules,
)


@dataclass
class Frozen:
    outcome: results.Outcome
    explained: list[tuple[results.EntryResult, str]]  # each result with its explanation's JSON
    inputs_hash: str
    sheets: list[tuple[int, int, int]]  # every submitted sheet: (sheet, entry, juror)
    # Every sheet the panel expects is in (each entry's coverage complete, none unassigned):
    # `finalise_blockers` would name nothing, so finalising need not ask it.
    all_in: bool


class _Texts:
    """Figures as `results.explain` writes them, as JSON strings, each distinct one made once."""

    def __init__(self) -> None:
        self.made: dict[tuple[int, int, int], str] = {}

    def __call__(self, numerator: int, denominator: int, places: int) -> str:
        key = (numerator, denominator, places)
        found = self.made.get(key)
        if found is None:
            text = results._text(Fraction(numerator, denominator), places)
            found = self.made[key] = _dumps(text)
        return found


def _dumps(value: Any) -> str:
    """As `results.inputs_hash` writes JSON (its separators): the hash's input."""
    return json.dumps(value)


def _compact(value: Any) -> str:
    """JSON of a stored explanation: no spaces (fewer bytes to INSERT, parse, keep)."""
    return json.dumps(value, separators=(",", ":"))


# A digit of the packed levels -> the level as stored ("levels": a hex digit, "-" none).
_SHOWN = str.maketrans("0123456789abcdef", "-0123456789abcde")


_BOOL = {True: "true", False: "false"}
# A digit of the packed levels -> the level ("0": none; octal or hex, see `freeze_levels`).
_LEVEL: dict[str, int] = {digit: int(digit, 16) - 1 for digit in "123456789abcdef"}


class _FreezeSums(_SheetSums):
    """The live path's aggregate (`result_selectors._SheetSums`: one row per submitted
    sheet) with each of the sheet's levels besides, as one digit of a packed number.

    Digit columns follow the live path's columns: each covers `per_column` consecutive
    indicator ids, a level (level + 1) << (bits x (the column's last id - its id)), so
    that each column written with `per_column` digits has the level of its first id first
    ("0": none). A sheet holds one level per indicator (score_unique_indicator): the sum is
    the bitwise or, which PostgreSQL takes in bigints (its SUM of bigints is a numeric).
    """

    def __init__(self, competition: Competition, ids: list[int], bits: int) -> None:
        super().__init__(competition)
        # 21 octal digits in 63 bits: at most 2^63 - 1, all of them 7, a signed 64-bit sum.
        self.per_column = 63 // bits
        # The first id of each column: ids far apart (an instrument edited) take no columns
        # for the ids between them.
        self.firsts: list[int] = []
        for pk in sorted(ids):
            if not self.firsts or pk - self.firsts[-1] >= self.per_column:
                self.firsts.append(pk)
        self.bits = bits

    def place(self, pk: int) -> int:
        """Where an indicator's digit is in a sheet's columns written one after another."""
        column = bisect_right(self.firsts, pk) - 1
        return column * self.per_column + pk - self.firsts[column]

    def statement(self) -> tuple[str, list[int | str]]:
        sql, params = super().statement()
        head, joins, tail = sql.partition(" FROM ")
        if connections[router.db_for_read(Score)].vendor == "postgresql":
            # A level is a smallint (shifted in 32 bits), a shift count an integer and a SUM
            # of bigints a numeric: the levels as bigints, their bitwise or.
            total = "BIT_OR"
            digit = "(CAST(s.value AS BIGINT) + 1) << CAST((%s - s.indicator_id) * %s AS INTEGER)"
        else:  # SQLite's integers are 64 bits: no CASTs (1-3 ms of the aggregate at city scale)
            total = "SUM"
            digit = "(s.value + 1) << ((%s - s.indicator_id) * %s)"
        digits: list[int | str] = []
        for first in self.firsts:
            last = first + self.per_column - 1
            digits += [first, last, last, self.bits]
        column = (
            f"COALESCE({total}(CASE WHEN s.indicator_id BETWEEN %s AND %s THEN {digit} END), 0)"
        )
        before = head.count("%s")  # the live columns' parameters come first
        return (
            head + "".join(", " + column for _first in self.firsts) + joins + tail,
            [*params[:before], *digits, *params[before:]],
        )


def freeze_levels(
    competition: Competition,
    rules: results.Rules,
    panel: Panel,
    categories: dict[int, str],
) -> Frozen | None:
    """The frozen outcome, explanations and hash from one aggregate, the live path's (5
    queries).

    None when a sheet holds a level of an indicator outside the competition's instrument
    (a season moved to another instrument), or the scale is above 14: the caller then
    takes the level-by-level path, which counts every level in the hash as it always did.
    """
    # The instrument's indicators and their pillars' ids in one query (a pillar without an
    # indicator owns no column).
    found: dict[str, int] = {}
    pillar_pks: dict[str, int] = {}
    for code, pk, pillar_pk, pillar_code in indicators_of(competition.instrument_id).values_list(
        "code", "pk", "pillar_id", "pillar__code"
    ):
        found[code] = pk
        pillar_pks[pillar_code] = pillar_pk
    # Columns grouped by pillar, in the instrument's order: the explain page's order.
    columns = [
        code
        for pillar in rules.pillar_order
        for code, owner in rules.indicators.items()
        if owner == pillar
    ]
    columns += [code for code in rules.indicators if code not in columns]
    # Each level is one digit: octal up to 6, hex up to 14.
    digits = "o" if rules.scale_max <= 6 else "x"
    if (
        not columns
        or set(found) != set(columns)
        or any(rules.indicators[c] not in pillar_pks for c in columns)
        or rules.scale_max > 14
    ):
        return None
    ids = [found[code] for code in columns]
    sums = _FreezeSums(competition, ids, 3 if digits == "o" else 4)
    rows = sums.fetch(competition)
    foreign_column, foreign_shift = sums.foreign
    # A level of another instrument's indicator (a sheet without a level, LEFT JOINed,
    # counts one there: not a level).
    if any(row[3] is not None and row[foreign_column] >> foreign_shift for row in rows):
        return None
    size = _pillar_sizes(rules)
    # The live path's own totals of the same rows: the plenary's by construction.
    pillars, incomplete, coverage = sums.totals(panel, rows, size)
    spans: list[tuple[int, int, int]] = []  # (pillar pk, first column, end)
    start = 0
    for pillar in dict.fromkeys(rules.indicators[c] for c in columns):
        mine = [c for c in columns if rules.indicators[c] == pillar]
        spans.append((pillar_pks[pillar], start, start + len(mine)))
        start += len(mine)
    pick = _picker([sums.place(pk) for pk in ids])
    # Each digit column written with its digits, leading zeros kept: one string per sheet.
    written = f"%0{sums.per_column}{digits}" * len(sums.firsts)
    first_digits = len(rows[0]) - len(sums.firsts) if rows else 0
    empty = "0" * len(columns)
    names = _juror_names({row[2] for row in rows})
    expected = panel.expected
    span_pks = [pk for pk, _first, _end in spans]
    # Each counted sheet's levels as one digit per column (a string), by entry.
    entry_rows: dict[int, list[str]] = defaultdict(list)
    entry_names: dict[int, list[str]] = defaultdict(list)
    # In juror order, as the explain page lists the levels (`named_levels`).
    for row in sorted(rows, key=itemgetter(2)):
        entry_id, juror = row[1], row[2]
        jurors = expected.get(entry_id)
        remit = None if jurors is None else jurors.get(juror)
        if remit is None:  # rules 1 to 3: not a juror the panel expects
            continue
        if row[3] is None:  # a sheet without a level
            levels = empty
        else:
            levels = pick(written % row[first_digits:])
            if remit and any(pk not in remit for pk in span_pks):  # rule 4
                levels = "".join(
                    levels[first:end] if pk in remit else "0" * (end - first)
                    for pk, first, end in spans
                )
        entry_rows[entry_id].append(levels)
        entry_names[entry_id].append(names[juror])

    def scores_of(entry_id: int) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for levels in entry_rows.get(entry_id, ()):
            for code, digit in zip(columns, levels, strict=True):
                if digit != "0":
                    found.setdefault(code, []).append(_LEVEL[digit])
        return found

    totals = [
        results.EntryTotals(pk, code, pillars.get(pk, {}), _complete(coverage, pk))
        for pk, code in categories.items()
        if pk not in incomplete
    ]
    exact = [
        results.EntryInput(pk, categories[pk], scores_of(pk), _complete(coverage, pk))
        for pk in sorted(incomplete)
        if pk in categories
    ]
    outcome = results.compute_totals(totals, rules, exact)
    writer = _Writer(rules, outcome, columns, spans, size)
    means = _Means(rules, size)
    # Each entry's levels by indicator (one tuple of digits per column), for the
    # explanation and the hash alike: transposed once.
    blank: list[tuple[str, ...]] = [()] * len(columns)
    by_column: dict[int, list[tuple[str, ...]]] = {
        pk: list(zip(*rows, strict=True)) if rows else blank for pk, rows in entry_rows.items()
    }
    explained = []
    for r in outcome.results:
        sheets_in = _sheets(coverage, r.entry_id)
        if r.entry_id in incomplete:  # level by level, as `score_entry` gave it
            named: dict[str, list[tuple[str, int]]] = {}
            for name, levels in zip(
                entry_names.get(r.entry_id, ()), entry_rows.get(r.entry_id, ()), strict=True
            ):
                for code, digit in zip(columns, levels, strict=True):
                    if digit != "0":
                        named.setdefault(code, []).append((name, _LEVEL[digit]))
            explanation = results.explain(
                means.explainable(r, outcome, scores_of(r.entry_id)), rules, named
            )
            explained.append((r, _compact({**explanation, "sheets": list(sheets_in)})))
        else:
            text = writer.explanation(
                r,
                pillars.get(r.entry_id, {}),
                tuple(entry_names.get(r.entry_id, ())),
                entry_rows.get(r.entry_id, ()),
                by_column.get(r.entry_id, blank),
                sheets_in,
            )
            explained.append((r, text))
    hashed = writer.hash_input(
        (pk, categories[pk], by_column.get(pk, blank)) for pk in sorted(categories)
    )
    return Frozen(
        outcome,
        explained,
        hashlib.sha256(hashed.encode()).hexdigest(),
        [row[:3] for row in rows],
        all(found.complete for found in coverage.values()),
    )


def _picker(places: list[int]) -> Callable[[str], str]:
    """The digits at `places` of a sheet's written digits (`freeze_levels`), in column
    order: a slice when the instrument's indicators have consecutive ids in that order."""
    first = places[0] if places else 0
    if places == list(range(first, first + len(places))):
        return cast(Callable[[str], str], itemgetter(slice(first, first + len(places))))
    return lambda written: "".join([written[place] for place in places])


def _arranger(order: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """The items at `order`, as a tuple (itemgetter gives one from two places on)."""
    if len(order) > 1:
        return cast(Callable[[list[str]], tuple[str, ...]], itemgetter(*order))
    return lambda items: tuple(items[k] for k in order)


def _literal(text: str) -> str:
    """Fixed text in a %-template."""
    return text.replace("%", "%%")


class _Fragments(dict[tuple[Any, ...], str]):
    """Column (one digit per counted sheet) -> what is written for it, each made once:
    1,650 RTs share a few hundred distinct columns per indicator (or pillar figures)."""

    def __init__(self, write: Callable[[Any], str]) -> None:
        super().__init__()
        self.write = write

    def __missing__(self, column: tuple[Any, ...]) -> str:
        found = self[column] = self.write(column)
        return found


class _Writer:
    """JSON text of the explanations and of the hash's input, from remembered fragments.

    Each is one %-template of the competition's shape: an explanation is the template
    filled with its pillars' figures, each indicator's remembered fragment and the
    result's own figures; the hash's input likewise, from the same columns.
    """

    def __init__(
        self,
        rules: results.Rules,
        outcome: results.Outcome,
        columns: list[str],
        spans: list[tuple[int, int, int]],
        size: dict[str, int],
    ) -> None:
        self.rules = rules
        self.outcome = outcome
        self.columns = columns
        self.size = size
        self.text = _Texts()
        quoted = [_literal(_dumps(code)) for code in columns]  # strings: as compact
        owners = [rules.indicators[code] for code in columns]
        # The explanation lists the instrument's pillars (`pillar_order`) and their indicators.
        found = {owners[first]: (first, end) for _pk, first, end in spans if end > first}
        self.pillars = [(pillar, *found.get(pillar, (0, 0))) for pillar in rules.pillar_order]
        # A sheet's characters in "levels": its digits of the explanation's indicators, in
        # its order (the first columns: `columns` lists `pillar_order`'s pillars first).
        places = [k for _pillar, first, end in self.pillars for k in range(first, end)]
        self.shown = None if places == list(range(len(columns))) else _picker(places)
        self.codes = [pillar for pillar, _first, _end in self.pillars]
        # Each pillar's figures (at its place among the pillars), then its indicators' means
        # (after the pillars', at the column's place): the template's order.
        order = []
        for number, (_pillar, first, end) in enumerate(self.pillars):
            order += [number, *(len(self.pillars) + k for k in range(first, end))]
        self.arrange = _arranger(order)
        self.lowest = (
            self.text(rules.scale_min, 1, 4) if rules.missing == results.MISSING_LOWEST else "null"
        )
        self.pass_marks = {
            category: _dumps(str(rules.pass_mark_for(category))) for category in rules.prizes
        }
        self.jurors: dict[tuple[str, ...], str] = {}
        self.sheets: dict[tuple[int, int], str] = {}
        self.held_back: dict[str, str] = {}
        self.figures = _Fragments(self._figures)
        self.finals: dict[int, str] = {}
        self.means = _Fragments(self._mean)
        self.given = _Fragments(self._given)
        pillars = []
        for pillar, first, end in self.pillars:
            # Its indicators as two arrays, codes and means (not an object each): 23% fewer
            # bytes, and PostgreSQL's COPY makes fewer jsonb values (28 -> 22 ms, measured).
            codes = ",".join(quoted[k] for k in range(first, end))
            means = ",".join("%s" for _k in range(first, end))
            pillars.append(
                '{"code":'
                + _literal(_dumps(pillar))
                + ',"weight":'
                + _literal(_dumps(str(rules.weights[pillar])))
                + ',"mean":%s,"codes":['
                + codes
                + '],"means":['
                + means
                + "]}"
            )
        minimum = None if rules.pillar_minimum is None else str(rules.pillar_minimum)
        # `results.explain`'s keys, then "sheets", "jurors" and "levels".
        self.template = (
            '{"scale":'
            + _compact([rules.scale_min, rules.scale_max])
            + ',"pillars":['
            + ",".join(pillars)
            + '],"final":%s,"pass_mark":%s,"pillar_minimum":'
            + _literal(_dumps(minimum))
            + ',"passed":%s,"rank":%s,"tied_with":%s,"held_back":%s'
            + ',"is_winner":%s,"prize":%s,"missing":'
            + _literal(_dumps(rules.missing))
            + ',"missing_indicators":%s,"complete":%s,"scored":%s,"undecided":%s'
            + ',"sheets":%s,"jurors":%s,"levels":[%s]}'
        )
        # The hash's order: its indicators sorted by code.
        self.order = sorted(range(len(columns)), key=columns.__getitem__)
        order = self.order
        self.sorted: Callable[[list[tuple[str, ...]]], tuple[tuple[str, ...], ...]] = (
            itemgetter(*order)  # a tuple from two on
            if len(order) > 1
            else lambda columns: tuple(columns[k] for k in order)
        )
        self.keys = [quoted[k] + ": " for k in self.order]
        self.hash_template = ", ".join(key + "%s" for key in self.keys)
        self.categories: dict[str, str] = {}

    def _figures(self, key: tuple[str, results.PillarTotal | None, int, bool]) -> str:
        """A pillar's "mean" (its sum over its indicators x jurors; none: the lowest level or
        null, as `rules.missing` says), "score" and "gated"."""
        pillar, total, score, gated = key
        mean = (
            self.lowest
            if total is None
            else self.text(total.levels, total.jurors * self.size[pillar], 4)
        )
        return (
            mean
            + ',"score":'
            + self.text(int(score), self.outcome.scale, 2)
            + ',"gated":'
            + _BOOL[gated]
        )

    def _mean(self, column: tuple[str, ...]) -> str:
        """One indicator's "mean" over the counted jurors' levels (null: none; its levels
        are the explanation's "levels", its "missing" `missing_indicators`')."""
        given = [_LEVEL[digit] for digit in column if digit != "0"]
        return self.text(sum(given), len(given), 4) if given else "null"

    def _given(self, column: tuple[str, ...]) -> str:
        """One indicator's levels as `results.inputs_hash` writes them (sorted); "": none."""
        given = sorted(_LEVEL[digit] for digit in column if digit != "0")
        return _dumps(given) if given else ""

    def explanation(
        self,
        result: results.EntryResult,
        pillars: dict[str, results.PillarTotal],
        names: tuple[str, ...],
        sheets: Iterable[str],
        columns: list[tuple[str, ...]],
        sheets_in: tuple[int, int],
    ) -> str:
        """`results.explain` of a result summed by pillar, as JSON (see `_Means`), its levels
        compact: one string per counted sheet in "levels", its juror's name at the same
        place in "jurors" (`result_selectors.frozen_explanation` names them again).
        `sheets`: each counted sheet's digits, one per column; `columns`: each indicator's
        digits, one per counted sheet."""
        # Each pillar's figures, "mean" to "gated" (a few hundred distinct ones), by its
        # total, score and gate; mapped, not looped: 3 pillars x 1,650 results.
        codes, gated = self.codes, result.gated_pillars
        keys = zip(
            codes,
            map(pillars.get, codes),
            map(result.pillar_scores.__getitem__, codes),
            map(gated.__contains__, codes),
            strict=True,
        )
        figures = list(map(self.figures.__getitem__, keys))
        # The template's order (each pillar's figures, then its indicators' means), at once.
        values = self.arrange(figures + list(map(self.means.__getitem__, columns)))
        final = int(result.final)
        jurors = self.jurors.get(names)
        if jurors is None:
            jurors = self.jurors[names] = _compact(list(names))
        counted = self.sheets.get(sheets_in)
        if counted is None:
            counted = self.sheets[sheets_in] = _compact(list(sheets_in))
        # Hex digits and "-": JSON strings as they are.
        if self.shown is None:  # the explanation lists every column, in their order
            levels = '"' + '","'.join(sheets).translate(_SHOWN) + '"' if sheets else ""
        else:
            shown = self.shown
            levels = ",".join(['"' + shown(digits).translate(_SHOWN) + '"' for digits in sheets])
        held_back = self.held_back.get(result.held_back)
        if held_back is None:
            held_back = self.held_back[result.held_back] = _dumps(result.held_back)
        finals = self.finals.get(final)
        if finals is None:
            scale = self.outcome.final_scale
            finals = self.finals[final] = (
                self.text(final, scale, 2) + ',"final_exact":' + self.text(final, scale, 6)
            )
        return self.template % (
            *values,
            finals,
            self.pass_marks[result.category],
            _BOOL[result.passed],
            str(result.rank),
            _compact(result.tied_with) if result.tied_with else "[]",
            held_back,
            _BOOL[result.is_winner],
            str(result.prize),
            _compact(result.missing) if result.missing else "[]",
            _BOOL[result.complete],
            _BOOL[result.scored],
            _BOOL[result.undecided],
            counted,
            jurors,
            levels,
        )

    def hash_input(self, entries: Iterable[tuple[int, str, list[tuple[str, ...]]]]) -> str:
        """The bytes `results.inputs_hash` hashes, for (entry, category, each indicator's
        digits on the counted sheets)."""
        given, keys, template = self.given.__getitem__, self.keys, self.hash_template
        written = []
        for entry_id, category, columns in entries:
            levels = list(map(given, self.sorted(columns)))
            if "" in levels:  # an indicator nobody scored: left out
                body = ", ".join(
                    [key + found for key, found in zip(keys, levels, strict=True) if found]
                )
            else:
                body = template % tuple(levels)
            quoted = self.categories.get(category)
            if quoted is None:
                quoted = self.categories[category] = _dumps(category)
            written.append(f"[{entry_id}, {quoted}, {{{body}}}]")
        return results.hash_text("[" + ", ".join(written) + "]", self.rules)


def results_to_freeze(competition: Competition, *, panel: Panel | None = None) -> Freeze:
    """The results to freeze, in one pass over the counted levels, as the plenary shows them.

    The outcome is the live path's (`compute_totals` over the live path's own totals of
    the same aggregate, the entries with a gap level by level), so that the frozen rows
    equal the plenary's field by field; the levels read once (one row per sheet,
    `freeze_levels`) give the totals, the explanations and the hash. With normalisation
    on, the levels are fractions: the reference path (`results_inputs`, `results.compute`,
    `explained_results`).
    """
    return results_and_sheets(competition, panel=panel)[0]


def verified_entries(
    competition: Competition,
) -> tuple[dict[int, str], list[tuple[int, int, int | None]]]:
    """The competition's verified entries in one query, in their order: each one's category
    code, and each as `jury_panel` reads them (pk, kelurahan id, team id or None).

    Through the cursor, as the live path reads its entries (`result_selectors._entry_refs`):
    plain values need none of the ORM's converters, and one query serves both.
    """
    query = Entry.objects.filter(competition=competition, status=EntryStatus.VERIFIED).values_list(
        "pk", "category__code", "rt__kelurahan_id", "assignment__team_id"
    )
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {pk: code for pk, code, _k, _t in rows}, [(pk, k, team) for pk, _c, k, team in rows]


def results_and_sheets(
    competition: Competition,
    *,
    panel: Panel | None = None,
    categories: dict[int, str] | None = None,
) -> tuple[Freeze, list[tuple[int, int, int]], bool]:
    """`results_to_freeze`, the submitted sheets (sheet, entry, juror) it read them from, and
    whether every sheet the panel expects is among them (`Frozen.all_in`; False: not known):
    finalising checks them without reading them again. `categories`: the verified entries'
    category codes (`verified_entries`), when the caller has read them with the panel."""
    rules = results_rules(competition)
    if rules.normalise:
        rules, inputs, _panel, counted, coverage = covered_inputs(competition)
        outcome = results.compute(inputs, rules)
        explained = explained_results(competition, outcome, rules, counted, coverage)
        freeze = Freeze(rules, outcome, _as_json(explained), results.inputs_hash(inputs, rules))
        return freeze, _submitted_sheets(competition), False
    if categories is None:
        categories, entries = verified_entries(competition)
        if panel is None:
            panel = jury_panel(competition, entries)
    elif panel is None:
        panel = jury_panel(competition)
    frozen = freeze_levels(competition, rules, panel, categories)
    if frozen is not None:  # one row per sheet: the fast path (issue 12.10)
        freeze = Freeze(rules, frozen.outcome, frozen.explained, frozen.inputs_hash)
        return freeze, frozen.sheets, frozen.all_in
    sheets = _submitted_sheets(competition)
    return _freeze_level_by_level(competition, rules, panel, categories, sheets), sheets, False
