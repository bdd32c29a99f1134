"""Issue 19: the winners list filters by kecamatan and category and pages; the rekap pages
filter by kecamatan; the exports keep the filters and every row, never the page.

build_season's winners: A (besar, Eka Jaya, Paal Merah), B (besar, Beringin, Pasar Jambi),
C (besar, Simpang IV Sipin, Telanaipura), E (sedang, Beringin) and G (kecil, Eka Jaya).
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from competitions.models import RT, EntryStatus, Kecamatan, Kelurahan
from scoring.models import Assignment
from scoring.result_filters import ERROR_FILTER_INVALID
from scoring.result_services import competition_finalise, competition_publish
from tests.conftest import count_queries
from tests.factories import EntryFactory
from tests.scoring.seasons import build_season

pytestmark = pytest.mark.django_db


@pytest.fixture
def season(open_competition):
    return build_season(open_competition)


@pytest.fixture
def published(season, open_competition, panitia):
    competition_finalise(competition=open_competition, by=panitia)
    competition_publish(competition=open_competition, by=panitia)
    return season


@pytest.fixture
def small_pages(settings):
    settings.BANTAR_PAGE_SIZE = 2


def kecamatan(name: str) -> int:
    return Kecamatan.objects.get(name=name).pk


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def sections(page: str) -> dict[str, list[str]]:
    """Sheet name -> the text of each body row of its table, as the page shows them."""
    found = {}
    for match in re.finditer(r'<section class="mt-3 report-sheet">(.*?)</section>', page, re.S):
        body = match.group(1)
        heading = re.search(r'<h2 class="h5">(.*?)</h2>', body)
        name = heading.group(1) if heading else ""
        tbody = re.search(r"<tbody>(.*?)</tbody>", body, re.S).group(1)
        found[name] = [
            re.sub(r"<[^>]+>", " ", row).split() for row in re.findall(r"<tr>(.*?)</tr>", tbody)
        ]
        found[name] = [" ".join(words) for words in found[name]]
        if "<tfoot>" in body:
            found[name + " (jumlah)"] = [re.sub(r"<[^>]+>", " ", body.split("<tfoot>")[1])]
    return found


def winners(competition) -> str:
    return f"/kompetisi/{competition.pk}/laporan/pemenang/"


def sheets(response) -> dict[str, list[tuple]]:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def test_the_winners_list_filters_by_kecamatan_with_the_citys_ranks(
    client, pejabat, published, open_competition
):
    client.force_login(pejabat)
    page = get(client, f"{winners(open_competition)}?kecamatan={kecamatan('Pasar Jambi')}")
    shown = sections(page)
    assert [row.split()[0:1] for row in shown["Ringkasan"]] == [["Besar"], ["Sedang"], ["Kecil"]]
    assert shown["Ringkasan"][0].startswith("Besar 1 ")  # B only: A and C are elsewhere
    assert shown["Ringkasan"][2].startswith("Kecil 0 ")
    assert len(shown["Kategori Besar"]) == 1 and "Beringin" in shown["Kategori Besar"][0]
    # B keeps the rank 2 it shares with C over the whole city (A is first).
    assert shown["Kategori Besar"][0].split()[-3] == "2"
    assert "Saringan: Kecamatan: Pasar Jambi" in page
    assert "2 RT sesuai saringan" in page


def test_the_winners_list_filters_by_category_and_so_does_its_export(
    client, pejabat, published, open_competition
):
    client.force_login(pejabat)
    page = get(client, f"{winners(open_competition)}?category=besar")
    assert [name for name in sections(page) if "(jumlah)" not in name] == [
        "Ringkasan",
        "Kategori Besar",
    ]
    export = f"/kompetisi/{open_competition.pk}/laporan/pemenang.xlsx?category=besar&halaman=2"
    book = sheets(client.get(export))
    assert list(book) == ["Ringkasan", "Kategori Besar"]
    assert sum(1 for row in book["Kategori Besar"] if row[0] in (1, 2, 3)) == 3
    assert any(
        "Saringan: Kategori: Besar" in str(cell) for row in book["Ringkasan"] for cell in row
    )


def test_the_winners_list_pages_and_its_export_holds_every_row(
    client, pejabat, published, open_competition, small_pages
):
    client.force_login(pejabat)
    first = get(client, winners(open_competition))
    assert "1–2 dari 5" in first
    assert "5 RT sesuai saringan" in first
    shown = sections(first)
    assert len(shown["Ringkasan"]) == 3  # the summary is always whole
    assert len(shown["Kategori Besar"]) == 2
    assert "Kategori Besar (jumlah)" not in shown  # its total comes with its last row
    second = sections(get(client, f"{winners(open_competition)}?halaman=2"))
    assert len(second["Kategori Besar"]) == 1 and len(second["Kategori Sedang"]) == 1
    assert "Rp 30.000.000" in second["Kategori Besar (jumlah)"][0]
    third = sections(get(client, f"{winners(open_competition)}?halaman=3"))
    assert list(third) == [
        "Ringkasan",
        "Ringkasan (jumlah)",
        "Kategori Kecil",
        "Kategori Kecil (jumlah)",
    ]
    book = sheets(client.get(f"/kompetisi/{open_competition.pk}/laporan/pemenang.xlsx?halaman=3"))
    numbered = {
        name: sum(1 for row in rows if isinstance(row[0], int)) for name, rows in book.items()
    }
    assert numbered["Kategori Besar"] == 3 and numbered["Kategori Sedang"] == 1
    assert numbered["Kategori Kecil"] == 1


def test_the_rekap_pages_filter_by_kecamatan(client, pejabat, published, open_competition):
    client.force_login(pejabat)
    base = f"/kompetisi/{open_competition.pk}/laporan"
    rekap = sections(get(client, f"{base}/rekap/?kecamatan={kecamatan('Pasar Jambi')}"))
    rows = rekap[""]
    assert len(rows) == 1 and "Pasar Jambi" in rows[0]
    assert rows[0].split()[-1] == "2"  # B and E
    per_kelurahan = sections(get(client, f"{base}/kelurahan/?kecamatan={kecamatan('Paal Merah')}"))
    assert per_kelurahan[""] and all("Paal Merah" in row for row in per_kelurahan[""])
    response = client.get(f"{base}/rekap.csv?kecamatan={kecamatan('Telanaipura')}")
    text = response.content.decode("utf-8-sig")
    assert "Telanaipura" in text and "Pasar Jambi" not in text and "Paal Merah" not in text


@pytest.mark.parametrize("persona", ["officer_eka_jaya", "officer_paal_merah"])
def test_an_officer_cannot_filter_its_way_into_another_region(
    client, request, published, open_competition, persona
):
    client.force_login(request.getfixturevalue(persona))
    mine = get(client, winners(open_competition))
    assert f'<option value="{kecamatan("Pasar Jambi")}"' not in mine
    assert f'<option value="{kecamatan("Paal Merah")}"' in mine
    assert "Beringin" not in mine and "Simpang IV Sipin" not in mine
    for name in ("pemenang", "rekap", "kelurahan"):
        url = (
            f"/kompetisi/{open_competition.pk}/laporan/{name}/?kecamatan={kecamatan('Pasar Jambi')}"
        )
        page = get(client, url)
        assert str(ERROR_FILTER_INVALID) in page, name
        assert "Beringin" not in page and "Pasar Jambi" not in page.split("</form>")[-1], name
        export = client.get(url.replace(f"/{name}/", f"/{name}.csv"))
        assert "Beringin" not in export.content.decode("utf-8-sig"), name
    # Its own kecamatan as a filter shows its own rows.
    own = get(client, f"{winners(open_competition)}?kecamatan={kecamatan('Paal Merah')}")
    assert "Eka Jaya" in own and str(ERROR_FILTER_INVALID) not in own


def _grow(competition, count: int) -> None:
    team = competition.jury_teams.first()
    kelurahan = Kelurahan.objects.get(name="Beringin")
    start = 300 + RT.objects.filter(kelurahan=kelurahan).count()
    for number in range(start, start + count):
        entry = EntryFactory(
            competition=competition,
            rt=RT.objects.create(kelurahan=kelurahan, number=number),
            status=EntryStatus.VERIFIED,
        )
        Assignment.objects.create(entry=entry, team=team)


@pytest.mark.parametrize(
    "query",
    ["pemenang/", "pemenang/?kecamatan={k}&category=besar&halaman=2", "rekap/?kecamatan={k}"],
)
def test_queries_per_page_do_not_grow_with_the_entries(
    client, panitia, season, open_competition, small_pages, query
):
    client.force_login(panitia)
    url = f"/kompetisi/{open_competition.pk}/laporan/" + query.format(k=kecamatan("Pasar Jambi"))
    _grow(open_competition, 5)
    with_few = count_queries(client, url)
    _grow(open_competition, 40)
    assert count_queries(client, url) == with_few
