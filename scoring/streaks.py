"""An RT's winning streak: consecutive years in which it won, over its published results.

A year counts once, whatever its periods: it is won if any period of it was won. A year
in which the RT lost, or did not take part, ends the streak. The rule behind the
Kencana category (issue 15: an RT that won three years in a row competes as Kencana).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from competitions.models import RT, CompetitionStatus
from scoring.models import Result


def won_years(results: Iterable[tuple[int, bool]]) -> dict[int, bool]:
    """(year, won) per published result -> year -> won in any of its periods."""
    years: dict[int, bool] = {}
    for year, won in results:
        years[year] = years.get(year, False) or won
    return years


def winning_streak(years: Mapping[int, bool], *, before: int | None = None) -> int:
    """Won years in a row, counting back from the year before `before` (a registration's
    year: its own periods do not count) or, without it, from the last year with a result."""
    if not years:
        return 0
    year = before - 1 if before is not None else max(years)
    streak = 0
    while years.get(year, False):
        streak += 1
        year -= 1
    return streak


def rt_won_years(rt: RT) -> dict[int, bool]:
    """The RT's published results, year by year (one query)."""
    return won_years(
        Result.objects.filter(
            entry__rt=rt,
            result_set__superseded_at__isnull=True,
            result_set__published_at__isnull=False,
            result_set__competition__status=CompetitionStatus.PUBLISHED,
        ).values_list("result_set__competition__year", "is_winner")
    )
