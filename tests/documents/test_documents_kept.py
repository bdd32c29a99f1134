"""Issue 19: the documents page from its kept counts per kelurahan, a page read by them.

The counts of the frozen results per kelurahan are kept per viewer under the result version
(`documents.selectors.kept_kelurahan_counts`); a page reads only the kelurahan it overlaps
(`RegionPages`). What a user reads, page after page, must be the frozen results in region
order (`document_rows`, the order of every list), its region's only, and follow a write.
"""

from __future__ import annotations

import re

import pytest

from competitions.models import Competition, Kecamatan, Kelurahan
from competitions.services import competition_create
from documents.selectors import document_rows, frozen_result_set
from scoring.result_services import competition_finalise, competition_publish
from tests.conftest import count_queries
from tests.scoring.seasons import build_season
from tests.scoring.test_reports import many_plans

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr data-entry="(\d+)">')
TOTAL = re.compile(r'data-testid="row-total">\d+–\d+ dari (\d+)')
BADGE = re.compile(r'\?kecamatan=(\d+)">([^<]+) <span class="badge text-bg-light">(\d+)</span>')


@pytest.fixture
def city(panitia) -> Competition:
    """23 RTs over five kelurahan in three kecamatan, finalised and published."""
    competition = competition_create(year=2045)
    build_season(competition, plans=many_plans(23))
    competition_finalise(competition=competition, by=panitia)
    competition_publish(competition=competition, by=panitia)
    return Competition.objects.get(pk=competition.pk)


def page_ids(client, competition, query: str) -> tuple[list[int], int]:
    response = client.get(f"/kompetisi/{competition.pk}/dokumen/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    body = html[html.index('data-testid="documents-rows"') :]
    found = TOTAL.search(html)
    return [int(pk) for pk in ROW.findall(body)], int(found.group(1)) if found else 0


def every_page(client, competition, query: str = "") -> tuple[list[int], int]:
    first, total = page_ids(client, competition, f"?{query}&halaman=1")
    shown = list(first)
    for number in range(2, (total + 1) // 2 + 1):  # two a page
        more, again = page_ids(client, competition, f"?{query}&halaman={number}")
        assert again == total
        shown += more
    return shown, total


@pytest.mark.parametrize("who", ["panitia", "officer_paal_merah", "officer_eka_jaya"])
def test_page_after_page_the_rows_are_the_users_frozen_results_in_region_order(
    who, request, client, city, settings, panitia
):
    settings.BANTAR_PAGE_SIZE = 2  # pages that begin and end inside a kelurahan
    client.force_login(panitia)
    every_page(client, city)  # the city's counts kept first: never an officer's
    user = request.getfixturevalue(who)
    client.force_login(user)
    result_set = frozen_result_set(city)
    expected = list(document_rows(user, result_set).values_list("entry_id", flat=True))
    for _twice in range(2):  # the second from the kept counts
        shown, total = every_page(client, city)
        assert shown == expected and total == len(expected) > 0
    if who == "panitia":
        assert len(expected) == 23
    else:
        kecamatan = set(
            Kelurahan.objects.filter(rts__entries__pk__in=expected).values_list(
                "kecamatan__name", flat=True
            )
        )
        assert kecamatan == {"Paal Merah"}


def test_a_kecamatan_pages_its_own_rows_and_counts(client, panitia, city, settings):
    settings.BANTAR_PAGE_SIZE = 2
    client.force_login(panitia)
    rows = document_rows(panitia, frozen_result_set(city))
    html = client.get(f"/kompetisi/{city.pk}/dokumen/").content.decode()
    badges = {int(pk): (name, int(n)) for pk, name, n in BADGE.findall(html)}
    assert sum(n for _name, n in badges.values()) == 23 and len(badges) > 1
    for pk, (name, n) in badges.items():
        expected = list(
            rows.filter(entry__rt__kelurahan__kecamatan_id=pk).values_list("entry_id", flat=True)
        )
        shown, total = every_page(client, city, f"kecamatan={pk}")
        assert shown == expected and total == n == len(expected), name


def test_the_kept_counts_follow_a_write(client, panitia, city):
    """A kelurahan moved to another kecamatan (a save: every version renewed) moves its RTs."""
    client.force_login(panitia)
    pasar_jambi = Kecamatan.objects.get(name="Pasar Jambi")
    before = {
        name: int(n)
        for _pk, name, n in BADGE.findall(
            client.get(f"/kompetisi/{city.pk}/dokumen/").content.decode()
        )
    }
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    moved = Competition.objects.get(pk=city.pk).entries.filter(rt__kelurahan=eka_jaya).count()
    assert moved > 0
    eka_jaya.kecamatan = pasar_jambi
    eka_jaya.save()
    after = {
        name: int(n)
        for _pk, name, n in BADGE.findall(
            client.get(f"/kompetisi/{city.pk}/dokumen/").content.decode()
        )
    }
    assert after["Pasar Jambi"] == before["Pasar Jambi"] + moved
    assert after.get("Paal Merah", 0) == before["Paal Merah"] - moved


def test_the_page_takes_as_many_queries_for_150_entries_as_for_10(
    client, panitia, officer_paal_merah, settings
):
    settings.BANTAR_PAGE_SIZE = 4
    counts = {}
    for size, year in ((10, 2046), (150, 2047)):
        competition = competition_create(year=year)
        build_season(competition, plans=many_plans(size))
        competition_finalise(competition=competition, by=panitia)
        competition_publish(competition=competition, by=panitia)
        paal_merah = Kecamatan.objects.get(name="Paal Merah")
        base = f"/kompetisi/{competition.pk}/dokumen/"
        counts[size] = []
        for user in (panitia, officer_paal_merah):
            client.force_login(user)
            counts[size] += [
                count_queries(client, base),
                count_queries(client, f"{base}?halaman=2"),
                count_queries(client, f"{base}?kecamatan={paal_merah.pk}&halaman=2"),
            ]
    assert counts[10] == counts[150]
