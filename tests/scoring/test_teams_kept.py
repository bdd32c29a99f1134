"""Issue 19: the teams page keeps its figures (verified RTs, those without a team, each team's
RTs) under the result version and sorts only ids to find a page: the figures must follow
every assignment and entry write, and the rows stay in region order on every page."""

from __future__ import annotations

import re

import pytest

from competitions.models import EntryStatus
from scoring.models import Assignment
from scoring.services import entry_assign, team_add_member, team_create
from tests.conftest import make_user
from tests.factories import EntryFactory, RTFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(assessment):
    made = []
    for name in ("Tim A", "Tim B"):
        team = team_create(competition=assessment, name=name)
        team_add_member(team=team, user=make_user(f"juri.{name[-1].lower()}", "juri"), agency="DLH")
        made.append(team)
    return made


@pytest.fixture
def verified(assessment, eka_jaya, beringin):
    """RTs 3, 1, 2 of Beringin (Pasar Jambi) and 2, 1 of Eka Jaya (Paal Merah), made out of
    order, verified; one draft."""
    made = []
    for kelurahan, number in ((beringin, 3), (eka_jaya, 2), (beringin, 1), (eka_jaya, 1)):
        rt = RTFactory(kelurahan=kelurahan, number=number)
        made.append(EntryFactory(competition=assessment, rt=rt, status=EntryStatus.VERIFIED))
    made.append(
        EntryFactory(
            competition=assessment, rt=RTFactory(kelurahan=beringin, number=2), status="verified"
        )
    )
    EntryFactory(competition=assessment, rt=RTFactory(kelurahan=eka_jaya, number=9), status="draft")
    return made


def shown(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-entry="(\d+)"', page)]


def loads(page: str) -> list[str]:
    return re.findall(r'data-testid="team-load">([^<]*)<', page)


def test_the_rows_keep_the_region_order_on_every_page(
    client, panitia, assessment, teams, verified, settings
):
    settings.BANTAR_PAGE_SIZE = 2
    client.force_login(panitia)
    url = f"/kompetisi/{assessment.pk}/tim/"
    found = []
    for number in (1, 2, 3):
        found += shown(client.get(f"{url}?halaman={number}").content.decode())
    expected = sorted(
        verified,
        key=lambda e: (e.rt.kelurahan.kecamatan.code, e.rt.kelurahan.code, e.rt.number),
    )
    assert found == [entry.pk for entry in expected]


def test_the_kept_figures_follow_assignments_and_entries(
    client, panitia, assessment, teams, verified
):
    client.force_login(panitia)
    url = f"/kompetisi/{assessment.pk}/tim/"
    page = client.get(url).content.decode()
    assert "5 RT terverifikasi, 5 belum ditugaskan" in page
    assert loads(page) == ["0 RT", "0 RT"]

    entry_assign(entry=verified[0], team=teams[0], by=panitia)
    entry_assign(entry=verified[1], team=teams[0], by=panitia)
    entry_assign(entry=verified[2], team=teams[1], by=panitia)
    page = client.get(url).content.decode()
    assert "5 RT terverifikasi, 2 belum ditugaskan" in page
    assert loads(page) == ["2 RT", "1 RT"]
    assert set(shown(client.get(f"{url}?tim=belum").content.decode())) == {
        verified[3].pk,
        verified[4].pk,
    }

    Assignment.objects.get(entry=verified[1]).delete()
    verified[4].status = EntryStatus.WITHDRAWN
    verified[4].save()
    page = client.get(url).content.decode()
    assert "4 RT terverifikasi, 2 belum ditugaskan" in page
    assert loads(page) == ["1 RT", "1 RT"]
