"""The demo season's re-visit round (issue 16.3): eight of the 2020 winners drawn with a recorded
seed, re-scored by two of 2020's jurors and concluded, some kept and some dropped.

Kept RTs are re-scored at each indicator's 2020 mean rounded up (never lower than at the award);
the others one level under the mean rounded down on every indicator (at least 25 points lower):
every second RT of the draw's order. Called by season/demo.py after the 2020 season is
published; a second call finds the round and changes nothing.
"""

from __future__ import annotations

import math
import uuid
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from bantar.history import stamp
from bantar.models import User
from coaching.models import RevisitRound
from coaching.revisits import revisit_conclude, revisit_create
from competitions.models import Competition, CompetitionStatus, Entry
from indicators.models import Indicator
from scoring.models import Result, Score, ScoreSheet, SheetStatus
from scoring.result_selectors import frozen_indicators
from scoring.services import entry_assign, team_add_member, team_create

DEMO_SEED = 20210315
DEMO_SIZE = 8
DEMO_JURORS = ("juri2020.t1a", "juri2020.t2b")


def _levels(explanation: dict, dropped: bool) -> dict[str, int]:
    levels = {}
    for pillar in explanation.get("pillars", []):
        for indicator in frozen_indicators(pillar):  # every stored shape
            mean = Decimal(indicator.get("mean") or 3)
            level = math.floor(mean) - 1 if dropped else math.ceil(mean)
            levels[indicator["code"]] = max(1, min(5, level))
    return levels


@transaction.atomic
def build_revisit_2020(*, panitia: User) -> RevisitRound | None:
    source = Competition.objects.filter(
        year=2020, period=1, status=CompetitionStatus.PUBLISHED
    ).first()
    if source is None:
        return None
    existing = RevisitRound.objects.filter(source=source).first()
    if existing is not None:
        return existing
    revisit = revisit_create(source=source, by=panitia, size=DEMO_SIZE, seed=DEMO_SEED)
    jurors = list(User.objects.filter(username__in=DEMO_JURORS).order_by("username"))
    team = team_create(competition=revisit.competition, name="Tim Kunjungan Ulang")
    for juror in jurors:
        team_add_member(team=team, user=juror, agency="DPMPPA")
    awards = dict(
        Result.objects.filter(
            result_set__competition=source,
            result_set__superseded_at__isnull=True,
            entry__rt_id__in=revisit.chosen,
        ).values_list("entry__rt_id", "explanation")
    )
    entries = {e.rt_id: e for e in Entry.objects.filter(competition=revisit.competition)}
    indicators = {i.code: i for i in Indicator.objects.all()}
    scores = []
    for position, rt_id in enumerate(revisit.chosen):
        entry = entries[rt_id]
        entry_assign(entry=entry, team=team, by=panitia)
        levels = _levels(awards[rt_id], dropped=position % 2 == 1)
        for juror in jurors:
            sheet = ScoreSheet.objects.create(
                entry=entry, juror=juror, status=SheetStatus.SUBMITTED
            )
            for code, value in levels.items():
                score = Score(
                    sheet=sheet, indicator=indicators[code], value=value, client_id=uuid.uuid4()
                )
                stamp(score, by=juror)  # each level is its sheet's juror's, as in 2020
                scores.append(score)
    bulk_create_with_history(scores, Score, default_change_reason="Data kunjungan ulang (demo)")
    revisit_conclude(revisit=revisit, by=panitia)
    revisit.refresh_from_db()
    return revisit
