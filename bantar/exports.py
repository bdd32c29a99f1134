"""One set of row generators, three renderings: HTML tables, CSV and xlsx.

A report is a list of sheets; a sheet is columns plus rows. Views build the
report from selectors and hand it to `csv_response` or `xlsx_response`, and the
same sheet feeds the HTML page, so the three can never disagree.

CSV cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) are
prefixed with an apostrophe. The xlsx is written with openpyxl's write-only
mode: real numbers, Rupiah format, title rows, frozen header, autofilter, and
a landscape fit-to-width print set-up.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

TEXT, INTEGER, DECIMAL, MONEY = "text", "integer", "decimal", "money"
NUMBER = "number"  # whole or fractional, shown as Excel's General format
NUMBER_FORMATS = {INTEGER: "#,##0", DECIMAL: "0.00", MONEY: '"Rp" #,##0'}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    kind: str = TEXT
    width: int = 14


@dataclass
class Sheet:
    name: str
    columns: Sequence[Column]
    rows: Iterable[Any]
    total: Sequence[Any] | None = None  # one value per column, already computed

    def values(self) -> Iterable[list[Any]]:
        for row in self.rows:
            yield [column.value(row) for column in self.columns]


@dataclass
class Report:
    title: str
    filename: str
    sheets: list[Sheet]
    subtitle: str = ""
    notes: list[str] = field(default_factory=list)


def neutralize(value: Any) -> Any:
    """Keep a spreadsheet from reading a text cell as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return neutralize(value if not isinstance(value, date) else value.isoformat())


def _stamp(report: Report, extension: str) -> str:
    return f"{slugify(report.filename)}-{timezone.localdate():%Y%m%d}.{extension}"


def csv_response(report: Report) -> HttpResponse:
    """All sheets of the report, one after the other, each with its header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, sheet in enumerate(report.sheets):
        if index:
            writer.writerow([])
        if len(report.sheets) > 1:
            writer.writerow([neutralize(sheet.name)])
        writer.writerow([column.header for column in sheet.columns])
        for values in sheet.values():
            writer.writerow([_csv_cell(value) for value in values])
        if sheet.total is not None:
            writer.writerow([_csv_cell(value) for value in sheet.total])
    # A byte-order mark lets Excel open the UTF-8 file with the right characters.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_stamp(report, "csv")}"'
    return response


def write_xlsx(report: Report, target: Any) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="D9EAD3")
    for sheet in report.sheets:
        worksheet = workbook.create_sheet(title=_sheet_title(sheet.name))
        last_column = get_column_letter(len(sheet.columns))
        title_rows = [report.title, report.subtitle, *report.notes]
        title_rows = [row for row in title_rows if row]
        header_row = len(title_rows) + 2
        for index, column in enumerate(sheet.columns, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = column.width
        worksheet.freeze_panes = f"A{header_row + 1}"
        worksheet.page_setup.orientation = "landscape"
        worksheet.page_setup.paperSize = "9"  # A4
        worksheet.page_setup.fitToWidth = 1
        worksheet.page_setup.fitToHeight = 0
        worksheet.sheet_properties.pageSetUpPr.fitToPage = True
        worksheet.print_title_rows = f"{header_row}:{header_row}"

        for number, text in enumerate(title_rows):
            cell = WriteOnlyCell(worksheet, value=text)
            cell.font = Font(bold=number == 0, size=14 if number == 0 else 11)
            worksheet.append([cell])
        worksheet.append([])
        headers = []
        for column in sheet.columns:
            cell = WriteOnlyCell(worksheet, value=column.header)
            cell.font, cell.fill = bold, header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            headers.append(cell)
        worksheet.append(headers)
        count = 0
        for values in sheet.values():
            worksheet.append(_xlsx_row(worksheet, sheet.columns, values, WriteOnlyCell))
            count += 1
        worksheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + count}"
        if sheet.total is not None:
            cells = _xlsx_row(worksheet, sheet.columns, sheet.total, WriteOnlyCell)
            for cell in cells:
                cell.font = bold
            worksheet.append(cells)
    workbook.save(target)


def _xlsx_row(
    worksheet: Any, columns: Sequence[Column], values: Sequence[Any], cell_class: Any
) -> list[Any]:
    cells = []
    for column, value in zip(columns, values, strict=True):
        if isinstance(value, datetime):
            value = timezone.localtime(value).replace(tzinfo=None)
        cell = cell_class(worksheet, value=value)
        if column.kind in NUMBER_FORMATS and isinstance(value, int | float | Decimal):
            cell.number_format = NUMBER_FORMATS[column.kind]
        cells.append(cell)
    return cells


def _sheet_title(name: str) -> str:
    for forbidden in "[]:*?/\\":
        name = name.replace(forbidden, " ")
    return name[:31] or "Sheet"


def xlsx_response(report: Report) -> HttpResponse:
    buffer = io.BytesIO()
    write_xlsx(report, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_stamp(report, "xlsx")}"'
    return response


def export_response(report: Report, export_format: str) -> HttpResponse:
    return xlsx_response(report) if export_format == "xlsx" else csv_response(report)
