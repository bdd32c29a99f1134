"""Photo evidence: checked, re-encoded and stored once per client id; deleted; orphans cleaned;
read for the panitia's and pejabat's pages (the sheet page, the explain page, an RT's photos).

Files go through `default_storage` only. Who may add a photo is `scoring.panel`'s
rule and the sheet's state; the image work is `scoring.images`. Who may see one is
`Evidence.objects.for_user`, on the pages as in the file view (`scoring.views.evidence_file`).
"""

from __future__ import annotations

import logging
import posixpath
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import F, Q, QuerySet
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


# --- Reads: the photos of an RT for the panitia and the pejabat ----------------------------

PHOTO_PAGE_SIZE = 24  # a photo page: four rows of six thumbnails on a projector
GENERAL = "umum"  # ?indikator=umum: the photos of the RT as a whole, of no indicator


@dataclass(frozen=True)
class PhotoCard:
    """One photo as the pages show it: who took it, when, whether it had a place."""

    photo: Evidence
    indicator: str  # the indicator's code, "" for a photo of the RT as a whole
    juror: str
    when: datetime  # the camera's time when the photo kept it, else the upload's
    taken: bool  # `when` is the camera's time
    located: bool  # the photo came with a position (never shown: it is private)
    # The same photo (identical bytes or perceptual hash, as the plenary's flag says)
    # as evidence for another RT of the competition.
    reused: list[Evidence]


def _photos(user: User, entry_id: int) -> QuerySet[Evidence]:
    """The entry's photos the user may see, in the guide's order of their indicators."""
    return (
        Evidence.objects.for_user(user)
        .filter(entry_id=entry_id)
        .select_related("indicator", "juror")
        .order_by(
            F("indicator__pillar__order").asc(nulls_last=True),
            F("indicator__number").asc(nulls_last=True),
            "uploaded_at",
            "pk",
        )
    )


def _photo_cards(
    user: User, *, competition_id: int, entry_id: int, photos: list[Evidence]
) -> list[PhotoCard]:
    """Cards for `photos` of the entry (loaded by `_photos`), their reuse found in 1 query."""
    reused: dict[int, list[Evidence]] = {photo.pk: [] for photo in photos}
    if photos:
        others = (
            Evidence.objects.for_user(user)
            .filter(entry__competition_id=competition_id)
            .exclude(entry_id=entry_id)
            .filter(
                Q(sha256__in={photo.sha256 for photo in photos})
                | Q(phash__in={photo.phash for photo in photos})
            )
            .select_related("entry__rt__kelurahan", "indicator")
            .order_by("entry__rt__kelurahan__code", "entry__rt__number", "pk")
        )
        for other in others:
            for photo in photos:
                if other.sha256 == photo.sha256 or other.phash == photo.phash:
                    reused[photo.pk].append(other)
    return [
        PhotoCard(
            photo=photo,
            indicator=photo.indicator.code if photo.indicator else "",
            juror=photo.juror.get_full_name() or photo.juror.username,
            when=photo.taken_at or photo.uploaded_at,
            taken=photo.taken_at is not None,
            located=photo.latitude is not None and photo.longitude is not None,
            reused=reused[photo.pk],
        )
        for photo in photos
    ]


@dataclass(frozen=True)
class PhotoGroups:
    """An entry's photos by indicator code ("" for the RT as a whole), for the sheet and
    explain pages; each indicator shows its first `shown`, the photo page the rest."""

    competition_id: int
    entry_id: int
    by_indicator: dict[str, list[PhotoCard]]
    more: dict[str, int]  # indicator code -> photos left for the photo page
    total: int
    reused: int  # photos also used as evidence for another RT

    SHOWN = 4


def entry_photo_groups(user: User, *, competition_id: int, entry_id: int) -> PhotoGroups:
    """Every photo of the entry the user may see, grouped by indicator (2 queries, 1 if none)."""
    photos = list(_photos(user, entry_id))
    cards = _photo_cards(user, competition_id=competition_id, entry_id=entry_id, photos=photos)
    grouped: dict[str, list[PhotoCard]] = {}
    for card in cards:
        grouped.setdefault(card.indicator, []).append(card)
    return PhotoGroups(
        competition_id=competition_id,
        entry_id=entry_id,
        by_indicator={code: group[: PhotoGroups.SHOWN] for code, group in grouped.items()},
        more={
            code: len(group) - PhotoGroups.SHOWN
            for code, group in grouped.items()
            if len(group) > PhotoGroups.SHOWN
        },
        total=len(cards),
        reused=sum(1 for card in cards if card.reused),
    )


@dataclass(frozen=True)
class PhotoPage:
    page: Page  # of PhotoCard
    indicator: Indicator | None  # the indicator the page is narrowed to, if any
    general: bool  # narrowed to the photos of the RT as a whole (?indikator=umum)
    indicators: list[tuple[str, int]]  # (code, photos) of the entry's indicators with photos


def entry_photo_page(
    user: User, entry: Entry, *, number: str | None, indicator: str | None = None
) -> PhotoPage:
    """One page of the entry's photos, optionally of one indicator (5 queries, whatever
    the number of photos: the counts, the indicator, the page and its reuse)."""
    photos = _photos(user, entry.pk)
    counts: dict[str, int] = {}
    for code in photos.values_list("indicator__code", flat=True):
        counts[code or ""] = counts.get(code or "", 0) + 1
    general = indicator == GENERAL
    chosen = (
        Indicator.objects.filter(
            instrument__competitions=entry.competition_id, code=indicator
        ).first()
        if indicator and not general
        else None
    )
    if chosen is not None:
        photos = photos.filter(indicator=chosen)
    elif general:
        photos = photos.filter(indicator__isnull=True)
    # The counts above hold the total: the paginator need not ask again.
    total = (
        counts.get(chosen.code if chosen else "", 0) if chosen or general else sum(counts.values())
    )
    # Of Evidence rows, then of the cards made of the page's rows.
    paginator: Paginator[Any] = Paginator(photos, PHOTO_PAGE_SIZE)
    paginator.count = total  # a cached_property: set, it saves the COUNT query
    page = paginator.get_page(number)
    page.object_list = _photo_cards(
        user, competition_id=entry.competition_id, entry_id=entry.pk, photos=list(page.object_list)
    )
    page.numbers = list(  # type: ignore[attr-defined]  # for bantar/_pager.html
        paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    )
    return PhotoPage(page, chosen, general, list(counts.items()))  # the guide's order, as `_photos`
