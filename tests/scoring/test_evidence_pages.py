"""Evidence in the plenary (issue 12.7): each indicator's photos on the sheet page and the
explain page, an RT's photo page (paged, one indicator at a time), the reused-photo flag
side by side with both RTs; scope as the photo files themselves (Evidence.for_user).

The season: build_season's seven RTs in the plenary; juri.satu's and juri.dua's photos of
A are real JPEGs drawn by Pillow; one photo of A was sent again as evidence for B.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bantar.models import Role, User
from competitions.models import Kelurahan
from scoring.evidence import PHOTO_PAGE_SIZE, PhotoGroups, entry_photo_groups
from tests.conftest import make_user
from tests.scoring.photos import add_photo, scene
from tests.scoring.seasons import build_season

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def season(open_competition):
    entries = build_season(open_competition)
    satu, dua = (User.objects.get(username=n) for n in ("juri.satu", "juri.dua"))
    taken = datetime(2026, 11, 20, 2, 15, tzinfo=UTC)  # 09:15 WIB
    add_photo(entries["A"], satu, "B1", scene(1), taken_at=taken, located=True)
    add_photo(entries["A"], dua, "B1", scene(2))
    add_photo(entries["A"], satu, "A3", scene(3), located=True)
    add_photo(entries["A"], satu, None, scene(4))  # the RT as a whole
    add_photo(entries["B"], dua, "B2", scene(1))  # the same bytes as A's first: flagged
    return entries


def photo_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-testid="photo" data-photo="(\d+)"', page)]


def test_the_photo_page_shows_who_when_and_whether_located(client, panitia, season):
    a = season["A"]
    client.force_login(panitia)
    page = client.get(f"/kompetisi/{a.competition_id}/pleno/rt/{a.pk}/foto/").content.decode()
    photos = list(a.evidence.order_by("pk"))
    # The guide's order: Bersih before Aman, the RT's own photo last.
    assert photo_ids(page) == [photos[0].pk, photos[1].pk, photos[2].pk, photos[3].pk]
    assert "20 November 2026 09:15 WIB" in page  # the camera's time, in WIB
    assert page.count("(waktu kirim)") == 3  # the others show when they were sent
    assert page.count('data-testid="photo-located"') == 2
    assert page.count('data-testid="photo-unlocated"') == 2
    assert "-1.61" not in page and "103.61" not in page  # the position itself stays private
    assert f'href="/bukti/{photos[0].pk}/web/"' in page  # tap: the web copy
    assert f'src="/bukti/{photos[0].pk}/thumb/"' in page
    assert "Juri.Satu" in page and "Juri.Dua" in page
    thumb = client.get(f"/bukti/{photos[0].pk}/thumb/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"


def test_a_reused_photo_shows_side_by_side_with_the_other_rt(client, panitia, season):
    a, b = season["A"], season["B"]
    first, other = a.evidence.order_by("pk").first(), b.evidence.get()
    client.force_login(panitia)
    page = client.get(f"/kompetisi/{a.competition_id}/pleno/rt/{a.pk}/foto/").content.decode()
    assert page.count('data-testid="reused"') == 1
    card = page[page.index(f'data-photo="{first.pk}"') :].split("</figure>")[0]
    assert f'src="/bukti/{first.pk}/thumb/"' in card and f'src="/bukti/{other.pk}/thumb/"' in card
    assert str(a.rt) in card
    assert f'href="/kompetisi/{b.competition_id}/pleno/rt/{b.pk}/foto/"' in card
    # ... and from B's side, back to A.
    page = client.get(f"/kompetisi/{b.competition_id}/pleno/rt/{b.pk}/foto/").content.decode()
    assert f'href="/kompetisi/{a.competition_id}/pleno/rt/{a.pk}/foto/"' in page
    # The plenary's flag links both RTs' photo pages.
    plenary = client.get(f"/kompetisi/{a.competition_id}/pleno/").content.decode()
    flagged = plenary[plenary.index('data-testid="shared-photos"') :].split("</ul>")[0]
    assert f"/pleno/rt/{a.pk}/foto/" in flagged and f"/pleno/rt/{b.pk}/foto/" in flagged


def test_the_explain_and_sheet_pages_show_each_indicators_photos(client, panitia, season):
    a = season["A"]
    client.force_login(panitia)
    for url in (
        f"/kompetisi/{a.competition_id}/pleno/rt/{a.pk}/",
        f"/peserta/{a.pk}/lembar-nilai/",
    ):
        page = client.get(url).content.decode()
        b1 = page[page.index('data-indicator="B1"') :].split('data-testid="indicator-photos"')[0]
        assert len(photo_ids(b1)) == 2
        assert len(photo_ids(page)) == 4  # B1 twice, A3, the RT's own photo
        assert 'data-indicator="-"' in page
        assert "1 foto sama dengan RT lain" in page
        assert f"/kompetisi/{a.competition_id}/pleno/rt/{a.pk}/foto/" in page


def test_an_indicator_with_many_photos_shows_four_and_links_the_rest(client, panitia, season):
    a, satu = season["A"], User.objects.get(username="juri.satu")
    for seed in range(10, 14):
        add_photo(a, satu, "B1", scene(seed))
    client.force_login(panitia)
    page = client.get(f"/kompetisi/{a.competition_id}/pleno/rt/{a.pk}/").content.decode()
    b1 = page[page.index('data-indicator="B1"') :].split("</tr>")[0]
    assert len(photo_ids(b1)) == PhotoGroups.SHOWN
    assert "2 foto lain" in b1 and "/foto/?indikator=B1" in b1
    photos = client.get(f"/kompetisi/{a.competition_id}/pleno/rt/{a.pk}/foto/?indikator=B1")
    assert len(photo_ids(photos.content.decode())) == 6


def test_the_photo_page_is_paged_with_a_fixed_number_of_queries(client, panitia, season):
    a, satu = season["A"], User.objects.get(username="juri.satu")
    client.force_login(panitia)
    url = f"/kompetisi/{a.competition_id}/pleno/rt/{a.pk}/foto/"

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get(path).status_code == 200
        return len(seen)

    queries(url)  # the first request of a session reads what later ones find cached
    few = queries(url)
    few_explain = queries(f"/kompetisi/{a.competition_id}/pleno/rt/{a.pk}/")
    few_sheet = queries(f"/peserta/{a.pk}/lembar-nilai/")
    for seed in range(20, 20 + PHOTO_PAGE_SIZE + 2):
        add_photo(a, satu, "P2", scene(seed))
    assert queries(url) == few
    assert queries(f"/kompetisi/{a.competition_id}/pleno/rt/{a.pk}/") == few_explain
    assert queries(f"/peserta/{a.pk}/lembar-nilai/") == few_sheet
    first = client.get(url).content.decode()
    second = client.get(url + "?halaman=2").content.decode()
    assert len(photo_ids(first)) == PHOTO_PAGE_SIZE
    assert len(photo_ids(second)) == 4 + PHOTO_PAGE_SIZE + 2 - PHOTO_PAGE_SIZE
    assert set(photo_ids(first)).isdisjoint(photo_ids(second))
    assert f"1–{PHOTO_PAGE_SIZE} dari 30" in first


def test_who_may_see_the_photos(client, season, panitia):
    a = season["A"]
    url = f"/kompetisi/{a.competition_id}/pleno/rt/{a.pk}/foto/"
    pejabat = make_user("pejabat.kota", Role.PEJABAT)
    client.force_login(pejabat)
    assert len(photo_ids(client.get(url).content.decode())) == 4
    officer = make_user(
        "kel.ekajaya", Role.KELURAHAN, kelurahan=Kelurahan.objects.get(name="Eka Jaya")
    )
    other = make_user(
        "kel.beringin", Role.KELURAHAN, kelurahan=Kelurahan.objects.get(name="Beringin")
    )
    for user in (officer, other, User.objects.get(username="juri.satu")):
        client.force_login(user)
        assert client.get(url).status_code == 403
    # The explain page an officer may read once published shows him no photo of any RT,
    # and a juror's own photos are all he would get: the scope of Evidence.for_user.
    for user in (officer, other):
        assert entry_photo_groups(user, competition_id=a.competition_id, entry_id=a.pk).total == 0
    own = entry_photo_groups(
        User.objects.get(username="juri.dua"), competition_id=a.competition_id, entry_id=a.pk
    )
    assert own.total == 1
    # An RT of another competition under this competition's address: not found.
    client.force_login(panitia)
    assert (
        client.get(f"/kompetisi/{a.competition_id + 99}/pleno/rt/{a.pk}/foto/").status_code == 404
    )
