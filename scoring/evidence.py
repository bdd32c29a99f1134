"""Photo evidence: checked, re-encoded and stored once per client id; deleted; orphans cleaned.

Files go through `default_storage` only. Who may add a photo is `scoring.panel`'s
rule and the sheet's state; the image work is `scoring.images`.
"""

from __future__ import annotations

import logging
import posixpath
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bantar.models import User
from competitions.models import Entry
from competitions.stages import Write, check_stage
from indicators.models import Indicator
from scoring.images import process_photo
from scoring.models import Evidence, ScoreSheet, SheetStatus
from scoring.panel import check_in_remit, check_may_score, membership_for
from scoring.services import ERROR_SHEET_LOCKED

logger = logging.getLogger(__name__)

ERROR_PHOTO_NOT_YOURS = gettext_lazy("Hanya juri yang mengambil foto ini yang dapat menghapusnya.")


@dataclass(frozen=True)
class PhotoPlace:
    """What the tablet knows about a photo when EXIF was lost in browser downscaling."""

    taken_at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def evidence_add(
    *,
    entry: Entry,
    juror: User,
    indicator: Indicator | None,
    data: bytes,
    client_id: uuid.UUID,
    place: PhotoPlace | None = None,
) -> tuple[Evidence, bool]:
    """Check, re-encode and store one photo; a retried upload returns the first one.

    Files are written before the row; if anything fails afterwards they are
    removed again, so a failed upload leaves neither a file nor a row. A process
    killed between the files and the commit cannot remove them: their names
    start with the client id, and the retry that finds or stores the row
    removes every other file of that client id.
    """
    already = Evidence.objects.filter(client_id=client_id, juror=juror).first()
    if already is not None:
        transaction.on_commit(lambda: _remove_leftovers(already))
        return already, False
    member = membership_for(entry=entry, juror=juror)
    check_may_score(entry=entry, member=member)
    if indicator is not None:
        check_in_remit(member=member, indicator=indicator)
    check_stage(entry.competition, Write.SCORE)
    if _sheet_locked(entry, juror):
        raise ValidationError(ERROR_SHEET_LOCKED, code="locked")
    photo = process_photo(data)
    place = place or PhotoPlace()
    evidence = Evidence(
        entry=entry,
        indicator=indicator,
        juror=juror,
        client_id=client_id,
        width=photo.width,
        height=photo.height,
        sha256=photo.sha256,
        phash=photo.phash,
        taken_at=photo.taken_at or place.taken_at,
        latitude=photo.latitude if photo.latitude is not None else place.latitude,
        longitude=photo.longitude if photo.longitude is not None else place.longitude,
    )
    stem = f"{client_id.hex}-{uuid.uuid4().hex[:8]}"
    written = []
    try:
        for field, content, suffix in (
            (evidence.image, photo.full, "full"),
            (evidence.web, photo.web, "web"),
            (evidence.thumb, photo.thumb, "thumb"),
        ):
            field.save(f"{stem}-{suffix}.jpg", ContentFile(content), save=False)
            written.append(field.name)
        with transaction.atomic():
            evidence.full_clean()
            evidence.save()
    except BaseException:
        _remove_files(written)
        raise
    transaction.on_commit(lambda: _remove_leftovers(evidence))
    return evidence, True


def _sheet_locked(entry: Entry, juror: User) -> bool:
    """Read, never create: a photo needs no sheet, and a write here would take SQLite's lock
    before the photo's own files are written (tests/faults/test_kill.py)."""
    return ScoreSheet.objects.filter(
        entry=entry, juror=juror, status=SheetStatus.SUBMITTED
    ).exists()


def _remove_files(names: Iterable[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - logged, never hides the original error
            logger.exception("could not remove %s", name)


def _remove_leftovers(evidence: Evidence) -> None:
    """Files of earlier attempts at the same upload, left by a process that was killed."""
    directory = posixpath.dirname(evidence.image.name)
    prefix = f"{evidence.client_id.hex}-"
    kept = {evidence.image.name, evidence.web.name, evidence.thumb.name}
    try:
        _dirs, names = default_storage.listdir(directory)
    except FileNotFoundError:  # pragma: no cover - the row's own files are gone as well
        return
    paths = (posixpath.join(directory, name) for name in names if name.startswith(prefix))
    _remove_files(path for path in paths if path not in kept)


def evidence_orphans(*, older_than: timedelta) -> list[str]:
    """Photo files under evidence/ that no Evidence row names, untouched for `older_than`.

    They are what a process killed between writing a photo and committing its row
    leaves behind when the tablet never sends the photo again (a retry removes
    them itself: `_remove_leftovers`). Younger files may belong to an upload in
    progress and are left alone.
    """
    known: set[str] = set()
    for names in Evidence.objects.values_list("image", "web", "thumb"):
        known.update(names)
    cutoff = timezone.now() - older_than
    found = []
    pending = ["evidence"]
    while pending:
        directory = pending.pop()
        try:
            directories, files = default_storage.listdir(directory)
        except FileNotFoundError:
            continue
        pending += [posixpath.join(directory, name) for name in directories]
        for name in files:
            path = posixpath.join(directory, name)
            if path not in known and default_storage.get_modified_time(path) < cutoff:
                found.append(path)
    return sorted(found)


def evidence_remove_orphans(*, older_than: timedelta) -> list[str]:
    orphans = evidence_orphans(older_than=older_than)
    _remove_files(orphans)
    return orphans


@transaction.atomic
def evidence_delete(*, evidence: Evidence, by: User) -> None:
    if evidence.juror_id != by.pk:
        raise PermissionDenied(ERROR_PHOTO_NOT_YOURS)
    check_stage(evidence.entry.competition, Write.SCORE)
    if _sheet_locked(evidence.entry, by):
        raise ValidationError(ERROR_SHEET_LOCKED, code="locked")
    names = [evidence.image.name, evidence.web.name, evidence.thumb.name]
    evidence.delete()
    transaction.on_commit(lambda: _remove_files(names))
