"""The two rekaps count a kelurahan's RTs by one rule (scoring.reports.KELURAHAN_RTS): its
own figure (`rt_count`), else the RTs in the master data. The rekap per kecamatan summed
`rt_count` alone and showed 0 for a kelurahan without it, where the rekap per kelurahan
showed its RTs: the two pages (and their xlsx) disagreed on the same kelurahan."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from competitions.models import RT, Kelurahan
from scoring.reports import kelurahan_rekap_rows, rekap_rows
from scoring.result_selectors import result_table
from scoring.result_services import competition_finalise, competition_publish
from tests.scoring.seasons import build_season

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(open_competition, panitia):
    build_season(open_competition)
    competition_finalise(competition=open_competition, by=panitia)
    competition_publish(competition=open_competition, by=panitia)
    return open_competition


class _Rows(HTMLParser):
    """The text of each body row of the page's tables (header and total rows left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag == "td" and self._in_body:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page_rows(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    parser = _Rows()
    parser.feed(response.content.decode())
    return parser.rows


def xlsx_rows(client, url: str) -> list[list]:
    response = client.get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_a_kelurahan_without_rt_count_has_the_same_rts_on_both_rekaps(client, panitia, published):
    sipin = Kelurahan.objects.select_related("kecamatan").get(name="Simpang IV Sipin")
    assert sipin.rt_count is None
    known = RT.objects.filter(kelurahan=sipin).count()
    assert known >= 2  # RT 03 and RT 06 of the season, at least
    # Its kecamatan's other active kelurahan: their RTs, each by the same rule.
    others = sum(
        kelurahan.rt_count or kelurahan.rts.count()
        for kelurahan in Kelurahan.objects.active_in(published.year)
        .filter(kecamatan=sipin.kecamatan)
        .exclude(pk=sipin.pk)
    )
    client.force_login(panitia)
    base = f"/kompetisi/{published.pk}/laporan"

    # The rekap per kelurahan: the kelurahan's RTs in the master data (column 4, "Jumlah RT").
    on_page = next(row for row in page_rows(client, f"{base}/kelurahan/") if row[2] == sipin.name)
    in_xlsx = next(
        row for row in xlsx_rows(client, f"{base}/kelurahan.xlsx") if row[2] == sipin.name
    )
    assert on_page[3] == str(known) and in_xlsx[3] == known

    # The rekap per kecamatan: the kecamatan's RTs, this kelurahan counted the same way.
    name = sipin.kecamatan.name
    on_page = next(row for row in page_rows(client, f"{base}/rekap/") if row[1] == name)
    in_xlsx = next(row for row in xlsx_rows(client, f"{base}/rekap.xlsx") if row[1] == name)
    assert on_page[3] == str(known + others) and in_xlsx[3] == known + others
    # And the two rekaps' sums over the kecamatan agree.
    kelurahan_rows = [
        row
        for row in xlsx_rows(client, f"{base}/kelurahan.xlsx")
        if row[1] == name and row[2] is not None
    ]
    assert sum(row[3] for row in kelurahan_rows) == in_xlsx[3]


def test_every_kecamatan_counts_the_rts_its_kelurahan_rows_count(published):
    """Over the whole city, with and without a kelurahan's own figure: the rekap per
    kecamatan's "Jumlah RT" is the sum of the rekap per kelurahan's."""
    Kelurahan.objects.filter(name="Eka Jaya").update(rt_count=20)  # its own figure wins
    Kelurahan.objects.filter(name="Beringin").update(rt_count=0)  # 0: the master data's
    table = result_table(published)
    by_kecamatan: dict[str, int] = {}
    for row in kelurahan_rekap_rows(published, table, None):
        by_kecamatan[row.kecamatan] = by_kecamatan.get(row.kecamatan, 0) + row.rts
        if row.kelurahan == "Eka Jaya":
            assert row.rts == 20
        if row.kelurahan == "Beringin":
            assert row.rts == RT.objects.filter(kelurahan__name="Beringin").count() > 0
    counts = rekap_rows(published, table, None)
    assert {row.kecamatan: row.rts for row in counts.rows} == {
        name: by_kecamatan.get(name, 0) for name in (row.kecamatan for row in counts.rows)
    }
    assert sum(by_kecamatan.values()) > 20
