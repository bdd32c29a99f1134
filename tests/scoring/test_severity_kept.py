"""The severity panel at city scale (issue 19): its figures come from one SQL aggregate per
(team, juror) and are kept under the competition's result version.

Checked here: the panel's sheets, means, spreads, differences and flags equal a plain
computation over the counted levels (`scoring.panel.counted_levels`, the rule in Python);
the kept panel follows a score write, a recusal and a new threshold; the page reads the same
number of queries for 4 scored RTs as for 16, and a kept request reads no score.
"""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bantar.models import Role
from competitions.models import RT, Kelurahan
from indicators.models import Indicator
from scoring.models import Assignment, Recusal, ScoreSheet
from scoring.panel import counted_levels, jury_panel
from scoring.services import entry_assign, score_save, sheet_submit, team_add_member
from scoring.severity import BASIS_OWN, kept_severity_panel, severity_panel, two_places
from scoring.severity_services import competition_severity_settings
from tests.conftest import make_user
from tests.factories import EntryFactory
from tests.scoring.test_severity import entry, score_sheet, world

__all__ = ["world"]  # the fixture, used below

pytestmark = pytest.mark.django_db


def plain_panel(competition) -> dict[str, tuple]:
    """Per team and juror: (sheets, mean, spread, difference), from every counted level."""
    teams = dict(
        Assignment.objects.filter(entry__competition=competition).values_list(
            "entry_id", "team__name"
        )
    )
    levels = counted_levels(competition, jury_panel(competition))
    by_team: dict[str, list[int]] = defaultdict(list)
    by_juror: dict[tuple[str, int], list[int]] = defaultdict(list)
    sheets: dict[str, set] = defaultdict(set)
    for entry_id, juror, _code, value in levels:
        team = teams[entry_id]
        by_team[team].append(value)
        by_juror[team, juror].append(value)
        sheets[team].add((entry_id, juror))
        sheets[f"{team}/{juror}"].add((entry_id, juror))

    def row(key: str, values: list[int], team: str) -> tuple:
        others = [v for name, vs in by_team.items() if name != team for v in vs]
        mean = Fraction(sum(values), len(values))
        difference = mean - Fraction(sum(others), len(others)) if others else None
        spread = round(statistics.pstdev(values), 2)
        return (len(sheets[key]), two_places(mean), spread, two_places(difference))

    found = {team: row(team, values, team) for team, values in by_team.items()}
    for (team, juror), values in by_juror.items():
        found[f"{team}/{juror}"] = row(f"{team}/{juror}", values, team)
    return found


def shown(panel) -> dict[str, tuple]:
    found = {}
    for team in panel.teams:
        for key, stats in [(team.name, team.stats)] + [
            (f"{team.name}/{juror.juror_id}", juror.stats) for juror in team.jurors
        ]:
            found[key] = (
                stats.sheets,
                stats.mean_shown,
                round(float(stats.spread), 2),
                stats.difference_shown,
            )
    return found


def more_rts(world, panitia, per_team: int) -> None:
    """`per_team` more RTs for each team, scored by its juror with the team's offset."""
    kelurahan = Kelurahan.objects.get(name="Beringin")
    for number, (team, juror) in enumerate(zip(world.teams, world.jurors, strict=True)):
        for extra in range(per_team):
            rt = RT.objects.create(kelurahan=kelurahan, number=100 + number * 10 + extra)
            new = EntryFactory(competition=world.competition, rt=rt, kk_count=70, status="verified")
            entry_assign(entry=new, team=team, by=panitia, notify=False)
            score_sheet(entry(new.pk), juror, offset=number % 2 - (extra % 2))


def test_the_panel_equals_a_plain_computation_of_the_counted_levels(world, panitia):
    # Own basis, varied levels: offsets per team, a second juror in Tim 1 who scores
    # lower, a recused sheet and a juror living in his RT's kelurahan (left out).
    for number, juror in enumerate(world.jurors):
        score_sheet(entry(world.own[number].pk), juror, offset=[0, 1, -1, 0][number])
    second = make_user("juri.kedua", Role.JURI)
    team_add_member(team=world.teams[0], user=second, agency="DLH")
    score_sheet(entry(world.own[0].pk), second, offset=-1)
    more_rts(world, panitia, 2)
    at_home = make_user("juri.rumah", Role.JURI)
    member = team_add_member(team=world.teams[1], user=at_home, agency="DLH")
    score_sheet(entry(world.own[1].pk), at_home, offset=1)
    # His home is recorded after he scored: his sheet in that kelurahan no longer counts.
    member.home_kelurahan = world.own[1].rt.kelurahan
    member.save()
    recused = later_rt(world, team=3)
    Recusal.objects.create(
        entry=recused, juror=world.jurors[3], reason="Kerabat", recorded_by=panitia
    )
    panel = severity_panel(world.competition)
    assert panel.basis == BASIS_OWN
    expected = plain_panel(world.competition)
    assert shown(panel) == expected
    assert f"Tim 2/{at_home.pk}" not in shown(panel)  # his only sheet is in his kelurahan
    assert expected["Tim 4"][0] == 2  # three sheets, one recused
    threshold = Fraction(str(world.competition.severity_threshold))
    flagged = {
        team
        for team, (_sheets, _mean, _spread, difference) in expected.items()
        if "/" not in team and difference is not None and abs(difference) > threshold
    }
    assert {team.name for team in panel.flagged} == flagged != set()


def later_rt(world, *, team: int):
    """One of the RTs `more_rts` gave the team (its juror's sheet is submitted)."""
    return (
        ScoreSheet.objects.filter(
            juror=world.jurors[team], entry__assignment__team=world.teams[team]
        )
        .exclude(entry=world.own[team])
        .order_by("entry_id")
        .first()
        .entry
    )


def test_the_kept_panel_follows_a_score_a_recusal_and_the_threshold(world, panitia):
    for number, juror in enumerate(world.jurors):
        score_sheet(entry(world.own[number].pk), juror)
    competition = world.competition
    first = kept_severity_panel(competition)
    assert first.flagged == []
    with CaptureQueriesContext(connection) as kept:
        assert kept_severity_panel(competition) == first
    assert len(kept) == 2  # the version and the kept panel: no score is read
    # Tim 2's juror reopens his sheet and gives every indicator one level more.
    sheet = ScoreSheet.objects.get(entry=world.own[1], juror=world.jurors[1])
    sheet.status = "draft"
    sheet.save()
    for indicator in Indicator.objects.all():
        value = sheet.scores.get(indicator=indicator).value + 1
        score_save(
            entry=entry(world.own[1].pk),
            juror=world.jurors[1],
            indicator=indicator,
            value=value,
            note="",
            client_id=uuid.uuid4(),
        )
    sheet_submit(entry=entry(world.own[1].pk), juror=world.jurors[1])
    after = kept_severity_panel(competition)
    assert after == severity_panel(competition) != first
    assert [team.name for team in after.flagged] == ["Tim 2"]
    Recusal.objects.create(
        entry=world.own[1], juror=world.jurors[1], reason="Kerabat", recorded_by=panitia
    )
    assert "Tim 2" not in {team.name for team in kept_severity_panel(competition).teams}
    competition_severity_settings(
        competition=competition, threshold=Decimal("0.01"), normalise=False, by=panitia
    )
    competition.refresh_from_db()
    assert kept_severity_panel(competition).threshold == Decimal("0.01")


def test_the_page_reads_the_same_queries_for_4_and_16_scored_rts(world, client, panitia):
    from scoring.result_cache import result_version_bump

    client.force_login(panitia)
    url = f"/kompetisi/{world.competition.pk}/pleno/keseragaman/"

    def counts() -> tuple[int, int]:
        client.get(url)  # the session's activity write out of the way
        result_version_bump([world.competition.pk])
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            page = client.get(url)
        assert 'data-basis="own"' in page.content.decode()
        return len(cold), len(warm)

    for number, juror in enumerate(world.jurors):
        score_sheet(entry(world.own[number].pk), juror, offset=number % 2)
    few = counts()
    more_rts(world, panitia, 3)
    assert counts() == few
    assert few[1] < few[0]


# --- The settings page: the candidates' order and the chosen RTs are kept -----------------


def test_the_settings_pages_list_as_a_plain_query_and_follow_writes(
    world, client, panitia, settings
):
    import re

    from scoring.severity import calibration_candidates, calibration_chosen
    from scoring.severity_services import entry_calibration_mark

    settings.BANTAR_PAGE_SIZE = 3
    client.force_login(panitia)
    base = f"/kompetisi/{world.competition.pk}/pleno/keseragaman/atur/"

    def listed(query: str) -> tuple[list[int], list[int]]:
        html = client.get(base + query).content.decode()
        chosen, _sep, rest = html.partition('data-testid="calibration-candidates"')
        ids = [int(pk) for pk in re.findall(r'data-entry="(\d+)"', rest)]
        return [int(pk) for pk in re.findall(r'data-entry="(\d+)"', chosen)], ids

    def expected(query: str = "", page: int = 1) -> list[int]:
        rows = calibration_candidates(world.competition)
        if query:
            rows = rows.filter(rt__kelurahan__name=query)
        return list(rows.values_list("pk", flat=True))[(page - 1) * 3 : page * 3]

    more_rts(world, panitia, 1)
    everyone = list(calibration_candidates(world.competition).values_list("pk", flat=True))
    assert len(everyone) == 10
    for page in (1, 2, 4):
        assert listed(f"?halaman={page}")[1] == expected(page=page)
    assert listed("?q=Eka+Jaya")[1] == expected("Eka Jaya")
    # A new assigned RT takes its place in the order; a mark shows in the chosen list.
    kelurahan = world.own[0].rt.kelurahan
    new = EntryFactory(
        competition=world.competition,
        rt=RT.objects.create(kelurahan=kelurahan, number=0),
        kk_count=70,
        status="verified",
    )
    entry_assign(entry=new, team=world.teams[2], by=panitia, notify=False)
    assert listed("")[1] == expected() and new.pk in expected()
    entry_calibration_mark(
        competition=world.competition, entry_id=new.pk, calibration=True, by=panitia
    )
    chosen = [entry.pk for entry in calibration_chosen(world.competition)]
    assert listed("")[0] == chosen and new.pk in chosen
