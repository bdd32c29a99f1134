"""Hypothesis strategies for random instruments and the competitions scored on them.

The results maths must not know the Perwali instrument (3 pillars B, A, P of 7
indicators on 1-5): an instrument here has 1-6 pillars with random codes, 1-9
indicators each, a scale such as 0-3, 1-4, 1-5 or 1-10, random weights (some zero,
their sum above zero) and a tie-break order that need not be the order in which the
indicators are listed.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from scoring.results import EntryInput, EntryTotals, PillarTotal, Rules

PRIZES = {"besar": 10_000_000, "sedang": 7_000_000, "kecil": 5_000_000}
CATEGORIES = tuple(PRIZES)
SCALES = ((0, 3), (1, 4), (1, 5), (1, 10), (0, 10), (2, 6))

pillar_codes = st.from_regex(r"[A-Z][A-Z0-9]{0,3}", fullmatch=True)


@st.composite
def instruments(draw: st.DrawFn) -> Rules:
    """Rules holding a random instrument: scale, pillars in tie-break order, indicators."""
    pillars = draw(st.lists(pillar_codes, min_size=1, max_size=6, unique=True))
    listed: list[tuple[str, str]] = []
    for pillar in pillars:
        count = draw(st.integers(1, 9))
        listed += [(f"{pillar}I{number}", pillar) for number in range(1, count + 1)]
    # The indicators' listing order is not the tie-break order: shuffle both.
    listed = draw(st.permutations(listed))
    order = tuple(draw(st.permutations(pillars)))
    scale_min, scale_max = draw(st.sampled_from(SCALES))
    weights = {pillar: Decimal(draw(st.integers(0, 3))) for pillar in pillars}
    if not any(weights.values()):
        weights[draw(st.sampled_from(pillars))] = Decimal(draw(st.integers(1, 3)))
    return Rules(
        scale_min=scale_min,
        scale_max=scale_max,
        pass_mark=Decimal(draw(st.integers(40, 80))),
        weights=weights,
        indicators=dict(listed),
        prizes=PRIZES,
        pillar_order=order,
    )


def codes_of(rules: Rules, pillar: str) -> list[str]:
    return [code for code, owner in rules.indicators.items() if owner == pillar]


@st.composite
def competition_rules(draw: st.DrawFn, limits: bool = True) -> Rules:
    """A random instrument with a random pillar minimum; optional cap and budget."""
    rules = draw(instruments())
    return dataclasses.replace(
        rules,
        pillar_minimum=draw(st.none() | st.integers(0, 100).map(Decimal)),
        cap_per_category=draw(st.none() | st.integers(0, 6)) if limits else None,
        budget=draw(st.none() | st.integers(0, 80).map(lambda m: m * 1_000_000))
        if limits
        else None,
    )


@st.composite
def score_sheets(draw: st.DrawFn, rules: Rules) -> dict[str, tuple[int, ...]]:
    """1-3 jurors per indicator; a per-RT level range so that some RTs pass."""
    low = draw(st.integers(rules.scale_min, rules.scale_max))
    high = draw(st.integers(low, rules.scale_max))
    level = st.integers(low, high)
    return {code: tuple(draw(st.lists(level, min_size=1, max_size=3))) for code in rules.indicators}


@st.composite
def competitions(draw: st.DrawFn, rules: Rules, max_entries: int = 40) -> list[EntryInput]:
    """1-40 RTs in a few categories; some copy an earlier RT's sheet so that ties happen."""
    entries: list[EntryInput] = []
    for entry_id in range(1, draw(st.integers(1, max_entries)) + 1):
        category = draw(st.sampled_from(CATEGORIES))
        if entries and draw(st.booleans()):
            model = draw(st.sampled_from(entries))
            scores = {code: tuple(reversed(levels)) for code, levels in model.scores.items()}
            category = draw(st.sampled_from([model.category, category]))
        else:
            scores = draw(score_sheets(rules))
        entries.append(EntryInput(entry_id=entry_id, category=category, scores=scores))
    return entries


@st.composite
def contests(
    draw: st.DrawFn, limits: bool = True, max_entries: int = 40
) -> tuple[list[EntryInput], Rules]:
    """A random instrument and its rules, and RTs scored on it."""
    rules = draw(competition_rules(limits=limits))
    return draw(competitions(rules, max_entries=max_entries)), rules


@st.composite
def complete_sheets(draw: st.DrawFn, rules: Rules) -> dict[str, tuple[int, ...]]:
    """0-3 jurors per pillar, each scoring all of its indicators, as submitted sheets do."""
    scores: dict[str, tuple[int, ...]] = {}
    low = draw(st.integers(rules.scale_min, rules.scale_max))
    level = st.integers(low, draw(st.integers(low, rules.scale_max)))
    for pillar in rules.pillar_order:
        jurors = draw(st.integers(0, 3))
        for code in codes_of(rules, pillar):
            scores[code] = tuple(draw(level) for _ in range(jurors))
    return scores


@st.composite
def summed_contests(
    draw: st.DrawFn,
) -> tuple[list[EntryTotals], list[EntryInput], list[EntryInput], Rules]:
    """RTs with complete sheets (as sums) and some with gaps (as levels), plus every level."""
    entries, rules = draw(contests(max_entries=30))
    totals: list[EntryTotals] = []
    exact: list[EntryInput] = []
    everything: list[EntryInput] = []
    for item in entries:
        if draw(st.booleans()):
            item = dataclasses.replace(item, scores=draw(complete_sheets(rules)))
        everything.append(item)
        pillars: dict[str, PillarTotal] = {}
        complete = True
        for pillar in rules.pillar_order:
            levels = [item.scores.get(code, ()) for code in codes_of(rules, pillar)]
            jurors = {len(given) for given in levels}
            complete = complete and len(jurors) == 1
            if complete and max(jurors):
                pillars[pillar] = PillarTotal(sum(map(sum, levels)), jurors.pop())  # type: ignore[arg-type]
        if complete:
            totals.append(EntryTotals(item.entry_id, item.category, pillars))
        else:
            exact.append(item)
    return totals, exact, everything, rules


def describe(rules: Rules) -> dict[str, Any]:
    """The instrument of `rules` in a line, for a failing example's note."""
    return {
        "scale": (rules.scale_min, rules.scale_max),
        "order": rules.pillar_order,
        "weights": {k: str(v) for k, v in rules.weights.items()},
        "sizes": {p: len(codes_of(rules, p)) for p in rules.pillar_order},
    }
