"""The explain page of a live RT with normalisation on reads the panel and the sheets once.

`explanation` works a normalised RT out from every counted level (`covered_inputs`),
which reads the jury panel and the submitted sheets; `explained_results` used to read
both again for each row's "sheets". The explanation must stay what it was.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring import results
from scoring.result_selectors import (
    covered_inputs,
    explained_results,
    explanation,
    result_table,
    results_inputs,
)
from tests.scoring.test_result_selectors import season

pytestmark = pytest.mark.django_db
__all__ = ["season"]  # the fixture, used below


def test_a_normalised_explanation_reads_the_panel_and_the_sheets_once(season, open_competition):
    open_competition.normalise_levels = True
    open_competition.save()
    row = result_table(open_competition).row(season["G"].pk)
    assert row is not None
    with CaptureQueriesContext(connection) as queries:
        explained = explanation(open_competition, row)
    sql = [query["sql"] for query in queries.captured_queries]
    assert sum('"scoring_recusal"' in text for text in sql) == 1  # jury_panel's rule 3
    # sheet_coverage's (entry, juror) of the submitted sheets: no level read with them
    pairs = [
        t for t in sql if '"scoring_scoresheet"."juror_id"' in t and '"scoring_score".' not in t
    ]
    assert len(pairs) == 1, pairs
    # The same explanation as when the coverage is read again, row by row.
    rules, inputs, _panel, levels = results_inputs(open_competition)
    again = explained_results(open_competition, results.compute(inputs, rules), rules, levels)
    found = next(e for r, e in again if r.entry_id == row.entry.pk)
    assert explained == found


def test_covered_inputs_are_results_inputs_and_their_coverage(season, open_competition):
    rules, inputs, panel, levels, coverage = covered_inputs(open_competition)
    assert (rules, inputs, panel, levels) == results_inputs(open_competition)
    assert {entry.entry_id for entry in inputs} <= set(coverage)
    assert all(entry.complete == coverage[entry.entry_id].complete for entry in inputs)
