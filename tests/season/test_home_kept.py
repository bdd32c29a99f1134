"""Issue 19: the panitia's home keeps the jurors' progress and the plenary's missing sheets
under the competition's result version (they read every sheet and the whole jury panel:
0.5 s at 10x city scale); its queries must not grow with the entries."""

from __future__ import annotations

import pytest

from competitions.models import Competition, CompetitionStatus
from competitions.services import competition_create
from tests.conftest import count_queries
from tests.scoring.seasons import build_season
from tests.scoring.test_reports import many_plans

pytestmark = pytest.mark.django_db


def test_the_panitia_home_takes_as_many_queries_for_150_entries_as_for_10(client, panitia):
    counts = {}
    for size, year in ((10, 2051), (150, 2052)):
        Competition.objects.filter(status=CompetitionStatus.PLENARY).update(
            status=CompetitionStatus.PUBLISHED, year=year - 100
        )  # the one before is no longer under way: one competition's work on the home
        competition = competition_create(year=year)
        build_season(competition, plans=many_plans(size), submit=False)
        client.force_login(panitia)
        counts[size] = count_queries(client, "/")
    assert counts[10] == counts[150]
