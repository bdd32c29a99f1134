"""One set of row generators, three renderings: HTML tables, CSV and xlsx.

A report is a list of sheets; a sheet is columns plus rows. Views build the
report from selectors and hand it to `csv_response` or `xlsx_response`, and the
same sheet feeds the HTML page, so the three can never disagree.

CSV cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) are
prefixed with an apostrophe. The xlsx is written with openpyxl's write-only
mode: real numbers, Rupiah format, title rows, frozen header, autofilter, and
a landscape fit-to-width print set-up; text is always stored as text, never
as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

if TYPE_CHECKING:  # openpyxl is imported when an xlsx is written, not with every view
    from openpyxl import Workbook
    from openpyxl.cell import Cell
    from openpyxl.styles.cell_style import StyleArray

TEXT, INTEGER, DECIMAL, MONEY = "text", "integer", "decimal", "money"
NUMBER = "number"  # whole or fractional, shown as Excel's General format
NUMBER_FORMATS = {INTEGER: "#,##0", DECIMAL: "0.00", MONEY: '"Rp" #,##0'}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMERIC = (int, float, Decimal)
# openpyxl would store text that starts with "=" as a formula, and "#N/A",
# "#REF!", ... as an error code: such text goes in as a cell typed as text.
RETYPED_TEXT_PREFIXES = ("=", "#")


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

    workbook = Workbook(write_only=True)
    styles = _XlsxStyles()
    for sheet in report.sheets:
        _XlsxSheet(workbook, styles, report, sheet).write()
    workbook.save(target)


class _XlsxStyles:
    """The styles of one workbook, each made once and copied into every cell that uses it.

    Setting `cell.number_format` or `cell.font` looks the style up in the
    workbook's lists every time. Here each style is set once, on a model cell,
    and the cells that need it are built with a copy of its StyleArray.
    """

    def __init__(self) -> None:
        self._made: dict[tuple[str | None, bool, int | None, bool], StyleArray] = {}

    def get(
        self,
        worksheet: Any,
        number_format: str | None = None,
        *,
        bold: bool = False,
        size: int | None = None,
        header: bool = False,
    ) -> StyleArray:
        key = (number_format, bold, size, header)
        if key not in self._made:
            self._made[key] = self._make(worksheet, *key)
        return self._made[key]

    @staticmethod
    def _make(
        worksheet: Any, number_format: str | None, bold: bool, size: int | None, header: bool
    ) -> StyleArray:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        model = WriteOnlyCell(worksheet)  # any sheet: the style lists are the workbook's
        if number_format:
            model.number_format = number_format
        if bold or size:
            model.font = Font(bold=bold, size=size)
        if header:
            model.fill = PatternFill("solid", fgColor="D9EAD3")
            model.alignment = Alignment(wrap_text=True, vertical="center")
        return model._style


class _XlsxSheet:
    """One sheet of a report, written as one write-only worksheet.

    openpyxl's write-only `append` turns a plain value into XML through one
    reused cell object. A cell that we pass in costs several times that:
    openpyxl first tries it as a value, which fails and formats an error
    message, and then allocates a fresh reusable cell. So a value goes in as
    a cell only when it needs one: a number in a column with a number format,
    the title, header and total rows, and text that openpyxl would otherwise
    store as a formula or an error code.
    """

    def __init__(self, workbook: Workbook, styles: _XlsxStyles, report: Report, sheet: Sheet):
        self.report, self.sheet, self.styles = report, sheet, styles
        self.worksheet = workbook.create_sheet(title=_sheet_title(sheet.name))
        self.formats = [NUMBER_FORMATS.get(column.kind) for column in sheet.columns]
        # Per column, the style of a number in a data row; None: a plain value.
        self.number_styles = [
            styles.get(self.worksheet, number_format) if number_format else None
            for number_format in self.formats
        ]

    def write(self) -> None:
        from openpyxl.utils import get_column_letter

        title_rows = [self.report.title, self.report.subtitle, *self.report.notes]
        title_rows = [row for row in title_rows if row]
        header_row = len(title_rows) + 2
        self._set_up_page(header_row)
        for number, text in enumerate(title_rows):
            if number == 0:
                style = self.styles.get(self.worksheet, bold=True, size=14)
            else:
                style = self.styles.get(self.worksheet, size=11)
            self.worksheet.append([self._cell(text, style)])
        self.worksheet.append([])
        header = self.styles.get(self.worksheet, bold=True, header=True)
        self.worksheet.append([self._cell(column.header, header) for column in self.sheet.columns])
        count = 0
        for values in self.sheet.values():
            self.worksheet.append(self._data_row(values))
            count += 1
        last_column = get_column_letter(len(self.sheet.columns))
        self.worksheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + count}"
        if self.sheet.total is not None:
            self.worksheet.append(self._total_row(self.sheet.total))

    def _set_up_page(self, header_row: int) -> None:
        from openpyxl.utils import get_column_letter

        worksheet = self.worksheet
        for index, column in enumerate(self.sheet.columns, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = column.width
        worksheet.freeze_panes = f"A{header_row + 1}"
        worksheet.page_setup.orientation = "landscape"
        worksheet.page_setup.paperSize = "9"  # A4
        worksheet.page_setup.fitToWidth = 1
        worksheet.page_setup.fitToHeight = 0
        worksheet.sheet_properties.pageSetUpPr.fitToPage = True
        worksheet.print_title_rows = f"{header_row}:{header_row}"

    def _data_row(self, values: Sequence[Any]) -> list[Any]:
        """Plain values, except numbers that need their column's number format."""
        from openpyxl.cell import Cell

        worksheet = self.worksheet
        row = []
        for style, value in zip(self.number_styles, values, strict=True):
            if isinstance(value, str):
                if value.startswith(RETYPED_TEXT_PREFIXES):
                    value = self._cell(value)
            elif style is not None and isinstance(value, NUMERIC):
                value = Cell(worksheet, row=1, column=1, value=value, style_array=style)
            elif isinstance(value, datetime):
                value = _wall_time(value)
            row.append(value)
        return row

    def _total_row(self, values: Sequence[Any]) -> list[Cell]:
        """Every cell bold, empty ones included; numbers keep their column's format."""
        row = []
        for number_format, value in zip(self.formats, values, strict=True):
            if not isinstance(value, NUMERIC):
                number_format = None
            style = self.styles.get(self.worksheet, number_format, bold=True)
            row.append(self._cell(value, style))
        return row

    def _cell(self, value: Any, style: StyleArray | None = None) -> Cell:
        from openpyxl.cell import Cell

        if isinstance(value, datetime):
            value = _wall_time(value)
        cell = Cell(self.worksheet, row=1, column=1, value=value, style_array=style)
        if isinstance(value, str):
            cell.data_type = "s"  # text stays text, even "=HYPERLINK(...)" or "#N/A"
        return cell


def _wall_time(moment: datetime) -> datetime:
    """Excel has no time zones: an aware datetime is written as local wall time."""
    return timezone.localtime(moment).replace(tzinfo=None)


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
