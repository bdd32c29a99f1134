"""Team severity (issue 12.5): the panel "Keseragaman penilaian", calibration RTs, settings.

Calibration RTs are scored through the real services by members of every team; the
assigned team's sheets count for the RT's result and the other teams' only here.
"""

from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from bantar.models import Role
from competitions.models import RT, Competition, CompetitionStatus, Entry, Kelurahan
from competitions.stages import ERROR_CALIBRATION_STAGE, ERROR_SEVERITY_STAGE, Write, stage_allows
from indicators.models import Indicator
from scoring.field_views import kit_entries
from scoring.models import Excusal, Recusal, ScoreSheet
from scoring.panel import counted_levels, counted_scores, jury_panel
from scoring.result_selectors import result_table
from scoring.selectors import juror_tasks
from scoring.services import entry_assign, score_save, sheet_submit, team_add_member, team_create
from scoring.severity import (
    BASIS_CALIBRATION,
    BASIS_OWN,
    Level,
    severity_panel,
    tallied,
    team_severity,
)
from scoring.severity_forms import ERROR_THRESHOLD, SeveritySettingsForm
from scoring.severity_services import (
    ERROR_CALIBRATION_NOT_ASSIGNED,
    ERROR_CALIBRATION_UNKNOWN,
    competition_severity_settings,
    entry_calibration_set,
)
from tests.conftest import make_user
from tests.factories import EntryFactory

pytestmark = pytest.mark.django_db

TEAMS = 4


@dataclasses.dataclass
class World:
    competition: Competition
    teams: list  # JuryTeam, one juror each
    jurors: list
    own: list[Entry]  # one RT per team, assigned to it
    calibration: list[Entry]  # assigned to team 0, scored by every team


def base_level(entry: Entry, indicator: Indicator) -> int:
    """Levels 2-4, different per RT and indicator, the same for every team."""
    return 2 + (entry.rt.number * 7 + indicator.pk) % 3


def score_sheet(entry: Entry, juror, offset: int = 0) -> None:
    for indicator in Indicator.objects.all():
        score_save(
            entry=entry,
            juror=juror,
            indicator=indicator,
            value=base_level(entry, indicator) + offset,
            note="",
            client_id=uuid.uuid4(),
        )
    sheet_submit(entry=entry, juror=juror)


@pytest.fixture
def world(open_competition, panitia) -> World:
    competition = open_competition
    Competition.objects.filter(pk=competition.pk).update(status=CompetitionStatus.VERIFICATION)
    competition.refresh_from_db()
    kelurahan = list(Kelurahan.objects.filter(name__in=["Beringin", "Eka Jaya"]))
    teams, jurors, own = [], [], []
    for number in range(TEAMS):
        team = team_create(competition=competition, name=f"Tim {number + 1}")
        juror = make_user(f"juri.tim{number + 1}", Role.JURI)
        team_add_member(team=team, user=juror, agency="DLH")
        entry = EntryFactory(
            competition=competition,
            rt=RT.objects.create(kelurahan=kelurahan[0], number=number + 1),
            kk_count=70,
            status="verified",
        )
        entry_assign(entry=entry, team=team, by=panitia, notify=False)
        teams.append(team)
        jurors.append(juror)
        own.append(entry)
    calibration = []
    for number in (21, 22):
        entry = EntryFactory(
            competition=competition,
            rt=RT.objects.create(kelurahan=kelurahan[1], number=number),
            kk_count=70,
            status="verified",
        )
        entry_assign(entry=entry, team=teams[0], by=panitia, notify=False)
        calibration.append(entry)
    entry_calibration_set(
        competition=competition, entry_ids=[e.pk for e in calibration], by=panitia
    )
    Competition.objects.filter(pk=competition.pk).update(status=CompetitionStatus.ASSESSMENT)
    competition.refresh_from_db()
    return World(competition, teams, jurors, own, calibration)


def entry(pk: int) -> Entry:
    return Entry.objects.select_related("competition", "rt__kelurahan").get(pk=pk)


# --- The Done-when case: a constant offset on calibration RTs flags that team --------------


def test_a_team_with_a_constant_offset_on_the_calibration_rts_is_flagged(world):
    lenient = 2  # Tim 3 gives one level more than everyone, on every indicator
    for number, juror in enumerate(world.jurors):
        for calibration in world.calibration:
            score_sheet(entry(calibration.pk), juror, offset=1 if number == lenient else 0)
        score_sheet(entry(world.own[number].pk), juror)
    panel = severity_panel(world.competition)
    assert panel.basis == BASIS_CALIBRATION and panel.fair
    assert panel.calibration_entries == 2
    assert [team.name for team in panel.flagged] == ["Tim 3"]
    by_name = {team.name: team for team in panel.teams}
    assert by_name["Tim 3"].stats.difference == 1  # exactly one level, paired per RT
    assert all(by_name[f"Tim {n}"].stats.difference == Fraction(-1, 3) for n in (1, 2, 4))
    assert by_name["Tim 3"].stats.sheets == 2  # its two calibration sheets
    assert by_name["Tim 3"].jurors[0].stats.difference == 1


def test_without_the_offset_no_team_is_flagged_and_a_lower_threshold_flags(world, panitia):
    for juror in world.jurors:
        for calibration in world.calibration:
            score_sheet(entry(calibration.pk), juror)
    # Tim 4 is a quarter level stricter on one calibration RT's sheet: Bersih only.
    sheet = ScoreSheet.objects.get(entry=world.calibration[0], juror=world.jurors[3])
    lowered = sheet.scores.filter(indicator__pillar__code="B").select_related("indicator")
    sheet.status = "draft"
    sheet.save()
    for score in lowered:
        score_save(
            entry=entry(world.calibration[0].pk),
            juror=world.jurors[3],
            indicator=score.indicator,
            value=score.value - 1,
            note="",
            client_id=uuid.uuid4(),
        )
    sheet_submit(entry=entry(world.calibration[0].pk), juror=world.jurors[3])
    panel = severity_panel(world.competition)
    assert panel.flagged == []
    difference = {team.name: team.stats.difference for team in panel.teams}["Tim 4"]
    assert difference is not None and -Decimal("0.5") < Decimal(float(difference)) < 0
    # Tim 4: -1/6 level (a third of a level on one of two RTs); the others +1/18.
    assert difference == Fraction(-1, 6)
    competition_severity_settings(
        competition=world.competition, threshold=Decimal("0.1"), normalise=False, by=panitia
    )
    world.competition.refresh_from_db()
    assert [team.name for team in severity_panel(world.competition).flagged] == ["Tim 4"]


def test_a_recused_or_excused_calibration_sheet_stays_out(world, panitia):
    for number, juror in enumerate(world.jurors):
        for calibration in world.calibration:
            score_sheet(entry(calibration.pk), juror, offset=1 if number == 2 else 0)
    Excusal.objects.create(
        entry=world.calibration[0], juror=world.jurors[2], reason="Sakit", recorded_by=panitia
    )
    Recusal.objects.create(
        entry=world.calibration[1], juror=world.jurors[2], reason="Kerabat", recorded_by=panitia
    )
    panel = severity_panel(world.competition)
    assert "Tim 3" not in {team.name for team in panel.teams}  # nothing of Tim 3 counts
    assert panel.flagged == [] and panel.basis == BASIS_CALIBRATION


def test_without_calibration_sheets_the_teams_are_compared_on_their_own_rts(world):
    for number, juror in enumerate(world.jurors):
        score_sheet(entry(world.own[number].pk), juror, offset=1 if number == 1 else 0)
    panel = severity_panel(world.competition)
    assert panel.basis == BASIS_OWN and not panel.fair
    assert [team.name for team in panel.flagged] == ["Tim 2"]


@settings(max_examples=60, deadline=None)
@given(
    base=st.lists(st.integers(1, 4), min_size=3, max_size=30),
    offset=st.sampled_from([1, 2]),
    teams=st.integers(3, 6),
    lenient=st.integers(0, 4),
)
def test_the_pure_panel_flags_exactly_the_offset_team(base, offset, teams, lenient):
    """Every team scores the same levels on the same RTs; one adds `offset` (paired basis).

    From three teams on, the others differ by offset/(teams - 1) <= half the offset, so
    with a threshold of half the offset only the lenient team is flagged (two teams: both).
    """
    lenient %= teams
    levels = [
        Level(team, 100 + team, entry_id // 3, value + (offset if team == lenient else 0))
        for team in range(teams)
        for entry_id, value in enumerate(base)
    ]
    rows = team_severity(
        tallied(levels),
        threshold=Fraction(offset, 2),
        paired=True,
        teams={t: f"Tim {t}" for t in range(teams)},
        jurors={},
    )
    assert [row.team_id for row in rows if row.flagged] == [lenient]
    assert {row.team_id: row.stats.difference for row in rows}[lenient] == offset
    same = team_severity(
        tallied(level._replace(value=base[0]) for level in levels),
        threshold=Fraction(1, 2),
        paired=True,
        teams={t: "" for t in range(teams)},
        jurors={},
    )
    assert all(row.stats.difference == 0 and row.stats.spread == 0 for row in same)


# --- Calibration RTs: every team scores them, only the assigned team counts ---------------


def test_other_teams_score_a_calibration_rt_but_its_result_does_not_change(world):
    assigned = entry(world.calibration[0].pk)
    score_sheet(assigned, world.jurors[0])
    before = result_table(world.competition).row(assigned.pk)
    levels_before = counted_levels(world.competition, jury_panel(world.competition))
    for juror in world.jurors[1:]:
        score_sheet(entry(assigned.pk), juror, offset=1)
    after = result_table(world.competition).row(assigned.pk)
    assert dataclasses.replace(after, entry=None) == dataclasses.replace(before, entry=None)
    assert (after.sheets_in, after.sheets_expected) == (1, 1)
    assert counted_levels(world.competition, jury_panel(world.competition)) == levels_before
    counted = set(counted_scores(world.competition).values_list("sheet__juror_id", flat=True))
    assert counted == {world.jurors[0].pk}


def test_a_juror_sees_another_teams_calibration_rt_and_not_its_other_rts(world):
    tasks = juror_tasks(world.jurors[1])
    ids = {task.entry.pk for task in tasks}
    assert ids == {world.own[1].pk, *(e.pk for e in world.calibration)}
    calibration_task = next(t for t in tasks if t.entry.pk == world.calibration[0].pk)
    assert calibration_task.team == world.teams[1] and calibration_task.excluded == ""
    with pytest.raises(PermissionDenied):
        score_save(
            entry=entry(world.own[0].pk),
            juror=world.jurors[1],
            indicator=Indicator.objects.first(),
            value=3,
            note="",
            client_id=uuid.uuid4(),
        )


def test_a_calibration_juror_sees_the_head_of_rt_while_scoring_and_a_note(world, client):
    calibration, other = entry(world.calibration[0].pk), entry(world.own[0].pk)
    juror = world.jurors[1]
    assert juror.has_perm("scoring.see_contacts", calibration)
    assert not juror.has_perm("scoring.see_contacts", other)
    task = next(t for t in juror_tasks(juror) if t.entry.pk == calibration.pk)
    assert task.calibration and task.show_contacts
    own = next(t for t in juror_tasks(world.jurors[0]) if t.entry.pk == calibration.pk)
    assert not own.calibration  # the assigned team's juror scores it as any RT
    client.force_login(juror)
    home = client.get("/penilaian/").content.decode()
    assert 'data-testid="calibration"' in home and "nilai Tim 1 yang dihitung" in home
    Competition.objects.filter(pk=world.competition.pk).update(status=CompetitionStatus.FINAL)
    assert not juror.has_perm("scoring.see_contacts", entry(calibration.pk))


def test_the_scoring_page_and_the_kit_list_the_calibration_rt(world, client):
    client.force_login(world.jurors[2])
    assert client.get(f"/penilaian/{world.calibration[1].pk}/").status_code == 200
    assert client.get(f"/penilaian/{world.own[0].pk}/").status_code == 404
    assert world.calibration[1].pk in {row.id for row in kit_entries(world.jurors[2])}


def test_unmarked_calibration_rt_is_closed_to_other_teams(world, panitia):
    entry_calibration_set(competition=world.competition, entry_ids=[], by=panitia)
    assert not Entry.objects.filter(is_calibration=True).exists()
    with pytest.raises(PermissionDenied):
        score_save(
            entry=entry(world.calibration[0].pk),
            juror=world.jurors[1],
            indicator=Indicator.objects.first(),
            value=3,
            note="",
            client_id=uuid.uuid4(),
        )
    record = Entry.history.filter(id=world.calibration[0].pk).first()
    assert record.history_user == panitia and record.history_change_reason == "RT kalibrasi"


def test_a_calibration_rt_must_be_verified_and_assigned(world, panitia, beringin):
    Competition.objects.filter(pk=world.competition.pk).update(status=CompetitionStatus.PLENARY)
    world.competition.refresh_from_db()
    spare = EntryFactory(
        competition=world.competition,
        rt=RT.objects.create(kelurahan=beringin, number=40),
        kk_count=70,
        status="verified",
    )
    with pytest.raises(ValidationError) as refused:
        entry_calibration_set(competition=world.competition, entry_ids=[spare.pk], by=panitia)
    assert refused.value.messages == [ERROR_CALIBRATION_NOT_ASSIGNED % {"rts": str(spare.rt)}]
    assert Entry.objects.filter(is_calibration=True).count() == 2  # nothing half-saved
    with pytest.raises(ValidationError) as unknown:
        entry_calibration_set(competition=world.competition, entry_ids=[10**8], by=panitia)
    assert unknown.value.messages == [str(ERROR_CALIBRATION_UNKNOWN)]


# --- Stages --------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", list(CompetitionStatus), ids=str)
def test_the_settings_and_the_calibration_follow_the_stage_table(stage, world, panitia):
    Competition.objects.filter(pk=world.competition.pk).update(status=stage)
    world.competition.refresh_from_db()
    if stage_allows(world.competition, Write.SEVERITY_SETTINGS):
        competition_severity_settings(
            competition=world.competition, threshold=Decimal("0.8"), normalise=True, by=panitia
        )
        world.competition.refresh_from_db()
        assert world.competition.normalise_levels
    else:
        with pytest.raises(ValidationError) as refused:
            competition_severity_settings(
                competition=world.competition, threshold=Decimal("0.8"), normalise=True, by=panitia
            )
        assert refused.value.messages == [
            ERROR_SEVERITY_STAGE % {"status": world.competition.get_status_display()}
        ]
        world.competition.refresh_from_db()
        assert not world.competition.normalise_levels
    if stage_allows(world.competition, Write.CALIBRATION):
        entry_calibration_set(competition=world.competition, entry_ids=[], by=panitia)
        assert not Entry.objects.filter(is_calibration=True).exists()
    else:
        with pytest.raises(ValidationError) as refused:
            entry_calibration_set(competition=world.competition, entry_ids=[], by=panitia)
        assert refused.value.messages == [
            ERROR_CALIBRATION_STAGE % {"status": world.competition.get_status_display()}
        ]
        assert Entry.objects.filter(is_calibration=True).count() == 2


# --- Pages ---------------------------------------------------------------------------------


def test_the_panel_reads_a_fixed_number_of_queries(world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            severity_panel(world.competition)
        return len(captured)

    score_sheet(entry(world.calibration[0].pk), world.jurors[0])
    score_sheet(entry(world.calibration[0].pk), world.jurors[1])
    few = queries()
    for juror in world.jurors[2:]:
        score_sheet(entry(world.calibration[0].pk), juror)
    for juror in world.jurors:
        score_sheet(entry(world.calibration[1].pk), juror)
    assert queries() == few <= 9


def test_the_panel_page_shows_the_flag_and_the_basis(world, client, panitia):
    for number, juror in enumerate(world.jurors):
        score_sheet(entry(world.calibration[0].pk), juror, offset=1 if number == 0 else 0)
    client.force_login(panitia)
    page = client.get(f"/kompetisi/{world.competition.pk}/pleno/keseragaman/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-basis="calibration"' in html
    assert 'data-team="Tim 1" data-flagged="1"' in html
    assert 'data-team="Tim 2" data-flagged="0"' in html
    assert "+1,00" in html and "lebih murah" in html
    plenary = client.get(f"/kompetisi/{world.competition.pk}/pleno/").content.decode()
    assert f'href="/kompetisi/{world.competition.pk}/pleno/keseragaman/"' in plenary


def test_the_settings_form_saves_threshold_and_normalisation_together(world, client, panitia):
    client.force_login(panitia)
    url = f"/kompetisi/{world.competition.pk}/pleno/keseragaman/atur/"
    assert client.get(url).status_code == 200
    answer = client.post(url, {"threshold": "0,75", "normalise": "on"})
    assert answer.status_code == 302
    world.competition.refresh_from_db()
    assert world.competition.severity_threshold == Decimal("0.75")
    assert world.competition.normalise_levels
    Competition.objects.filter(pk=world.competition.pk).update(status=CompetitionStatus.FINAL)
    refused = client.post(url, {"threshold": "0,2"})
    assert refused.status_code == 200
    assert str(ERROR_SEVERITY_STAGE % {"status": "Final"}) in refused.content.decode()
    world.competition.refresh_from_db()
    assert world.competition.severity_threshold == Decimal("0.75")  # nothing half-saved
    assert world.competition.normalise_levels
    # The calibration RTs are chosen one at a time: tests/scoring/test_severity_settings.py.
    assert Entry.objects.filter(is_calibration=True).count() == 2


@pytest.mark.parametrize("text", ["abc", "0", "11", "0,005", "", "NaN"])
def test_a_bad_threshold_is_refused_in_indonesian(world, text):
    form = SeveritySettingsForm({"threshold": text}, competition=world.competition)
    assert not form.is_valid()
    assert form.errors["threshold"] == [str(ERROR_THRESHOLD)]


@pytest.mark.parametrize(("text", "value"), [("0,5", "0.5"), ("0.5", "0.5"), ("1", "1")])
def test_a_threshold_takes_a_decimal_comma_or_point(world, text, value):
    form = SeveritySettingsForm({"threshold": text}, competition=world.competition)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["threshold"] == Decimal(value)
