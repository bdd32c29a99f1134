"""The jury panel rule (scoring/panel.py): who counts for an entry, in Python and in SQL."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bantar.models import Role, User
from competitions.models import RT, Entry, EntryStatus, Kelurahan
from indicators.models import Indicator, Pillar
from scoring import panel
from scoring.models import (
    Assignment,
    Excusal,
    JuryMember,
    Recusal,
    Score,
    ScoreSheet,
    SheetStatus,
)
from scoring.result_selectors import result_table, results_inputs
from scoring.services import score_save, sheet_submit, team_add_member, team_create
from tests.conftest import make_user
from tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


def test_a_juror_does_not_score_the_kelurahan_he_lives_in():
    assert panel.has_conflict(7, 7)
    assert not panel.has_conflict(7, 8)
    assert not panel.has_conflict(None, 8)


def test_an_empty_remit_is_every_pillar():
    assert panel.in_remit(set(), 3)
    assert panel.in_remit({3}, 3)
    assert not panel.in_remit({1, 2}, 3)


# --- The rule in SQL against the rule in Python, on random panels ----------------------

KELURAHAN = ["Eka Jaya", "Beringin", "Simpang IV Sipin"]

member = st.fixed_dictionaries(
    {
        "team": st.integers(0, 1),
        "home": st.none() | st.integers(0, 2),
        "remit": st.sets(st.integers(0, 2), max_size=2),
    }
)
entry = st.fixed_dictionaries(
    {
        "kelurahan": st.integers(0, 2),
        "verified": st.booleans(),
        "team": st.none() | st.integers(0, 1),
        # A calibration RT: every team's jurors may score it; only its own team's levels count.
        "calibration": st.booleans(),
    }
)
sheet = st.fixed_dictionaries(
    {
        "entry": st.integers(0, 3),
        "juror": st.integers(0, 3),
        "submitted": st.booleans(),
        # indicator index -> level (None: a note without a level)
        "levels": st.dictionaries(st.integers(0, 20), st.none() | st.integers(1, 5), max_size=6),
    }
)
panels = st.fixed_dictionaries(
    {
        "members": st.lists(member, min_size=4, max_size=4),
        "entries": st.lists(entry, min_size=4, max_size=4),
        "recusals": st.sets(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=3),
        # Excused sheets: missing, draft or (straight to the model) even submitted ones.
        "excusals": st.sets(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=3),
        "sheets": st.lists(sheet, max_size=8, unique_by=lambda s: (s["entry"], s["juror"])),
    }
)


def build(world, competition, jurors, pillars, indicators) -> None:
    """The random panel as rows, written straight to the models (no service checks)."""
    kelurahan = [Kelurahan.objects.get(name=name) for name in KELURAHAN]
    teams = [team_create(competition=competition, name=f"Tim {n}") for n in (1, 2)]
    for juror, plan in zip(jurors, world["members"], strict=True):
        home = kelurahan[plan["home"]] if plan["home"] is not None else None
        member = JuryMember.objects.create(
            team=teams[plan["team"]], user=juror, agency="DLH", home_kelurahan=home
        )
        member.pillars.set(pillars[i] for i in plan["remit"])
    entries = []
    for number, plan in enumerate(world["entries"], start=1):
        rt = RT.objects.create(kelurahan=kelurahan[plan["kelurahan"]], number=number)
        status = EntryStatus.VERIFIED if plan["verified"] else EntryStatus.PROPOSED
        made = EntryFactory(
            competition=competition,
            rt=rt,
            kk_count=60,
            status=status,
            is_calibration=plan["calibration"],
        )
        if plan["team"] is not None:
            Assignment.objects.create(entry=made, team=teams[plan["team"]])
        entries.append(made)
    panitia = User.objects.create(username="panitia.acak", role=Role.PANITIA)
    for entry_index, juror_index in world["recusals"]:
        Recusal.objects.create(
            entry=entries[entry_index], juror=jurors[juror_index], reason="-", recorded_by=panitia
        )
    for entry_index, juror_index in world["excusals"]:
        Excusal.objects.create(
            entry=entries[entry_index], juror=jurors[juror_index], reason="-", recorded_by=panitia
        )
    for plan in world["sheets"]:
        status = SheetStatus.SUBMITTED if plan["submitted"] else SheetStatus.DRAFT
        made = ScoreSheet.objects.create(
            entry=entries[plan["entry"]], juror=jurors[plan["juror"]], status=status
        )
        Score.objects.bulk_create(
            Score(sheet=made, indicator=indicators[i], value=value, client_id=uuid.uuid4())
            for i, value in plan["levels"].items()
        )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=panels)
def test_sql_counts_exactly_the_levels_the_python_rule_counts(world, open_competition):
    pillars = list(Pillar.objects.order_by("order"))
    indicators = list(Indicator.objects.order_by("pillar__order", "number"))
    with transaction.atomic():
        # No passwords: hashing four of them per example would be most of the test's time.
        jurors = [User.objects.create(username=f"juri.acak{n}", role=Role.JURI) for n in range(4)]
        build(world, open_competition, jurors, pillars, indicators)
        in_python = panel.counted_levels(open_competition, panel.jury_panel(open_competition))
        in_sql = panel.counted_scores(open_competition).values_list(
            "sheet__entry_id", "sheet__juror_id", "indicator__code", "value"
        )
        assert sorted(in_sql) == sorted(in_python)
        transaction.set_rollback(True)


# --- The remit is the rule when the results are computed -------------------------------


@pytest.fixture
def scored_then_limited(open_competition, eka_jaya):
    """A juror submits every indicator of an RT; then the panitia limits him to Aman."""
    open_competition.status = "assessment"
    open_competition.save()
    team = team_create(competition=open_competition, name="Tim 1")
    juror = make_user("juri.dlh", Role.JURI)
    member = team_add_member(team=team, user=juror, agency="DLH")
    entry = EntryFactory(competition=open_competition, rt__kelurahan=eka_jaya, status="verified")
    Assignment.objects.create(entry=entry, team=team)
    for indicator in Indicator.objects.all():
        value = 5 if indicator.pillar.code == "A" else 1
        score_save(
            entry=entry,
            juror=juror,
            indicator=indicator,
            value=value,
            note="",
            client_id=uuid.uuid4(),
        )
    sheet_submit(entry=entry, juror=juror)
    member.pillars.set([Pillar.objects.get(code="A")])
    return entry, juror


def test_levels_outside_the_remit_never_count(scored_then_limited, open_competition):
    entry, _juror = scored_then_limited
    _rules, _inputs, _panel, levels = results_inputs(open_competition)
    assert {code[0] for _e, _j, code, _v in levels} == {"A"}
    row = result_table(open_competition).row(entry.pk)
    assert row is not None
    assert row.pillars["A"] == 100
    # Bersih and Pintar have no counted level at all: scored as the lowest level, not as 1s
    # that the juror gave outside the remit he has now.
    assert Score.objects.filter(sheet__entry=entry).count() == Indicator.objects.count()


def test_a_member_outside_his_remit_is_refused_by_name(scored_then_limited):
    entry, juror = scored_then_limited
    member = panel.membership_for(entry=entry, juror=juror)
    with pytest.raises(PermissionDenied, match="B1"):
        panel.check_in_remit(member=member, indicator=Indicator.objects.get(code="B1"))
    assert [i.pillar.code for i in panel.remit_indicators(member)] == ["A"] * 7


def test_the_panel_names_who_is_expected_and_what_they_score(scored_then_limited, open_competition):
    entry, juror = scored_then_limited
    found = panel.jury_panel(open_competition)
    aman, bersih = Pillar.objects.get(code="A"), Pillar.objects.get(code="B")
    assert set(found.expected[entry.pk]) == {juror.pk}
    assert found.counts(entry.pk, juror.pk, aman.pk)
    assert not found.counts(entry.pk, juror.pk, bersih.pk)
    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.WITHDRAWN)
    assert entry.pk not in panel.jury_panel(open_competition).expected
