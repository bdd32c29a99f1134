"""The live results against the reference maths on random panels, coverage included.

`result_table` lets the database add up each submitted sheet per pillar and keeps
what counts with the panel rule (`live_totals`), reading each entry's coverage
from the same sheets; finalisation reads every counted level (`results_inputs`)
and `sheet_coverage`. On random panels (teams, homes, remits, recusals, excused
sheets, drafts, empty sheets, unassigned and unverified entries) every field of
every row must agree.
"""

from __future__ import annotations

import dataclasses

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bantar.models import Role, User
from indicators.models import Indicator, Pillar
from scoring import results
from scoring.result_selectors import live_row, result_table, results_inputs, sheet_coverage
from tests.scoring.test_panel import build, panels

# Sheets that score whole pillars (the sums path) and, now and then, leave a gap (the exact
# path): pillar index -> its 7 levels, None where the juror left the indicator empty.
whole_pillars = st.dictionaries(
    st.integers(0, 2),
    st.tuples(st.lists(st.integers(1, 5), min_size=7, max_size=7), st.none() | st.integers(0, 6)),
    max_size=3,
)


def with_whole_pillars(world: dict, draws: list[dict]) -> dict:
    """test_panel's world with each sheet's levels replaced by whole pillars."""
    sheets = []
    for sheet, drawn in zip(world["sheets"], draws, strict=False):
        levels = {
            p * 7 + i: None if i == gap else v
            for p, (values, gap) in drawn.items()
            for i, v in enumerate(values)
        }
        sheets.append({**sheet, "levels": levels})
    return {**world, "sheets": sheets}


pytestmark = pytest.mark.django_db


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=panels, draws=st.lists(whole_pillars, min_size=8, max_size=8))
def test_the_live_table_agrees_with_every_level_on_random_panels(world, draws, open_competition):
    """test_panel's random panels (recusals, excused sheets, calibration RTs included)."""
    world = with_whole_pillars(world, draws)
    pillars = list(Pillar.objects.order_by("order"))
    indicators = list(Indicator.objects.order_by("pillar__order", "number"))
    with transaction.atomic():
        jurors = [User.objects.create(username=f"juri.acak{n}", role=Role.JURI) for n in range(4)]
        build(world, open_competition, jurors, pillars, indicators)
        rules, inputs, panel, _levels = results_inputs(open_competition)
        outcome = results.compute(inputs, rules)
        coverage = sheet_coverage(open_competition, panel)
        expected = {r.entry_id: live_row(None, r, outcome, coverage) for r in outcome.results}
        table = result_table(open_competition)
        got = {row.entry.pk: dataclasses.replace(row, entry=None) for row in table.rows}
        assert got == expected
        assert table.warnings == outcome.warnings
        transaction.set_rollback(True)
