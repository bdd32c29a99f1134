"""The live results table (sums in SQL) against the reference maths over every level.

`result_table` lets the database add up each entry's pillars and scores only the
entries with a gap level by level; `results_inputs` + `results.compute` read every
counted level and is what finalisation freezes. On a season that has every case
the panel rules know (a conflict of interest, a recusal, a draft sheet, a sheet
with a gap, an entry nobody scored, an entry with no team), both must agree on
every figure of every row, under every rule variant.
"""

from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal

import pytest

from competitions.models import RT, Entry, EntryStatus, Kelurahan
from indicators.models import Indicator
from scoring import results
from scoring.models import Recusal, Score, ScoreSheet, SheetStatus
from scoring.panel import counted_levels, counted_scores, jury_panel
from scoring.result_selectors import (
    ResultRow,
    disagreements,
    explanation,
    live_row,
    result_table,
    results_inputs,
    sheet_coverage,
)
from scoring.result_services import competition_finalise
from scoring.services import team_add_member
from tests.conftest import make_user
from tests.factories import EntryFactory
from tests.scoring.seasons import build_season

pytestmark = pytest.mark.django_db


@pytest.fixture
def season(open_competition, panitia):
    """build_season's seven RTs, plus every case the panel rules handle."""
    entries = build_season(open_competition)
    team = entries["A"].assignment.team
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    local = make_user("juri.lokal", "juri")
    team_add_member(team=team, user=local, agency="LPM", home_kelurahan=eka_jaya)
    indicators = list(Indicator.objects.all())
    for name, entry in entries.items():  # level 1 everywhere: counted only outside Eka Jaya
        status = SheetStatus.DRAFT if name == "E" else SheetStatus.SUBMITTED
        sheet = ScoreSheet.objects.create(entry=entry, juror=local, status=status)
        Score.objects.bulk_create(
            Score(sheet=sheet, indicator=i, value=1, client_id=uuid.uuid4()) for i in indicators
        )
    juri_dua = ScoreSheet.objects.get(entry=entries["B"], juror__username="juri.dua").juror
    Recusal.objects.create(
        entry=entries["B"], juror=juri_dua, reason="Kerabat", recorded_by=panitia
    )
    # A gap: juri.satu's submitted sheet on C lost its level for B3 (say, a remit changed).
    Score.objects.filter(
        sheet__entry=entries["C"], sheet__juror__username="juri.satu", indicator__code="B3"
    ).delete()
    beringin = Kelurahan.objects.get(name="Beringin")
    entries["H"] = EntryFactory(  # verified, in the team, nobody scored it
        competition=open_competition,
        rt=RT.objects.create(kelurahan=beringin, number=8),
        kk_count=60,
        status=EntryStatus.VERIFIED,
    )
    entries["H"].assignment = type(entries["A"].assignment).objects.create(
        entry=entries["H"], team=team
    )
    entries["I"] = EntryFactory(  # verified, no team yet
        competition=open_competition,
        rt=RT.objects.create(kelurahan=beringin, number=9),
        kk_count=130,
        status=EntryStatus.VERIFIED,
    )
    return entries


def ready_to_finalise(season) -> None:
    """What finalising needs: every sheet submitted, no entry without sheets."""
    ScoreSheet.objects.update(status=SheetStatus.SUBMITTED)
    Entry.objects.filter(pk__in=[season["H"].pk, season["I"].pk]).update(
        status=EntryStatus.WITHDRAWN
    )


def reference(competition) -> tuple[dict[int, ResultRow], list[str]]:
    """The rows that every level, in fractions, gives (the entries left out)."""
    rules, inputs, panel, _levels = results_inputs(competition)
    outcome = results.compute(inputs, rules)
    coverage = sheet_coverage(competition, panel)
    rows = {r.entry_id: live_row(None, r, outcome, coverage) for r in outcome.results}
    return rows, outcome.warnings


def live(competition) -> tuple[dict[int, ResultRow], list[str]]:
    table = result_table(competition)
    assert not table.frozen
    return figures(table), table.warnings


def figures(table) -> dict[int, ResultRow]:
    """Every figure of every row, live or frozen, as `reference` gives them."""
    return {
        row.entry.pk: dataclasses.replace(row, entry=None, frozen_result=None) for row in table.rows
    }


RULES = {
    "the city's defaults": {},
    "a cap of one winner per category": {"cap_per_category": 1},
    "a budget of 22 million": {"budget": 22_000_000},
    "Bersih weighs double, no pillar minimum": {
        "pillar_weights": {"B": "2", "A": "1", "P": "1"},
        "pillar_minimum": None,
    },
}


@pytest.mark.parametrize("missing", ["lowest", "skip"])
@pytest.mark.parametrize("change", RULES.values(), ids=RULES.keys())
def test_the_live_table_agrees_with_the_reference_maths(
    season, open_competition, settings, change, missing
):
    settings.BANTAR_MISSING_INDICATOR = missing
    for field, value in change.items():
        setattr(open_competition, field, value)
    open_competition.save()
    expected, expected_warnings = reference(open_competition)
    got, warnings = live(open_competition)
    assert got == expected
    assert warnings == expected_warnings
    assert len(got) == 9  # I, with no team, is still a row: it scores nothing


def test_the_season_exercises_every_panel_rule(season, open_competition):
    """Guards the fixture: each special case changes the outcome it is meant to change."""
    rows, warnings = reference(open_competition)
    a, b, c, e, h = (rows[season[name].pk] for name in "ABCEH")
    assert a.final == 100  # juri.lokal's 1s on Eka Jaya are not counted
    assert b.final == Decimal("37.5")  # juri.dua recused: (4 + 1) / 2 = 2.5 on every indicator
    assert c.pillars["A"] == 50  # Aman: (4 + 4 + 1) / 3 = 3
    assert c.pillars["B"] == Decimal("48.2143")  # Bersih: B3 lost a level, (4 + 1) / 2 there
    assert e.final == 75  # the draft sheet is not counted
    assert h.final == 0 and any("tanpa nilai" in w for w in warnings)


def test_sql_and_python_count_the_same_levels(season, open_competition):
    panel = jury_panel(open_competition)
    in_python = sorted(counted_levels(open_competition, panel))
    in_sql = sorted(
        counted_scores(open_competition).values_list(
            "sheet__entry_id", "sheet__juror_id", "indicator__code", "value"
        )
    )
    assert in_sql == in_python
    assert len(in_sql) > 0


def test_finalising_freezes_what_the_plenary_showed(season, open_competition, panitia):
    ready_to_finalise(season)  # finalising needs every sheet
    before, warnings = live(open_competition)
    competition_finalise(competition=open_competition, by=panitia)
    open_competition.refresh_from_db()
    table = result_table(open_competition)
    assert table.frozen
    frozen = figures(table)
    assert frozen == before
    assert table.warnings == warnings


def test_the_explanation_is_worked_out_for_one_row_as_it_was_frozen(
    season, open_competition, panitia
):
    ready_to_finalise(season)
    open_competition.refresh_from_db()  # the rules as the pages read them: 70.00, not 70
    live_table = result_table(open_competition)
    worked_out = {row.entry.pk: explanation(open_competition, row) for row in live_table.rows}
    competition_finalise(competition=open_competition, by=panitia)
    open_competition.refresh_from_db()
    for row in result_table(open_competition).rows:
        assert explanation(open_competition, row) == worked_out[row.entry.pk]


def test_disagreements_name_the_counted_levels_only(season, open_competition):
    found = disagreements(open_competition, result_table(open_competition))
    flagged = {(item.row.entry.pk, item.indicator) for item in found}
    # G: juri.satu 4, juri.dua 5, juri.lokal's 1s not counted (Eka Jaya): no flag.
    assert not any(entry == season["G"].pk for entry, _code in flagged)
    # F (Simpang IV Sipin): 3, 3 and juri.lokal's 1: a 2-level spread on all 21 indicators.
    assert sum(1 for entry, _code in flagged if entry == season["F"].pk) == 21
    item = next(i for i in found if i.row.entry.pk == season["F"].pk and i.indicator == "B1")
    assert sorted(level for _juror, level in item.levels) == [1, 3, 3]


def test_the_season_exercises_coverage_and_both_paths_agree_on_it(season, open_competition):
    """E waits for juri.lokal's draft, H has no level, I no team: none is ranked or wins."""
    expected, _warnings = reference(open_competition)
    got, _warnings = live(open_competition)
    for name, sheets, complete, scored in (
        ("E", (2, 3), False, True),
        ("H", (0, 3), False, False),
        ("I", (0, 0), False, False),
        ("A", (2, 2), True, True),  # juri.lokal lives in Eka Jaya: not expected
        ("B", (2, 2), True, True),  # juri.dua recused: not expected
    ):
        for rows in (expected, got):
            row = rows[season[name].pk]
            assert ((row.sheets_in, row.sheets_expected), row.complete, row.scored) == (
                sheets,
                complete,
                scored,
            ), name
            if not complete:
                assert (row.rank, row.is_winner, row.prize) == (0, False, 0), name
