"""A calibration RT's sheet page shows every team's sheet side by side (issue 12): levels per
indicator, which team and juror each is (by `scoring.see_juror_names`), the assigned team's
marked as the one that counts. The world is test_severity's (four teams, one juror each;
two calibration RTs assigned to Tim 1)."""

from __future__ import annotations

import pytest

from indicators.models import Indicator
from scoring.services import recusal_record
from scoring.severity import calibration_comparison
from tests.conftest import count_queries
from tests.scoring.test_severity import base_level, entry, score_sheet, world

pytestmark = pytest.mark.django_db
__all__ = ["world"]  # the fixture, used below


def sheet_page(client, pk: int) -> str:
    answer = client.get(f"/peserta/{pk}/lembar-nilai/")
    assert answer.status_code == 200
    return answer.content.decode()


def test_every_team_scored_the_rt_side_by_side_with_the_assigned_team_first(world):
    rt = entry(world.calibration[0].pk)
    for number, juror in reversed(list(enumerate(world.jurors))):
        score_sheet(rt, juror, offset={2: 1, 3: -1}.get(number, 0))  # Tim 3 +1, Tim 4 -1
    comparison = calibration_comparison(rt, names=True)
    assert comparison is not None
    assert [s.team for s in comparison.sheets] == ["Tim 1", "Tim 2", "Tim 3", "Tim 4"]
    assert [s.counts for s in comparison.sheets] == [True, False, False, False]
    assert [s.juror for s in comparison.sheets] == [
        "Juri.Tim1",
        "Juri.Tim2",
        "Juri.Tim3",
        "Juri.Tim4",
    ]
    indicators = list(Indicator.objects.order_by("pillar__order", "number"))
    assert [row.code for row in comparison.rows] == [i.code for i in indicators]
    for row, indicator in zip(comparison.rows, indicators, strict=True):
        level = base_level(rt, indicator)
        assert row.levels == [level, level, level + 1, level - 1]
        assert row.gap == 2 and row.apart


def test_without_the_names_rule_jurors_are_numbered(world):
    rt = entry(world.calibration[0].pk)
    for juror in world.jurors[:2]:
        score_sheet(rt, juror)
    comparison = calibration_comparison(rt, names=False)
    assert comparison is not None
    assert [s.juror for s in comparison.sheets] == ["Juri 1", "Juri 2"]
    assert [s.team for s in comparison.sheets] == ["Tim 1", "Tim 2"]  # the teams still show


def test_a_recused_juror_of_another_team_is_left_out_as_in_the_panel(world, panitia):
    rt = entry(world.calibration[0].pk)
    for juror in world.jurors:
        score_sheet(rt, juror)
    recusal_record(entry=rt, juror=world.jurors[3], reason="Kerabat ketua RT", by=panitia)
    comparison = calibration_comparison(rt, names=True)
    assert comparison is not None
    assert [s.team for s in comparison.sheets] == ["Tim 1", "Tim 2", "Tim 3"]
    assert all(not row.apart for row in comparison.rows)


def test_the_sheet_page_shows_the_comparison_only_on_a_calibration_rt(world, client, panitia):
    rt = entry(world.calibration[0].pk)
    for number, juror in enumerate(world.jurors):
        score_sheet(rt, juror, offset=1 if number == 1 else 0)
    client.force_login(panitia)
    html = sheet_page(client, rt.pk)
    section = html.split('data-testid="calibration-comparison"')[1].split("</section>")[0]
    for team in ("Tim 1", "Tim 2", "Tim 3", "Tim 4"):
        assert f'data-testid="calibration-sheet" data-team="{team}"' in section
    assert section.count('data-testid="calibration-level"') == 4 * Indicator.objects.count()
    assert "dihitung" in section and "Juri.Tim2" in section
    own = entry(world.own[1].pk)
    score_sheet(own, world.jurors[1])
    assert 'data-testid="calibration-comparison"' not in sheet_page(client, own.pk)


def test_the_comparison_reads_the_same_queries_for_more_teams(world, client, panitia):
    rt = entry(world.calibration[0].pk)
    for juror in world.jurors[:2]:
        score_sheet(rt, juror)
    client.force_login(panitia)
    few = count_queries(client, f"/peserta/{rt.pk}/lembar-nilai/")
    for juror in world.jurors[2:]:
        score_sheet(rt, juror)
    assert count_queries(client, f"/peserta/{rt.pk}/lembar-nilai/") == few
