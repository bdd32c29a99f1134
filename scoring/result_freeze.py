"""Finalisation's own pass over the levels: the frozen outcome, explanations and hash (issue 12.10).

Finalising a city-scale competition must take at most twice the live results path. The
live path reads one aggregate; finalisation needs every counted level besides, for the
explanations (each juror's level per indicator, ~100,000 at city scale) and the hash.
So this pass reads the levels once, as one row per submitted sheet with a column per
indicator (one statement, about the cost of the live path's sums), and derives from those
rows everything the live path derives from its sums: the same `_pillar_totals` and
`compute_totals`, so the frozen rows are the plenary's by construction.

What is formatted repeats: 1,650 RTs share a few hundred distinct (jurors, levels) per
indicator, so each explanation is put together from remembered JSON fragments, and the
hash's input is written the same way, byte for byte what `results.inputs_hash` writes
(tests/scoring/test_result_freeze.py compares both on random seasons and the demo).

The stored explanation is the JSON that `results.explain` gives: every reader (the
explain page, the RT's history, coaching) reads what it read before.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from operator import itemgetter
from typing import Any

from django.db.models import Count, Max, Q

from competitions.models import Competition
from indicators.models import Pillar
from indicators.selectors import indicators_of
from scoring import results
from scoring.models import Score, SheetStatus
from scoring.panel import Panel
from scoring.result_selectors import (
    _complete,
    _fetch,
    _juror_names,
    _Means,
    _pillar_totals,
    _sheets,
)


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


def freeze_levels(
    competition: Competition,
    rules: results.Rules,
    panel: Panel,
    categories: dict[int, str],
    sheets: list[tuple[int, int, int]],
) -> Frozen | None:
    """The frozen outcome, explanations and hash from one row per sheet (3 queries).

    None when a sheet holds a level of an indicator outside the competition's instrument
    (a season moved to another instrument): the caller then takes the level-by-level path,
    which counts such levels in the hash as it always did.
    """
    pks = dict(indicators_of(competition.instrument_id).values_list("code", "pk"))
    pillar_pks = dict(
        Pillar.objects.filter(instrument=competition.instrument_id).values_list("code", "pk")
    )
    # Columns grouped by pillar, in the instrument's order: the explain page's order.
    order = list(rules.pillar_order)
    columns = [
        code for pillar in order for code, owner in rules.indicators.items() if owner == pillar
    ]
    columns += [code for code in rules.indicators if code not in columns]
    if set(pks) != set(columns) or any(rules.indicators[c] not in pillar_pks for c in columns):
        return None
    spans: list[tuple[int, int, int]] = []  # (pillar pk, first column, end)
    start = 0
    for pillar in dict.fromkeys(rules.indicators[c] for c in columns):
        end = start + sum(1 for c in columns if rules.indicators[c] == pillar)
        spans.append((pillar_pks[pillar], start, end))
        start = end
    ids = [pks[code] for code in columns]
    rows = _fetch(
        "levels by sheet " + ",".join(map(str, ids)),
        competition,
        lambda: (
            Score.objects.filter(
                sheet__entry__competition=competition,
                sheet__status=SheetStatus.SUBMITTED,
                value__isnull=False,
            )
            .values_list("sheet_id")
            .annotate(
                n=Count("value"),
                **{f"i{k}": Max("value", filter=Q(indicator_id=pk)) for k, pk in enumerate(ids)},
            )
            .order_by()
        ),
    )
    width = len(columns)
    by_sheet: dict[int, tuple[int | None, ...]] = {}
    for row in rows:
        levels = row[2:]
        if row[1] != width - levels.count(None):  # a level of another instrument's indicator
            return None
        by_sheet[row[0]] = levels
    empty = (None,) * width
    names = _juror_names({juror for _sheet, _entry, juror in sheets})
    expected = panel.expected
    entry_rows: dict[int, list[tuple[int | None, ...]]] = defaultdict(list)
    entry_names: dict[int, list[str]] = defaultdict(list)
    sums: list[tuple[int, int, int, int]] = []  # (sheet, pillar pk, sum, levels), as live
    # In juror order, as the explain page lists the levels (`named_levels`).
    for sheet_id, entry_id, juror in sorted(sheets, key=itemgetter(2)):
        remit = expected.get(entry_id, {}).get(juror)
        if remit is None:  # rules 1 to 3: not a juror the panel expects
            continue
        levels = by_sheet.get(sheet_id, empty)
        if remit and any(pillar_pk not in remit for pillar_pk, _s, _e in spans):  # rule 4
            kept: list[int | None] = [None] * width
            for pillar_pk, first, end in spans:
                if pillar_pk in remit:
                    kept[first:end] = levels[first:end]
            levels = tuple(kept)
        for pillar_pk, first, end in spans:
            part = levels[first:end]
            if None not in part:
                sums.append((sheet_id, pillar_pk, sum(part), end - first))
            else:
                given = [value for value in part if value is not None]
                if given:
                    sums.append((sheet_id, pillar_pk, sum(given), len(given)))
        entry_rows[entry_id].append(levels)
        entry_names[entry_id].append(names[juror])
    codes = {pk: code for code, pk in pillar_pks.items()}
    size: dict[str, int] = defaultdict(int)
    for pillar_code in rules.indicators.values():
        size[pillar_code] += 1
    pillars, incomplete, coverage = _pillar_totals(panel, sheets, sums, codes, size)

    def scores_of(entry_id: int) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for levels in entry_rows.get(entry_id, ()):
            for code, value in zip(columns, levels, strict=True):
                if value is not None:
                    found.setdefault(code, []).append(value)
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
    explained = []
    for r in outcome.results:
        sheets_in = list(_sheets(coverage, r.entry_id))
        if r.entry_id in incomplete:  # level by level, as `score_entry` gave it
            named: dict[str, list[tuple[str, int]]] = {}
            for name, levels in zip(
                entry_names.get(r.entry_id, ()), entry_rows.get(r.entry_id, ()), strict=True
            ):
                for code, value in zip(columns, levels, strict=True):
                    if value is not None:
                        named.setdefault(code, []).append((name, value))
            explanation = results.explain(
                means.explainable(r, outcome, scores_of(r.entry_id)), rules, named
            )
            explained.append((r, _dumps({**explanation, "sheets": sheets_in})))
        else:
            text = writer.explanation(
                r,
                pillars.get(r.entry_id, {}),
                tuple(entry_names.get(r.entry_id, ())),
                entry_rows.get(r.entry_id, []),
                sheets_in,
            )
            explained.append((r, text))
    hashed = writer.hash_input(
        (pk, categories[pk], entry_rows.get(pk, ())) for pk in sorted(categories)
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
        self.fragments: list[dict[tuple[Any, ...], str]] = [{} for _ in columns]
        self.hashed: list[dict[tuple[int | None, ...], str]] = [{} for _ in columns]
        self.pairs: dict[tuple[str, int], str] = {}
        self.lowest = (
            self.text(rules.scale_min, 1, 4) if rules.missing == results.MISSING_LOWEST else "null"
        )
        self.scale = _dumps([rules.scale_min, rules.scale_max])
        self.minimum = None if rules.pillar_minimum is None else str(rules.pillar_minimum)

    def _indicator(
        self, k: int, names: tuple[str, ...], column: tuple[int | None, ...], missing: bool
    ) -> str:
        """One indicator's JSON: its levels by juror, mean and "missing" (made once each)."""
        given = [
            (name, value) for name, value in zip(names, column, strict=True) if value is not None
        ]
        levels = ", ".join(self._pair(name, value) for name, value in given)
        mean = self.text(sum(value for _name, value in given), len(given), 4) if given else "null"
        return "".join(
            (
                '{"code": ',
                self.quoted[k],
                ', "levels": [',
                levels,
                '], "mean": ',
                mean,
                ', "missing": ',
                "true" if missing else "false",
                "}",
            )
        )

    def _pair(self, name: str, value: int) -> str:
        key = (name, value)
        found = self.pairs.get(key)
        if found is None:
            found = self.pairs[key] = _dumps([name, value])
        return found

    def explanation(
        self,
        result: results.EntryResult,
        pillars: dict[str, results.PillarTotal],
        names: tuple[str, ...],
        rows: list[tuple[int | None, ...]],
        sheets_in: list[int],
    ) -> str:
        """`results.explain` of a result summed by pillar, as JSON (see `_Means`)."""
        rules, outcome, text, fragments = self.rules, self.outcome, self.text, self.fragments
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(self.columns)
        missing = set(result.missing)
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
                flag = bool(missing) and self.columns[k] in missing
                key = (names, columns[k], flag)
                found = fragments[k].get(key)
                if found is None:
                    found = fragments[k][key] = self._indicator(k, names, columns[k], flag)
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
        tail = {
            "final": None,
            "final_exact": None,
            "pass_mark": str(rules.pass_mark_for(result.category)),
            "pillar_minimum": self.minimum,
            "passed": result.passed,
            "rank": result.rank,
            "tied_with": result.tied_with,
            "held_back": result.held_back,
            "is_winner": result.is_winner,
            "prize": result.prize,
            "missing": rules.missing,
            "missing_indicators": list(result.missing),
            "complete": result.complete,
            "scored": result.scored,
            "undecided": result.undecided,
            "sheets": sheets_in,
        }
        # The keys `results.explain` writes after the pillars; the two figures remembered.
        figures = _dumps(tail)[len('{"final": null, "final_exact": null') :]
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
                figures,
            )
        )

    def hash_input(self, entries: Any) -> str:
        """The bytes `results.inputs_hash` hashes, for (entry, category, counted sheet rows)."""
        order = sorted(range(len(self.columns)), key=self.columns.__getitem__)
        written = []
        for entry_id, category, rows in entries:
            columns = list(zip(*rows, strict=True)) if rows else [()] * len(self.columns)
            levels = []
            for k in order:
                column = columns[k]
                found = self.hashed[k].get(column)
                if found is None:
                    given = sorted(value for value in column if value is not None)
                    found = self.hashed[k][column] = (
                        self.quoted[k] + ": " + _dumps(given) if given else ""
                    )
                if found:
                    levels.append(found)
            written.append(f"[{entry_id}, {_dumps(category)}, {{{', '.join(levels)}}}]")
        return results.hash_text("[" + ", ".join(written) + "]", self.rules)
