"""Finalisation's own pass over the levels: the frozen outcome, explanations and hash (issue 12.10).

Finalising a city-scale competition must take at most twice the live results path. The
live path reads one aggregate; finalisation needs every counted level besides, for the
explanations (each juror's level per indicator, ~100,000 at city scale) and the hash.
So this pass reads the live path's aggregate per sheet and pillar with one more sum: each
level as one digit of a number, (level + 1) << (3 x the indicator's number) (octal; hex for
scales up to 14). The digits are the levels; the sums go through the same `_pillar_totals`
and `compute_totals` as live, so the frozen rows are the plenary's by construction.

What is formatted repeats: 1,650 RTs share a few thousand distinct levels per indicator,
so each explanation is put together from remembered JSON fragments, and the hash's input
is written the same way, byte for byte what `results.inputs_hash` writes
(tests/scoring/test_result_freeze.py compares both on random panels and the demo season).

The stored explanation is `results.explain`'s with the levels compact: the counted jurors'
names once ("jurors"), each indicator's levels by position (null: none), its "missing"
left to "missing_indicators". Readers go
through `result_selectors.frozen_explanation`, which names them again; the keys other
readers use (pillars, indicators, code, mean) are as before.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain
from operator import itemgetter
from typing import Any, cast

from django.db.models import BigIntegerField, Count, F, Sum
from django.db.models.functions import Cast

from competitions.models import Competition, Entry, EntryStatus
from indicators.models import Pillar
from indicators.selectors import indicators_of
from scoring import results
from scoring.panel import Panel, jury_panel
from scoring.result_selectors import (
    Freeze,
    _as_json,
    _complete,
    _fetch,
    _freeze_level_by_level,
    _juror_names,
    _Means,
    _pillar_sizes,
    _pillar_totals,
    _sheets,
    _submitted_levels,
    _submitted_sheets,
    explained_results,
    results_inputs,
    results_rules,
)


@contextmanager
def collection_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for finalising's pass.

    The pass keeps ~10,000 small tuples and strings alive at city scale and makes no
    cycles; each collection the allocations trigger would walk them all again (50 ms of
    the 230 ms at city scale, measured). They are freed by reference counting anyway.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Frozen:
    outcome: results.Outcome
    explained: list[tuple[results.EntryResult, str]]  # each result with its explanation's JSON
    inputs_hash: str


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
    return json.dumps(value)


_BOOL = {True: "true", False: "false"}
# A digit of the packed levels -> the level ("0": none; octal or hex, see `freeze_levels`).
_LEVEL: dict[str, int] = {digit: int(digit, 16) - 1 for digit in "123456789abcdef"}


def freeze_levels(
    competition: Competition,
    rules: results.Rules,
    panel: Panel,
    categories: dict[int, str],
    sheets: list[tuple[int, int, int]],
) -> Frozen | None:
    """The frozen outcome, explanations and hash from one aggregate (4 queries).

    None when a sheet holds a level of an indicator outside the competition's instrument
    (a season moved to another instrument), or the instrument cannot be packed (two
    indicators of a pillar with one number, a scale above 14): the caller then takes the
    level-by-level path, which counts every level in the hash as it always did.
    """
    found = {
        code: (pillar, number)
        for code, pillar, number in indicators_of(competition.instrument_id).values_list(
            "code", "pillar_id", "number"
        )
    }
    pillar_pks = dict(
        Pillar.objects.filter(instrument=competition.instrument_id).values_list("code", "pk")
    )
    # Columns grouped by pillar, in the instrument's order: the explain page's order.
    columns = [
        code
        for pillar in rules.pillar_order
        for code, owner in rules.indicators.items()
        if owner == pillar
    ]
    columns += [code for code in rules.indicators if code not in columns]
    numbers = {(found[code][0], found[code][1]) for code in columns if code in found}
    # Each level is one digit of its pillar's sum below: octal up to 6, hex up to 14.
    digits = "o" if rules.scale_max <= 6 else "x"
    bits = 3 if digits == "o" else 4
    width = 1 + max((number for _pillar, number in numbers), default=0)
    if (
        set(found) != set(columns)
        or len(numbers) != len(columns)  # two indicators of a pillar with one number
        or any(rules.indicators[c] not in pillar_pks for c in columns)
        or rules.scale_max > 14
        or bits * width > 62
    ):
        return None
    spans: list[tuple[int, int, int]] = []  # (pillar pk, first column, end)
    picks: dict[int, Callable[[str], tuple[str, ...]]] = {}  # pillar pk -> its digits
    start = 0
    for pillar in dict.fromkeys(rules.indicators[c] for c in columns):
        mine = [c for c in columns if rules.indicators[c] == pillar]
        spans.append((pillar_pks[pillar], start, start + len(mine)))
        places = [width - 1 - found[c][1] for c in mine] + [0, 0]  # itemgetter: always a tuple
        picks[pillar_pks[pillar]] = cast(Callable[[str], tuple[str, ...]], itemgetter(*places))
        start += len(mine)
    # The live path's aggregate per sheet and pillar, plus each level as one digit of a
    # number: (level + 1) << (bits x the indicator's number); 0 is "no level".
    sums = _fetch(
        f"packed levels {bits}",
        competition,
        lambda: (
            _submitted_levels(competition)
            .values_list("sheet_id", "indicator__pillar_id")
            .annotate(
                levels=Sum("value"),
                n=Count("value"),
                packed=Sum(
                    (Cast("value", BigIntegerField()) + 1).bitleftshift(
                        F("indicator__number") * bits  # type: ignore[arg-type]
                    )
                ),
            )
            .order_by()
        ),
    )
    position = {pk: index for index, (pk, _first, _end) in enumerate(spans)}
    nothing = [("0",) * (end - first) for _pk, first, end in spans]
    by_sheet: dict[int, list[tuple[str, ...]]] = {}
    text_width = f"0{width}{digits}"
    for sheet_id, pillar_id, _levels, _n, packed in sums:
        index = position.get(pillar_id)
        if index is None:  # a level of another instrument's indicator
            return None
        parts = by_sheet.get(sheet_id)
        if parts is None:
            parts = by_sheet[sheet_id] = list(nothing)
        # int(): PostgreSQL's SUM of bigints is numeric (a Decimal).
        parts[index] = picks[pillar_id](format(int(packed), text_width))[:-2]
    empty = ("0",) * len(columns)
    names = _juror_names({juror for _sheet, _entry, juror in sheets})
    expected = panel.expected
    entry_rows: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    entry_names: dict[int, list[str]] = defaultdict(list)
    # In juror order, as the explain page lists the levels (`named_levels`).
    for sheet_id, entry_id, juror in sorted(sheets, key=itemgetter(2)):
        remit = expected.get(entry_id, {}).get(juror)
        if remit is None:  # rules 1 to 3: not a juror the panel expects
            continue
        parts = by_sheet.get(sheet_id)
        if parts is None:
            levels = empty
        elif remit and any(pk not in remit for pk, _s, _e in spans):  # rule 4
            levels = tuple(
                chain.from_iterable(
                    part if pk in remit else nothing[index]
                    for index, ((pk, _s, _e), part) in enumerate(zip(spans, parts, strict=True))
                )
            )
        else:
            levels = tuple(chain.from_iterable(parts))
        entry_rows[entry_id].append(levels)
        entry_names[entry_id].append(names[juror])
    codes = {pk: code for code, pk in pillar_pks.items()}
    size = _pillar_sizes(rules)
    pillars, incomplete, coverage = _pillar_totals(
        panel, sheets, [row[:4] for row in sums], codes, size
    )

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
        sheets_in = list(_sheets(coverage, r.entry_id))
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
            explained.append((r, _dumps({**explanation, "sheets": sheets_in})))
        else:
            text = writer.explanation(
                r,
                pillars.get(r.entry_id, {}),
                tuple(entry_names.get(r.entry_id, ())),
                by_column.get(r.entry_id, blank),
                sheets_in,
            )
            explained.append((r, text))
    hashed = writer.hash_input(
        (pk, categories[pk], by_column.get(pk, blank)) for pk in sorted(categories)
    )
    return Frozen(outcome, explained, hashlib.sha256(hashed.encode()).hexdigest())


class _Writer:
    """JSON text of the explanations and of the hash's input, from remembered fragments."""

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
        self.quoted = [_dumps(code) for code in columns]
        owners = [rules.indicators[code] for code in columns]
        # The explanation lists the instrument's pillars (`pillar_order`) and their indicators.
        found = {owners[first]: (first, end) for _pk, first, end in spans if end > first}
        self.pillars = [(pillar, *found.get(pillar, (0, 0))) for pillar in rules.pillar_order]
        self.heads = {
            pillar: "".join(
                ('{"code": ', _dumps(pillar), ', "weight": ', _dumps(str(rules.weights[pillar])))
            )
            + ', "mean": '
            for pillar in rules.pillar_order
        }
        self.fragments: list[dict[tuple[str, ...], str]] = [{} for _ in columns]
        self.hashed: list[dict[tuple[str, ...], str]] = [{} for _ in columns]
        self.lowest = (
            self.text(rules.scale_min, 1, 4) if rules.missing == results.MISSING_LOWEST else "null"
        )
        self.scale = _dumps([rules.scale_min, rules.scale_max])
        self.minimum = _dumps(None if rules.pillar_minimum is None else str(rules.pillar_minimum))
        self.missing = _dumps(rules.missing)
        self.pass_marks = {
            category: _dumps(str(rules.pass_mark_for(category))) for category in rules.prizes
        }
        self.jurors: dict[tuple[str, ...], str] = {}

    def _indicator(self, k: int, column: tuple[str, ...]) -> str:
        """One indicator's JSON: each counted juror's level (null: none) and the mean ("missing"
        is `missing_indicators`', named again on reading)."""
        levels = [_LEVEL.get(digit) for digit in column]
        given = [value for value in levels if value is not None]
        mean = self.text(sum(given), len(given), 4) if given else "null"
        return "".join(
            (
                '{"code": ',
                self.quoted[k],
                ', "levels": ',
                _dumps(levels),
                ', "mean": ',
                mean,
                "}",
            )
        )

    def explanation(
        self,
        result: results.EntryResult,
        pillars: dict[str, results.PillarTotal],
        names: tuple[str, ...],
        columns: list[tuple[str, ...]],
        sheets_in: list[int],
    ) -> str:
        """`results.explain` of a result summed by pillar, as JSON (see `_Means`), its levels
        compact: by position in "jurors" (`result_selectors.frozen_explanation` names them).
        `columns`: each indicator's digits, one per counted sheet."""
        outcome, text, fragments = self.outcome, self.text, self.fragments
        parts = []
        for pillar, first, end in self.pillars:
            total = pillars.get(pillar)
            mean = (
                text(total.levels, total.jurors * self.size[pillar], 4)
                if total is not None
                else self.lowest
            )
            indicators = []
            for k in range(first, end):
                found = fragments[k].get(columns[k])
                if found is None:
                    found = fragments[k][columns[k]] = self._indicator(k, columns[k])
                indicators.append(found)
            parts.append(
                "".join(
                    (
                        self.heads[pillar],
                        mean,
                        ', "score": ',
                        text(int(result.pillar_scores[pillar]), outcome.scale, 2),
                        ', "gated": ',
                        "true" if pillar in result.gated_pillars else "false",
                        ', "indicators": [',
                        ", ".join(indicators),
                        "]}",
                    )
                )
            )
        final = int(result.final)
        # The keys `results.explain` writes after the pillars, most of them remembered.
        jurors = self.jurors.get(names)
        if jurors is None:
            jurors = self.jurors[names] = _dumps(list(names))
        return "".join(
            (
                '{"scale": ',
                self.scale,
                ', "pillars": [',
                ", ".join(parts),
                '], "final": ',
                text(final, outcome.final_scale, 2),
                ', "final_exact": ',
                text(final, outcome.final_scale, 6),
                ', "pass_mark": ',
                self.pass_marks[result.category],
                ', "pillar_minimum": ',
                self.minimum,
                ', "passed": ',
                _BOOL[result.passed],
                ', "rank": ',
                str(result.rank),
                ', "tied_with": ',
                _dumps(result.tied_with) if result.tied_with else "[]",
                ', "held_back": ',
                _dumps(result.held_back),
                ', "is_winner": ',
                _BOOL[result.is_winner],
                ', "prize": ',
                str(result.prize),
                ', "missing": ',
                self.missing,
                ', "missing_indicators": ',
                _dumps(result.missing) if result.missing else "[]",
                ', "complete": ',
                _BOOL[result.complete],
                ', "scored": ',
                _BOOL[result.scored],
                ', "undecided": ',
                _BOOL[result.undecided],
                ', "sheets": ',
                _dumps(sheets_in),
                ', "jurors": ',
                jurors,
                "}",
            )
        )

    def hash_input(self, entries: Any) -> str:
        """The bytes `results.inputs_hash` hashes, for (entry, category, each indicator's
        digits on the counted sheets)."""
        order = sorted(range(len(self.columns)), key=self.columns.__getitem__)
        written = []
        for entry_id, category, columns in entries:
            levels = []
            for k in order:
                column = columns[k]
                found = self.hashed[k].get(column)
                if found is None:
                    given = sorted(_LEVEL[digit] for digit in column if digit != "0")
                    found = self.hashed[k][column] = (
                        self.quoted[k] + ": " + _dumps(given) if given else ""
                    )
                if found:
                    levels.append(found)
            written.append(f"[{entry_id}, {_dumps(category)}, {{{', '.join(levels)}}}]")
        return results.hash_text("[" + ", ".join(written) + "]", self.rules)


def results_to_freeze(
    competition: Competition,
    *,
    panel: Panel | None = None,
    sheets: list[tuple[int, int, int]] | None = None,
) -> Freeze:
    """The results to freeze, in one pass over the counted levels, as the plenary shows them.

    The outcome is the live path's (`compute_totals` over the same pillar totals, the
    entries with a gap level by level), so that the frozen rows equal the plenary's
    field by field; the levels read once (one row per sheet, `freeze_levels`)
    give the totals, the explanations and the hash. With normalisation on, the levels are fractions: the reference path
    (`results_inputs`, `results.compute`, `explained_results`).
    """
    rules = results_rules(competition)
    if rules.normalise:
        rules, inputs, _panel, counted = results_inputs(competition)
        outcome = results.compute(inputs, rules)
        explained = explained_results(competition, outcome, rules, counted)
        return Freeze(rules, outcome, _as_json(explained), results.inputs_hash(inputs, rules))
    if panel is None:
        panel = jury_panel(competition)
    categories = dict(
        Entry.objects.filter(competition=competition, status=EntryStatus.VERIFIED).values_list(
            "pk", "category__code"
        )
    )
    if sheets is None:
        sheets = _submitted_sheets(competition)
    frozen = freeze_levels(competition, rules, panel, categories, sheets)
    if frozen is not None:  # one row per sheet: the fast path (issue 12.10)
        return Freeze(rules, frozen.outcome, frozen.explained, frozen.inputs_hash)
    return _freeze_level_by_level(competition, rules, panel, categories, sheets)
