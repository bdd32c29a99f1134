"""A tablet's outbox in one request: many changes, each applied once and answered on its own.

The field kit queues every change offline (levels, notes, submissions, photo
deletions) and sends them in batches when a connection returns. Each change
carries a client id; this module applies each id once, whatever is retried or
replayed, with the same services and messages as the single-change endpoints:
`score_save` (its client id is kept in the score's history), `sheet_submit` and
`evidence_delete` (their client ids in `AppliedChange`).

Each change runs in its own transaction, so one refusal never undoes another and
a long batch holds no lock for longer than one change. This is why `batch_apply`
itself is not atomic. A submission waits for the score changes and photo
deletions of its entry later in the same batch: the juror scored the sheet before
submitting it, whatever order the tablet happened to send.

The tablets' reports (`device_contact`) feed the panitia's tablet page.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bantar.models import User
from competitions.models import Competition, Entry
from scoring.evidence import evidence_delete
from scoring.forms import ScoreChangeForm
from scoring.models import AppliedChange, ChangeKind, Evidence, FieldDevice, JuryMember, ScoreSheet
from scoring.panel import check_may_score, membership_for
from scoring.services import score_save, sheet_submit

logger = logging.getLogger(__name__)

ERROR_BATCH_NOT_JSON = gettext_lazy("Kiriman tidak dapat dibaca (bukan JSON).")
ERROR_BATCH_SHAPE = gettext_lazy('Kiriman harus berupa objek JSON dengan daftar "changes".')
ERROR_BATCH_TOO_MANY = gettext_lazy(
    "Terlalu banyak perubahan dalam satu kiriman: %(count)s, paling banyak %(max)s. "
    "Kirim dalam beberapa bagian."
)
ERROR_BATCH_TOO_LARGE = gettext_lazy(
    "Kiriman terlalu besar: paling besar %(max)s KB. Kirim dalam beberapa bagian."
)
ERROR_CHANGE_SHAPE = gettext_lazy("Perubahan ini tidak dikenal (bukan objek JSON).")
ERROR_CHANGE_NO_ID = gettext_lazy("Perubahan tanpa id perangkat ditolak.")
ERROR_CHANGE_KIND = gettext_lazy("Jenis perubahan tidak dikenal: %(kind)s.")
ERROR_CHANGE_NO_ENTRY = gettext_lazy("Perubahan tanpa RT yang jelas ditolak.")
ERROR_CHANGE_NO_PHOTO = gettext_lazy("Penghapusan foto tanpa foto yang jelas ditolak.")
ERROR_NOT_ASSIGNED = gettext_lazy("RT ini tidak ditugaskan kepada tim Anda.")
ERROR_PHOTO_NOT_FOUND = gettext_lazy("Foto ini tidak ada di server atau bukan foto Anda.")
ERROR_NOT_ALLOWED = gettext_lazy("Anda tidak berwenang.")

APPLIED, DUPLICATE, REFUSED = "applied", "duplicate", "refused"
SCORE = "score"
KINDS = (SCORE, ChangeKind.SUBMIT, ChangeKind.PHOTO_DELETE)
OUTBOX_MAX = 1_000_000  # a larger report is a broken client; kept within the column


class BatchRefused(Exception):
    """The whole request is refused (nothing applied): `status` is the HTTP answer."""

    def __init__(self, message: str, status: int, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.extra = extra


@dataclass
class Batch:
    device: uuid.UUID | None
    outbox: int | None
    changes: list[Any]


def batch_parse(body: bytes) -> Batch:
    """The request's envelope, or BatchRefused (400, 413). The changes are checked one by one."""
    limit = settings.BANTAR_SYNC_MAX_BYTES
    if len(body) > limit:
        raise_too_large()
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BatchRefused(str(ERROR_BATCH_NOT_JSON), 400) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("changes"), list):
        raise BatchRefused(str(ERROR_BATCH_SHAPE), 400)
    changes = payload["changes"]
    most = settings.BANTAR_SYNC_MAX_CHANGES
    if len(changes) > most:
        raise BatchRefused(
            ERROR_BATCH_TOO_MANY % {"count": len(changes), "max": most},
            413,
            max_changes=most,
            max_bytes=limit,
        )
    return Batch(parse_device(payload.get("device")), parse_outbox(payload.get("outbox")), changes)


def raise_too_large() -> None:
    limit = settings.BANTAR_SYNC_MAX_BYTES
    raise BatchRefused(
        ERROR_BATCH_TOO_LARGE % {"max": limit // 1024},
        413,
        max_changes=settings.BANTAR_SYNC_MAX_CHANGES,
        max_bytes=limit,
    )


def parse_device(value: Any) -> uuid.UUID | None:
    """A device id as the tablet sent it; anything else is no report (never a refusal)."""
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def parse_outbox(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return min(max(number, 0), OUTBOX_MAX)


# --- One change -------------------------------------------------------------------------


@dataclass
class Outcome:
    """The answer for one change, as the contract names it (see CONTRACT_FIELD.md)."""

    client_id: str | None
    status: str = REFUSED
    error: str | None = None
    code: str | None = None  # why it was refused, for the client: "locked", "incomplete", ...
    entry: int | None = None
    indicator: str | None = None
    scored: int | None = None
    sheet_status: str | None = None
    missing: list[str] | None = None  # a refused submission: the codes still without a level
    photo: int | None = None

    def as_json(self) -> dict[str, Any]:
        """The contract's keys always; `code`, `missing` and `photo` when they say something."""
        extra = ("code", "missing", "photo")
        return {
            key: value
            for key, value in asdict(self).items()
            if key not in extra or value is not None
        }


@dataclass
class Change:
    index: int
    raw: dict[str, Any]
    client_id: uuid.UUID
    kind: str
    entry_id: int | None = None
    photo_id: int | None = None


class Refusal(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def change_parse(index: int, raw: Any) -> Change:
    """The change's id, kind and object, or a Refusal naming what is wrong with it."""
    if not isinstance(raw, dict):
        raise Refusal(str(ERROR_CHANGE_SHAPE), "invalid")
    try:
        client_id = uuid.UUID(str(raw.get("client_id") or ""))
    except ValueError:
        raise Refusal(str(ERROR_CHANGE_NO_ID), "invalid") from None
    kind = raw.get("kind")
    if kind not in KINDS:
        raise Refusal(ERROR_CHANGE_KIND % {"kind": str(kind)[:40]}, "invalid")
    change = Change(index, raw, client_id, str(kind))
    if kind == ChangeKind.PHOTO_DELETE:
        change.photo_id = _integer(raw.get("photo"))
        if change.photo_id is None:
            raise Refusal(str(ERROR_CHANGE_NO_PHOTO), "invalid")
    else:
        change.entry_id = _integer(raw.get("entry"))
        if change.entry_id is None:
            raise Refusal(str(ERROR_CHANGE_NO_ENTRY), "invalid")
    return change


def _refusal_of(error: Exception) -> Refusal:
    """The services' refusals as the single-change endpoints word them."""
    if isinstance(error, Refusal):
        return error
    if isinstance(error, PermissionDenied):
        return Refusal(str(error) or str(ERROR_NOT_ALLOWED), "forbidden")
    assert isinstance(error, ValidationError)
    code = getattr(error, "code", None) or "invalid"
    return Refusal(" ".join(error.messages), code)


# --- A batch ---------------------------------------------------------------------------------


class _Members:
    """The juror's membership per entry, checked once per batch (rules 1 to 3 of the panel)."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.known: dict[int, JuryMember | Exception] = {}

    def get(self, entry: Entry) -> JuryMember:
        if entry.pk not in self.known:
            try:
                member = membership_for(entry=entry, juror=self.user)
                check_may_score(entry=entry, member=member)
                self.known[entry.pk] = member
            except PermissionDenied as error:
                self.known[entry.pk] = error
        found = self.known[entry.pk]
        if isinstance(found, Exception):
            raise found
        return found


def execution_order(changes: list[Change], photo_entry: dict[int, int]) -> list[int]:
    """Request order, except that a submission follows its entry's later scores and deletions."""
    last: dict[int, int] = {}
    for position, change in enumerate(changes):
        entry_id = (
            photo_entry.get(change.photo_id or 0)
            if change.kind == ChangeKind.PHOTO_DELETE
            else change.entry_id
        )
        if change.kind != ChangeKind.SUBMIT and entry_id is not None:
            last[entry_id] = position
    order: list[int] = []
    waiting: dict[int, list[int]] = defaultdict(list)
    for position, change in enumerate(changes):
        later = last.get(change.entry_id or 0, -1)
        if change.kind == ChangeKind.SUBMIT and later > position:
            waiting[later].append(position)
            continue
        order.append(position)
        order.extend(waiting.pop(position, []))
    return order


def _claim(change: Change, user: User, entry_id: int | None) -> bool:
    """Record the change's client id; False when it is recorded already (applied before).

    Inserted before the change is applied, in the change's transaction: a second
    request with the same id waits on the unique index until the first commits
    (then it is a duplicate) or rolls back (then it applies).
    """
    record = AppliedChange(client_id=change.client_id, kind=change.kind, user=user)
    record.entry_id = entry_id
    record.full_clean(exclude=["user", "entry"], validate_unique=False)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        return False
    return True


@dataclass
class BatchResult:
    outcomes: list[Outcome]

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)


def batch_apply(*, user: User, changes: list[Any]) -> BatchResult:
    """Apply a tablet's changes for `user`, each once and in its own transaction.

    Queries: a fixed handful for the batch (entries, photos, applied ids, the
    sheets' counts at the end), one membership check per entry, and for each
    change what its service costs (a score change about eight).
    """
    outcomes: list[Outcome] = []
    parsed: list[Change] = []
    for index, raw in enumerate(changes):
        client_id = raw.get("client_id") if isinstance(raw, dict) else None
        outcome = Outcome(client_id=str(client_id) if client_id is not None else None)
        outcomes.append(outcome)
        try:
            parsed.append(change_parse(index, raw))
        except Refusal as refusal:
            outcome.error, outcome.code = refusal.message, refusal.code
    entries = {
        entry.pk: entry
        for entry in Entry.objects.for_user(user)
        .with_region()
        .filter(pk__in={c.entry_id for c in parsed if c.entry_id is not None})
    }
    photos = {
        photo.pk: photo
        for photo in Evidence.objects.for_user(user)
        .select_related("entry__competition", "entry__rt", "indicator")
        .filter(pk__in={c.photo_id for c in parsed if c.photo_id is not None})
    }
    claimable = [c.client_id for c in parsed if c.kind != SCORE]
    applied_before = (
        set(
            AppliedChange.objects.filter(client_id__in=claimable).values_list(
                "client_id", flat=True
            )
        )
        if claimable
        else set()
    )
    members = _Members(user)
    appliers: dict[str, Callable[[Change, Outcome], str]] = {
        SCORE: lambda c, o: _apply_score(c, o, user, entries, members),
        ChangeKind.SUBMIT: lambda c, o: _apply_submit(c, o, user, entries),
        ChangeKind.PHOTO_DELETE: lambda c, o: _apply_photo_delete(c, o, user, photos),
    }
    photo_entry = {pk: photo.entry_id for pk, photo in photos.items()}
    for position in execution_order(parsed, photo_entry):
        change = parsed[position]
        outcome = outcomes[change.index]
        outcome.client_id = str(change.client_id)
        outcome.entry = change.entry_id
        if change.kind != SCORE and change.client_id in applied_before:
            outcome.status = DUPLICATE
            if change.photo_id is not None:
                outcome.photo, outcome.entry = change.photo_id, None
            continue
        try:
            outcome.status = appliers[change.kind](change, outcome)
        except (Refusal, PermissionDenied, ValidationError) as error:
            why = _refusal_of(error)
            outcome.status, outcome.error, outcome.code = REFUSED, why.message, why.code
            if isinstance(error, ValidationError) and why.code == "incomplete" and error.params:
                outcome.missing = str(error.params["codes"]).split(", ")
    _sheet_states(user, outcomes, set(entries))
    return BatchResult(outcomes)


def _entry_of(change: Change, entries: dict[int, Entry]) -> Entry:
    entry = entries.get(change.entry_id or 0)
    if entry is None:
        raise Refusal(str(ERROR_NOT_ASSIGNED), "not_found")
    return entry


def _apply_score(
    change: Change, outcome: Outcome, user: User, entries: dict[int, Entry], members: _Members
) -> str:
    raw = change.raw
    outcome.indicator = str(raw.get("indicator") or "")[:10] or None  # Indicator.code's length
    entry = _entry_of(change, entries)
    member = members.get(entry)
    # The single-change endpoint's form: the same checks and messages for a batched change.
    form = ScoreChangeForm(
        {
            "client_id": str(change.client_id),
            "indicator": raw.get("indicator"),
            "value": raw.get("value"),
            "note": raw.get("note") or "",
        },
        competition_id=entry.competition_id,
    )
    if not form.is_valid():
        messages = (str(message) for errors in form.errors.values() for message in errors)
        raise Refusal(" ".join(messages), "invalid")
    data = form.cleaned_data
    saved = score_save(
        entry=entry,
        juror=user,
        indicator=data["indicator"],
        value=data["value"],
        note=data["note"],
        client_id=change.client_id,
        member=member,
    )
    return APPLIED if saved.applied else DUPLICATE


def _apply_submit(change: Change, outcome: Outcome, user: User, entries: dict[int, Entry]) -> str:
    entry = _entry_of(change, entries)
    with transaction.atomic():
        if not _claim(change, user, entry.pk):
            return DUPLICATE
        sheet_submit(entry=entry, juror=user)
    return APPLIED


def _apply_photo_delete(
    change: Change, outcome: Outcome, user: User, photos: dict[int, Evidence]
) -> str:
    outcome.photo = change.photo_id
    photo = photos.get(change.photo_id or 0)
    if photo is None:
        raise Refusal(str(ERROR_PHOTO_NOT_FOUND), "not_found")
    outcome.entry = photo.entry_id
    outcome.indicator = photo.indicator.code if photo.indicator else None
    with transaction.atomic():
        if not _claim(change, user, photo.entry_id):
            return DUPLICATE
        evidence_delete(evidence=photo, by=user)
    return APPLIED


def _sheet_states(user: User, outcomes: list[Outcome], entry_ids: set[int]) -> None:
    """Each answered entry's sheet as it stands after the whole batch (one query)."""
    entry_ids |= {outcome.entry for outcome in outcomes if outcome.entry is not None}
    if not entry_ids:
        return
    sheets = {
        entry_id: (status, scored)
        for entry_id, status, scored in ScoreSheet.objects.filter(
            juror=user, entry_id__in=entry_ids
        )
        .annotate(n=Count("scores", filter=Q(scores__value__isnull=False)))
        .values_list("entry_id", "status", "n")
    }
    for outcome in outcomes:
        if outcome.entry in sheets:
            outcome.sheet_status, outcome.scored = sheets[outcome.entry]
        elif outcome.entry is not None and outcome.code != "not_found":
            outcome.sheet_status, outcome.scored = "draft", 0


# --- The tablets' reports ---------------------------------------------------------------


@transaction.atomic
def device_contact(
    *,
    user: User,
    device: uuid.UUID,
    outbox: int | None,
    applied: int = 0,
    refused: int = 0,
    answered: int = 0,
) -> FieldDevice:
    """Note one request from a juror's device: when, what it held, what was applied today.

    `outbox` is what the tablet said it held, this request's own items included;
    `answered` of them got a final answer (applied, duplicate or refused), so
    the rest are still waiting on the tablet. Without a report the last one stays.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    record, _created = FieldDevice.objects.select_for_update().get_or_create(
        user=user, device=device, defaults={"last_contact": now, "day": today}
    )
    if record.day != today:
        record.day, record.applied_today, record.refused_today = today, 0, 0
    record.last_contact = now
    if outbox is not None:
        record.outbox = outbox
        record.waiting = max(outbox - answered, 0)
    record.applied_today += applied
    record.refused_today += refused
    record.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    record.save()
    return record


def device_contact_safely(**kwargs: Any) -> None:
    """A report that fails is logged, never turned into a failed sync: the changes are in."""
    try:
        device_contact(**kwargs)
    except DatabaseError:
        logger.exception("could not record a device report")


# --- The panitia's tablet page ------------------------------------------------------------


@dataclass
class DeviceRow:
    device: uuid.UUID
    last_contact: datetime
    outbox: int
    waiting: int
    applied_today: int
    refused_today: int

    @property
    def label(self) -> str:
        return self.device.hex[:6]


@dataclass
class JurorDevices:
    member: JuryMember
    devices: list[DeviceRow]

    @property
    def last_contact(self) -> datetime | None:
        return max((row.last_contact for row in self.devices), default=None)

    @property
    def waiting(self) -> int:
        return sum(row.waiting for row in self.devices)

    @property
    def applied_today(self) -> int:
        return sum(row.applied_today for row in self.devices)

    @property
    def refused_today(self) -> int:
        return sum(row.refused_today for row in self.devices)


def field_devices(competition: Competition) -> list[JurorDevices]:
    """Every juror of the competition's teams with the reports of its devices (2 queries).

    The day's counts are today's (WIB) only: a device last seen yesterday shows 0.
    """
    members = list(
        JuryMember.objects.filter(team__competition=competition)
        .select_related("user", "team")
        .order_by("team__name", "user__first_name", "user__username")
    )
    today = timezone.localdate()
    devices: dict[int, list[DeviceRow]] = defaultdict(list)
    for record in FieldDevice.objects.filter(user__in=[m.user_id for m in members]).order_by(
        "-last_contact"
    ):
        fresh = record.day == today
        devices[record.user_id].append(
            DeviceRow(
                record.device,
                record.last_contact,
                record.outbox,
                record.waiting,
                record.applied_today if fresh else 0,
                record.refused_today if fresh else 0,
            )
        )
    return [JurorDevices(member, devices.get(member.user_id, [])) for member in members]
