"""Issue 19: the score matrix and the participants report page one page of RTs at a time.

The matrix filters by category, kecamatan or team in the URL; the xlsx and csv keep every
row whatever the page shows; an officer's filters never reach outside the region; and
the queries of a page do not grow with the entries. The page size is set small so that
paging shows with the seven RTs of tests/scoring/seasons.py.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from competitions.models import Kecamatan
from competitions.services import competition_create
from scoring.models import Assignment
from scoring.result_services import competition_finalise, competition_publish
from scoring.services import team_create
from tests.conftest import count_queries
from tests.scoring.seasons import build_season
from tests.scoring.test_reports import many_plans

pytestmark = pytest.mark.django_db

# One "Rata-rata" row per RT: kecamatan, kelurahan, RT.
MEAN_ROW = re.compile(
    r"<tr><td>([^<]*)</td><td>([^<]*)</td><td[^>]*>(RT \d+)</td><td>Rata-rata</td>"
)


@pytest.fixture
def small_pages(settings):
    settings.BANTAR_PAGE_SIZE = 3


@pytest.fixture
def season(open_competition):
    return build_season(open_competition)


def matrix(client, competition, query: str = "") -> str:
    response = client.get(f"/kompetisi/{competition.pk}/laporan/matriks/{query}")
    assert response.status_code == 200
    return response.content.decode()


def shown(page: str) -> list[tuple[str, str]]:
    """(kelurahan, RT) of each RT the matrix page shows, in order."""
    return [(kelurahan, rt) for _kecamatan, kelurahan, rt in MEAN_ROW.findall(page)]


def exported(client, competition, query: str = "") -> list[tuple[str, str]]:
    """(kelurahan, RT) of each RT's mean row in the matrix csv, in order."""
    response = client.get(f"/kompetisi/{competition.pk}/laporan/matriks.csv{query}")
    assert response.status_code == 200
    rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    found = [(row[1], row[2]) for row in rows if len(row) > 3 and row[3] == "Rata-rata"]
    if not found:  # a comma-separated file
        rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
        found = [(row[1], row[2]) for row in rows if len(row) > 3 and row[3] == "Rata-rata"]
    return found


def total(page: str) -> int:
    return int(re.search(r'data-testid="row-count">(\d+) RT', page).group(1))


def test_the_pages_together_are_the_export_and_each_page_holds_a_page_of_rts(
    client, panitia, season, open_competition, small_pages
):
    client.force_login(panitia)
    every = exported(client, open_competition)
    assert len(every) == 7
    pages = [matrix(client, open_competition, f"?halaman={n}") for n in (1, 2, 3)]
    assert [len(shown(page)) for page in pages] == [3, 3, 1]
    assert [rt for page in pages for rt in shown(page)] == every
    assert all(total(page) == 7 for page in pages)
    assert 'rel="next"' in pages[0] and 'rel="next"' not in pages[2]
    # The method of the maths stays above the table on every page.
    assert all("Cara hitung: nilai indikator = rata-rata" in page for page in pages)
    # A juror row per juror and the mean, for each RT of the page only.
    assert pages[2].count("<td>Juri.Satu</td>") == 1


def test_each_filter_narrows_the_rts_and_the_export_keeps_every_row(
    client, panitia, season, open_competition, small_pages
):
    client.force_login(panitia)
    besar = matrix(client, open_competition, "?category=besar")
    assert total(besar) == 3
    assert {rt for _kelurahan, rt in shown(besar)} == {"RT 01", "RT 02", "RT 03"}
    paal_merah = Kecamatan.objects.get(name="Paal Merah")
    page = matrix(client, open_competition, f"?kecamatan={paal_merah.pk}")
    assert total(page) == 3  # A, D and G in Eka Jaya
    assert {kelurahan for kelurahan, _rt in shown(page)} == {"Eka Jaya"}
    both = matrix(client, open_competition, f"?kecamatan={paal_merah.pk}&category=kecil")
    assert shown(both) == [("Eka Jaya", "RT 07")]
    # One team of its own: the two RTs moved to it, nothing else.
    other = team_create(competition=open_competition, name="Tim Dua")
    Assignment.objects.filter(entry__in=[season["B"], season["F"]]).update(team=other)
    team_page = matrix(client, open_competition, f"?tim={other.pk}")
    assert sorted(rt for _kelurahan, rt in shown(team_page)) == ["RT 02", "RT 06"]
    # Filtered and paged, the files hold every RT of the competition.
    assert len(exported(client, open_competition, f"?tim={other.pk}&halaman=2")) == 7


def test_a_forged_filter_shows_no_rts(client, panitia, season, open_competition, small_pages):
    client.force_login(panitia)
    page = matrix(client, open_competition, "?kecamatan=999999")
    assert total(page) == 0
    assert "is-invalid" in page  # the form marks the choice it could not take
    assert total(matrix(client, open_competition, "?tim=999999")) == 0
    assert total(matrix(client, open_competition, "?category=raksasa")) == 0


def test_an_officer_cannot_filter_into_another_region(
    client, officer_paal_merah, panitia, season, open_competition, small_pages
):
    competition_finalise(competition=open_competition, by=panitia)
    competition_publish(competition=open_competition, by=panitia)
    client.force_login(officer_paal_merah)
    own = matrix(client, open_competition)
    assert total(own) == 3 and {k for k, _rt in shown(own)} == {"Eka Jaya"}
    assert 'name="kecamatan"' not in own  # one kecamatan: nothing to choose
    pasar_jambi = Kecamatan.objects.get(name="Pasar Jambi")
    forged = matrix(client, open_competition, f"?kecamatan={pasar_jambi.pk}&halaman=1")
    assert {k for k, _rt in shown(forged)} <= {"Eka Jaya"}
    assert "Beringin" not in forged
    assert {k for k, _rt in exported(client, open_competition)} == {"Eka Jaya"}


def test_the_participants_report_pages_and_numbers_on(
    client, panitia, season, open_competition, small_pages
):
    client.force_login(panitia)
    pages = [
        client.get(f"/kompetisi/{open_competition.pk}/laporan/peserta/?halaman={n}") for n in (1, 3)
    ]
    first, last = (response.content.decode() for response in pages)
    assert total(first) == 7 and total(last) == 7
    numbers = re.compile(r'<tr><td class="text-end">(\d+)</td>')
    assert numbers.findall(first) == ["1", "2", "3"]
    assert numbers.findall(last) == ["7"]
    response = client.get(f"/kompetisi/{open_competition.pk}/laporan/peserta.csv?halaman=3")
    text = response.content.decode("utf-8-sig")
    assert all(f"Ketua {name}" in text for name in "ABCDEFG")


@pytest.mark.parametrize("finalised", [False, True])
def test_the_matrix_and_participants_pages_take_as_many_queries_for_150_entries_as_for_5(
    client, panitia, finalised, settings
):
    settings.BANTAR_PAGE_SIZE = 4
    counts = {}
    for size, year in ((5, 2041), (150, 2042)):
        competition = competition_create(year=year)
        build_season(competition, plans=many_plans(size))
        if finalised:
            competition_finalise(competition=competition, by=panitia)
        client.force_login(panitia)
        base = f"/kompetisi/{competition.pk}/laporan"
        counts[size] = [
            count_queries(client, f"{base}/matriks/"),
            count_queries(client, f"{base}/matriks/?category=kecil&halaman=2"),
            count_queries(client, f"{base}/peserta/"),
            count_queries(client, f"{base}/peserta/?halaman=3"),
        ]
        page = client.get(f"{base}/matriks/").content.decode()
        assert total(page) == size and len(shown(page)) == 4
    assert counts[5] == counts[150]
