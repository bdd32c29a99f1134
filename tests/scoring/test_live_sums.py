"""The live path's one aggregate (`result_selectors._SheetSums`) against every level.

The aggregate packs each submitted sheet's sum and count of levels per pillar into a few
integers, and finds a level's pillar from runs of consecutive indicator ids written into
the statement. These tests give it what the city data never has: the indicators of two
instruments created in turn (their ids interleaved), levels of the other instrument's
indicators on a sheet, the highest level a Score holds, more pillars than one packed
column holds, remits, gaps and sheets without a level. Every row of the live table must
equal the reference (`results_inputs`, `results.compute`, `sheet_coverage`).
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bantar.models import Role, User
from competitions.models import RT, Competition, Kelurahan
from competitions.services import competition_create
from indicators.models import Indicator, Instrument, Pillar
from scoring import results
from scoring.models import Assignment, JuryMember, Score, ScoreSheet, SheetStatus
from scoring.panel import jury_panel
from scoring.result_selectors import (
    _LEVEL_MAX,
    Coverage,
    _packed_columns,
    _SheetSums,
    computed_result_table,
    live_row,
    results_inputs,
    sheet_coverage,
)
from scoring.services import team_create
from tests.factories import EntryFactory

pytestmark = pytest.mark.django_db

JURORS = 3
ENTRIES = 3


def test_slots_that_do_not_fit_go_into_the_next_column():
    columns = _packed_columns({"a": 30, "b": 30, "c": 3, None: 20})
    assert columns == [[("a", 0, 30), ("b", 30, 30)], [("c", 0, 3), (None, 3, 20)]]
    assert all(shift + width <= 62 for column in columns for _key, shift, width in column)


def instrument(name: str, sizes: list[int], *, code: str) -> tuple[Instrument, list[Pillar]]:
    made = Instrument.objects.create(
        name=name, legal_basis="Contoh", version=1, scale_min=1, scale_max=5, ready=False
    )
    pillars = [
        Pillar.objects.create(instrument=made, code=f"{code}{n}", name=f"Pilar {n}", order=n)
        for n in range(1, len(sizes) + 1)
    ]
    return made, pillars


def on_instrument(made: Instrument, pillars: list[Pillar], *, year: int) -> Competition:
    """A competition judged by `made`, which has no level descriptors (not "ready"): written
    to the row, as a season moved to another instrument would be."""
    competition = competition_create(
        year=year, registration_closes=timezone.now() + timedelta(days=30)
    )
    weights = {pillar.code: "1" for pillar in pillars}
    Competition.objects.filter(pk=competition.pk).update(instrument=made, pillar_weights=weights)
    competition.refresh_from_db()
    return competition


def indicators_in_turn(
    ours: list[Pillar], sizes: list[int], other: Pillar, turns: list[bool]
) -> tuple[list[Indicator], list[Indicator]]:
    """Our instrument's indicators, pillar by pillar, with one of the other instrument's
    created before each of ours where `turns` says so: our ids come in several runs."""
    mine, others = [], []
    made = 0
    for pillar, size in zip(ours, sizes, strict=True):
        for number in range(1, size + 1):
            if turns[made % len(turns)]:
                others.append(
                    Indicator.objects.create(
                        instrument=other.instrument,
                        pillar=other,
                        code=f"Z{len(others) + 1}",
                        number=len(others) + 1,
                        text="-",
                    )
                )
            mine.append(
                Indicator.objects.create(
                    instrument=pillar.instrument,
                    pillar=pillar,
                    code=f"{pillar.code}I{number}",
                    number=number,
                    text="-",
                )
            )
            made += 1
    return mine, others


level = st.sampled_from([None, 1, 2, 3, 4, 5, 5, _LEVEL_MAX])
sheet = st.fixed_dictionaries(
    {
        "submitted": st.booleans(),
        # one level per indicator of ours (None: left empty); whole pillars are likelier
        "levels": st.lists(level, min_size=24, max_size=24),
        "whole": st.booleans(),
        "foreign": st.lists(st.none() | st.integers(1, 5), min_size=0, max_size=2),
    }
)
world = st.fixed_dictionaries(
    {
        "sizes": st.lists(st.integers(1, 6), min_size=1, max_size=4),
        "turns": st.lists(st.booleans(), min_size=1, max_size=5),
        "remits": st.lists(
            st.sets(st.integers(0, 3), max_size=2), min_size=JURORS, max_size=JURORS
        ),
        "sheets": st.lists(sheet, min_size=ENTRIES * JURORS, max_size=ENTRIES * JURORS),
    }
)


def assert_live_is_the_reference(competition) -> None:
    """Every field of every live row and the warnings, against every counted level."""
    rules, inputs, panel, _levels = results_inputs(competition)
    outcome = results.compute(inputs, rules)
    coverage = sheet_coverage(competition, panel)
    expected = {r.entry_id: live_row(None, r, outcome, coverage) for r in outcome.results}
    table = computed_result_table(competition)
    got = {row.entry.pk: dataclasses.replace(row, entry=None) for row in table.rows}
    assert got == expected
    assert table.warnings == outcome.warnings


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=world)
def test_the_packed_sums_agree_with_every_level(world):
    sizes = world["sizes"]
    with transaction.atomic():
        ours, pillars = instrument("Instrumen Kita", sizes, code="K")
        _theirs, (other,) = instrument("Instrumen Lain", [1], code="L")
        indicators, foreign = indicators_in_turn(pillars, sizes, other, world["turns"])
        competition = on_instrument(ours, pillars, year=timezone.localdate().year + 3)
        kelurahan = Kelurahan.objects.order_by("pk").first()
        team = team_create(competition=competition, name="Tim Paket")
        jurors = [User.objects.create(username=f"juri.paket{n}", role=Role.JURI) for n in range(3)]
        for juror, remit in zip(jurors, world["remits"], strict=True):
            member = JuryMember.objects.create(team=team, user=juror, agency="DLH")
            member.pillars.set(pillars[i] for i in remit if i < len(pillars))
        entries = []
        for number in range(1, ENTRIES + 1):
            rt = RT.objects.create(kelurahan=kelurahan, number=900 + number)
            entry = EntryFactory(competition=competition, rt=rt, kk_count=60, status="verified")
            Assignment.objects.create(entry=entry, team=team)
            entries.append(entry)
        for index, plan in enumerate(world["sheets"]):
            made = ScoreSheet.objects.create(
                entry=entries[index // JURORS],
                juror=jurors[index % JURORS],
                status=SheetStatus.SUBMITTED if plan["submitted"] else SheetStatus.DRAFT,
            )
            values = plan["levels"]
            if plan["whole"]:  # no gap: a level on every indicator (sums, not level by level)
                values = [5 if value is None else value for value in values]
            Score.objects.bulk_create(
                Score(sheet=made, indicator=indicator, value=value, client_id=uuid.uuid4())
                for indicator, value in zip(indicators, values, strict=False)
            )
            Score.objects.bulk_create(
                Score(sheet=made, indicator=indicator, value=value, client_id=uuid.uuid4())
                for indicator, value in zip(foreign, plan["foreign"], strict=False)
            )

        assert_live_is_the_reference(competition)
        sums = _SheetSums(competition)
        assert sum(len(column) for column in sums.levels) == len(sizes)
        transaction.set_rollback(True)


def test_more_pillars_than_one_column_holds_and_ids_in_runs():
    """Four pillars of 6 levels at the highest a Score holds: two packed level columns;
    ids in three runs (another instrument's indicators between); sums exact."""
    sizes = [6, 6, 6, 6]
    ours, pillars = instrument("Instrumen Empat", sizes, code="E")
    _theirs, (other,) = instrument("Instrumen Sela", [1], code="S")
    indicators, foreign = indicators_in_turn(pillars, sizes, other, [True] + [False] * 8)
    competition = on_instrument(ours, pillars, year=timezone.localdate().year + 4)
    sums = _SheetSums(competition)
    assert len(sums.levels) == 2  # 4 x 18 bits > 62
    # The other instrument's 3 indicators come before ours, inside the second pillar and
    # between the third and the fourth: the second pillar's ids are two runs.
    assert len(foreign) == 3
    first, second, third, fourth = (pillar.pk for pillar in pillars)
    assert [pillar for _first, _last, pillar in sums.runs] == [first, second, second, third, fourth]
    kelurahan = Kelurahan.objects.order_by("pk").first()
    team = team_create(competition=competition, name="Tim Empat")
    jurors = [User.objects.create(username=f"juri.empat{n}", role=Role.JURI) for n in range(2)]
    for juror in jurors:
        JuryMember.objects.create(team=team, user=juror, agency="DLH")
    rt = RT.objects.create(kelurahan=kelurahan, number=950)
    entry = EntryFactory(competition=competition, rt=rt, kk_count=60, status="verified")
    Assignment.objects.create(entry=entry, team=team)
    for n, juror in enumerate(jurors):
        made = ScoreSheet.objects.create(entry=entry, juror=juror, status=SheetStatus.SUBMITTED)
        Score.objects.bulk_create(
            Score(
                sheet=made,
                indicator=indicator,
                value=_LEVEL_MAX if i % 6 != n else 1,
                client_id=uuid.uuid4(),
            )
            for i, indicator in enumerate(indicators)
        )
    # An RT whose only counted level is of the other instrument's indicator: the reference
    # holds it as scored (a level was given), with every pillar of ours missing.
    stray = EntryFactory(
        competition=competition,
        rt=RT.objects.create(kelurahan=kelurahan, number=951),
        kk_count=60,
        status="verified",
    )
    Assignment.objects.create(entry=stray, team=team)
    made = ScoreSheet.objects.create(entry=stray, juror=jurors[0], status=SheetStatus.SUBMITTED)
    Score.objects.create(sheet=made, indicator=foreign[0], value=3, client_id=uuid.uuid4())
    sizes_of = {pillar.code: 6 for pillar in pillars}
    totals, gaps, _coverage = sums.totals(
        jury_panel(competition), sums.fetch(competition), sizes_of
    )
    assert gaps == {stray.pk}  # read level by level, as the reference reads it
    per_pillar = 2 * (5 * _LEVEL_MAX + 1)
    assert totals[entry.pk] == {p.code: results.PillarTotal(per_pillar, 2) for p in pillars}
    assert_live_is_the_reference(competition)
    row = computed_result_table(competition).row(stray.pk)
    assert row is not None and row.scored and not row.complete


def test_an_instrument_without_indicators_still_reads_its_sheets():
    """No pillar slot at all (the results maths needs a pillar; the aggregate does not):
    the statement runs, the sheet counts for coverage, its one level (another
    instrument's) sends its RT level by level."""
    empty, _pillars = instrument("Instrumen Kosong", [], code="N")
    _theirs, (other,) = instrument("Instrumen Isi", [1], code="M")
    _mine, foreign = indicators_in_turn([], [], other, [True])
    stray = Indicator.objects.create(
        instrument=other.instrument, pillar=other, code="Z9", number=9, text="-"
    )
    assert foreign == []
    competition = on_instrument(empty, [], year=timezone.localdate().year + 5)
    assert _SheetSums(competition).runs == []
    team = team_create(competition=competition, name="Tim Kosong")
    juror = User.objects.create(username="juri.kosong", role=Role.JURI)
    JuryMember.objects.create(team=team, user=juror, agency="DLH")
    rt = RT.objects.create(kelurahan=Kelurahan.objects.order_by("pk").first(), number=960)
    entry = EntryFactory(competition=competition, rt=rt, kk_count=60, status="verified")
    Assignment.objects.create(entry=entry, team=team)
    made = ScoreSheet.objects.create(entry=entry, juror=juror, status=SheetStatus.SUBMITTED)
    Score.objects.create(sheet=made, indicator=stray, value=2, client_id=uuid.uuid4())
    sums = _SheetSums(competition)
    totals, gaps, coverage = sums.totals(jury_panel(competition), sums.fetch(competition), {})
    assert (totals, gaps, coverage) == ({}, {entry.pk}, {entry.pk: Coverage(1, 1)})
