"""Writes for team severity (issue 12.5): the panitia's threshold, normalisation, calibration RTs."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bantar.history import stamp
from bantar.models import User
from competitions.models import Competition, Entry, EntryStatus
from competitions.stages import Write, check_stage

ERROR_CALIBRATION_NOT_ASSIGNED = gettext_lazy(
    "RT kalibrasi harus terverifikasi dan sudah ditugaskan ke satu tim (tim itulah yang "
    "nilainya dihitung): %(rts)s."
)
ERROR_CALIBRATION_UNKNOWN = gettext_lazy("Peserta yang dipilih bukan peserta kompetisi ini.")


def _unfit(entry: Entry) -> bool:
    """Not a possible calibration RT: only a verified, assigned RT has a team whose sheets count."""
    return entry.status != EntryStatus.VERIFIED or not hasattr(entry, "assignment")


@transaction.atomic
def competition_severity_settings(
    *, competition: Competition, threshold: Decimal, normalise: bool, by: User
) -> Competition:
    """The flag threshold of the severity panel and the normalisation rule, until final."""
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    check_stage(competition, Write.SEVERITY_SETTINGS)
    if competition.severity_threshold == threshold and competition.normalise_levels == normalise:
        return competition  # nothing changed: no history record
    competition.severity_threshold = threshold
    competition.normalise_levels = normalise
    competition.full_clean()
    stamp(competition, by=by, reason=_("Pengaturan keseragaman penilaian"))
    competition.save(update_fields=["severity_threshold", "normalise_levels"])
    return competition


@transaction.atomic
def entry_calibration_set(
    *, competition: Competition, entry_ids: Collection[int], by: User
) -> list[Entry]:
    """Exactly `entry_ids` are the competition's calibration RTs; every other entry is not.

    A calibration RT is verified and assigned: its assigned team's sheets count for its
    result, every other team's feed the severity panel only (scoring.severity).
    """
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    check_stage(competition, Write.CALIBRATION)
    wanted = set(entry_ids)
    chosen = list(
        Entry.objects.filter(competition=competition, pk__in=wanted).select_related(
            "rt__kelurahan", "assignment"
        )
    )
    if len(chosen) != len(wanted):
        raise ValidationError(ERROR_CALIBRATION_UNKNOWN, code="calibration_unknown")
    unfit = [str(entry.rt) for entry in chosen if _unfit(entry)]
    if unfit:
        raise ValidationError(
            ERROR_CALIBRATION_NOT_ASSIGNED,
            code="calibration_not_assigned",
            params={"rts": ", ".join(sorted(unfit))},
        )
    changed = list(
        Entry.objects.filter(competition=competition, is_calibration=True).exclude(pk__in=wanted)
    ) + [entry for entry in chosen if not entry.is_calibration]
    for entry in changed:
        entry.is_calibration = not entry.is_calibration
        stamp(entry, by=by, reason=_("RT kalibrasi"))
        entry.save(update_fields=["is_calibration", "updated_at"])
    return changed


@transaction.atomic
def entry_calibration_mark(
    *, competition: Competition, entry_id: int, calibration: bool, by: User
) -> Entry:
    """One RT becomes a calibration RT (`calibration`) or stops being one; the others stay.

    The settings page adds or removes RTs one at a time from a search, so a filter or a
    page of the search never drops a choice made elsewhere. Unchanged: no history record.
    """
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    check_stage(competition, Write.CALIBRATION)
    entry = (
        Entry.objects.filter(competition=competition, pk=entry_id)
        .select_related("rt__kelurahan", "assignment")
        .first()
    )
    if entry is None:
        raise ValidationError(ERROR_CALIBRATION_UNKNOWN, code="calibration_unknown")
    if calibration and _unfit(entry):
        raise ValidationError(
            ERROR_CALIBRATION_NOT_ASSIGNED,
            code="calibration_not_assigned",
            params={"rts": str(entry.rt)},
        )
    if entry.is_calibration == calibration:
        return entry
    entry.is_calibration = calibration
    stamp(entry, by=by, reason=_("RT kalibrasi"))
    entry.save(update_fields=["is_calibration", "updated_at"])
    return entry
