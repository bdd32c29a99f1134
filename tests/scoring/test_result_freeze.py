"""Finalisation's one-row-per-sheet pass (`scoring.result_freeze`) against every level.

The frozen hash of results finalised by older code must stay valid, so the fast path must
hash the very bytes `results.inputs_hash` hashes; its explanations must be what
`results.explain` gives. Both are compared with the level-by-level path (the previous
code, kept as the fallback) on the small season under rule variants, on random panels
(remits, recusals, excused sheets, gaps, drafts) and on the demo's 2020 season.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bantar.models import Role, User
from competitions.models import Competition, Entry, EntryStatus
from indicators.models import Indicator, Instrument, Pillar
from scoring import results
from scoring.models import ResultSet, Score, ScoreSheet
from scoring.panel import jury_panel
from scoring.result_freeze import freeze_levels, results_to_freeze
from scoring.result_selectors import (
    _freeze_level_by_level,
    _submitted_sheets,
    finalise_blockers,
    frozen_explanation,
    frozen_indicators,
    results_inputs,
    results_rules,
)
from tests.scoring.seasons import build_season
from tests.scoring.test_live_random import whole_pillars, with_whole_pillars
from tests.scoring.test_panel import build, panels

pytestmark = pytest.mark.django_db


def assert_both_ways_agree(competition: Competition) -> None:
    """The fast path is taken, and gives the hash, outcome and explanations of every level."""
    rules = results_rules(competition)
    panel = jury_panel(competition)
    categories = dict(
        Entry.objects.filter(competition=competition, status=EntryStatus.VERIFIED).values_list(
            "pk", "category__code"
        )
    )
    sheets = _submitted_sheets(competition)
    fast = freeze_levels(competition, rules, panel, categories)
    assert fast is not None
    slow = _freeze_level_by_level(competition, rules, panel, categories, sheets)
    reference_rules, inputs, _panel, _levels = results_inputs(competition)
    assert fast.inputs_hash == slow.inputs_hash == results.inputs_hash(inputs, reference_rules)
    assert fast.outcome.results == slow.outcome.results
    assert fast.outcome.warnings == slow.outcome.warnings
    assert [r.entry_id for r, _text in fast.explained] == [r.entry_id for r, _t in slow.explained]
    for (result, text), (_result, expected) in zip(fast.explained, slow.explained, strict=True):
        assert frozen_explanation(json.loads(text)) == json.loads(expected), result.entry_id
    assert results_to_freeze(competition).inputs_hash == fast.inputs_hash
    # Finalising asks `finalise_blockers` only when the pass's coverage says a sheet is out.
    assert fast.all_in == (not finalise_blockers(competition, panel=panel, sheets=sheets))


@pytest.mark.parametrize("missing", ["lowest", "skip"])
@pytest.mark.parametrize(
    "change",
    [{}, {"cap_per_category": 1}, {"pillar_minimum": "60"}, {"pillar_weights": "B2"}],
    ids=["defaults", "cap", "minimum", "weights"],
)
def test_the_fast_freeze_is_every_levels_on_the_season(open_competition, settings, missing, change):
    season = build_season(open_competition)
    settings.BANTAR_MISSING_INDICATOR = missing
    # A gap (C's B3 left empty by juri.satu) and a juror whose remit leaves out a pillar.
    Score.objects.filter(
        sheet__entry=season["C"], sheet__juror__username="juri.satu", indicator__code="B3"
    ).delete()
    member = open_competition.jury_teams.get().members.get(user__username="juri.dua")
    member.pillars.set(Pillar.objects.filter(code__in=["B", "A"]))
    # F's Pintar then has nobody's level: its indicators are "missing".
    Score.objects.filter(
        sheet__entry=season["F"], sheet__juror__username="juri.satu", indicator__pillar__code="P"
    ).delete()
    # Levels that are not in juror order on one of B and E: the hash sorts them.
    for name, first, second in (("B", 5, 3), ("E", 3, 5)):
        for juror, value in (("juri.satu", first), ("juri.dua", second)):
            Score.objects.filter(
                sheet__entry=season[name], sheet__juror__username=juror, indicator__code="A1"
            ).update(value=value)
    if change.get("pillar_weights"):
        change = {"pillar_weights": {"B": "2", "A": "1", "P": "1"}}
    for name, value in change.items():
        setattr(open_competition, name, value)
    open_competition.save()
    open_competition.refresh_from_db()
    assert_both_ways_agree(open_competition)


def test_a_level_outside_the_instrument_takes_every_level_and_counts_in_the_hash(
    open_competition,
):
    build_season(open_competition)
    sheet = ScoreSheet.objects.filter(entry__competition=open_competition).first()
    code = Indicator.objects.filter(instrument=open_competition.instrument).first().code
    instrument = Instrument.objects.create(name="Instrumen lain", legal_basis="-", version=9)
    pillar = Pillar.objects.create(instrument=instrument, code="X", name="X", order=9)
    other = Indicator.objects.create(
        instrument=instrument, pillar=pillar, code=code, number=1, text="-"
    )
    Score.objects.create(sheet=sheet, indicator=other, value=3, client_id=uuid.uuid4())
    rules = results_rules(open_competition)
    panel = jury_panel(open_competition)
    categories = dict(
        Entry.objects.filter(competition=open_competition).values_list("pk", "category__code")
    )
    assert freeze_levels(open_competition, rules, panel, categories) is None
    frozen = results_to_freeze(open_competition)
    reference_rules, inputs, _panel, _levels = results_inputs(open_competition)
    assert frozen.inputs_hash == results.inputs_hash(inputs, reference_rules)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=panels, draws=st.lists(whole_pillars, min_size=8, max_size=8), whole=st.booleans())
def test_the_fast_freeze_is_every_levels_on_random_panels(world, draws, whole, open_competition):
    """Random panels: whole pillars with a gap now and then, or test_panel's scattered levels."""
    if whole:
        world = with_whole_pillars(world, draws)
    pillars = list(Pillar.objects.order_by("order"))
    indicators = list(Indicator.objects.order_by("pillar__order", "number"))
    with transaction.atomic():
        jurors = [User.objects.create(username=f"juri.acak{n}", role=Role.JURI) for n in range(4)]
        build(world, open_competition, jurors, pillars, indicators)
        assert_both_ways_agree(open_competition)
        transaction.set_rollback(True)


def test_the_demo_2020_season_hashes_as_it_was_frozen(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)
    competition = Competition.objects.get(year=2020, period=1)
    frozen = ResultSet.objects.current().get(competition=competition)
    assert_both_ways_agree(competition)
    assert results_to_freeze(competition).inputs_hash == frozen.inputs_hash


def test_the_explain_page_of_a_frozen_result_names_each_jurors_level(
    client, open_competition, panitia
):
    """Stored compactly, shown as before: the same page before and after finalising."""
    from scoring.result_services import competition_finalise

    season = build_season(open_competition)
    # juri.dua scores only Bersih and Aman: Pintar lists juri.satu alone.
    member = open_competition.jury_teams.get().members.get(user__username="juri.dua")
    member.pillars.set(Pillar.objects.filter(code__in=["B", "A"]))
    client.force_login(panitia)
    url = f"/kompetisi/{open_competition.pk}/pleno/rt/{season['G'].pk}/"
    live = client.get(url).content.decode()
    competition_finalise(competition=open_competition, by=panitia)
    frozen = client.get(url).content.decode()
    for shown in (live, frozen):
        assert "Juri.Satu: 4 · Juri.Dua: 5" in shown  # a Bersih indicator
        assert "<td>P1</td><td>Juri.Satu: 4</td>" in shown
    stored = ResultSet.objects.get().results.get(entry=season["G"]).explanation
    assert stored["jurors"] == ["Juri.Satu", "Juri.Dua"]
    # One string per juror, a character per indicator (P1 is the 15th): juri.dua's "-".
    assert [digits[14] for digits in stored["levels"]] == ["4", "-"]
    # Each pillar's indicators as two arrays: codes and means.
    assert stored["pillars"][2]["codes"][0] == "P1" and stored["pillars"][2]["means"][0] == "4.0000"
    assert "indicators" not in stored["pillars"][2]


def test_each_stored_shape_of_an_explanation_reads_as_results_explain_writes_it():
    """Frozen explanations stay readable in the four shapes finalising has stored: every
    level named (before issue 12.10, and level by level), each indicator's levels by
    position (12.10's first), one string of hex digits per juror (its second), and with
    that each pillar's indicators as two arrays, codes and means (now)."""
    named = {
        "scale": [0, 14],
        "final": "50.00",
        "missing_indicators": ["A2"],
        "pillars": [
            {
                "code": "B",
                "mean": "7.0000",
                "indicators": [
                    {
                        "code": "B1",
                        "levels": [["Ani", 12], ["Budi", 0]],
                        "mean": "6.0000",
                        "missing": False,
                    },
                    {"code": "B2", "levels": [["Budi", 9]], "mean": "9.0000", "missing": False},
                ],
            },
            {
                "code": "A",
                "mean": None,
                "indicators": [{"code": "A2", "levels": [], "mean": None, "missing": True}],
            },
        ],
    }
    by_position = {
        **named,
        "jurors": ["Ani", "Budi"],
        "pillars": [
            {
                "code": "B",
                "mean": "7.0000",
                "indicators": [
                    {"code": "B1", "levels": [12, 0], "mean": "6.0000"},
                    {"code": "B2", "levels": [None, 9], "mean": "9.0000"},
                ],
            },
            {
                "code": "A",
                "mean": None,
                "indicators": [{"code": "A2", "levels": [None, None], "mean": None}],
            },
        ],
    }
    strings = {
        **named,
        "jurors": ["Ani", "Budi"],
        "levels": ["c--", "09-"],
        "pillars": [
            {
                "code": "B",
                "mean": "7.0000",
                "indicators": [
                    {"code": "B1", "mean": "6.0000"},
                    {"code": "B2", "mean": "9.0000"},
                ],
            },
            {"code": "A", "mean": None, "indicators": [{"code": "A2", "mean": None}]},
        ],
    }
    arrays = {
        **strings,
        "pillars": [
            {"code": "B", "mean": "7.0000", "codes": ["B1", "B2"], "means": ["6.0000", "9.0000"]},
            {"code": "A", "mean": None, "codes": ["A2"], "means": [None]},
        ],
    }
    assert frozen_explanation(named) == named
    assert frozen_explanation(by_position) == named
    assert frozen_explanation(strings) == named
    assert frozen_explanation(arrays) == named
    # The indicators' means alone (the public RT page, the demo), in every shape.
    means = [
        [{"code": "B1", "mean": "6.0000"}, {"code": "B2", "mean": "9.0000"}],
        [{"code": "A2", "mean": None}],
    ]
    for shape in (named, by_position, strings, arrays):
        found = [
            [{"code": i["code"], "mean": i["mean"]} for i in frozen_indicators(pillar)]
            for pillar in shape["pillars"]
        ]
        assert found == means


def test_coachings_sums_and_the_public_page_read_every_stored_shape(open_competition, panitia):
    """Coaching's SQL (`set_sums`, on SQLite and PostgreSQL) sums the frozen indicator means
    of the arrays shape as of the shapes stored before, and the public RT page names the
    same weakest indicators from each: the same sums, the same page."""
    from coaching.selectors import set_sums
    from scoring.models import Result
    from scoring.public import rt_history
    from scoring.result_services import competition_finalise, competition_publish

    season = build_season(open_competition)
    result_set = competition_finalise(competition=open_competition, by=panitia)
    competition_publish(competition=open_competition, by=panitia)
    stored = dict(result_set.results.values_list("pk", "explanation"))
    assert all(
        "codes" in p and "indicators" not in p for e in stored.values() for p in e["pillars"]
    )
    # The sums worked out here from the stored means (ten-thousandths, as the SQL sums them).
    expected: dict[str, list[int]] = {}
    for explanation in stored.values():
        for pillar in explanation["pillars"]:
            for item in frozen_indicators(pillar):
                if item["mean"] is not None:
                    found = expected.setdefault(item["code"], [0, 0])
                    found[0] += round(float(item["mean"]) * 10000)
                    found[1] += 1
    assert len(expected) > 10
    rt = season["G"].rt

    def weakest() -> list[tuple[str, str, Decimal]]:
        (year,) = rt_history(rt)
        return [(i["pillar"], i["code"], i["value"]) for i in year.weakest]

    arrays_weakest = weakest()
    assert len(arrays_weakest) == 3
    arrays = set_sums(result_set.pk)
    assert arrays[0]["total"] == expected

    def as_objects(explanation: dict, named: bool) -> dict:
        # The shape before the arrays ("code" and "mean" per indicator), or every level named.
        if named:
            return frozen_explanation(explanation)
        pillars = [
            {
                **{k: v for k, v in pillar.items() if k not in ("codes", "means")},
                "indicators": frozen_indicators(pillar),
            }
            for pillar in explanation["pillars"]
        ]
        return {**explanation, "pillars": pillars}

    for named in (False, True):
        for pk, explanation in stored.items():
            Result.objects.filter(pk=pk).update(explanation=as_objects(explanation, named))
        kept = Result.objects.values_list("explanation", flat=True)
        assert all("indicators" in p for e in kept for p in e["pillars"])
        assert set_sums(result_set.pk) == arrays
        assert weakest() == arrays_weakest


def test_finalising_bumps_the_result_version_once_and_writes_the_stage_with_its_history(
    open_competition, panitia
):
    """One new result version a finalisation (the competition's save gives it; the result
    set's INSERT no longer bumps it besides), the stage written alone (its two columns),
    and its history record with who and why, as every move."""
    from competitions.models import CompetitionStatus
    from scoring.result_cache import result_version
    from scoring.result_services import competition_finalise

    build_season(open_competition)
    token = result_version(open_competition)
    with CaptureQueriesContext(connections["default"]) as queries:
        result_set = competition_finalise(competition=open_competition, by=panitia)
    written = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len([sql for sql in written if "scoring_resultversion" in sql]) == 1
    assert result_version(open_competition) != token
    (moved,) = [sql for sql in written if "competitions_competition" in sql]
    assert '"status"' in moved and '"status_changed_at"' in moved
    assert '"title"' not in moved and '"pillar_weights"' not in moved
    open_competition.refresh_from_db()
    assert open_competition.status == CompetitionStatus.FINAL
    verified = Entry.objects.filter(competition=open_competition, status=EntryStatus.VERIFIED)
    assert result_set.finalised_at and result_set.results.count() == verified.count() > 0
    record = open_competition.history.order_by("-history_id").first()
    assert record is not None and record.status == CompetitionStatus.FINAL
    assert record.history_user == panitia
    assert record.history_change_reason == "Hasil difinalisasi"


def test_names_with_quotes_backslashes_tabs_and_percent_signs_are_stored_as_they_are(
    open_competition, panitia
):
    """The explanations are %-templates filled in, and on PostgreSQL go in through COPY,
    whose text format escapes backslashes, tabs and newlines: a juror's name with each of
    them (and JSON's own escapes) reads back exactly, as the level-by-level path writes it."""
    from scoring.result_services import competition_finalise

    season = build_season(open_competition)
    odd = 'Juri "Satu" \\ 100% \t Ñ\nx'
    User.objects.filter(username="juri.satu").update(first_name=odd, last_name="")
    assert_both_ways_agree(open_competition)
    competition_finalise(competition=open_competition, by=panitia)
    stored = ResultSet.objects.get().results.get(entry=season["G"]).explanation
    assert stored["jurors"][0] == odd
    assert frozen_explanation(stored)["pillars"][0]["indicators"][0]["levels"][0][0] == odd


def test_an_indicator_added_long_after_the_others_is_frozen_in_its_place(open_competition):
    """Indicator ids far apart (an instrument edited after other instruments were made):
    the digits take a column of their own, each level in its place, hash and explanations
    as every level gives them."""
    build_season(open_competition)
    other = Instrument.objects.create(name="Instrumen lain", legal_basis="-", version=9)
    elsewhere = Pillar.objects.create(instrument=other, code="X", name="X", order=9)
    Indicator.objects.bulk_create(
        Indicator(instrument=other, pillar=elsewhere, code=f"X{n}", number=n, text="-")
        for n in range(1, 41)
    )
    pillar = Pillar.objects.get(instrument=open_competition.instrument, code="A")
    late = Indicator.objects.create(
        instrument=open_competition.instrument, pillar=pillar, code="A9", number=9, text="-"
    )
    assert (
        late.pk
        - min(
            ids := list(
                Indicator.objects.filter(instrument=late.instrument).values_list("pk", flat=True)
            )
        )
        > 42
    ), ids
    for n, sheet in enumerate(ScoreSheet.objects.filter(entry__competition=open_competition)):
        Score.objects.create(sheet=sheet, indicator=late, value=1 + n % 5, client_id=uuid.uuid4())
    assert_both_ways_agree(open_competition)


def test_the_frozen_json_columns_are_checked_by_postgresql_only_and_read_back(
    open_competition, panitia
):
    """SQLite parsed each 2 KB explanation again in a JSON_VALID check on INSERT (9 ms of
    finalising at city scale): the columns have none there (scoring.fields); on PostgreSQL
    the explanation is json (kept as written, not turned into jsonb), the pillar scores
    jsonb, and result_set has no index of its own (the unique one starts with it). What is
    stored reads back as the JSON it was, through the ORM and in SQL, and lookups into the
    json column compare as they did on jsonb."""
    from django.db import connection

    from scoring.models import Result
    from scoring.result_services import competition_finalise

    season = build_season(open_competition)
    competition_finalise(competition=open_competition, by=panitia)
    table = Result._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [table])
            (schema,) = cursor.fetchone()
            assert '"explanation" text NOT NULL' in schema
            assert "JSON_VALID" not in schema.upper()
        else:
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_name = %s AND column_name IN ('explanation', 'pillar_scores')",
                [table],
            )
            assert dict(cursor.fetchall()) == {"explanation": "json", "pillar_scores": "jsonb"}
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
                [table, "%result_set_id%"],
            )
            assert [row[0].split(" USING ")[1] for row in cursor.fetchall()] == [
                "btree (result_set_id, entry_id)"
            ]
    result = Result.objects.get(entry=season["G"])
    assert result.explanation["jurors"] == ["Juri.Satu", "Juri.Dua"]
    assert set(result.pillar_scores) == {"B", "A", "P"}
    # Lookups into the JSON still work (coaching's SQL reads the same keys).
    assert (
        Result.objects.filter(explanation__jurors__0="Juri.Satu").count() == Result.objects.count()
    )
    assert Result.objects.filter(pillar_scores__B=result.pillar_scores["B"]).exists()
    assert Result.objects.filter(explanation__jurors__1="Juri.Dua").exists()
    assert not Result.objects.filter(explanation__no_such_key__isnull=False).exists()
    assert (
        Result.objects.filter(explanation__jurors__isnull=False).count() == Result.objects.count()
    )
    # A key read as a value (the frozen table's four: result_selectors.computed_result_table).
    read = Result.objects.annotate(jurors=F("explanation__jurors"), rank_as=F("explanation__rank"))
    assert read.get(pk=result.pk).jurors == ["Juri.Satu", "Juri.Dua"]
    assert read.get(pk=result.pk).rank_as == result.rank
