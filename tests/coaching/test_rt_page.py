"""The public RT page over time (issue 16.4): the pillar chart drawn on the server, the re-visit
outcomes, and the three indicators to work on linked to the self-check. City: tests/coaching/
city.py (Eka Jaya RT 01: 2021 and 2022 at fives, 2023 at fours; B3 always at 1)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from bantar.models import Role
from coaching.revisits import revisit_conclude, revisit_create
from coaching.rtpage import BOTTOM, HEIGHT, TOP, pillar_chart
from competitions.models import Competition, Entry
from indicators.models import Indicator
from scoring.public import rt_history
from scoring.services import entry_assign, team_add_member, team_create
from tests.coaching.city import build_city
from tests.coaching.test_revisit import score_sheet
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(panitia):
    return build_city(panitia)


def test_the_chart_has_a_point_per_pillar_and_edition_at_its_score(city):
    chart = pillar_chart(rt_history(city["E1"]))
    assert chart is not None
    assert [column.label for column in chart.columns] == ["2021", "2022", "2023"]
    bersih = chart.series[0]
    assert [p.text for p in bersih.points] == ["85,71", "85,71", "64,29"]
    assert [p.text for p in chart.series[1].points] == ["100,00", "100,00", "75,00"]
    # 100 at the top of the plot, 0 at its bottom; the 2023 Bersih point in proportion.
    assert chart.series[1].points[0].y == TOP
    plot = HEIGHT - TOP - BOTTOM
    assert bersih.points[2].y == pytest.approx(TOP + (100 - 64.2857) / 100 * plot)
    assert [x for x in (p.x for p in bersih.points)] == sorted(p.x for p in bersih.points)
    assert pillar_chart(rt_history(city["B3"])) is None  # never took part


def test_the_rt_page_draws_the_chart_and_links_the_weakest_indicators_to_the_self_check(
    client, city
):
    html = client.get(f"/rt/{city['E1'].pk}/").content.decode()
    svg = html.split('data-testid="rt-chart-svg"')[1].split("</svg>")[0]
    assert svg.count("<circle") == 9 and svg.count("<polyline") == 3
    assert "<script" not in svg and "style=" not in svg  # drawn on the server, within the CSP
    assert "Aman 2023: 75,00" in svg
    focus = re.findall(r"<li [^>]*data-code=\"(\w+)\"", html.split("rt-focus")[1].split("</ol>")[0])
    assert focus == ["B3", "A1", "A2"]  # 2023's means: B3 1.00, then the 4.00s by code
    link = re.search(r'href="(/panduan/cek-mandiri/#l=\d+)" data-testid="focus-B3"', html)
    assert link is not None
    digits = link.group(1).split("#l=")[1]
    codes = list(Indicator.objects.values_list("code", flat=True))
    assert len(digits) == len(codes) == 21
    chosen = {code: digits[i] for i, code in enumerate(codes) if digits[i] != "0"}
    assert chosen == {"B3": "1", "A1": "4", "A2": "4"}
    assert 'data-testid="rt-revisits"' not in html  # no re-visit yet


def test_a_concluded_re_visit_shows_on_the_rt_page(client, city, panitia):
    source = Competition.objects.get(year=2021, period=1)
    revisit = revisit_create(source=source, by=panitia, rt_ids=[city["E4"].pk])
    juror = make_user("juri.ulang", Role.JURI)
    team = team_create(competition=revisit.competition, name="Tim ulang")
    team_add_member(team=team, user=juror, agency="DLH")
    entry = Entry.objects.get(competition=revisit.competition)
    entry_assign(entry=entry, team=team, by=panitia)
    score_sheet(entry, juror, {"B": 2, "A": 2, "P": 2})
    page = client.get(f"/rt/{city['E4'].pk}/").content.decode()
    assert 'data-testid="rt-revisits"' not in page  # scored, not yet concluded: not public
    revisit_conclude(revisit=revisit, by=panitia, threshold=Decimal("5"))
    page = client.get(f"/rt/{city['E4'].pk}/").content.decode()
    outcome = page.split('data-testid="revisit-outcome"')[1].split("</li>")[0]
    assert "Menurun" in outcome and "saat menang 71,43, kunjungan ulang 25,00" in outcome
    # The re-visit is no edition of the chart: still the two published years of RT 04 (2021).
    svg = page.split('data-testid="rt-chart-svg"')[1].split("</svg>")[0]
    assert svg.count("<circle") == 3
