"""The Kencana category at registration (issue 15): an RT that won `kencana_wins` years in
a row, over its published results, competes as Kencana instead of in its KK band.

Registered into `competitions.services.CATEGORY_OVERRIDES` by scoring/apps.py: competitions
chooses an entry's category, but the results it needs for that live here, above it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.utils.translation import gettext as _

from competitions.models import RT, Competition, CompetitionStatus
from competitions.services import CategoryOverride, kencana_category
from scoring.models import Result
from scoring.streaks import winning_streak, won_years


def kencana_streaks(*, competition: Competition, rts: Sequence[RT]) -> dict[int, int]:
    """RT id -> its winning streak up to the year before the competition's (one query)."""
    results: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    rows = Result.objects.filter(
        entry__rt__in=[rt.pk for rt in rts],
        result_set__superseded_at__isnull=True,
        result_set__published_at__isnull=False,
        result_set__competition__status=CompetitionStatus.PUBLISHED,
        result_set__competition__year__lt=competition.year,
    ).values_list("entry__rt_id", "result_set__competition__year", "is_winner")
    for rt_id, year, won in rows:
        results[rt_id].append((year, won))
    return {
        rt_id: winning_streak(won_years(pairs), before=competition.year)
        for rt_id, pairs in results.items()
    }


def kencana_overrides(competition: Competition, rts: Sequence[RT]) -> dict[int, CategoryOverride]:
    """The RTs of `rts` that enter `competition` as Kencana, each with the reason."""
    wins = competition.kencana_wins
    if not wins:
        return {}  # Kencana switched off for this competition
    streaks = kencana_streaks(competition=competition, rts=rts)
    eligible = {rt_id: streak for rt_id, streak in streaks.items() if streak >= wins}
    if not eligible:
        return {}
    category = kencana_category(competition)
    return {
        rt_id: CategoryOverride(
            category=category,
            reason=_(
                "Menang %(streak)s tahun berturut-turut (%(first)s-%(last)s): ikut kategori "
                "%(name)s, bukan kategori menurut jumlah KK."
            )
            % {
                "streak": streak,
                "first": competition.year - streak,
                "last": competition.year - 1,
                "name": category.name,
            },
        )
        for rt_id, streak in eligible.items()
    }
