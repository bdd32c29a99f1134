"""One world with an object behind every URL, and the nine personas of the access matrix."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from bantar.models import Role, User
from coaching.revisits import revisit_create
from competitions.models import Competition, CompetitionStatus, Kelurahan
from competitions.services import competition_create
from documents.certificates import certificate_code
from indicators.models import Indicator
from scoring.models import Evidence, JuryTeam, Result, ScoreSheet
from scoring.result_services import competition_finalise, competition_publish
from scoring.services import team_add_member, team_create
from season.demo import make_photos
from tests.conftest import make_user
from tests.scoring.seasons import build_season
from tests.security.url_kwargs import UrlObjects, url_kwargs

PERSONAS = [
    "anonymous",
    "kelurahan_ekajaya",
    "kelurahan_beringin",
    "kecamatan_paalmerah",
    "juror_assigned",
    "juror_other",
    "panitia",
    "pejabat",
    "admin",
]


@dataclass
class World:
    users: dict[str, User | None]
    current: Competition  # in the plenary: the season's scores, not yet final
    published: Competition  # last year's, published
    entry: Any  # Eka Jaya, assigned to team 1 (juror_assigned)
    team: JuryTeam
    evidence: Evidence
    kwargs: dict[str, dict[str, Any]]


def build_world() -> World:
    users = {
        "anonymous": None,
        "kelurahan_ekajaya": make_user(
            "kel.ekajaya", Role.KELURAHAN, kelurahan=Kelurahan.objects.get(name="Eka Jaya")
        ),
        "kelurahan_beringin": make_user(
            "kel.beringin", Role.KELURAHAN, kelurahan=Kelurahan.objects.get(name="Beringin")
        ),
        "kecamatan_paalmerah": make_user(
            "kec.paalmerah",
            Role.KECAMATAN,
            kecamatan=Kelurahan.objects.get(name="Eka Jaya").kecamatan,
        ),
        "juror_assigned": make_user("juri.satu", Role.JURI),
        "juror_other": make_user("juri.lain", Role.JURI),
        "panitia": make_user("panitia", Role.PANITIA),
        "pejabat": make_user("pejabat", Role.PEJABAT),
        "admin": make_user("admin", Role.ADMIN, is_staff=True, is_superuser=True),
    }
    published = competition_create(year=2025)
    last_year = build_season(published)
    competition_finalise(competition=published, by=users["panitia"])
    competition_publish(competition=published, by=users["panitia"])
    revisit = revisit_create(
        source=Competition.objects.get(pk=published.pk), by=users["panitia"], size=2, seed=1
    )
    current = competition_create(year=2026)
    season = build_season(current)
    entry = season["A"]  # Eka Jaya RT 01, team of juri.satu and juri.dua
    team = entry.assignment.team
    other_team = team_create(competition=current, name="Tim Lain")
    team_add_member(team=other_team, user=users["juror_other"], agency="PMI")
    # A draft sheet keeps the juror's photo deletable.
    ScoreSheet.objects.filter(entry=entry, juror=users["juror_assigned"]).update(status="draft")
    evidence = make_photos(
        entry, users["juror_assigned"], list(Indicator.objects.all()), random.Random(1), count=1
    )[0]
    evidence.save()
    winner = Result.objects.get(entry=last_year["A"], is_winner=True)
    objects = UrlObjects(
        current=current.pk,
        published=published.pk,
        entry=entry.pk,
        scored_entry=entry.pk,
        team=team.pk,
        member=team.members.first().pk,
        evidence=evidence.pk,
        old_entry=last_year["A"].pk,
        old_rt=last_year["A"].rt.pk,
        certificate_code=certificate_code(winner.pk),
        revisit=revisit.pk,
        instrument=current.instrument_id,
        pillar=current.instrument.pillars.order_by("order").first().pk,
        indicator=current.instrument.indicators.order_by("code").first().pk,
    )
    kwargs = url_kwargs(objects)
    # A re-visit entry and a photo that is not its award's: found by nobody.
    kwargs["revisit-photo"] = {
        "entry_pk": revisit.competition.entries.order_by("pk").first().pk,
        "pk": evidence.pk,
        "variant": "thumb",
    }
    assert current.status == CompetitionStatus.PLENARY
    return World(users, current, published, entry, team, evidence, kwargs)
