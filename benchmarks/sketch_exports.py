"""NOT APP CODE: a sketch of the fix proposed for the xlsx budget, to measure it.

`bench_exports.py` measures this next to `bantar.exports.write_xlsx` and checks
that both files hold the same values and number formats in every cell. The
proposal (benchmarks/README.md) is one change to `bantar.exports._xlsx_row`:

    Wrap a value in a WriteOnlyCell only when it needs a style (a number
    format); append every other value as it is.

Why it matters: openpyxl's write-only `append` turns plain values into
cells by reusing ONE cell object. A WriteOnlyCell that we pass in goes a slow
way instead: `_values_to_row` first tries `cell.value = <our cell>`, which
makes `_bind_value` fail and build a ValueError message with the cell's
repr (its coordinate) before the except clause takes the cell as it is. Each
of our cells is therefore allocated, bound, styled, and then costs an
exception. In the score matrix only one column of 26 has a number format, so
almost every cell can go the fast way.

Second, smaller: the number format is set through the descriptor for every
cell (a dict lookup in the workbook's format list and a new StyleArray).
The sketch makes one styled cell per kind and copies its StyleArray.

The sketch is `write_xlsx` from bantar/exports.py with only the row function
replaced (title, header and total rows are unchanged).
"""

from __future__ import annotations

import contextlib
from copy import copy
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from bantar import exports


def fast_row(worksheet: Any, columns, values, cell_class, styles: dict) -> list[Any]:
    """Plain values where no style is needed; a cell with a copied StyleArray otherwise."""
    row: list[Any] = []
    for column, value in zip(columns, values, strict=True):
        if isinstance(value, datetime):
            value = timezone.localtime(value).replace(tzinfo=None)
        number_format = exports.NUMBER_FORMATS.get(column.kind)
        if number_format is None or not isinstance(value, int | float | Decimal):
            row.append(value)
            continue
        style = styles.get(number_format)
        if style is None:
            model = cell_class(worksheet)
            model.number_format = number_format
            style = styles[number_format] = model._style
        cell = cell_class(worksheet, value=value)
        cell._style = copy(style)
        row.append(cell)
    return row


_original_row = exports._xlsx_row


@contextlib.contextmanager
def _rows(function):
    exports._xlsx_row = function
    try:
        yield
    finally:
        exports._xlsx_row = _original_row


def write_xlsx_sketch(report, target) -> None:
    """write_xlsx with the data rows through `fast_row`; total rows as before (made bold)."""
    totals = {id(sheet.total) for sheet in report.sheets if sheet.total is not None}
    styles: dict = {}  # number format -> StyleArray, for this one workbook

    def row(worksheet, columns, values, cell_class):
        if id(values) in totals:
            return _original_row(worksheet, columns, values, cell_class)
        return fast_row(worksheet, columns, values, cell_class, styles)

    with _rows(row):
        exports.write_xlsx(report, target)


def cells(data: bytes) -> list[tuple[str, int, int, Any, str, bool]]:
    """(sheet, row, column, value, number format, bold) of every non-empty cell."""
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))  # not read-only: it keeps fonts
    found = []
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    found.append(
                        (
                            worksheet.title,
                            cell.row,
                            cell.column,
                            cell.value,
                            cell.number_format,
                            bool(cell.font and cell.font.b),
                        )
                    )
    return found
