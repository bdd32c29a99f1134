"""Optional normalisation (issue 12.5): off, every result is what it was; on, each juror's
levels are z-scores rescaled to the competition's mean and spread.

The pure rule (`scoring.normalise`) on its own; then the results on random seasons
(test_panel's random panels) and on the seven-RT season of test_result_selectors.
"""

from __future__ import annotations

import dataclasses
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bantar.models import Role, User
from indicators.models import Indicator, Pillar
from scoring import normalise, results
from scoring.normalise import PLACES, mean_and_spread, normalised_values
from scoring.panel import counted_levels, jury_panel
from scoring.result_selectors import (
    explanation,
    live_row,
    method_text,
    result_table,
    results_inputs,
    sheet_coverage,
)
from scoring.result_services import competition_finalise
from tests.scoring import strategies
from tests.scoring.strategies import SCALES
from tests.scoring.test_panel import build, panels
from tests.scoring.test_result_selectors import figures, live, ready_to_finalise, season

pytestmark = pytest.mark.django_db
__all__ = ["season"]  # the fixture, used below

NORMALISED_TEXT = "nilai setiap juri dinormalisasi"


# --- The pure rule ---------------------------------------------------------------------------


def test_a_juror_with_no_spread_gets_the_competition_mean():
    levels = [(1, 10, "B1", 3), (2, 10, "B1", 3), (1, 11, "B1", 2), (2, 11, "B1", 5)]
    values = normalised_values(levels, 1, 5)
    assert values[:2] == [Fraction(13, 4), Fraction(13, 4)]  # mean of 3, 3, 2, 5
    assert values[2] < values[3]


def test_normalised_levels_are_clipped_to_the_scale():
    # One juror far from everyone: his top level would land above 5.
    levels = [(e, 1, "B1", 5 if e == 0 else 1) for e in range(8)]
    levels += [(e, 2, "B1", 3 + e % 2) for e in range(8)]
    values = normalised_values(levels, 1, 5)
    assert max(values) == 5 and min(values) >= 1
    mean, spread = mean_and_spread([level for *_, level in levels])
    assert values[0] == 5 < mean + Fraction(7) ** Fraction(1, 2) * spread  # z = sqrt(7)


def straightforward(levels, low: int, high: int) -> list[Fraction]:
    """The module docstring's rule written out level by level, from the lists themselves."""
    everyone = mean_and_spread([level for *_, level in levels])
    own = {
        juror: mean_and_spread([v for _e, j, _c, v in levels if j == juror])
        for _e, juror, _c, _v in levels
    }
    values = []
    for _entry, juror, _code, level in levels:
        mean, spread = own[juror]
        z = (level - mean) / spread if spread else 0
        exact = everyone[0] + z * everyone[1]
        digits = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
            Decimal("0.000001"), rounding=ROUND_HALF_UP, context=Context(prec=80)
        )
        values.append(min(Fraction(high), max(Fraction(low), Fraction(digits))))
    return values


@st.composite
def juror_levels(draw: st.DrawFn):
    low, high = draw(st.sampled_from(SCALES))
    level = st.tuples(
        st.integers(1, 6), st.integers(1, 4), st.sampled_from(["B1", "A1"]), st.integers(low, high)
    )
    return (low, high), draw(st.lists(level, min_size=1, max_size=40))


@settings(max_examples=150, deadline=None)
@given(drawn=juror_levels())
def test_normalised_values_are_the_rule_computed_level_by_level(drawn):
    (low, high), levels = drawn
    assert normalised_values(levels, low, high) == straightforward(levels, low, high)


@st.composite
def normalised_contests(draw: st.DrawFn):
    """Random RTs and rules (some RTs with complete sheets, some with gaps, some unscored
    pillars), each level given by juror 1-3 of its indicator, then normalised."""
    entries, rules = draw(strategies.contests(max_entries=25))
    rules = dataclasses.replace(
        rules, missing=draw(st.sampled_from([results.MISSING_LOWEST, results.MISSING_SKIP]))
    )
    entries = [
        dataclasses.replace(
            item,
            scores=draw(strategies.complete_sheets(rules)) if draw(st.booleans()) else item.scores,
            complete=draw(st.booleans()),
        )
        for item in entries
    ]
    levels = [
        (item.entry_id, juror, code, level)
        for item in entries
        for code, given in item.scores.items()
        for juror, level in enumerate(given, start=1)
    ]
    values = iter(normalised_values(levels, rules.scale_min, rules.scale_max))
    normalised = []
    for item in entries:
        scores = {code: [next(values) for _ in given] for code, given in item.scores.items()}
        normalised.append(dataclasses.replace(item, scores=scores))
    return normalised, rules


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contest=normalised_contests())
def test_the_integer_path_gives_the_outcome_of_compute(contest):
    entries, rules = contest
    reference = results.compute(entries, rules)
    fast = normalise.compute(entries, rules)
    assert fast.warnings == reference.warnings
    assert fast.total_prize == reference.total_prize
    by_entry = fast.by_entry()
    assert sorted(by_entry) == sorted(r.entry_id for r in reference.results)
    for expected in reference.results:
        got = by_entry[expected.entry_id]
        for pillar in rules.pillar_order:
            assert Fraction(got.pillar_scores[pillar], fast.scale) == expected.pillar_scores[pillar]
            assert fast.pillar_decimal(got, pillar) == reference.pillar_decimal(expected, pillar)
        assert Fraction(got.final, fast.final_scale) == expected.final
        assert fast.final_decimal(got) == reference.final_decimal(expected)
        assert (got.rank, sorted(got.tied_with), got.passed, got.gated_pillars) == (
            expected.rank,
            sorted(expected.tied_with),
            expected.passed,
            expected.gated_pillars,
        )
        assert (got.is_winner, got.held_back, got.prize, got.undecided) == (
            expected.is_winner,
            expected.held_back,
            expected.prize,
            expected.undecided,
        )
        assert (sorted(got.missing), got.scored, got.complete) == (
            sorted(expected.missing),
            expected.scored,
            expected.complete,
        )


def test_a_level_that_is_not_in_millionths_takes_the_fraction_path():
    rules = results.Rules(
        scale_min=1,
        scale_max=5,
        pass_mark=Decimal(50),
        weights={"B": Decimal(1)},
        indicators={"B1": "B"},
        prizes={"besar": 1},
        pillar_order=("B",),
    )
    entries = [results.EntryInput(1, "besar", {"B1": [Fraction(10, 3)]})]
    outcome = normalise.compute(entries, rules)
    assert outcome.scale == 1  # results.compute's outcome, not compute_totals'
    assert (
        outcome.results[0].pillar_scores["B"]
        == results.compute(entries, rules).results[0].pillar_scores["B"]
    )


@st.composite
def lenient_panels(draw: st.DrawFn):
    """A scale of some instrument (0-3 to 1-10), juror 1's levels below its top, others'."""
    low, high = draw(st.sampled_from(SCALES))
    pattern = draw(st.lists(st.integers(low, high - 1), min_size=2, max_size=25))
    others = draw(st.lists(st.integers(low, high), min_size=2, max_size=25))
    return (low, high), pattern, others


@settings(max_examples=80, deadline=None)
@given(panel=lenient_panels(), seed=st.integers(0, 1000))
def test_a_lenient_juror_counts_as_his_colleague_once_normalised(panel, seed):
    """Juror 2 gives juror 1's levels plus one: after normalisation the two are the same.

    Also: the result depends on the levels, not on their order. On any instrument's scale.
    """
    (low, high), pattern, others = panel
    levels = [(e, 1, "B1", v) for e, v in enumerate(pattern)]
    levels += [(e, 2, "B1", v + 1) for e, v in enumerate(pattern)]
    levels += [(100 + e, 3, "B1", v) for e, v in enumerate(others)]
    values = normalised_values(levels, low, high)
    half = len(pattern)
    assert values[:half] == values[half : 2 * half]
    assert all(low <= v <= high and (v * PLACES).denominator == 1 for v in values)
    shuffled = list(zip(levels, values, strict=True))
    random.Random(seed).shuffle(shuffled)
    again = normalised_values([level for level, _v in shuffled], low, high)
    assert again == [v for _level, v in shuffled]


# --- Off: every result identical -------------------------------------------------------------


def test_the_fingerprint_of_frozen_results_is_unchanged():
    """The hash the code gave before normalisation existed (computed with it, 1 Dec 2026)."""
    rules = results.Rules(
        scale_min=1,
        scale_max=5,
        pass_mark=Decimal("70"),
        weights={"B": Decimal("1"), "A": Decimal("1"), "P": Decimal("1")},
        indicators={"B1": "B", "A1": "A", "P1": "P"},
        pillar_order=("B", "A", "P"),
        prizes={"besar": 10_000_000},
    )
    entries = [
        results.EntryInput(1, "besar", {"B1": [4, 5], "A1": [3], "P1": [5, 5]}),
        results.EntryInput(2, "besar", {"B1": [2], "A1": [4, 4]}, complete=False),
    ]
    before = "73cc74c81711bbcf5998e75105d7726693d5f42c1c373fe61ae516d301594772"
    assert results.inputs_hash(entries, rules) == before
    on = results.Rules(**{**rules.__dict__, "normalise": True})
    assert results.inputs_hash(entries, on) != before


def reference_rows(competition, *, normalise: bool) -> dict:
    """The rows from every counted level, built here without the results_inputs hook."""
    panel = jury_panel(competition)
    levels = counted_levels(competition, panel)
    rules, _inputs, _panel, _levels = results_inputs(competition)
    values = (
        normalised_values(levels, competition.scale_min, competition.scale_max)
        if normalise
        else [value for *_, value in levels]
    )
    by_entry: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for (entry_id, _juror, code, _raw), value in zip(levels, values, strict=True):
        by_entry[entry_id][code].append(value)
    coverage = sheet_coverage(competition, panel)
    categories = {i.entry_id: i.category for i in _inputs}
    inputs = [
        results.EntryInput(
            pk,
            category,
            {k: list(v) for k, v in by_entry[pk].items()},
            coverage.get(pk) is not None and coverage[pk].complete,
        )
        for pk, category in categories.items()
    ]
    outcome = results.compute(inputs, rules)
    return {r.entry_id: live_row(None, r, outcome, coverage) for r in outcome.results}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=panels)
def test_off_every_result_is_what_the_raw_levels_give(world, open_competition):
    """Random seasons: with the rule off the live table, the inputs and their fingerprint are
    those of the raw levels, exactly; switching it on and off again changes nothing."""
    pillars = list(Pillar.objects.order_by("order"))
    indicators = list(Indicator.objects.order_by("pillar__order", "number"))
    with transaction.atomic():
        jurors = [User.objects.create(username=f"juri.norm{n}", role=Role.JURI) for n in range(4)]
        build(world, open_competition, jurors, pillars, indicators)
        assert not open_competition.normalise_levels  # the default
        rules, inputs, _panel, levels = results_inputs(open_competition)
        assert rules.normalise is False
        raw = sorted(value for *_, value in levels)
        used = sorted(v for entry in inputs for values in entry.scores.values() for v in values)
        assert used == raw and all(type(v) is int for v in used)
        off = figures(result_table(open_competition))
        assert off == reference_rows(open_competition, normalise=False)
        assert NORMALISED_TEXT not in method_text(open_competition)
        open_competition.normalise_levels = True
        open_competition.save()
        assert figures(result_table(open_competition)) == reference_rows(
            open_competition, normalise=True
        )
        open_competition.normalise_levels = False
        open_competition.save()
        assert figures(result_table(open_competition)) == off
        transaction.set_rollback(True)


# --- On: the live path, finalisation, the explain page and the method ------------------------


def test_on_the_live_table_is_the_normalised_reference_and_differs_from_off(
    season, open_competition
):
    off = figures(result_table(open_competition))
    open_competition.normalise_levels = True
    open_competition.save()
    on = figures(result_table(open_competition))
    assert on == reference_rows(open_competition, normalise=True)
    assert on != off
    assert NORMALISED_TEXT in method_text(open_competition)


def test_on_finalising_freezes_what_the_plenary_showed(season, open_competition, panitia):
    ready_to_finalise(season)
    open_competition.normalise_levels = True
    open_competition.save()
    open_competition.refresh_from_db()  # the rules as the pages read them: 70.00, not 70
    before, warnings = live(open_competition)
    worked_out = {
        row.entry.pk: explanation(open_competition, row)
        for row in result_table(open_competition).rows
    }
    competition_finalise(competition=open_competition, by=panitia)
    open_competition.refresh_from_db()
    table = result_table(open_competition)
    assert table.frozen and figures(table) == before and table.warnings == warnings
    for row in table.rows:
        assert explanation(open_competition, row) == worked_out[row.entry.pk]


def test_the_explain_page_shows_raw_and_normalised_levels(
    season, open_competition, panitia, client
):
    open_competition.normalise_levels = True
    open_competition.save()
    entry = season["G"]  # juri.satu 4s, juri.dua 5s
    client.force_login(panitia)
    html = client.get(f"/kompetisi/{open_competition.pk}/pleno/rt/{entry.pk}/").content.decode()
    assert 'data-testid="normalised-note"' in html
    assert html.count('data-testid="normalised-level"') >= 2 * Indicator.objects.count()
    row = result_table(open_competition).row(entry.pk)
    explained = explanation(open_competition, row)
    first = explained["pillars"][0]["indicators"][0]
    assert [level for _juror, level in first["levels"]] == [4, 5]
    assert len(first["normalised"]) == 2 and all("," in text for text in first["normalised"])
    assert explained["normalised"] is True
    assert NORMALISED_TEXT in html
    open_competition.normalise_levels = False
    open_competition.save()
    plain = client.get(f"/kompetisi/{open_competition.pk}/pleno/rt/{entry.pk}/").content.decode()
    assert "normalised-level" not in plain and NORMALISED_TEXT not in plain
