"""Issue 19: the documents page lists the RTs one page at a time, by kecamatan if asked.

A city's 1,650 RTs on one page were 595 KB of HTML; now BANTAR_PAGE_SIZE rows a page,
with the count of all, and the same queries for 150 entries as for 5.
"""

from __future__ import annotations

import re

import pytest

from competitions.models import Kecamatan
from competitions.services import competition_create
from scoring.result_services import competition_finalise, competition_publish
from tests.conftest import count_queries
from tests.scoring.seasons import build_season
from tests.scoring.test_reports import many_plans

pytestmark = pytest.mark.django_db


def documents(client, competition, query: str = "") -> str:
    response = client.get(f"/kompetisi/{competition.pk}/dokumen/{query}")
    assert response.status_code == 200
    return response.content.decode()


def listed(page: str) -> list[int]:
    """The entry ids of the per-RT table, in order."""
    body = page[page.index('data-testid="documents-rows"') :]
    return [int(pk) for pk in re.findall(r'<tr data-entry="(\d+)">', body)]


def count(page: str) -> int:
    return int(re.search(r'data-testid="row-total">\d+–\d+ dari (\d+)', page).group(1))


def test_the_rts_come_a_page_at_a_time_and_the_pages_hold_each_rt_once(
    client, panitia, published, open_competition, settings
):
    settings.BANTAR_PAGE_SIZE = 3
    client.force_login(panitia)
    pages = [documents(client, open_competition, f"?halaman={n}") for n in (1, 2, 3)]
    shown = [listed(page) for page in pages]
    assert [len(ids) for ids in shown] == [3, 3, 1]
    every = [pk for ids in shown for pk in ids]
    assert sorted(every) == sorted(entry.pk for entry in published.values())
    assert all(count(page) == 7 for page in pages)
    # Every row keeps its rapor link, and a winner its piagam.
    winner = published["A"]
    assert (
        f"/dokumen/piagam/{winner.pk}.pdf" in pages[[winner.pk in ids for ids in shown].index(True)]
    )


def test_the_kecamatan_filter_narrows_the_rts_and_a_forged_one_shows_none(
    client, panitia, published, open_competition
):
    client.force_login(panitia)
    paal_merah = Kecamatan.objects.get(name="Paal Merah")
    page = documents(client, open_competition, f"?kecamatan={paal_merah.pk}")
    assert set(listed(page)) == {published[name].pk for name in "ADG"}  # Eka Jaya's three
    assert f'<option value="{paal_merah.pk}" selected>' in page
    assert listed(documents(client, open_competition, "?kecamatan=999999")) == []
    assert listed(documents(client, open_competition, "?kecamatan=bukan")) == []


def test_an_officer_sees_only_the_rts_of_the_region_whatever_the_filter(
    client, officer_eka_jaya, published, open_competition
):
    client.force_login(officer_eka_jaya)
    pasar_jambi = Kecamatan.objects.get(name="Pasar Jambi")
    own = {published[name].pk for name in "ADG"}
    assert set(listed(documents(client, open_competition))) == own
    assert listed(documents(client, open_competition, f"?kecamatan={pasar_jambi.pk}")) == []


def test_the_documents_page_takes_as_many_queries_for_150_entries_as_for_5(
    client, panitia, settings
):
    settings.BANTAR_PAGE_SIZE = 4
    counts = {}
    for size, year in ((5, 2043), (150, 2044)):
        competition = competition_create(year=year)
        build_season(competition, plans=many_plans(size))
        competition_finalise(competition=competition, by=panitia)
        competition_publish(competition=competition, by=panitia)
        client.force_login(panitia)
        base = f"/kompetisi/{competition.pk}/dokumen/"
        counts[size] = [count_queries(client, base), count_queries(client, f"{base}?halaman=2")]
        assert len(listed(documents(client, competition))) == 4
    assert counts[5] == counts[150]
