"""A re-visit's award photos beside the juror's new ones (issue 16.3): on the scoring page, in
the field kit's list of what to keep offline, served only to the round's jurors; the distance
from the earlier photo's place (haversine) when both are known."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from bantar.models import Role
from coaching.revisits import revisit_create, revisit_earlier_photos
from competitions.models import Competition, Entry
from indicators.models import Indicator
from scoring.comparisons import haversine_m
from scoring.evidence import PhotoPlace, evidence_add
from scoring.models import Evidence
from scoring.services import entry_assign, team_add_member, team_create
from tests.coaching.city import build_city
from tests.conftest import make_user
from tests.scoring.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db

# Two places in Eka Jaya about 111 m apart north-south (0.001 degree of latitude).
AWARD_PLACE = (Decimal("-1.620000"), Decimal("103.590000"))
NOW_PLACE = (Decimal("-1.619000"), Decimal("103.590000"))


def test_haversine_gives_the_arc_on_the_mean_sphere():
    # A degree of arc is 2 pi R / 360 = 111,195 m, along a meridian or the equator.
    assert haversine_m(0, 0, 1, 0) == pytest.approx(111_195, abs=1)
    assert haversine_m(0, 103, 0, 104) == pytest.approx(111_195, abs=1)
    assert haversine_m(0, 0, 90, 0) == pytest.approx(10_007_557, abs=1)  # a quarter meridian
    # Near Jambi (1.6 degrees south) a degree of longitude is cos(1.6 deg) as long.
    assert haversine_m(-1.6, 103, -1.6, 104) == pytest.approx(111_152, abs=2)
    assert haversine_m(*AWARD_PLACE, *NOW_PLACE) == pytest.approx(111.2, abs=0.1)


@pytest.fixture
def round_with_photos(panitia, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    city = build_city(panitia)
    source = Competition.objects.get(year=2023)
    award_entry = Entry.objects.get(competition=source, rt=city["E1"])
    b3 = Indicator.objects.get(code="B3")
    award_juror = award_entry.assignment.team.members.first().user
    award_photo = Evidence.objects.create(
        entry=award_entry,
        indicator=b3,
        juror=award_juror,
        image="x.jpg",
        web="x.jpg",
        thumb="x.jpg",
        width=1,
        height=1,
        sha256="0" * 64,
        phash="0" * 16,
        latitude=AWARD_PLACE[0],
        longitude=AWARD_PLACE[1],
    )
    # A photo of another RT and one without an indicator are not shown.
    other = Entry.objects.get(competition=source, rt=city["E10"])
    Evidence.objects.create(
        entry=other, indicator=b3, juror=award_juror, image="y.jpg", web="y.jpg",
        thumb="y.jpg", width=1, height=1, sha256="1" * 64, phash="1" * 16,
    )  # fmt: skip
    revisit = revisit_create(source=source, by=panitia, rt_ids=[city["E1"].pk, city["E10"].pk])
    juror = make_user("juri.ulang", Role.JURI)
    team = team_create(competition=revisit.competition, name="Tim ulang")
    team_add_member(team=team, user=juror, agency="DLH")
    entry = Entry.objects.get(competition=revisit.competition, rt=city["E1"])
    entry_assign(entry=entry, team=team, by=panitia)
    return entry, juror, award_photo


def test_the_scoring_page_shows_the_award_photo_of_the_indicator_and_the_distance(
    client, round_with_photos
):
    entry, juror, award_photo = round_with_photos
    found = revisit_earlier_photos([entry])
    assert [(p.pk, p.caption) for p in found[entry.pk]] == [(award_photo.pk, "Foto lomba 2023")]
    client.force_login(juror)
    page = client.get(f"/penilaian/{entry.pk}/").content.decode()
    assert 'data-testid="earlier-B3"' in page and 'data-testid="earlier-B1"' not in page
    assert f"/penilaian/{entry.pk}/foto-lomba/{award_photo.pk}/thumb/" in page
    assert 'data-lat="-1.620000"' in page
    # The juror's own photo of B3, taken 111 m north of the award photo.
    evidence_add(
        entry=entry,
        juror=juror,
        indicator=Indicator.objects.get(code="B3"),
        data=jpeg_bytes(800, 600),
        client_id=uuid.uuid4(),
        place=PhotoPlace(latitude=NOW_PLACE[0], longitude=NOW_PLACE[1]),
    )
    page = client.get(f"/penilaian/{entry.pk}/").content.decode()
    distance = page.split('data-testid="distance-B3">')[1].split("</span>")[0]
    assert distance == "111 m dari foto Anda"


def test_the_field_kit_keeps_the_award_photo_offline(client, round_with_photos):
    entry, juror, award_photo = round_with_photos
    client.force_login(juror)
    (kit_entry,) = client.get("/penilaian/kit/").json()["entries"]
    assert kit_entry["id"] == entry.pk
    assert f"/penilaian/{entry.pk}/foto-lomba/{award_photo.pk}/thumb/" in kit_entry["assets"]


def test_the_award_photo_is_served_to_the_round_s_jurors_only(client, round_with_photos, tmp_path):
    entry, juror, award_photo = round_with_photos
    (tmp_path / "x.jpg").write_bytes(jpeg_bytes(96, 72))
    url = f"/penilaian/{entry.pk}/foto-lomba/{award_photo.pk}/thumb/"
    client.force_login(juror)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=86400"
    # Not a photo of this RT's award: not found, whatever its number.
    other = Evidence.objects.exclude(pk=award_photo.pk).get(
        indicator__code="B3", entry__rt__number=10
    )
    assert client.get(f"/penilaian/{entry.pk}/foto-lomba/{other.pk}/thumb/").status_code == 404
    client.force_login(make_user("juri.lain", Role.JURI))
    assert client.get(url).status_code == 404  # not this juror's RT
    client.force_login(make_user("kel.ekajaya", Role.KELURAHAN, kelurahan=entry.rt.kelurahan))
    assert client.get(url).status_code == 403
