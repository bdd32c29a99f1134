"""Reading an uploaded spreadsheet (xlsx or csv) within bounds known before parsing.

Every import of the portal reads through here: the panitia's list of RTs and the
admin's master data. The bounds (settings, see the README):

- the upload itself: BANTAR_IMPORT_MAX_BYTES;
- an xlsx is a zip: its central directory says how large each member unpacks, so the
  sum (BANTAR_IMPORT_MAX_UNCOMPRESSED) and the ratio to the packed size
  (BANTAR_IMPORT_MAX_RATIO) are checked before any member is inflated. Python's
  zipfile never inflates a member past the size the directory declares, so a member
  that lies about its size cannot grow either: a zip bomb is refused at once;
- rows (BANTAR_IMPORT_MAX_ROWS, after the header) and columns
  (BANTAR_IMPORT_MAX_COLUMNS), counted while streaming: openpyxl's read-only mode
  and the csv module read one row at a time, and reading stops at the first row
  over a bound.

Formulas are never evaluated: an xlsx is read with formulas kept as text ("=..."),
as a csv cell is, so that the importers can refuse them by name.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERROR_TOO_LARGE = _(
    "Berkas terlalu besar: %(size)s MB, paling besar %(max)s MB. Bagi menjadi beberapa berkas."
)
ERROR_UNREADABLE = _(
    "Berkas tidak dapat dibaca sebagai %(format)s. Simpan ulang dari Excel lalu coba lagi."
)
ERROR_UNPACKED_TOO_LARGE = _(
    "Berkas Excel ini mengembang menjadi %(size)s MB saat dibuka (paling besar %(max)s MB). "
    "Berkas ditolak tanpa dibuka; simpan ulang hanya lembar daftarnya, atau bagi datanya."
)
ERROR_RATIO = _(
    "Isi berkas Excel ini %(ratio)s kali lebih besar dari berkasnya (paling banyak %(max)s kali), "
    "ciri berkas yang sengaja dibuat untuk membebani server. Berkas ditolak tanpa dibuka."
)
ERROR_TOO_MANY_ROWS = _(
    "Berkas berisi lebih dari %(max)s baris data. Bagi menjadi beberapa berkas "
    "masing-masing paling banyak %(max)s baris."
)
ERROR_TOO_MANY_BLANK_ROWS = _(
    "Berkas berisi lebih dari %(max)s baris kosong. Hapus baris kosong di bawah daftar, "
    "lalu unggah lagi."
)
ERROR_TOO_MANY_COLUMNS = _(
    "Baris %(line)s berisi %(count)s kolom, paling banyak %(max)s. Hapus kolom yang tidak "
    "dipakai, lalu unggah lagi."
)
ERROR_DELIMITER = _(
    "Kolom pada baris judul berkas CSV tidak dapat dipisahkan: pisahkan kolom dengan koma (,) "
    "atau titik koma (;), seperti yang ditulis Excel saat menyimpan sebagai CSV."
)
ERROR_EMPTY = _("Berkas tidak berisi baris data.")
ERROR_HEADER_FORMULA = _(
    "Judul kolom ke-%(column)s berisi rumus Excel (diawali =). Tulis nama kolomnya sebagai teks."
)

# Fields that an Excel CSV may use between columns, in the order tried on a tie.
DELIMITERS = (",", ";", "\t")
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_uncompressed: int
    max_ratio: int
    max_rows: int
    max_columns: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.BANTAR_IMPORT_MAX_BYTES,
            max_uncompressed=settings.BANTAR_IMPORT_MAX_UNCOMPRESSED,
            max_ratio=settings.BANTAR_IMPORT_MAX_RATIO,
            max_rows=settings.BANTAR_IMPORT_MAX_ROWS,
            max_columns=settings.BANTAR_IMPORT_MAX_COLUMNS,
        )


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Any]]  # as wide as the headers; blank rows left out


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".rstrip("0").rstrip(".")


def check_upload_size(size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise ValidationError(
            ERROR_TOO_LARGE,
            code="too_large",
            params={"size": _megabytes(size), "max": _megabytes(limits.max_bytes)},
        )


def check_xlsx_archive(content: bytes, limits: Limits) -> None:
    """Refuse an xlsx that would unpack past the bounds, from its central directory alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ValidationError(ERROR_UNREADABLE, code="unreadable", params={"format": "XLSX"}) from (
            error
        )
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unpacked > limits.max_uncompressed:
        raise ValidationError(
            ERROR_UNPACKED_TOO_LARGE,
            code="unpacked_too_large",
            params={"size": _megabytes(unpacked), "max": _megabytes(limits.max_uncompressed)},
        )
    # A small workbook may pack well (a few KB of repeated XML); only what could weigh is judged.
    if unpacked > MB and unpacked > limits.max_ratio * max(packed, 1):
        raise ValidationError(
            ERROR_RATIO,
            code="ratio",
            params={"ratio": unpacked // max(packed, 1), "max": limits.max_ratio},
        )


def _xlsx_rows(content: bytes) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook

    # read_only streams the sheet's XML; data_only=False keeps a formula as its text.
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        sheet = workbook.worksheets[0]
        # The declared dimension may be a lie (A1:XFD1048576): read the cells that exist.
        sheet.reset_dimensions()
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def _decoded(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV (Comma delimited)" in the system code page.
        return content.decode("cp1252", errors="strict")


def detect_delimiter(first_line: str) -> str:
    """Comma or semicolon (or tab), whichever splits the header into the most columns."""
    counts = {
        delimiter: len(next(csv.reader([first_line], delimiter=delimiter), []))
        for delimiter in DELIMITERS
    }
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    if counts[best] < 2:
        raise ValidationError(ERROR_DELIMITER, code="delimiter")
    return best


def _csv_rows(content: bytes) -> Iterator[tuple[Any, ...]]:
    text = _decoded(content)
    end = text.find("\n")
    first_line = (text if end < 0 else text[:end]).rstrip("\r")
    delimiter = detect_delimiter(first_line)
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield tuple(row)


def _trimmed(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The row without its trailing empty cells."""
    end = len(row)
    while end and row[end - 1] in (None, ""):
        end -= 1
    return row[:end]


def read_table(
    *, content: bytes, file_format: str, limits: Limits, lower_headers: bool = False
) -> Table:
    """The first sheet (or the csv) as a header and rows, within the limits.

    Raises ValidationError with an Indonesian message; nothing is kept of a refused file.
    """
    check_upload_size(len(content), limits)
    if file_format == "xlsx":
        check_xlsx_archive(content, limits)
        rows = _xlsx_rows(content)
    else:
        rows = _csv_rows(content)
    try:
        return _collect(rows, limits, lower_headers=lower_headers)
    except ValidationError:
        raise
    except Exception as error:
        raise ValidationError(
            ERROR_UNREADABLE, code="unreadable", params={"format": file_format.upper()}
        ) from error


def _collect(rows: Iterator[tuple[Any, ...]], limits: Limits, *, lower_headers: bool) -> Table:
    header: tuple[Any, ...] | None = None
    table = Table(headers=[], rows=[])
    blank = 0
    for line, raw in enumerate(rows, start=1):
        row = _trimmed(raw)
        if len(row) > limits.max_columns:
            raise ValidationError(
                ERROR_TOO_MANY_COLUMNS,
                code="too_many_columns",
                params={"line": line, "count": len(row), "max": limits.max_columns},
            )
        if not row:
            blank += 1
            if blank > limits.max_rows:
                raise ValidationError(
                    ERROR_TOO_MANY_BLANK_ROWS,
                    code="too_many_blank_rows",
                    params={"max": limits.max_rows},
                )
            continue
        if header is None:
            header = row
            table.headers = _headers(header, lower_headers)
            continue
        if len(table.rows) == limits.max_rows:
            raise ValidationError(
                ERROR_TOO_MANY_ROWS, code="too_many_rows", params={"max": limits.max_rows}
            )
        width = len(table.headers)
        table.rows.append((list(row) + [None] * width)[:width])
    if header is None:
        raise ValidationError(ERROR_EMPTY, code="empty")
    return table


def _headers(row: tuple[Any, ...], lower: bool) -> list[str]:
    headers = []
    for column, value in enumerate(row, start=1):
        text = str(value if value is not None else "").strip()
        if text.startswith("="):
            raise ValidationError(
                ERROR_HEADER_FORMULA, code="header_formula", params={"column": column}
            )
        headers.append(text.lower() if lower else text)
    return headers


def as_dataset(table: Table) -> Any:
    """A tablib Dataset of the table, for django-import-export."""
    import tablib

    return tablib.Dataset(*table.rows, headers=table.headers)
