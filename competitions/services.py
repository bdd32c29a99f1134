"""Writes for competitions: each is keyword-only, checked, and atomic."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from itertools import pairwise

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bantar.models import User
from competitions.models import (
    STATUS_ORDER,
    Competition,
    CompetitionStatus,
    EntryStatus,
    SizeCategory,
)

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
ERROR_CATEGORIES_OVERLAP = gettext_lazy("Rentang KK kategori %(a)s dan %(b)s tumpang tindih.")
ERROR_WEIGHTS = gettext_lazy(
    "Bobot pilar harus angka tidak negatif untuk B, A dan P, dan jumlahnya lebih dari 0."
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


def size_category_for(*, competition: Competition, kk_count: int) -> SizeCategory:
    """The size category an RT of `kk_count` households competes in.

    Refuses counts below the smallest band (30 KK by default) with a message
    the kelurahan officer can act on.
    """
    _check_kk_range(kk_count)
    categories = list(competition.size_categories.all())
    if not categories:
        raise ValidationError(ERROR_NO_CATEGORIES, code="no_categories")
    minimum = min(category.min_kk for category in categories)
    if kk_count < minimum:
        raise ValidationError(
            ERROR_KK_BELOW_MINIMUM,
            code="kk_below_minimum",
            params={"kk": kk_count, "min": minimum},
        )
    for category in categories:
        if category.contains(kk_count):
            return category
    raise ValidationError(ERROR_KK_NO_CATEGORY, code="kk_no_category", params={"kk": kk_count})


def validate_size_categories(categories: list[SizeCategory]) -> None:
    ordered = sorted(categories, key=lambda category: category.min_kk)
    for lower, upper in pairwise(ordered):
        if lower.max_kk is None or lower.max_kk >= upper.min_kk:
            raise ValidationError(
                ERROR_CATEGORIES_OVERLAP, params={"a": lower.name, "b": upper.name}
            )


def validate_pillar_weights(weights: dict[str, object]) -> None:
    try:
        values = [Decimal(str(weights[code])) for code in ("B", "A", "P")]
    except (KeyError, ArithmeticError, TypeError, ValueError) as error:
        raise ValidationError(ERROR_WEIGHTS) from error
    if any(value < 0 for value in values) or sum(values) <= 0:
        raise ValidationError(ERROR_WEIGHTS)


@transaction.atomic
def competition_create(
    *,
    year: int,
    period: int = 1,
    title: str = "",
    registration_closes: datetime | None = None,
) -> Competition:
    """A new competition with the default rules and size categories from settings."""
    competition = Competition(
        year=year,
        period=period,
        title=title
        or _("Lomba Kampung BANTAR %(year)s") % {"year": year}
        + (f" - {_('Periode')} {period}" if period > 1 else ""),
        registration_closes=registration_closes,
        scale_min=settings.BANTAR_DEFAULT_SCALE[0],
        scale_max=settings.BANTAR_DEFAULT_SCALE[1],
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
# Later stages (scoring, results) add their own checks to STEP_CHECKS.


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


STEP_CHECKS: dict[str, list[Callable[[Competition], None]]] = {
    CompetitionStatus.REGISTRATION: [_check_ready_for_registration],
    CompetitionStatus.VERIFICATION: [_check_ready_for_verification],
    CompetitionStatus.ASSESSMENT: [_check_ready_for_assessment],
}


def _label(status: str) -> str:
    return str(CompetitionStatus(status).label)


@transaction.atomic
def competition_advance(
    *, competition: Competition, to_status: str, by: User | None
) -> Competition:
    """Move a competition one step forward, after that step's checks pass."""
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    current = STATUS_ORDER.index(competition.status)
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
    competition.status = to_status
    competition.status_changed_at = timezone.now()
    competition._change_reason = f"{_label(STATUS_ORDER[current])} -> {_label(to_status)}"  # type: ignore[attr-defined]
    if by is not None:
        competition._history_user = by  # type: ignore[attr-defined]
    competition.full_clean()
    competition.save()
    return competition
