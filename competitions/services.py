"""Writes for competitions: each is keyword-only, checked, and atomic."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bantar.history import stamp
from bantar.models import User
from competitions.models import (
    KENCANA_CODE,
    RT,
    STATUS_ORDER,
    Competition,
    CompetitionStatus,
    Entry,
    EntryStatus,
    RepeatEntry,
    SizeCategory,
    check_pillar_weights,
)
from competitions.notifications import entry_returned_notify
from competitions.stages import (
    Write,
    check_stage,
)
from indicators.models import Instrument
from indicators.selectors import default_weights_for, newest_instrument
from indicators.services import check_instrument_ready

ERROR_KK_BELOW_MINIMUM = gettext_lazy(
    "Jumlah KK %(kk)s kurang dari %(min)s KK: RT dengan kurang dari %(min)s KK "
    "belum dapat mengikuti lomba."
)
ERROR_KK_NOT_POSITIVE = gettext_lazy("Jumlah KK harus berupa bilangan bulat lebih dari 0.")
ERROR_KK_TOO_LARGE = gettext_lazy(
    "Jumlah KK %(kk)s tidak masuk akal untuk satu RT (paling banyak %(max)s KK). "
    "Periksa kembali angkanya."
)
ERROR_KK_NO_CATEGORY = gettext_lazy(
    "Tidak ada kategori ukuran untuk %(kk)s KK pada kompetisi ini. Periksa pengaturan kategori."
)
ERROR_STATUS_BACKWARDS = gettext_lazy(
    "Tahap kompetisi hanya dapat maju: dari %(current)s tidak dapat kembali ke %(target)s."
)
ERROR_STATUS_SKIP = gettext_lazy(
    "Tahap tidak dapat dilompati: setelah %(current)s, tahap berikutnya adalah %(next)s."
)
ERROR_STATUS_SAME = gettext_lazy("Kompetisi sudah berada pada tahap %(current)s.")
ERROR_NO_CATEGORIES = gettext_lazy(
    "Kompetisi belum memiliki kategori ukuran (besar, sedang, kecil)."
)
ERROR_NO_DEADLINE = gettext_lazy("Tentukan batas waktu pendaftaran sebelum membuka pendaftaran.")
ERROR_DEADLINE_PAST = gettext_lazy(
    "Batas waktu pendaftaran sudah lewat; perpanjang dulu sebelum membuka pendaftaran."
)
ERROR_NO_PROPOSALS = gettext_lazy("Belum ada RT yang diusulkan; verifikasi belum dapat dimulai.")
ERROR_PENDING_PROPOSALS = gettext_lazy("Masih ada %(count)s usulan yang belum diperiksa kecamatan.")
ERROR_NO_VERIFIED = gettext_lazy("Belum ada RT yang terverifikasi; penilaian belum dapat dimulai.")
ERROR_NO_INSTRUMENT = gettext_lazy(
    "Belum ada instrumen penilaian; muat dulu instrumen Perwali (fixtures/indicators.json)."
)
ERROR_CATEGORIES_OVERLAP = gettext_lazy("Rentang KK kategori %(a)s dan %(b)s tumpang tindih.")
ERROR_USE_PLENARY = gettext_lazy(
    "Finalisasi dan pengumuman hasil dilakukan dari halaman Rapat pleno, yang memeriksa lembar nilai."
)


def _check_kk_range(kk_count: int) -> None:
    if kk_count is None or kk_count <= 0:
        raise ValidationError(ERROR_KK_NOT_POSITIVE, code="kk_not_positive")
    if kk_count > settings.BANTAR_MAX_KK:
        raise ValidationError(
            ERROR_KK_TOO_LARGE,
            code="kk_too_large",
            params={"kk": kk_count, "max": settings.BANTAR_MAX_KK},
        )


# --- Categories chosen by something other than the KK count -------------------------
# Apps above this one add functions here when they load (scoring: the Kencana category for
# an RT on a winning streak, scoring/apps.py), so competitions never imports scoring.


@dataclass(frozen=True)
class CategoryOverride:
    """An RT placed in `category` instead of its KK band, and why, in words for the form."""

    category: SizeCategory  # unsaved until the first entry in it is saved
    reason: str


CategoryOverrides = Callable[[Competition, Sequence[RT]], dict[int, CategoryOverride]]
CATEGORY_OVERRIDES: list[CategoryOverrides] = []


def category_overrides(
    *, competition: Competition, rts: Sequence[RT]
) -> dict[int, CategoryOverride]:
    """RT id -> the category it is placed in instead of its KK band (saved RTs only)."""
    saved = [rt for rt in rts if rt.pk is not None]
    found: dict[int, CategoryOverride] = {}
    if not saved:
        return found
    for overrides in CATEGORY_OVERRIDES:
        for rt_id, override in overrides(competition, saved).items():
            found.setdefault(rt_id, override)
    return found


def kencana_category(competition: Competition) -> SizeCategory:
    """The competition's Kencana category, or an unsaved one with the default prize."""
    for category in competition.size_categories.all():
        if category.is_kencana:
            return category
    return SizeCategory(
        competition=competition,
        code=KENCANA_CODE,
        name=settings.BANTAR_KENCANA_NAME,
        min_kk=0,
        max_kk=None,
        prize=settings.BANTAR_DEFAULT_KENCANA_PRIZE,
    )


def category_saved(category: SizeCategory) -> SizeCategory:
    """An override's category, saved the first time an entry goes into it."""
    if category.pk is None:
        existing = SizeCategory.objects.filter(
            competition=category.competition, code=category.code
        ).first()
        if existing is not None:
            return existing
        category.full_clean()
        category.save()
    return category


def kk_minimum(categories: Sequence[SizeCategory]) -> int:
    """The fewest households an RT needs to take part: the smallest size band's floor.

    The registration form's live preview is given this and BANTAR_MAX_KK, so it refuses
    exactly what `size_category_for` refuses.
    """
    return min(category.min_kk for category in categories if not category.is_kencana)


def size_category_for(
    *, competition: Competition, kk_count: int, rt: RT | None = None
) -> SizeCategory:
    """The size category an RT of `kk_count` households competes in.

    Refuses counts below the smallest band (30 KK by default) with a message
    the kelurahan officer can act on. With `rt`, an override (Kencana) wins over
    the band; the category it gives may still be unsaved (see `category_saved`).
    """
    _check_kk_range(kk_count)
    categories = [c for c in competition.size_categories.all() if not c.is_kencana]
    if not categories:
        raise ValidationError(ERROR_NO_CATEGORIES, code="no_categories")
    minimum = kk_minimum(categories)
    if kk_count < minimum:
        raise ValidationError(
            ERROR_KK_BELOW_MINIMUM,
            code="kk_below_minimum",
            params={"kk": kk_count, "min": minimum},
        )
    if rt is not None:
        override = category_overrides(competition=competition, rts=[rt]).get(rt.pk)
        if override is not None:
            return override.category
    for category in categories:
        if category.contains(kk_count):
            return category
    raise ValidationError(ERROR_KK_NO_CATEGORY, code="kk_no_category", params={"kk": kk_count})


def validate_size_categories(categories: list[SizeCategory]) -> None:
    # The Kencana category has no KK band: it cannot overlap one.
    bands = [category for category in categories if not category.is_kencana]
    ordered = sorted(bands, key=lambda category: category.min_kk)
    for lower, upper in pairwise(ordered):
        if lower.max_kk is None or lower.max_kk >= upper.min_kk:
            raise ValidationError(
                ERROR_CATEGORIES_OVERLAP, params={"a": lower.name, "b": upper.name}
            )


def validate_pillar_weights(weights: dict[str, object], *, codes: Sequence[str]) -> None:
    """Weights for exactly the instrument's pillar codes (Competition.clean asks the same)."""
    check_pillar_weights(weights, codes)


def default_competition_title(*, year: int, period: int) -> str:
    """The stored title is an official text (certificates, the public results): always in
    Indonesian, whatever language the panitia creating it reads the portal in."""
    with translation.override("id"):
        title = _("Lomba Kampung BANTAR %(year)s") % {"year": year}
        if period > 1:
            title += f" - {_('Periode')} {period}"
    return title


@transaction.atomic
def competition_create(
    *,
    year: int,
    period: int = 1,
    title: str = "",
    registration_closes: datetime | None = None,
    instrument: Instrument | None = None,
    pillar_weights: dict[str, str] | None = None,
) -> Competition:
    """A new competition with the default rules and size categories from settings, judged by
    `instrument` (default: the newest one): its scale and its pillars' weights."""
    instrument = instrument or newest_instrument()
    if instrument is None:
        raise ValidationError(ERROR_NO_INSTRUMENT)
    # A draft copy the panitia is still editing is not what juries score against.
    check_instrument_ready(instrument)
    competition = Competition(
        instrument=instrument,
        pillar_weights=pillar_weights or default_weights_for(instrument),
        year=year,
        period=period,
        title=title or default_competition_title(year=year, period=period),
        registration_closes=registration_closes,
        scale_min=instrument.scale_min,
        scale_max=instrument.scale_max,
        pass_mark=Decimal(settings.BANTAR_DEFAULT_PASS_MARK),
    )
    competition.full_clean()
    competition.save()
    categories = [
        SizeCategory(
            competition=competition, code=code, name=name, min_kk=min_kk, max_kk=max_kk, prize=prize
        )
        for code, name, min_kk, max_kk, prize in settings.BANTAR_DEFAULT_SIZE_CATEGORIES
    ]
    validate_size_categories(categories)
    for category in categories:
        category.full_clean()
        category.save()
    return competition


# --- Status transitions -----------------------------------------------------------
# Each step names the checks that must pass before a competition may enter it.
# Apps above this one add the checks of the stages they own to STEP_CHECKS when they
# load (scoring: the plenary needs a submitted sheet), so imports point down only.


def _check_ready_for_registration(competition: Competition) -> None:
    if not competition.size_categories.exists():
        raise ValidationError(ERROR_NO_CATEGORIES)
    if competition.registration_closes is None:
        raise ValidationError(ERROR_NO_DEADLINE)
    if competition.registration_closes <= timezone.now():
        raise ValidationError(ERROR_DEADLINE_PAST)


def _check_ready_for_verification(competition: Competition) -> None:
    if not competition.entries.exclude(
        status__in=[EntryStatus.DRAFT, EntryStatus.WITHDRAWN]
    ).exists():
        raise ValidationError(ERROR_NO_PROPOSALS)


def _check_ready_for_assessment(competition: Competition) -> None:
    pending = competition.entries.filter(status=EntryStatus.PROPOSED).count()
    if pending:
        raise ValidationError(ERROR_PENDING_PROPOSALS, params={"count": pending})
    if not competition.entries.filter(status=EntryStatus.VERIFIED).exists():
        raise ValidationError(ERROR_NO_VERIFIED)


def _refuse_outside_plenary(competition: Competition) -> None:
    raise ValidationError(ERROR_USE_PLENARY)


STEP_CHECKS: dict[str, list[Callable[[Competition], None]]] = {
    CompetitionStatus.REGISTRATION: [_check_ready_for_registration],
    CompetitionStatus.VERIFICATION: [_check_ready_for_verification],
    CompetitionStatus.ASSESSMENT: [_check_ready_for_assessment],
    CompetitionStatus.PLENARY: [],  # scoring adds its check (scoring/apps.py)
    # Final and published go through scoring.services (finalise, publish).
    CompetitionStatus.FINAL: [_refuse_outside_plenary],
    CompetitionStatus.PUBLISHED: [_refuse_outside_plenary],
}


# What the panitia should see and confirm before a step that does not refuse it (scoring:
# the sheets still missing when the plenary starts). Read functions; apps above add theirs.
STEP_WARNINGS: dict[str, list[Callable[[Competition], list[str]]]] = {
    status: [] for status in CompetitionStatus.values
}


def advance_warnings(competition: Competition) -> list[str]:
    """What the next step would go ahead with but the panitia confirms first, read only."""
    found: list[str] = []
    for warn in STEP_WARNINGS.get(competition.next_status or "", []):
        found += warn(competition)
    return found


def _label(status: str) -> str:
    return str(CompetitionStatus(status).label)


def advance_blockers(competition: Competition) -> list[str]:
    """What `competition_advance` would refuse the next step with, read without writing.

    The panitia's home lists these, so what it shows is what the stage button will say.
    """
    blockers = []
    for check in STEP_CHECKS.get(competition.next_status or "", []):
        try:
            check(competition)
        except ValidationError as error:
            blockers += error.messages
    return blockers


@transaction.atomic
def competition_advance(
    *, competition: Competition, to_status: str, by: User | None
) -> Competition:
    """Move a competition one step forward, after that step's checks pass."""
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    current = STATUS_ORDER.index(CompetitionStatus(competition.status))
    target = STATUS_ORDER.index(CompetitionStatus(to_status))
    params = {"current": _label(competition.status), "target": _label(to_status)}
    if target == current:
        raise ValidationError(ERROR_STATUS_SAME, code="same", params=params)
    if target < current:
        raise ValidationError(ERROR_STATUS_BACKWARDS, code="backwards", params=params)
    if target > current + 1:
        params["next"] = _label(STATUS_ORDER[current + 1])
        raise ValidationError(ERROR_STATUS_SKIP, code="skip", params=params)
    for check in STEP_CHECKS.get(to_status, []):
        check(competition)
    reason = f"{_label(STATUS_ORDER[current])} -> {_label(to_status)}"
    return competition_move(competition=competition, to_status=to_status, by=by, reason=reason)


# Besides one step forward (`competition_advance`), the moves the results make:
# finalising, publishing, and reopening final or published results for a correction.
RESULT_MOVES = {
    (CompetitionStatus.PLENARY, CompetitionStatus.FINAL),
    (CompetitionStatus.FINAL, CompetitionStatus.PUBLISHED),
    (CompetitionStatus.FINAL, CompetitionStatus.PLENARY),
    (CompetitionStatus.PUBLISHED, CompetitionStatus.PLENARY),
}
ERROR_MOVE_NOT_ALLOWED = gettext_lazy(
    "Kompetisi tidak dapat dipindah dari tahap %(current)s ke %(target)s."
)


def competition_move(
    *, competition: Competition, to_status: str, by: User | None, reason: str
) -> Competition:
    """The one writer of `Competition.status`, with the history's who and why.

    The caller holds the competition's row lock and has made its own checks
    (`competition_advance`'s steps, or finalising's sheets); this refuses any
    move that is neither one step forward nor one of `RESULT_MOVES`. Only the stage is
    saved: a caller changing other fields saves them itself first (as `revisit_create`).
    """
    current, target = CompetitionStatus(competition.status), CompetitionStatus(to_status)
    one_step = STATUS_ORDER.index(target) == STATUS_ORDER.index(current) + 1
    if not one_step and (current, target) not in RESULT_MOVES:
        raise ValidationError(
            ERROR_MOVE_NOT_ALLOWED,
            code="move",
            params={"current": _label(current), "target": _label(target)},
        )
    competition.status = target
    competition.status_changed_at = timezone.now()
    stamp(competition, by=by, reason=reason)
    # Only the stage is written: its fields are checked and saved, not the whole row. The
    # full clean's instrument, weights and period queries checked fields this move never
    # changes (4 of finalising's 7 queries here); the history record (post_save) and the
    # result version's bump are the save's as before.
    competition.clean_fields(exclude=_NOT_MOVED)
    competition.save(update_fields=_MOVED)
    return competition


# What `competition_move` writes: the stage and when it changed.
_MOVED = ["status", "status_changed_at"]
_NOT_MOVED = [f.name for f in Competition._meta.fields if f.name not in _MOVED]


# --- Entries: registration by kelurahan, verification by kecamatan -----------------

ERROR_DEADLINE_PASSED = gettext_lazy(
    "Batas waktu pendaftaran (%(deadline)s WIB) sudah lewat; usulan tidak dapat ditambah "
    "atau diubah lagi."
)
ERROR_RT_TAKEN = gettext_lazy(
    "%(rt)s sudah terdaftar pada %(competition)s (status: %(status)s). "
    "Buka usulan tersebut untuk mengubahnya."
)
ERROR_RT_OTHER_KELURAHAN = gettext_lazy("RT ini bukan bagian dari kelurahan Anda.")
ERROR_RT_MISSING = gettext_lazy("Pilih RT yang sudah ada atau isi nomor RT baru.")
ERROR_RT_BOTH = gettext_lazy("Pilih RT yang sudah ada atau isi nomor RT baru, jangan keduanya.")
ERROR_NOT_EDITABLE = gettext_lazy("Usulan berstatus %(status)s tidak dapat diubah oleh kelurahan.")
ERROR_CANNOT_PROPOSE = gettext_lazy("Usulan berstatus %(status)s tidak dapat diajukan.")
ERROR_CANNOT_WITHDRAW = gettext_lazy("Usulan berstatus %(status)s tidak dapat ditarik.")
ERROR_CANNOT_CHECK = gettext_lazy(
    "Hanya usulan berstatus Diusulkan atau Terverifikasi yang dapat diperiksa kecamatan "
    "(status sekarang: %(status)s)."
)
ERROR_RETURN_NOTE_REQUIRED = gettext_lazy(
    "Tuliskan alasan pengembalian agar kelurahan tahu apa yang harus diperbaiki."
)


@dataclass(frozen=True)
class EntryData:
    """What a kelurahan officer fills in for one RT."""

    kampung_name: str
    ketua_rt: str
    phone: str
    kk_count: int
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    note: str = ""


def _format_deadline(competition: Competition) -> str:
    return date_format(timezone.localtime(competition.registration_closes), "j F Y H:i")


def check_registration_open(competition: Competition) -> None:
    check_stage(competition, Write.ENTRY_SAVE)
    if not competition.is_registration_open:
        raise ValidationError(
            ERROR_DEADLINE_PASSED,
            code="deadline_passed",
            params={"deadline": _format_deadline(competition)},
        )


def check_entry_editable(entry: Entry) -> None:
    """Kelurahan may change its entry before the deadline; a returned one until verification ends."""
    if entry.status == EntryStatus.VERIFIED:
        raise ValidationError(
            ERROR_NOT_EDITABLE, code="not_editable", params={"status": entry.get_status_display()}
        )
    if entry.status == EntryStatus.RETURNED:
        check_stage(entry.competition, Write.ENTRY_FIX_RETURNED)
    else:
        check_registration_open(entry.competition)


def _resolve_rt(
    *, officer: User, rt: RT | None, new_rt_number: int | None, kampung_name: str
) -> RT:
    if rt is not None and new_rt_number is not None:
        raise ValidationError({"rt": ValidationError(ERROR_RT_BOTH, code="rt_both")})
    if rt is None and new_rt_number is None:
        raise ValidationError({"rt": ValidationError(ERROR_RT_MISSING, code="rt_missing")})
    if rt is not None:
        if rt.kelurahan_id != officer.kelurahan_id:
            raise ValidationError(
                {"rt": ValidationError(ERROR_RT_OTHER_KELURAHAN, code="rt_other_kelurahan")}
            )
        return rt
    rt, _created = RT.objects.get_or_create(
        kelurahan_id=officer.kelurahan_id,
        number=new_rt_number,
        defaults={"name_kampung": kampung_name},
    )
    return rt


def _record(entry: Entry, *, by: User | None, reason: str) -> None:
    stamp(entry, by=by, reason=reason)


def _refuse_taken_rt(*, competition: Competition, rt: RT, entry: Entry | None) -> None:
    taken = Entry.objects.filter(competition=competition, rt=rt)
    if entry is not None:
        taken = taken.exclude(pk=entry.pk)
    existing = taken.first()
    if existing is not None:
        raise ValidationError(
            {
                "rt": ValidationError(
                    ERROR_RT_TAKEN,
                    code="rt_taken",
                    params={
                        "rt": str(rt),
                        "competition": competition.title,
                        "status": existing.get_status_display(),
                    },
                )
            }
        )


ERROR_REPEAT_REFUSED = gettext_lazy(
    "%(rt)s sudah ikut lomba tahun %(year)s. Pada kompetisi ini RT yang ikut tahun lalu "
    "beristirahat satu tahun: usulkan RT lain."
)
WARNING_REPEAT = gettext_lazy(
    "%(rt)s sudah ikut lomba tahun %(year)s. Periksa apakah kelurahan memang ingin "
    "mengusulkannya lagi tahun ini."
)


def took_part_last_year(*, competition: Competition, rt_ids: Sequence[int]) -> set[int]:
    """Of `rt_ids`, the RTs verified in a competition of the year before (one query)."""
    return set(
        Entry.objects.filter(
            competition__year=competition.year - 1,
            status=EntryStatus.VERIFIED,
            rt_id__in=rt_ids,
        ).values_list("rt_id", flat=True)
    )


def repeat_entry_message(*, competition: Competition, rt: RT) -> str | None:
    """The warning or refusal for an RT that took part the year before, per the competition's
    setting (`repeat_entry`); None when allowed or when it did not take part."""
    if competition.repeat_entry == RepeatEntry.ALLOW or rt.pk is None:
        return None
    if not took_part_last_year(competition=competition, rt_ids=[rt.pk]):
        return None
    return repeat_entry_text(competition=competition, rt=rt)


def repeat_entry_text(*, competition: Competition, rt: RT) -> str:
    """The words of the warning or refusal for an RT known to have taken part (no query)."""
    message = (
        ERROR_REPEAT_REFUSED if competition.repeat_entry == RepeatEntry.REFUSE else WARNING_REPEAT
    )
    return str(message % {"rt": str(rt), "year": competition.year - 1})


def _refuse_repeat_entry(*, competition: Competition, rt: RT) -> None:
    if competition.repeat_entry != RepeatEntry.REFUSE:
        return
    message = repeat_entry_message(competition=competition, rt=rt)
    if message is not None:
        raise ValidationError({"rt": ValidationError(message, code="repeat_refused")})


@transaction.atomic
def entry_save(
    *,
    competition: Competition,
    officer: User,
    data: EntryData,
    rt: RT | None = None,
    new_rt_number: int | None = None,
    entry: Entry | None = None,
    client_token: uuid.UUID | None = None,
    propose: bool = False,
) -> Entry:
    """Create or change a kelurahan's entry; `propose` also sends it to the kecamatan.

    A form sent twice with the same `client_token` returns the entry made the
    first time instead of making a second one.
    """
    if entry is None and client_token is not None:
        already = Entry.objects.filter(client_token=client_token).first()
        if already is not None:
            return already
    if entry is None:
        check_registration_open(competition)
    else:
        entry = Entry.objects.select_for_update().select_related("competition").get(pk=entry.pk)
        check_entry_editable(entry)
    rt = _resolve_rt(
        officer=officer, rt=rt, new_rt_number=new_rt_number, kampung_name=data.kampung_name
    )
    _refuse_taken_rt(competition=competition, rt=rt, entry=entry)
    if entry is None or entry.rt_id != rt.pk:
        _refuse_repeat_entry(competition=competition, rt=rt)
    try:
        category = size_category_for(competition=competition, kk_count=data.kk_count, rt=rt)
    except ValidationError as error:
        raise ValidationError({"kk_count": error.error_list}) from None
    category = category_saved(category)
    created = entry is None
    if entry is None:
        entry = Entry(competition=competition, client_token=client_token, submitted_by=officer)
    previous_status = entry.status
    entry.rt = rt
    entry.category = category
    for field, value in asdict(data).items():
        setattr(entry, field, value)
    if propose:
        entry.status = EntryStatus.PROPOSED
    elif previous_status == EntryStatus.WITHDRAWN:
        entry.status = EntryStatus.DRAFT
    entry.full_clean(validate_unique=False)
    if data.kampung_name and rt.name_kampung != data.kampung_name:
        rt.name_kampung = data.kampung_name
        rt.save(update_fields=["name_kampung"])
    if propose:
        reason = _("Diusulkan")
    else:
        reason = _("Dibuat sebagai draf") if created else _("Diubah")
    _record(entry, by=officer, reason=reason)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # Two officers saved the same RT at the same moment: the other one won.
        _refuse_taken_rt(competition=competition, rt=rt, entry=None)
        raise
    return entry


def entry_check(
    *,
    competition: Competition,
    officer: User,
    rt: RT | None,
    new_rt_number: int | None,
    kk_count: int | None,
    entry: Entry | None = None,
    client_token: uuid.UUID | None = None,
) -> None:
    """Every refusal `entry_save` would give about the RT and the KK count, all at once.

    The form calls it with whatever fields it could read, so an officer sees the taken RT
    and the KK count below the minimum in one round instead of one after the other.
    Nothing is saved (a new RT number is looked up, not made); `entry_save` still checks.
    """
    sent_twice = entry is None and client_token is not None
    if sent_twice and Entry.objects.filter(client_token=client_token).exists():
        return  # entry_save returns the entry made the first time
    errors: dict[str, Any] = {}
    target = rt
    if rt is not None and new_rt_number is not None:
        ValidationError({"rt": ValidationError(ERROR_RT_BOTH, code="rt_both")}).update_error_dict(
            errors
        )
    elif rt is None and new_rt_number is None:
        ValidationError(
            {"rt": ValidationError(ERROR_RT_MISSING, code="rt_missing")}
        ).update_error_dict(errors)
    elif rt is not None and rt.kelurahan_id != officer.kelurahan_id:
        ValidationError(
            {"rt": ValidationError(ERROR_RT_OTHER_KELURAHAN, code="rt_other_kelurahan")}
        ).update_error_dict(errors)
        target = None
    elif rt is None and new_rt_number is not None and officer.kelurahan_id is not None:
        target = RT.objects.filter(kelurahan_id=officer.kelurahan_id, number=new_rt_number).first()
    if target is not None and "rt" not in errors:
        try:
            _refuse_taken_rt(competition=competition, rt=target, entry=entry)
            if entry is None or entry.rt_id != target.pk:
                _refuse_repeat_entry(competition=competition, rt=target)
        except ValidationError as error:
            error.update_error_dict(errors)
    if kk_count is not None:
        try:
            size_category_for(competition=competition, kk_count=kk_count, rt=target)
        except ValidationError as error:
            ValidationError({"kk_count": error.error_list}).update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _locked(entry: Entry) -> Entry:
    return Entry.objects.select_for_update().select_related("competition", "rt").get(pk=entry.pk)


@transaction.atomic
def entry_propose(*, entry: Entry, by: User) -> Entry:
    entry = _locked(entry)
    if entry.status == EntryStatus.PROPOSED:
        return entry  # a second click changes nothing
    if entry.status not in (EntryStatus.DRAFT, EntryStatus.RETURNED):
        raise ValidationError(
            ERROR_CANNOT_PROPOSE,
            code="cannot_propose",
            params={"status": entry.get_status_display()},
        )
    check_entry_editable(entry)
    entry.status = EntryStatus.PROPOSED
    _record(entry, by=by, reason=_("Diusulkan"))
    entry.save()
    return entry


@transaction.atomic
def entry_withdraw(*, entry: Entry, by: User) -> Entry:
    entry = _locked(entry)
    if entry.status == EntryStatus.WITHDRAWN:
        return entry
    if entry.status == EntryStatus.VERIFIED:
        raise ValidationError(
            ERROR_CANNOT_WITHDRAW,
            code="cannot_withdraw",
            params={"status": entry.get_status_display()},
        )
    check_entry_editable(entry)
    entry.status = EntryStatus.WITHDRAWN
    _record(entry, by=by, reason=_("Ditarik"))
    entry.save()
    return entry


def _check_can_be_checked(entry: Entry) -> None:
    check_stage(entry.competition, Write.ENTRY_CHECK)
    if entry.status not in (EntryStatus.PROPOSED, EntryStatus.VERIFIED):
        raise ValidationError(
            ERROR_CANNOT_CHECK, code="cannot_check", params={"status": entry.get_status_display()}
        )


@transaction.atomic
def entry_verify(*, entry: Entry, by: User) -> Entry:
    entry = _locked(entry)
    if entry.status == EntryStatus.VERIFIED:
        return entry
    _check_can_be_checked(entry)
    entry.status = EntryStatus.VERIFIED
    entry.return_note = ""
    _record(entry, by=by, reason=_("Diverifikasi"))
    entry.save()
    return entry


@transaction.atomic
def entry_return(*, entry: Entry, by: User, note: str) -> Entry:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ValidationError(ERROR_RETURN_NOTE_REQUIRED, code="note")})
    entry = _locked(entry)
    if entry.status == EntryStatus.RETURNED and entry.return_note == note:
        return entry
    _check_can_be_checked(entry)
    entry.status = EntryStatus.RETURNED
    entry.return_note = note
    _record(entry, by=by, reason=_("Dikembalikan: %(note)s") % {"note": note})
    entry.save()
    entry_returned_notify(entry=entry)  # after the commit; a failed send undoes nothing
    return entry


ERROR_NEAR_BOUNDARY = gettext_lazy(
    "Jumlah KK %(kk)s dekat batas kategori (%(boundary)s KK): periksa kembali data KK "
    "karena selisih sedikit saja mengubah kategori %(category)s."
)


def near_band_boundary(entry: Entry) -> str | None:
    """A warning when the KK count is within BANTAR_BOUNDARY_WARNING_KK of a band edge.

    The edges are the first KK count of each band; within the margin on either
    side (57..62 around 60 with the default margin of 3) the category could flip.
    """
    margin = settings.BANTAR_BOUNDARY_WARNING_KK
    if entry.category.is_kencana:
        return None  # placed by its streak: the KK count does not choose the category
    for category in entry.competition.size_categories.all():
        if category.is_kencana:
            continue
        edge = category.min_kk
        if edge - margin <= entry.kk_count <= edge + margin - 1:
            return str(
                ERROR_NEAR_BOUNDARY
                % {"kk": entry.kk_count, "boundary": edge, "category": entry.category.name}
            )
    return None
