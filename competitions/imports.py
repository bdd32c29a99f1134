"""The panitia's import of entries from a spreadsheet: read, check, then save all or none.

Above both `competitions.services` (the entry rules) and `competitions.resources`
(the import-export resources, which use those rules), so neither imports the other
back.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from bantar.models import User
from competitions.models import Competition
from competitions.resources import EntryImportResource

ERROR_IMPORT_UNREADABLE = gettext_lazy(
    "Berkas tidak dapat dibaca sebagai %(format)s. Simpan ulang dari Excel lalu coba lagi."
)
ERROR_IMPORT_COLUMNS = gettext_lazy("Kolom wajib tidak ada di berkas: %(columns)s.")
ERROR_IMPORT_EMPTY = gettext_lazy("Berkas tidak berisi baris data.")


@dataclass
class ImportOutcome:
    result: Any  # import_export.results.Result
    saved: bool

    @property
    def row_count(self) -> int:
        return len(self.result.rows)

    @property
    def has_errors(self) -> bool:
        return self.result.has_errors() or self.result.has_validation_errors()


def load_dataset(*, content: bytes, file_format: str) -> Any:
    """A tablib Dataset from an uploaded xlsx or csv; headers lower-cased, blank rows dropped.

    xlsx is read with formulas kept as formulas (not their cached values), so a
    formula cell is refused by name instead of arriving as an empty or stale value.
    """
    try:
        rows = _xlsx_rows(content) if file_format == "xlsx" else _csv_rows(content)
    except Exception as error:
        raise ValidationError(
            ERROR_IMPORT_UNREADABLE, code="unreadable", params={"format": file_format.upper()}
        ) from error
    if not rows:
        raise ValidationError(ERROR_IMPORT_EMPTY, code="empty")
    headers = [str(header or "").strip().lower() for header in rows[0]]
    width = len(headers)
    data = [
        (list(row) + [None] * width)[:width]
        for row in rows[1:]
        if any(value not in (None, "") for value in row)
    ]
    return tablib.Dataset(*data, headers=headers)


def _xlsx_rows(content: bytes) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        return list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))]


def entry_import(
    *,
    competition: Competition,
    by: User,
    status: str,
    content: bytes,
    file_format: str,
    confirm: bool,
) -> ImportOutcome:
    """Check (and with `confirm`, save) a list of RTs as entries: all rows or none."""
    dataset = load_dataset(content=content, file_format=file_format)
    missing = [c for c in EntryImportResource.REQUIRED_COLUMNS if c not in dataset.headers]
    if missing:
        raise ValidationError(
            ERROR_IMPORT_COLUMNS, code="columns", params={"columns": ", ".join(missing)}
        )
    if not len(dataset):
        raise ValidationError(ERROR_IMPORT_EMPTY, code="empty")
    resource = EntryImportResource(competition=competition, status=status, user=by)
    result = resource.import_data(
        dataset,
        dry_run=not confirm,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
    outcome = ImportOutcome(result=result, saved=False)
    outcome.saved = confirm and not outcome.has_errors
    return outcome
