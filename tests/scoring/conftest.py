"""A competition in field assessment, two jury teams, and the jurors of team 1:
a DLH juror (all pillars), a Polri juror (Aman only) and a juror living in Eka Jaya."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest
from PIL import Image

from bantar.models import Role
from competitions.models import CompetitionStatus
from indicators.models import Indicator, Pillar
from scoring.services import entry_assign, team_add_member, team_create
from tests.conftest import make_user
from tests.factories import EntryFactory, RTFactory


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def assessment(open_competition):
    open_competition.status = CompetitionStatus.ASSESSMENT
    open_competition.save()
    return open_competition


@pytest.fixture
def entry_eka_jaya(assessment, eka_jaya):
    return EntryFactory(
        competition=assessment, rt=RTFactory(kelurahan=eka_jaya, number=8), status="verified"
    )


@pytest.fixture
def entry_beringin(assessment, beringin):
    return EntryFactory(
        competition=assessment, rt=RTFactory(kelurahan=beringin, number=3), status="verified"
    )


@pytest.fixture
def juror_polri(db):
    return make_user("juri.polri", Role.JURI)


@pytest.fixture
def juror_local(db):
    return make_user("juri.ekajaya", Role.JURI)


@pytest.fixture
def juror_team2(db):
    return make_user("juri.tim2", Role.JURI)


@pytest.fixture
def team1(assessment, juror, juror_polri, juror_local, eka_jaya, beringin, panitia, entry_eka_jaya):
    team = team_create(competition=assessment, name="Tim 1")
    team_add_member(
        team=team, user=juror, agency="Dinas Lingkungan Hidup (DLH)", home_kelurahan=beringin
    )
    team_add_member(
        team=team, user=juror_polri, agency="Polri", pillars=[Pillar.objects.get(code="A")]
    )
    team_add_member(team=team, user=juror_local, agency="PMI", home_kelurahan=eka_jaya)
    entry_assign(entry=entry_eka_jaya, team=team, by=panitia)
    return team


@pytest.fixture
def team2(assessment, juror_team2, panitia, entry_beringin):
    team = team_create(competition=assessment, name="Tim 2")
    team_add_member(team=team, user=juror_team2, agency="Dinas Kesehatan")
    entry_assign(entry=entry_beringin, team=team, by=panitia)
    return team


def post_score(
    client, entry, indicator: str, value: Any, *, client_id: str | None = None, note: str = ""
):
    body = {
        "client_id": client_id or str(uuid.uuid4()),
        "indicator": indicator,
        "value": value,
        "note": note,
    }
    return client.post(
        f"/penilaian/{entry.pk}/nilai/", json.dumps(body), content_type="application/json"
    )


def score_all(client, entry, value: int = 4, codes: list[str] | None = None) -> None:
    for code in codes or list(Indicator.objects.values_list("code", flat=True)):
        assert post_score(client, entry, code, value).status_code == 200


def jpeg_bytes(
    width: int = 1200, height: int = 900, colour: tuple[int, int, int] = (40, 120, 60)
) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    for x in range(0, width, 50):
        for y in range(0, height, 50):
            image.putpixel((x, y), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()
