"""The xlsx a city official opens: real numbers with their formats, bold totals, text as text."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from bantar.exports import (
    DECIMAL,
    INTEGER,
    MONEY,
    NUMBER,
    Column,
    Report,
    Sheet,
    Signature,
    write_xlsx,
)

RUPIAH = '"Rp" #,##0'


def winners_sheet(rows: list[tuple], total: list | None = None) -> Sheet:
    """A small winners list: RT, Ketua RT, KK, Nilai akhir, a plain score, Hadiah."""
    return Sheet(
        name="Kategori Besar",
        columns=[
            Column("RT", lambda row: row[0]),
            Column("Ketua RT", lambda row: row[1]),
            Column("KK", lambda row: row[2], INTEGER),
            Column("Nilai akhir", lambda row: row[3], DECIMAL),
            Column("B1", lambda row: row[4], NUMBER),
            Column("Hadiah", lambda row: row[5], MONEY),
        ],
        rows=rows,
        total=total,
    )


def written(*sheets: Sheet, title: str = "Daftar pemenang 2024") -> list[list]:
    """The cells of the first sheet as Excel reads them, title rows included."""
    report = Report(title=title, subtitle="Kota Jambi", filename="pemenang", sheets=list(sheets))
    target = io.BytesIO()
    write_xlsx(report, target)
    return [list(row) for row in load_workbook(io.BytesIO(target.getvalue())).active.iter_rows()]


ROWS = [
    ("RT 01", "Pak Amir", 1_250, Decimal("87.50"), 4, 10_000_000),
    ("RT 02", "Bu Sari", 80, Decimal("75.25"), Decimal("3.67"), 7_000_000),
]
TOTAL = ["Jumlah", "2 RT", 1_330, None, None, 17_000_000]


def test_numbers_are_real_numbers_in_their_columns_format():
    rows = written(winners_sheet(ROWS))
    first = rows[4]  # title, subtitle, blank, header
    assert [cell.value for cell in first] == ["RT 01", "Pak Amir", 1_250, 87.5, 4, 10_000_000]
    assert [cell.number_format for cell in first] == [
        "General",
        "General",
        "#,##0",
        "0.00",
        "General",
        RUPIAH,
    ]
    assert [cell.data_type for cell in first] == ["s", "s", "n", "n", "n", "n"]
    assert rows[5][4].value == 3.67 and rows[5][4].number_format == "General"


def test_text_in_a_number_column_stays_plain_text():
    rows = written(winners_sheet([("RT 03", "Pak Budi", "belum", Decimal("60"), None, "-")]))
    kk, prize = rows[4][2], rows[4][5]
    assert (kk.value, kk.data_type, kk.number_format) == ("belum", "s", "General")
    assert (prize.value, prize.number_format) == ("-", "General")


def test_the_total_row_is_bold_and_keeps_the_number_formats():
    rows = written(winners_sheet(ROWS, total=TOTAL))
    total = rows[6]
    assert [cell.value for cell in total] == TOTAL
    assert all(cell.font.b for cell in total)
    assert [total[2].number_format, total[5].number_format] == ["#,##0", RUPIAH]
    assert not any(cell.font.b for cell in rows[5])


def test_the_title_and_header_are_styled_and_the_header_is_frozen():
    report = Report(title="Daftar pemenang", filename="x", sheets=[winners_sheet(ROWS)])
    target = io.BytesIO()
    write_xlsx(report, target)
    sheet = load_workbook(io.BytesIO(target.getvalue())).active
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 14
    header = sheet[3]
    assert [cell.value for cell in header][:3] == ["RT", "Ketua RT", "KK"]
    assert all(cell.font.b and cell.alignment.wrap_text for cell in header)
    # The colour, whatever alpha byte the writer puts before it (Excel ignores it).
    assert {(cell.fill.fill_type, cell.fill.fgColor.rgb[-6:]) for cell in header} == {
        ("solid", "D9EAD3")
    }
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref == "A3:F5"


def test_the_sheet_prints_landscape_on_a4_one_page_wide_with_the_header_on_every_page():
    report = Report(title="Daftar pemenang", filename="x", sheets=[winners_sheet(ROWS)])
    target = io.BytesIO()
    write_xlsx(report, target)
    sheet = load_workbook(io.BytesIO(target.getvalue())).active
    setup = sheet.page_setup
    assert (setup.orientation, str(setup.paperSize)) == ("landscape", "9")
    # fitToWidth may be left out: 1 is its default in the file format.
    assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows.replace("$", "") == "3:3"
    assert sheet.column_dimensions["A"].width > 0


def test_sheet_names_excel_would_refuse_are_cleaned_and_kept_apart():
    long_name = "Kategori Sedang: RT/RW [Kelurahan Beringin]"
    sheets = [winners_sheet(ROWS), winners_sheet(ROWS), winners_sheet(ROWS)]
    sheets[0].name, sheets[1].name, sheets[2].name = long_name, long_name, "'Kecil'"
    report = Report(title="Daftar pemenang", filename="x", sheets=sheets)
    target = io.BytesIO()
    write_xlsx(report, target)
    names = load_workbook(io.BytesIO(target.getvalue())).sheetnames
    assert names == ["Kategori Sedang  RT RW  Kelurah", "Kategori Sedang  RT RW  Kelura1", "Kecil"]


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://evil","klik")', "=1+1", "#N/A", "@SUM(A1)", "+62 812"]
)
def test_text_that_looks_like_a_formula_stays_text(text):
    rows = written(winners_sheet([("RT 09", text, 5, Decimal(1), 1, 0)], total=[text, *TOTAL[1:]]))
    for cell in (rows[4][1], rows[5][0]):
        assert (cell.value, cell.data_type) == (text, "s")


def test_a_title_that_looks_like_a_formula_stays_text():
    rows = written(winners_sheet(ROWS), title="=2+2")
    assert (rows[0][0].value, rows[0][0].data_type) == ("=2+2", "s")


def test_a_moment_is_written_as_jakarta_wall_time():
    moment = datetime(2024, 8, 17, 1, 30, tzinfo=UTC)
    rows = written(winners_sheet([("RT 01", moment, 1, Decimal(1), 1, 1)]))
    assert rows[4][1].value == datetime(2024, 8, 17, 8, 30)


def test_lazy_text_safe_strings_and_int_subclasses_are_written_as_their_base_type():
    from enum import IntEnum

    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    class Rank(IntEnum):
        FIRST = 1

    sheet = winners_sheet([("RT 01", mark_safe("=1+1"), Rank.FIRST, Decimal(1), 1, 0)])
    sheet.columns[0] = Column(gettext_lazy("RT"), lambda row: row[0])
    rows = written(sheet)
    assert rows[3][0].value == "RT"
    assert (rows[4][1].value, rows[4][1].data_type) == ("=1+1", "s")
    assert (rows[4][2].value, rows[4][2].number_format) == (1, "#,##0")


def printed(report: Report):
    target = io.BytesIO()
    write_xlsx(report, target)
    return load_workbook(io.BytesIO(target.getvalue())).active


def test_every_cell_of_the_table_has_borders_and_the_title_none():
    sheet = printed(
        Report(title="Daftar pemenang", filename="x", sheets=[winners_sheet(ROWS, total=TOTAL)])
    )
    table = [row for row in sheet.iter_rows(min_row=3, max_row=6)]  # header, 2 rows, total
    sides = {
        (
            cell.border.left.style,
            cell.border.right.style,
            cell.border.top.style,
            cell.border.bottom.style,
        )
        for row in table
        for cell in row
    }
    assert sides == {("thin", "thin", "thin", "thin")}
    assert table[3][3].value is None  # an empty cell of the total row keeps its borders
    assert sheet["A1"].border.bottom.style is None


def test_the_footer_numbers_the_pages_and_names_the_list():
    sheet = printed(Report(title="Rekap & ringkasan", filename="x", sheets=[winners_sheet(ROWS)]))
    footer = sheet.oddFooter
    assert footer.right.text == "Halaman &P dari &N"
    assert footer.left.text == "Rekap && ringkasan"


def test_the_signature_block_sits_under_the_table_over_its_last_columns():
    signature = Signature(
        place_date="Jambi, 26 Oktober 2020",
        title="Wali Kota Jambi",
        name="Dr. H. Budi Santoso",
        nip="19700101 199003 1 001",
    )
    report = Report(
        title="Daftar pemenang",
        filename="x",
        sheets=[winners_sheet(ROWS, total=TOTAL)],
        signature=signature,
    )
    sheet = printed(report)
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    # Title, blank, header, 2 rows, total (row 6), one blank row, then the block from row 8.
    assert all(value is None for value in values[6])
    block = [row[2] for row in values[7:12]]
    assert block == [
        "Jambi, 26 Oktober 2020",
        "Wali Kota Jambi",
        None,
        "Dr. H. Budi Santoso",
        "NIP 19700101 199003 1 001",
    ]
    assert {str(merged) for merged in sheet.merged_cells.ranges} >= {"C8:F8", "C11:F11"}
    assert (
        sheet["C9"].font.b and sheet["C11"].font.b and sheet["C8"].alignment.horizontal == "center"
    )
    assert sheet.row_dimensions[10].height == 48  # room to sign


def test_a_signature_without_a_name_leaves_a_line_to_write_it_and_no_nip():
    sheet = printed(
        Report(
            title="Rekap",
            filename="x",
            sheets=[winners_sheet(ROWS)],
            signature=Signature(place_date="Jambi, 1 Mei 2024", title="Wali Kota Jambi", name=""),
        )
    )
    values = [cell.value for row in sheet.iter_rows(min_row=7) for cell in row if cell.value]
    assert values == ["Jambi, 1 Mei 2024", "Wali Kota Jambi", "." * 30]
