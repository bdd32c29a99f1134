"""The winning streak behind Kencana: broken by a loss, by a year out, counted once a year."""

from __future__ import annotations

import pytest

from competitions.services import competition_create
from scoring.result_services import competition_finalise, competition_publish
from scoring.streaks import rt_won_years, winning_streak, won_years
from tests.scoring.seasons import PLANS, Plan, build_season

WIN = PLANS[0]  # Eka Jaya RT 01, all fives: besar, rank 1
LOSS = Plan("A", "Eka Jaya", 1, 120, (2, 2, 2), (2, 2, 2))  # the same RT, 25: not passed


def test_three_won_years_in_a_row_make_a_streak_of_three():
    years = won_years([(2021, True), (2022, True), (2023, True)])
    assert winning_streak(years) == 3
    assert winning_streak(years, before=2024) == 3
    assert winning_streak(years, before=2023) == 2  # a registration counts the years before it


def test_a_loss_breaks_the_streak():
    years = won_years([(2020, True), (2021, True), (2022, False), (2023, True)])
    assert winning_streak(years) == 1
    assert winning_streak(years, before=2023) == 0


def test_a_year_without_taking_part_breaks_the_streak():
    years = won_years([(2019, True), (2020, True), (2022, True), (2023, True)])
    assert winning_streak(years) == 2
    assert winning_streak(years, before=2025) == 0  # 2024: not entered


def test_a_year_with_two_periods_counts_once_and_is_won_if_either_was():
    years = won_years([(2021, True), (2022, False), (2022, True), (2023, True), (2023, True)])
    assert years == {2021: True, 2022: True, 2023: True}
    assert winning_streak(years) == 3
    assert winning_streak(won_years([(2022, False), (2022, False), (2023, True)])) == 1


def test_no_result_no_streak():
    assert winning_streak({}) == 0 and winning_streak({}, before=2024) == 0


@pytest.mark.django_db
def test_the_streak_reads_only_published_results(panitia):
    def season(year: int, period: int, plan: Plan, *, publish: bool = True):
        competition = competition_create(year=year, period=period)
        entries = build_season(competition, plans=[plan])
        competition_finalise(competition=competition, by=panitia)
        if publish:
            competition_publish(competition=competition, by=panitia)
        return entries["A"].rt

    rt = season(2021, 1, WIN)
    season(2022, 1, LOSS)
    season(2022, 2, WIN)  # the second period of 2022 was won: 2022 is won
    season(2023, 1, WIN)
    assert rt_won_years(rt) == {2021: True, 2022: True, 2023: True}
    assert winning_streak(rt_won_years(rt)) == 3
    season(2024, 1, LOSS, publish=False)  # final, not yet published: not counted
    assert winning_streak(rt_won_years(rt)) == 3


@pytest.mark.django_db
def test_the_public_rt_page_shows_the_winning_streak(client, panitia):
    rt = None
    for year in (2022, 2023, 2024):
        competition = competition_create(year=year)
        rt = build_season(competition, plans=[WIN])["A"].rt
        competition_finalise(competition=competition, by=panitia)
        competition_publish(competition=competition, by=panitia)
    html = client.get(f"/rt/{rt.pk}/").content.decode()
    assert "Menang 3 tahun berturut-turut" in html
    competition = competition_create(year=2025)
    build_season(competition, plans=[LOSS])
    competition_finalise(competition=competition, by=panitia)
    competition_publish(competition=competition, by=panitia)
    assert 'data-testid="streak"' not in client.get(f"/rt/{rt.pk}/").content.decode()
