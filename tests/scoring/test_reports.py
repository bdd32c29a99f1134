"""The city's lists: read back from xlsx, scoped by role, and flat in queries."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from competitions.models import Kelurahan
from scoring.reports import pending_note
from scoring.result_services import competition_finalise, competition_publish
from tests.conftest import count_queries
from tests.scoring.seasons import TOTAL_PRIZE, Plan, build_season

pytestmark = pytest.mark.django_db


@pytest.fixture
def season(open_competition):
    return build_season(open_competition)


@pytest.fixture
def published(season, open_competition, panitia):
    competition_finalise(competition=open_competition, by=panitia)
    competition_publish(competition=open_competition, by=panitia)
    return season


def url(competition, name: str, fmt: str = "xlsx") -> str:
    return f"/kompetisi/{competition.pk}/laporan/{name}.{fmt}"


def workbook(response):
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(response.content))


def table(sheet) -> tuple[list, list[list]]:
    """The header row and the data rows under it (title rows skipped), up to the blank row
    before the signature block."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row[0] in ("No", "Kategori", "Kecamatan"))
    data = []
    for row in rows[start + 1 :]:
        if all(value is None for value in row):
            break
        data.append(row)
    return rows[start], data


def test_the_winners_list_is_ready_for_the_decree(client, pejabat, published, open_competition):
    client.force_login(pejabat)
    book = workbook(client.get(url(open_competition, "pemenang")))
    assert book.sheetnames == ["Ringkasan", "Kategori Besar", "Kategori Sedang", "Kategori Kecil"]
    header, rows = table(book["Ringkasan"])
    assert rows == [
        ["Besar", 3, 10_000_000, 30_000_000],
        ["Sedang", 1, 7_000_000, 7_000_000],
        ["Kecil", 1, 5_000_000, 5_000_000],
        ["Jumlah", 5, None, TOTAL_PRIZE],
    ]
    besar = book["Kategori Besar"]
    header, rows = table(besar)
    assert header == [
        "No",
        "Kecamatan",
        "Kelurahan",
        "RT",
        "Kampung",
        "KK",  # no head of RT for the pejabat (scoring.see_contacts)
        "Kategori",
        "Bersih",
        "Aman",
        "Pintar",
        "Nilai akhir",
        "Peringkat",
        "Hadiah",
    ]
    assert [(r[2], r[3], r[11], r[12]) for r in rows[:-1]] == [
        ("Eka Jaya", "RT 01", 1, 10_000_000),
        ("Beringin", "RT 02", 2, 10_000_000),
        ("Simpang IV Sipin", "RT 03", 2, 10_000_000),
    ]
    assert rows[0][10] == 100 and rows[1][10] == 75
    assert rows[-1][1] == "Jumlah" and rows[-1][12] == 30_000_000
    assert besar["A1"].value == "Daftar pemenang " + open_competition.title
    prize_cell = next(c for row in besar.iter_rows() for c in row if c.value == 10_000_000)
    assert prize_cell.number_format == '"Rp" #,##0'
    assert besar.freeze_panes is not None and besar.auto_filter.ref.startswith("A")
    # One page wide: fitToPage with fitToWidth 1, which may be left out (its default).
    assert (
        besar.page_setup.orientation == "landscape" and besar.sheet_properties.pageSetUpPr.fitToPage
    )
    assert (besar.page_setup.fitToWidth or 1) == 1


def test_the_rekap_follows_the_citys_table(client, panitia, published, open_competition):
    Kelurahan.objects.filter(name__in=["Eka Jaya", "Beringin"]).update(rt_count=20)
    client.force_login(panitia)
    book = workbook(client.get(url(open_competition, "rekap")))
    header, rows = table(book.active)
    assert header == [
        "No",
        "Kecamatan",
        "Jumlah kelurahan",
        "Jumlah RT",
        "RT diusulkan",
        "Pemenang besar",
        "Pemenang sedang",
        "Pemenang kecil",
        "Jumlah pemenang",
    ]
    by_name = {row[1]: row for row in rows}
    active = {
        name: Kelurahan.objects.active_in(open_competition.year)
        .filter(kecamatan__name=name)
        .count()
        for name in ("Paal Merah", "Pasar Jambi", "Telanaipura")
    }
    assert by_name["Paal Merah"][2:] == [active["Paal Merah"], 20, 3, 1, 0, 1, 2]
    assert by_name["Pasar Jambi"][2:] == [active["Pasar Jambi"], 20, 2, 1, 1, 0, 2]
    # No rt_count in Telanaipura: its RTs in the master data (Simpang IV Sipin's RT 03 and
    # RT 06), as the rekap per kelurahan counts them (scoring.reports.KELURAHAN_RTS).
    assert by_name["Telanaipura"][2:] == [active["Telanaipura"], 2, 2, 1, 0, 0, 1]
    assert rows[-1][1:] == ["Jumlah", 68, 42, 7, 3, 1, 1, 5]
    assert any(
        "Rp 42.000.000" in str(row[0]) for row in book.active.iter_rows(values_only=True) if row[0]
    )


def test_the_score_matrix_states_its_method(client, panitia, published, open_competition):
    client.force_login(panitia)
    book = workbook(client.get(url(open_competition, "matriks")))
    cells = [row[0] for row in book.active.iter_rows(values_only=True) if row and row[0]]
    assert any(str(cell).startswith("Cara hitung: nilai indikator = rata-rata") for cell in cells)
    header, rows = table(book.active)
    assert (
        header[:5] == ["Kecamatan", "Kelurahan", "RT", "Juri", "B1"] and header[-1] == "Nilai akhir"
    )
    g_rows = [row for row in rows if row[1] == "Eka Jaya" and row[2] == "RT 07"]
    assert [row[3] for row in g_rows] == ["Juri.Dua", "Juri.Satu", "Rata-rata"]
    assert g_rows[2][4] == 4.5 and g_rows[2][-1] == 87.5


def test_csv_cells_that_look_like_formulas_are_neutralised(client, panitia, open_competition):
    plans = [Plan("X", "Eka Jaya", 9, 120, (5, 5, 5), (5, 5, 5))]
    season = build_season(open_competition, plans=plans)
    season["X"].kampung_name = '=HYPERLINK("http://evil","klik")'
    season["X"].ketua_rt = "@SUM(A1)"
    season["X"].save()
    client.force_login(panitia)
    content = client.get(url(open_competition, "pemenang", "csv")).content.decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(content)) if len(r) > 5 and r[3] == "RT 09")
    assert row[4] == '\'=HYPERLINK("http://evil","klik")' and row[5] == "'@SUM(A1)"


def test_kelurahan_and_kecamatan_see_only_their_own_after_publication(
    client, officer_eka_jaya, officer_paal_merah, season, open_competition, panitia
):
    client.force_login(officer_eka_jaya)
    assert client.get(url(open_competition, "pemenang")).status_code == 403
    competition_finalise(competition=open_competition, by=panitia)
    assert client.get(url(open_competition, "pemenang")).status_code == 403
    competition_publish(competition=open_competition, by=panitia)
    for user, visible in ((officer_eka_jaya, {"Eka Jaya"}), (officer_paal_merah, {"Eka Jaya"})):
        client.force_login(user)
        book = workbook(client.get(url(open_competition, "pemenang")))
        names = {row[2] for name in book.sheetnames[1:] for row in table(book[name])[1][:-1]}
        assert names == visible
        _header, rows = table(workbook(client.get(url(open_competition, "rekap"))).active)
        assert [row[1] for row in rows[:-1]] == ["Paal Merah"]


def test_jurors_have_no_reports(client, juror, published, open_competition):
    client.force_login(juror)
    for name in ("pemenang", "rekap", "matriks", "peserta"):
        assert client.get(url(open_competition, name)).status_code == 403


def test_the_report_pages_use_the_same_rows(client, pejabat, published, open_competition):
    client.force_login(pejabat)
    page = client.get(f"/kompetisi/{open_competition.pk}/laporan/pemenang/").content.decode()
    assert "Rp 42.000.000" in page and "Rp 30.000.000" in page
    assert "Simpang IV Sipin" in page
    assert client.get(f"/kompetisi/{open_competition.pk}/laporan/lainnya/").status_code == 404


def many_plans(count: int) -> list[Plan]:
    kelurahan = ["Eka Jaya", "Beringin", "Simpang IV Sipin", "Thehok", "Sijenjang"]
    return [
        Plan(
            str(i),
            kelurahan[i % 5],
            i // 5 + 1,
            30 + (i * 7) % 170,
            (3 + i % 3,) * 3,
            (2 + i % 4,) * 3,
        )
        for i in range(count)
    ]


PAGES = [
    "/pleno/",
    "/laporan/pemenang.xlsx",
    "/laporan/rekap.xlsx",
    "/laporan/matriks.csv",
    "/laporan/peserta.xlsx",
    "/laporan/pemenang/",
]


@pytest.mark.parametrize("finalised", [False, True])
def test_the_plenary_and_exports_take_as_many_queries_for_1000_entries_as_for_10(
    client, panitia, finalised, open_competition, django_db_blocker
):
    from competitions.models import Competition
    from competitions.services import competition_create

    counts = {}
    for size, year in ((10, 2031), (1000, 2032)):
        competition = competition_create(year=year)
        build_season(competition, plans=many_plans(size))
        if finalised:
            competition_finalise(competition=competition, by=panitia)
        client.force_login(panitia)
        counts[size] = [
            count_queries(client, f"/kompetisi/{competition.pk}{page}") for page in PAGES
        ]
        assert Competition.objects.get(pk=competition.pk).entries.count() == size
    assert counts[10] == counts[1000]


def test_the_winners_list_counts_what_it_leaves_out_in_indonesian():
    note = pending_note({"complete": 4, "incomplete": 1, "unscored": 2})

    assert note == (
        "1 RT belum lengkap dan 2 RT belum dinilai: belum diberi peringkat dan belum dapat "
        "menjadi pemenang (lembar Belum lengkap)."
    )
