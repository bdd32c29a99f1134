"""One set of row generators, three renderings: HTML tables, CSV and xlsx.

A report is a list of sheets; a sheet is columns plus rows. Views build the
report from selectors and hand it to `csv_response` or `xlsx_response`, and the
same sheet feeds the HTML page, so the three can never disagree.

CSV cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) are
prefixed with an apostrophe. The xlsx is written with XlsxWriter, row by row
(constant_memory): real numbers, Rupiah format, title rows, frozen header,
autofilter, cell borders, a landscape fit-to-width print set-up with page
numbers in the footer, and the report's signature block (when it has one) under
the table; text is always stored as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _

if TYPE_CHECKING:  # XlsxWriter is imported when an xlsx is written, not with every view
    import xlsxwriter
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

TEXT, INTEGER, DECIMAL, MONEY = "text", "integer", "decimal", "money"
NUMBER = "number"  # whole or fractional, shown as Excel's General format
NUMBER_FORMATS = {INTEGER: "#,##0", DECIMAL: "0.00", MONEY: '"Rp" #,##0'}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What openpyxl wrote for a datetime and a date: Excel shows them so, in local time.
DATETIME_FORMAT, DATE_FORMAT = "yyyy-mm-dd h:mm:ss", "yyyy-mm-dd"


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


@dataclass(frozen=True)
class Signature:
    """Who signs a printed list, and where and when: the same block in xlsx and PDF."""

    place_date: str  # "Jambi, 26 Oktober 2020"
    title: str  # "Wali Kota Jambi"
    name: str  # empty: a dotted line to sign and write the name on
    nip: str = ""  # left out when empty (an elected official has none)

    def lines(self) -> list[tuple[str, str]]:
        """(role, text) from top to bottom; "space" is the room for the signature itself."""
        name = self.name or "." * 30
        lines = [("place", self.place_date), ("title", self.title), ("space", ""), ("name", name)]
        if self.nip:
            lines.append(("nip", _("NIP %(nip)s") % {"nip": self.nip}))
        return lines


@dataclass
class Report:
    title: str
    filename: str
    sheets: list[Sheet]
    subtitle: str = ""
    notes: list[str] = field(default_factory=list)
    signature: Signature | None = None


def neutralize(value: Any) -> Any:
    """Keep a spreadsheet from reading a text cell as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):  # a decimal comma, as every Indonesian file writes it
        return format(value, "f").replace(".", ",")
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
    """Write the report into `target`, a path or a binary file object such as a BytesIO."""
    from xlsxwriter import Workbook

    # constant_memory: each row goes to a temporary file as soon as the next one
    # starts, so a city-wide matrix does not sit in memory as cell objects.
    # XlsxWriter cannot do that together with in_memory. A NaN or infinite
    # number becomes Excel's #NUM! or #DIV/0! rather than an error page.
    options = {"constant_memory": True, "in_memory": False, "nan_inf_to_errors": True}
    with Workbook(target, options) as workbook:
        formats = _XlsxFormats(workbook)
        titles: set[str] = set()
        for sheet in report.sheets:
            title = _unique(_sheet_title(sheet.name), titles)
            _XlsxSheet(workbook.add_worksheet(title), formats, report, sheet).write()


class _XlsxFormats:
    """The cell formats of one workbook, each added once."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self._made: dict[tuple[str | None, bool, int | None, bool, bool, str], Format] = {}

    def get(
        self,
        number_format: str | None = None,
        *,
        bold: bool = False,
        size: int | None = None,
        header: bool = False,
        border: bool = False,
        align: str = "",
    ) -> Format | None:
        key = (number_format, bold, size, header, border, align)
        if key == (None, False, None, False, False, ""):
            return None
        if key not in self._made:
            properties: dict[str, Any] = {"bold": bold}
            if number_format:
                properties["num_format"] = number_format
            if size:
                properties["font_size"] = size
            if header:
                properties.update(pattern=1, bg_color="#D9EAD3", text_wrap=True, valign="vcenter")
            if border:  # thin lines around every cell of the table, so that it prints as one
                properties["border"] = 1
            if align:
                properties["align"] = align
            self._made[key] = self.workbook.add_format(properties)
        return self._made[key]


# A writer puts one value into (row, column) of the worksheet.
Writer = Callable[[int, int, Any], Any]


class _XlsxSheet:
    """One sheet of a report, written row by row (XlsxWriter's constant_memory mode).

    Each column gets, once, a table from a value's type to the XlsxWriter call
    that writes it with the column's format: a row is then one lookup and one
    call per value. Text always goes through `write_string`, so that
    "=HYPERLINK(...)" or "#N/A" stays text and never becomes a formula.
    """

    def __init__(
        self, worksheet: Worksheet, formats: _XlsxFormats, report: Report, sheet: Sheet
    ) -> None:
        self.worksheet, self.formats, self.report, self.sheet = worksheet, formats, report, sheet
        number_formats = [NUMBER_FORMATS.get(column.kind) for column in sheet.columns]
        self.data_writers = [self._writers(number_format) for number_format in number_formats]
        self.total_writers = [
            self._writers(number_format, bold=True) for number_format in number_formats
        ]

    def _writers(self, number_format: str | None, *, bold: bool = False) -> dict[type, Writer]:
        worksheet, formats = self.worksheet, self.formats
        text = formats.get(bold=bold, border=True)
        number = formats.get(number_format, bold=bold, border=True)
        moment = formats.get(DATETIME_FORMAT, bold=bold, border=True)
        day = formats.get(DATE_FORMAT, bold=bold, border=True)

        def write_string(row: int, column: int, value: str) -> None:
            worksheet.write_string(row, column, value, text)

        def write_number(row: int, column: int, value: Any) -> None:
            worksheet.write_number(row, column, value, number)

        def write_blank(row: int, column: int, value: None) -> None:
            # An empty cell keeps its borders (and, in a total row, its bold).
            worksheet.write_blank(row, column, None, text)

        def write_datetime(row: int, column: int, value: datetime) -> None:
            worksheet.write_datetime(row, column, _wall_time(value), moment)

        def write_date(row: int, column: int, value: date) -> None:
            worksheet.write_datetime(row, column, value, day)

        def write_boolean(row: int, column: int, value: bool) -> None:
            worksheet.write_boolean(row, column, value, text)

        return {
            str: write_string,
            int: write_number,
            float: write_number,
            Decimal: write_number,
            Fraction: write_number,
            type(None): write_blank,
            datetime: write_datetime,
            date: write_date,
            bool: write_boolean,
        }

    def write(self) -> None:
        worksheet, columns = self.worksheet, self.sheet.columns
        title_rows = [self.report.title, self.report.subtitle, *self.report.notes]
        title_rows = [str(row) for row in title_rows if row]
        header_row = len(title_rows) + 1  # after the title rows and one blank row
        self._set_up_page(header_row)
        for number, text in enumerate(title_rows):
            if number == 0:
                style = self.formats.get(bold=True, size=14)
            else:
                style = self.formats.get(size=11)
            worksheet.write_string(number, 0, text, style)
        header = self.formats.get(bold=True, header=True, border=True)
        for index, column in enumerate(columns):
            worksheet.write_string(header_row, index, str(column.header), header)
        row = header_row
        for values in self.sheet.values():
            row += 1
            self._write_row(row, values, self.data_writers)
        worksheet.autofilter(header_row, 0, row, len(columns) - 1)
        if self.sheet.total is not None:
            row += 1
            self._write_row(row, self.sheet.total, self.total_writers)
        if self.report.signature is not None:
            self._write_signature(row + 2, self.report.signature)

    def _write_signature(self, first_row: int, signature: Signature) -> None:
        """The signature block under the table, centred over its last (up to four) columns."""
        last = len(self.sheet.columns) - 1
        start = max(0, last - 3)
        for offset, (role, text) in enumerate(signature.lines()):
            row = first_row + offset
            style = self.formats.get(bold=role in ("title", "name"), align="center")
            if role == "space":  # room for the signature and the stamp
                self.worksheet.set_row(row, 48)
            if start == last:
                self.worksheet.write_string(row, start, text, style)
            else:
                self.worksheet.merge_range(row, start, row, last, text, style)

    def _set_up_page(self, header_row: int) -> None:
        worksheet = self.worksheet
        for index, column in enumerate(self.sheet.columns):
            worksheet.set_column(index, index, column.width)
        worksheet.freeze_panes(header_row + 1, 0)
        worksheet.set_landscape()
        worksheet.set_paper(9)  # A4
        worksheet.fit_to_pages(1, 0)  # one page wide, as many pages down as it takes
        worksheet.repeat_rows(header_row)
        # &P and &N are Excel's page number and page count; && is a literal ampersand.
        title = str(self.report.title)[:150].replace("&", "&&")  # a footer holds 255 characters
        page = _("Halaman &P dari &N")
        worksheet.set_footer(f"&L&8{title}&R&8{page}")

    def _write_row(
        self, row: int, values: Sequence[Any], writers: list[dict[type, Writer]]
    ) -> None:
        for column, (value, by_type) in enumerate(zip(values, writers, strict=True)):
            write = by_type.get(value.__class__)
            if write is None:  # a subclass: a lazy translation, a SafeString, an IntEnum
                value, write = _plain(value, by_type)
            write(row, column, value)


def _plain(value: Any, writers: dict[type, Writer]) -> tuple[Any, Writer]:
    """A value of a subclass as its base type, with the writer of that type."""
    if isinstance(value, Promise | str):
        return str(value), writers[str]
    for base in (bool, int, float, Decimal, Fraction, datetime, date):
        if isinstance(value, base):
            return value, writers[base]
    raise TypeError(f"an xlsx cell cannot hold {type(value).__name__}: {value!r}")


def _wall_time(moment: datetime) -> datetime:
    """Excel has no time zones: an aware datetime is written as local wall time."""
    return timezone.localtime(moment).replace(tzinfo=None)


def _sheet_title(name: str) -> str:
    """A name Excel accepts: no []:*?/\\, at most 31 characters, not starting or ending with '."""
    for forbidden in "[]:*?/\\":
        name = name.replace(forbidden, " ")
    # Excel counts UTF-16 code units; an emoji takes two of the 31.
    name = name.encode("utf-16-le")[:62].decode("utf-16-le", errors="ignore")
    return name.strip("'") or "Sheet"


def _unique(title: str, taken: set[str]) -> str:
    """Two sheets cut to the same 31 characters get a number, as openpyxl used to give."""
    candidate, number = title, 0
    while candidate.lower() in taken:
        number += 1
        suffix = str(number)
        candidate = _sheet_title(title[: 31 - len(suffix)] + suffix)
    taken.add(candidate.lower())
    return candidate


def xlsx_response(report: Report) -> HttpResponse:
    buffer = io.BytesIO()
    write_xlsx(report, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_stamp(report, "xlsx")}"'
    return response


def export_response(report: Report, export_format: str) -> HttpResponse:
    return xlsx_response(report) if export_format == "xlsx" else csv_response(report)
