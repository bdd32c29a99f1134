"""Issue 14, done-when: a database with the 2020 season made before instruments migrates
and gives identical results and result hashes.

fixtures/season-2020-before-instruments.json.gz was written by `dumpdata` at commit bc0ba99
(before indicators 0002 and competitions 0007): `seed_demo` on the master fixtures, so the
published 2020 season (181 entries, 494 submitted sheets, 10,350 levels) finalised by that
code, with its frozen ResultSet and hash, and the demo's other competitions. Left out: the
levels' audit rows and the photos (nothing the results read).

The test takes the database back to the migrations before this change, loads the dump
through the historical models of that state (the schema the old code wrote), migrates
forward, and asks today's code for the results and the hash.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps.registry import Apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.graph import MigrationGraph

from competitions.models import Competition, HistoricalCompetition
from indicators.models import Indicator, Instrument, Pillar
from indicators.selectors import instrument_for, pillar_codes
from scoring.models import Result, ResultSet
from scoring.result_freeze import results_to_freeze

pytestmark = pytest.mark.django_db(transaction=True)

DUMP = Path(__file__).parent / "fixtures" / "season-2020-before-instruments.json.gz"
INSTRUMENT_MIGRATIONS = {
    ("indicators", "0002_instrument"),
    ("competitions", "0007_competition_instrument"),
    # The re-visit outcome's pillar map (issue 14): the dump holds the three Perwali columns.
    ("coaching", "0002_outcome_pillar_scores"),
}
# Read off the dump when it was made (old code: scoring.Result's columns).
RESULT_FIELDS = (
    "category_code",
    "bersih",
    "aman",
    "pintar",
    "final",
    "passed",
    "rank",
    "is_winner",
    "held_back",
    "prize",
    "explanation",
)


def dump_rows() -> list[dict[str, Any]]:
    with gzip.open(DUMP, "rt", encoding="utf-8") as file:
        return json.load(file)


def targets_before(graph: MigrationGraph) -> list[tuple[str, str | None]]:
    """Every app's newest migration that does not stand on the instrument migrations."""
    after: set[tuple[str, str]] = set()
    for node in INSTRUMENT_MIGRATIONS:
        after |= set(graph.backwards_plan(node))  # what stands on it, and itself
    targets: list[tuple[str, str | None]] = []
    for app, name in graph.leaf_nodes():
        node: tuple[str, str] | None = (app, name)
        while node is not None and node in after:
            parents = [p.key for p in graph.node_map[node].parents if p.key[0] == app]
            node = parents[0] if parents else None
        targets.append(node if node is not None else (app, None))
    return targets


def load_with(old_apps: Apps, rows: list[dict[str, Any]]) -> None:
    """Insert the dump's rows through the historical models: the old schema, field by field."""
    by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_model[row["model"]].append(row)
    models = []
    with transaction.atomic():
        for label, model_rows in by_model.items():
            model = old_apps.get_model(label)
            models.append(model)
            objects, many = [], []
            for row in model_rows:
                values: dict[str, Any] = {model._meta.pk.attname: row["pk"]}
                for name, value in row["fields"].items():
                    field = model._meta.get_field(name)
                    if field.many_to_many:
                        many.append((len(objects), name, value))
                    elif field.is_relation:
                        values[field.attname] = value
                    else:
                        values[name] = field.to_python(value)
                objects.append(model(**values))
            model.objects.bulk_create(objects, batch_size=500)
            for index, name, value in many:
                getattr(objects[index], name).set(value)
    with connection.cursor() as cursor:  # explicit primary keys: move PostgreSQL's sequences on
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


# scoring 0006 moved the three columns into `pillar_scores` by pillar code.
MIGRATED_COLUMNS = {"bersih": "B", "aman": "A", "pintar": "P"}


def frozen_rows(result_set: ResultSet) -> dict[int, tuple[Any, ...]]:
    return {
        result.entry_id: tuple(
            result.pillar_score(MIGRATED_COLUMNS[name])
            if name in MIGRATED_COLUMNS
            else getattr(result, name)
            for name in RESULT_FIELDS
        )
        for result in result_set.results.all()
    }


def test_the_2020_season_made_before_instruments_migrates_with_the_same_results_and_hash():
    rows = dump_rows()
    dumped_sets = [row for row in rows if row["model"] == "scoring.resultset"]
    assert len(dumped_sets) == 1  # the published 2020 season, frozen by the old code
    dumped_results = {
        row["fields"]["entry"]: tuple(
            Decimal(row["fields"][name])
            if name in ("bersih", "aman", "pintar", "final")
            else row["fields"][name]
            for name in RESULT_FIELDS
        )
        for row in rows
        if row["model"] == "scoring.result"
    }
    assert len(dumped_results) == 158

    call_command("flush", interactive=False, verbosity=0)
    executor = MigrationExecutor(connection)
    before = targets_before(executor.loader.graph)
    try:
        executor.migrate(before)
        old_apps = (
            MigrationExecutor(connection)
            .loader.project_state([node for node in before if node[1] is not None])
            .apps
        )
        old_pillar = old_apps.get_model("indicators", "Pillar")
        assert "instrument" not in {f.name for f in old_pillar._meta.get_fields()}
        load_with(old_apps, rows)
        assert old_apps.get_model("scoring", "ResultSet").objects.count() == 1
    finally:
        # Forward again whatever happened, so the next tests find today's schema.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    # The migration put the catalogue and every competition (and its history) on Perwali.
    perwali = Instrument.objects.get()
    assert (perwali.legal_basis, perwali.version, perwali.scale_min, perwali.scale_max) == (
        "Perwali Jambi No. 11 Tahun 2019",
        1,
        1,
        5,
    )
    assert set(Pillar.objects.values_list("instrument", flat=True)) == {perwali.pk}
    assert Indicator.objects.filter(instrument=perwali).count() == 21
    assert set(Competition.objects.values_list("instrument", flat=True)) == {perwali.pk}
    assert set(HistoricalCompetition.objects.values_list("instrument", flat=True)) == {perwali.pk}

    result_set = ResultSet.objects.select_related("competition").get()
    competition = result_set.competition
    assert (competition.year, competition.period, competition.status) == (2020, 1, "published")
    assert pillar_codes(instrument_for(competition)) == ["B", "A", "P"]
    # The frozen rows are as the old code wrote them ...
    assert result_set.inputs_hash == dumped_sets[0]["fields"]["inputs_hash"]
    assert frozen_rows(result_set) == dumped_results
    # ... and today's code, reading the migrated database, computes the same results and hash.
    freeze = results_to_freeze(competition)
    assert freeze.inputs_hash == result_set.inputs_hash
    outcome = freeze.outcome
    recomputed = {
        result.entry_id: (
            result.category,
            outcome.pillar_decimal(result, "B"),
            outcome.pillar_decimal(result, "A"),
            outcome.pillar_decimal(result, "P"),
            outcome.final_decimal(result),
            result.passed,
            result.rank,
            result.is_winner,
            result.held_back,
            result.prize,
        )
        for result in outcome.results
    }
    assert recomputed == {entry: values[:-1] for entry, values in dumped_results.items()}
    assert outcome.total_prize == result_set.total_prize
    assert (
        sum(1 for values in recomputed.values() if values[7])
        == Result.objects.filter(result_set=result_set, is_winner=True).count()
    )
