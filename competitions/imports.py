"""The panitia's import of entries from a spreadsheet: read, check, then save all or none.

Above both `competitions.services` (the entry rules) and `competitions.resources`
(the import-export resources, which use those rules), so neither imports the other
back.

The file is read within the bounds of `bantar.spreadsheets` (size, unpacked size,
rows, columns). A checked file waits for the panitia's confirmation as an
`ImportPreview` row on the server, found by an unguessable token, and is deleted
when confirmed, cancelled or expired: never in the session, which would keep the
heads of RT's phone numbers for as long as the login lasts.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bantar.models import User
from bantar.spreadsheets import Limits, as_dataset, read_table
from competitions.models import Competition, EntryStatus, ImportPreview
from competitions.resources import EntryImportResource
from competitions.stages import Write, check_stage

ERROR_IMPORT_COLUMNS = gettext_lazy("Kolom wajib tidak ada di berkas: %(columns)s.")
ERROR_IMPORT_EMPTY = gettext_lazy("Berkas tidak berisi baris data.")
ERROR_IMPORT_STATUS = gettext_lazy(
    "Peserta hasil impor hanya dapat berstatus Diusulkan atau Terverifikasi."
)
ERROR_IMPORT_REASON = gettext_lazy(
    "Tuliskan alasan peserta hasil impor langsung terverifikasi (misalnya nomor berita acara "
    "verifikasi kecamatan); alasan itu dicatat di riwayat setiap peserta."
)
ERROR_PREVIEW_GONE = gettext_lazy(
    "Pratinjau impor ini sudah tidak ada (sudah disimpan, dibatalkan, atau lewat %(minutes)s "
    "menit). Unggah berkasnya lagi."
)

IMPORT_STATUSES = (EntryStatus.PROPOSED, EntryStatus.VERIFIED)


@dataclass
class ImportOutcome:
    result: Any  # import_export.results.Result
    saved: bool
    # Rows that go in all the same, with a note (an RT that took part the year before, when
    # the competition warns about it).
    warnings: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return len(self.result.rows)

    @property
    def has_errors(self) -> bool:
        return bool(self.result.has_errors() or self.result.has_validation_errors())


def check_import_open(competition: Competition) -> None:
    """Entries come in while the kelurahan propose and the kecamatan verify, not later."""
    check_stage(competition, Write.ENTRY_IMPORT)


def check_import_status(*, status: str, reason: str) -> None:
    if status not in IMPORT_STATUSES:
        raise ValidationError(ERROR_IMPORT_STATUS, code="import_status")
    if status == EntryStatus.VERIFIED and not reason.strip():
        raise ValidationError({"reason": ValidationError(ERROR_IMPORT_REASON, code="reason")})


def load_dataset(*, content: bytes, file_format: str) -> Any:
    """A tablib Dataset from an uploaded xlsx or csv; headers lower-cased, blank rows dropped.

    xlsx is read with formulas kept as formulas (not their cached values), so a
    formula cell is refused by name instead of arriving as an empty or stale value.
    """
    table = read_table(
        content=content, file_format=file_format, limits=Limits.from_settings(), lower_headers=True
    )
    if not table.rows:
        raise ValidationError(ERROR_IMPORT_EMPTY, code="empty")
    return as_dataset(table)


def entry_import(
    *,
    competition: Competition,
    by: User,
    status: str,
    content: bytes,
    file_format: str,
    confirm: bool,
    reason: str = "",
) -> ImportOutcome:
    """Check (and with `confirm`, save) a list of RTs as entries: all rows or none."""
    check_import_open(competition)
    check_import_status(status=status, reason=reason)
    dataset = load_dataset(content=content, file_format=file_format)
    missing = [c for c in EntryImportResource.REQUIRED_COLUMNS if c not in dataset.headers]
    if missing:
        raise ValidationError(
            ERROR_IMPORT_COLUMNS, code="columns", params={"columns": ", ".join(missing)}
        )
    resource = EntryImportResource(
        competition=competition, status=status, user=by, reason=reason.strip()
    )
    if confirm:
        result = resource.import_data(
            dataset,
            dry_run=False,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
    else:
        # The preview writes nothing, so it runs outside a transaction: import_data would
        # open one, and on SQLite a transaction holds the write lock for every other save
        # while thousands of rows are checked.
        result = resource.import_data_inner(
            dataset,
            dry_run=True,
            raise_errors=False,
            using_transactions=False,
            collect_failed_rows=False,
        )
    outcome = ImportOutcome(result=result, saved=False, warnings=resource.warnings)
    outcome.saved = confirm and not outcome.has_errors
    return outcome


# --- The preview waiting for confirmation ---------------------------------------------


def _expired_removed() -> None:
    ImportPreview.objects.filter(expires_at__lte=timezone.now()).delete()


@transaction.atomic
def import_preview_create(
    *,
    competition: Competition,
    by: User,
    file_name: str,
    file_format: str,
    status: str,
    reason: str,
    content: bytes,
) -> ImportPreview:
    """Keep a checked file on the server until the panitia confirms or cancels it."""
    check_import_open(competition)
    _expired_removed()
    preview = ImportPreview(
        token=secrets.token_urlsafe(32),
        competition=competition,
        created_by=by,
        file_name=file_name[:200],
        file_format=file_format,
        status=status,
        reason=reason.strip(),
        content=content,
        expires_at=timezone.now() + timedelta(minutes=settings.BANTAR_IMPORT_PREVIEW_MINUTES),
    )
    preview.full_clean()
    preview.save()
    return preview


@transaction.atomic
def _preview_taken(*, token: str, competition: Competition, by: User) -> ImportPreview:
    """The user's own unexpired preview, deleted as it is taken: it is used once."""
    preview = (
        ImportPreview.objects.select_for_update()
        .filter(token=token, competition=competition, created_by=by)
        .first()
    )
    if preview is None:
        raise ValidationError(
            ERROR_PREVIEW_GONE,
            code="preview_gone",
            params={"minutes": settings.BANTAR_IMPORT_PREVIEW_MINUTES},
        )
    preview.delete()
    return preview


def import_preview_confirm(
    *, token: str, competition: Competition, by: User
) -> tuple[ImportPreview, ImportOutcome]:
    """Save the previewed file's entries (all or none); the preview is gone either way."""
    check_import_open(competition)
    _expired_removed()  # on its own: the refusal below must not bring an expired one back
    preview = _preview_taken(token=token, competition=competition, by=by)
    outcome = entry_import(
        competition=competition,
        by=by,
        status=preview.status,
        reason=preview.reason,
        content=bytes(preview.content),
        file_format=preview.file_format,
        confirm=True,
    )
    return preview, outcome


@transaction.atomic
def import_preview_discard(*, token: str, competition: Competition, by: User) -> None:
    _expired_removed()
    ImportPreview.objects.filter(token=token, competition=competition, created_by=by).delete()
