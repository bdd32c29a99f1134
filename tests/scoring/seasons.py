"""A small season built with the real services and models, for results tests.

Seven RTs in three kecamatan (Paal Merah, Pasar Jambi, Telanaipura), all three
size categories, a tie in besar, a gated pillar in sedang. Two jurors score
every RT; each juror gives one level per pillar.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from bantar.models import Role, User
from competitions.models import RT, Competition, CompetitionStatus, Entry, Kelurahan
from indicators.models import Indicator
from scoring.models import Score, ScoreSheet, SheetStatus
from scoring.services import entry_assign, team_add_member, team_create
from tests.conftest import make_user
from tests.factories import EntryFactory


@dataclass(frozen=True)
class Plan:
    name: str
    kelurahan: str
    number: int
    kk: int
    juror1: tuple[int, int, int]  # levels for Bersih, Aman, Pintar
    juror2: tuple[int, int, int]


PLANS = [
    Plan("A", "Eka Jaya", 1, 120, (5, 5, 5), (5, 5, 5)),  # besar 100, rank 1
    Plan("B", "Beringin", 2, 150, (4, 4, 4), (4, 4, 4)),  # besar 75, tied rank 2
    Plan("C", "Simpang IV Sipin", 3, 110, (4, 4, 4), (4, 4, 4)),  # besar 75, tied rank 2
    Plan("D", "Eka Jaya", 4, 70, (5, 5, 2), (5, 5, 2)),  # sedang 75, Pintar 25 < 50: gated
    Plan("E", "Beringin", 5, 80, (4, 4, 4), (4, 4, 4)),  # sedang 75, rank 2 after D
    Plan("F", "Simpang IV Sipin", 6, 40, (3, 3, 3), (3, 3, 3)),  # kecil 50: not passed
    Plan("G", "Eka Jaya", 7, 45, (4, 4, 4), (5, 5, 5)),  # kecil 87.5, rank 1
]
WINNERS = {"A", "B", "C", "E", "G"}
TOTAL_PRIZE = 3 * 10_000_000 + 7_000_000 + 5_000_000


def build_season(
    competition: Competition, *, plans: list[Plan] = PLANS, submit: bool = True
) -> dict[str, Entry]:
    """Verified, assigned and scored entries; the competition ends in the plenary stage."""
    panitia = User.objects.filter(role=Role.PANITIA).first() or make_user(
        "panitia.musim", Role.PANITIA
    )
    jurors = [
        User.objects.filter(username=name).first() or make_user(name, Role.JURI)
        for name in ("juri.satu", "juri.dua")
    ]
    competition.status = CompetitionStatus.ASSESSMENT
    competition.pillar_minimum = 50
    competition.save()
    team = team_create(competition=competition, name=f"Tim {competition.pk}")
    for juror in jurors:
        team_add_member(team=team, user=juror, agency="DPMPPA")
    indicators = list(Indicator.objects.select_related("pillar"))
    kelurahan = {
        k.name: k for k in Kelurahan.objects.filter(name__in={plan.kelurahan for plan in plans})
    }
    entries = {}
    scores = []
    for plan in plans:
        entry = EntryFactory(
            competition=competition,
            rt=RT.objects.get_or_create(kelurahan=kelurahan[plan.kelurahan], number=plan.number)[0],
            kk_count=plan.kk,
            status="verified",
            ketua_rt=f"Ketua {plan.name}",
        )
        entry_assign(entry=entry, team=team, by=panitia)
        for juror, levels in zip(jurors, (plan.juror1, plan.juror2), strict=True):
            status = SheetStatus.SUBMITTED if submit else SheetStatus.DRAFT
            sheet = ScoreSheet.objects.create(entry=entry, juror=juror, status=status)
            by_pillar = dict(zip("BAP", levels, strict=True))
            scores += [
                Score(
                    sheet=sheet,
                    indicator=i,
                    value=by_pillar[i.pillar.code],
                    client_id=_uuid(sheet.pk, i.pk),
                )
                for i in indicators
            ]
        entries[plan.name] = entry
    Score.objects.bulk_create(scores)
    competition.status = CompetitionStatus.PLENARY
    competition.save()
    return entries


def _uuid(sheet: int, indicator: int) -> uuid.UUID:
    return uuid.UUID(int=sheet * 1000 + indicator)
