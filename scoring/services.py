"""Writes for jury teams, assignments, score sheets and photo evidence.

Every function is keyword-only, checks before it writes, and runs in one
transaction. Refusals are ValidationError (shown to the user) or
PermissionDenied (403) when the role or remit does not allow the action.
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
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bantar.models import Role, User
from competitions.models import Competition, CompetitionStatus, Entry, EntryStatus, Kelurahan
from indicators.models import Indicator, Pillar
from scoring.models import (
    Assignment,
    Evidence,
    JuryMember,
    JuryTeam,
    Recusal,
    Result,
    ResultSet,
    Score,
    ScoreSheet,
    SheetStatus,
)

logger = logging.getLogger(__name__)

ERROR_NOT_A_JUROR = gettext_lazy("%(user)s bukan akun juri.")
ERROR_ALREADY_IN_TEAM = gettext_lazy("%(user)s sudah menjadi anggota %(team)s pada kompetisi ini.")
ERROR_LEADER_NOT_MEMBER = gettext_lazy("Ketua tim harus salah satu anggota tim.")
ERROR_ENTRY_NOT_VERIFIED = gettext_lazy(
    "Hanya RT yang sudah terverifikasi yang dapat ditugaskan (%(rt)s: %(status)s)."
)
ERROR_TEAM_OTHER_COMPETITION = gettext_lazy("Tim %(team)s bukan tim kompetisi ini.")
ERROR_ASSIGN_STAGE = gettext_lazy(
    "Penugasan hanya dapat diatur pada tahap Verifikasi atau Penilaian lapangan."
)
ERROR_NO_TEAMS = gettext_lazy("Belum ada tim juri untuk kompetisi ini.")
ERROR_RECUSAL_STAGE = gettext_lazy("Pengunduran diri juri tidak dapat dicatat setelah hasil final.")
ERROR_RECUSAL_REASON = gettext_lazy("Tuliskan alasan juri tidak menilai RT ini.")
ERROR_SCORING_CLOSED = gettext_lazy(
    "Penilaian %(competition)s tidak sedang dibuka (tahap: %(status)s)."
)
ERROR_SCORE_RANGE = gettext_lazy("Nilai harus bilangan bulat %(min)s sampai %(max)s.")
ERROR_SHEET_LOCKED = gettext_lazy(
    "Lembar nilai sudah dikirim dan terkunci. Minta panitia membukanya kembali bila perlu koreksi."
)
ERROR_SHEET_INCOMPLETE = gettext_lazy(
    "Lembar nilai belum lengkap: %(count)s indikator belum dinilai (%(codes)s)."
)
ERROR_REOPEN_REASON = gettext_lazy("Tuliskan alasan lembar nilai dibuka kembali.")
ERROR_NOTE_TOO_LONG = gettext_lazy("Catatan paling panjang %(max)s huruf.")
ERROR_PHOTO_NOT_YOURS = gettext_lazy("Hanya juri yang mengambil foto ini yang dapat menghapusnya.")
ERROR_CONFLICT = gettext_lazy(
    "Anda tidak menilai RT di kelurahan tempat tinggal Anda (%(kelurahan)s)."
)
ERROR_RECUSED = gettext_lazy("Anda tercatat tidak menilai RT ini: %(reason)s")
ERROR_NOT_IN_REMIT = gettext_lazy("Indikator %(code)s di luar pilar yang Anda nilai.")

NOTE_MAX = 2000
SCORING_STAGES = (CompetitionStatus.ASSESSMENT, CompetitionStatus.PLENARY)
ASSIGNING_STAGES = (CompetitionStatus.VERIFICATION, CompetitionStatus.ASSESSMENT)


# --- Teams and assignments (panitia) ----------------------------------------------


@transaction.atomic
def team_create(*, competition: Competition, name: str) -> JuryTeam:
    team = JuryTeam(competition=competition, name=name.strip())
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def team_add_member(
    *,
    team: JuryTeam,
    user: User,
    agency: str,
    home_kelurahan: Kelurahan | None = None,
    pillars: Iterable[Pillar] = (),
) -> JuryMember:
    if user.role != Role.JURI:
        raise ValidationError(
            ERROR_NOT_A_JUROR, params={"user": user.get_full_name() or user.username}
        )
    other = (
        JuryMember.objects.filter(team__competition=team.competition, user=user)
        .select_related("team")
        .first()
    )
    if other is not None:
        raise ValidationError(
            ERROR_ALREADY_IN_TEAM,
            params={"user": user.get_full_name() or user.username, "team": other.team.name},
        )
    member = JuryMember(team=team, user=user, agency=agency.strip(), home_kelurahan=home_kelurahan)
    member.full_clean()
    member.save()
    member.pillars.set(pillars)
    return member


@transaction.atomic
def team_set_leader(*, team: JuryTeam, user: User) -> JuryTeam:
    if not team.members.filter(user=user).exists():
        raise ValidationError(ERROR_LEADER_NOT_MEMBER)
    team.leader = user
    team.save(update_fields=["leader"])
    return team


def _check_assignable(entry: Entry, team: JuryTeam) -> None:
    if entry.competition.status not in ASSIGNING_STAGES:
        raise ValidationError(ERROR_ASSIGN_STAGE)
    if team.competition_id != entry.competition_id:
        raise ValidationError(ERROR_TEAM_OTHER_COMPETITION, params={"team": team.name})
    if entry.status != EntryStatus.VERIFIED:
        raise ValidationError(
            ERROR_ENTRY_NOT_VERIFIED,
            params={"rt": str(entry.rt), "status": entry.get_status_display()},
        )


@transaction.atomic
def entry_assign(*, entry: Entry, team: JuryTeam, by: User) -> Assignment:
    """Give an entry to a team, or move it. Sheets already scored stay, with their history."""
    _check_assignable(entry, team)
    assignment = Assignment.objects.select_for_update().filter(entry=entry).first()
    if assignment is None:
        assignment = Assignment(entry=entry, team=team)
    elif assignment.team_id == team.pk:
        return assignment
    else:
        assignment.team = team
    assignment._history_user = by  # type: ignore[attr-defined]
    assignment.save()
    return assignment


@transaction.atomic
def entries_assign_balanced(
    *, competition: Competition, entries: Iterable[Entry], by: User
) -> list[Assignment]:
    """Assign the entries that have no team yet, each to the team with the fewest so far.

    Entries go in region order (kecamatan, kelurahan, RT), so that neighbouring
    RTs tend to share a team's day; ties go to the first team by name.
    """
    teams = list(
        JuryTeam.objects.filter(competition=competition)
        .annotate(load=Count("assignments"))
        .order_by("name")
    )
    if not teams:
        raise ValidationError(ERROR_NO_TEAMS)
    loads = {team.pk: team.load for team in teams}
    made = []
    for entry in sorted(
        entries, key=lambda e: (e.rt.kelurahan.kecamatan.code, e.rt.kelurahan.code, e.rt.number)
    ):
        if Assignment.objects.filter(entry=entry).exists():
            continue
        team = min(teams, key=lambda t: (loads[t.pk], t.name))
        made.append(entry_assign(entry=entry, team=team, by=by))
        loads[team.pk] += 1
    return made


@transaction.atomic
def recusal_record(*, entry: Entry, juror: User, reason: str, by: User) -> Recusal:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(ERROR_RECUSAL_REASON)})
    if entry.competition.status not in (*ASSIGNING_STAGES, *SCORING_STAGES):
        raise ValidationError(ERROR_RECUSAL_STAGE)
    recusal, _created = Recusal.objects.update_or_create(
        entry=entry, juror=juror, defaults={"reason": reason, "recorded_by": by}
    )
    return recusal


# --- A juror's sheet ----------------------------------------------------------------


def membership_for(*, entry: Entry, juror: User) -> JuryMember:
    """The juror's membership in the team assigned to the entry (the caller scoped the entry)."""
    member = (
        JuryMember.objects.filter(team__assignments__entry=entry, user=juror)
        .select_related("home_kelurahan")
        .prefetch_related("pillars")
        .first()
    )
    if member is None:
        raise PermissionDenied
    return member


def check_may_score(*, entry: Entry, member: JuryMember) -> None:
    """Conflict of interest and recorded recusals keep a juror from an entry (403)."""
    if member.home_kelurahan_id is not None and member.home_kelurahan_id == entry.rt.kelurahan_id:
        raise PermissionDenied(ERROR_CONFLICT % {"kelurahan": member.home_kelurahan.name})
    recusal = Recusal.objects.filter(entry=entry, juror_id=member.user_id).first()
    if recusal is not None:
        raise PermissionDenied(ERROR_RECUSED % {"reason": recusal.reason})


def remit_indicators(member: JuryMember) -> list[Indicator]:
    pillar_ids = [pillar.pk for pillar in member.pillars.all()]
    indicators = Indicator.objects.select_related("pillar")
    return list(indicators.filter(pillar__in=pillar_ids) if pillar_ids else indicators)


def _check_scoring_open(competition: Competition) -> None:
    if competition.status not in SCORING_STAGES:
        raise ValidationError(
            ERROR_SCORING_CLOSED,
            code="scoring_closed",
            params={"competition": competition.title, "status": competition.get_status_display()},
        )


def sheet_for(*, entry: Entry, juror: User) -> ScoreSheet:
    sheet, _created = ScoreSheet.objects.get_or_create(entry=entry, juror=juror)
    return sheet


@dataclass(frozen=True)
class ScoreSaved:
    score: Score | None
    applied: bool  # False when this change had been applied before (a retry)
    sheet: ScoreSheet


@transaction.atomic
def score_save(
    *,
    entry: Entry,
    juror: User,
    indicator: Indicator,
    value: int | None,
    note: str,
    client_id: uuid.UUID,
    member: JuryMember | None = None,
) -> ScoreSaved:
    """Apply one change from a tablet, exactly once per `client_id`.

    `member` is the juror's membership as `membership_for` and `check_may_score`
    have just passed it (the view does); without it they run here.
    """
    if member is None:
        member = membership_for(entry=entry, juror=juror)
        check_may_score(entry=entry, member=member)
    remit = {pillar.pk for pillar in member.pillars.all()}
    if remit and indicator.pillar_id not in remit:
        raise PermissionDenied(ERROR_NOT_IN_REMIT % {"code": indicator.code})
    # The sheet's row lock orders every change to it: two tabs wait for each other.
    sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(entry=entry, juror=juror)
    if Score.history.filter(client_id=client_id, sheet_id=sheet.pk).exists():
        return ScoreSaved(
            Score.objects.filter(sheet=sheet, indicator=indicator).first(), False, sheet
        )
    _check_scoring_open(entry.competition)
    if sheet.is_locked:
        raise ValidationError(ERROR_SHEET_LOCKED, code="locked")
    competition = entry.competition
    if value is not None and not competition.scale_min <= value <= competition.scale_max:
        raise ValidationError(
            ERROR_SCORE_RANGE,
            code="range",
            params={"min": competition.scale_min, "max": competition.scale_max},
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(ERROR_NOTE_TOO_LONG, code="note", params={"max": NOTE_MAX})
    score = Score.objects.filter(sheet=sheet, indicator=indicator).first()
    if score is None:
        score = Score(sheet=sheet, indicator=indicator)
        reason = _("Diisi juri")
    else:
        reason = _("Diubah juri")
    score.value, score.note, score.client_id = value, note, client_id
    score._change_reason = reason  # type: ignore[attr-defined]
    score._history_user = juror  # type: ignore[attr-defined]
    # The sheet and indicator were just read, the sheet under its lock, and the database
    # keeps (sheet, indicator) unique: only the fields' own rules are left to check.
    score.full_clean(
        exclude=["sheet", "indicator"], validate_unique=False, validate_constraints=False
    )
    score.save()
    return ScoreSaved(score, True, sheet)


@transaction.atomic
def sheet_submit(*, entry: Entry, juror: User) -> ScoreSheet:
    """Lock the sheet once every indicator in the juror's remit has a level."""
    member = membership_for(entry=entry, juror=juror)
    check_may_score(entry=entry, member=member)
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet_for(entry=entry, juror=juror).pk)
    if sheet.is_locked:
        return sheet
    _check_scoring_open(entry.competition)
    scored = set(sheet.scores.filter(value__isnull=False).values_list("indicator_id", flat=True))
    missing = [
        indicator.code for indicator in remit_indicators(member) if indicator.pk not in scored
    ]
    if missing:
        raise ValidationError(
            ERROR_SHEET_INCOMPLETE,
            code="incomplete",
            params={"count": len(missing), "codes": ", ".join(missing)},
        )
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet._change_reason = _("Dikirim juri")  # type: ignore[attr-defined]
    sheet._history_user = juror  # type: ignore[attr-defined]
    sheet.save()
    return sheet


@transaction.atomic
def sheet_reopen(*, sheet: ScoreSheet, by: User, reason: str) -> ScoreSheet:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(ERROR_REOPEN_REASON)})
    sheet = (
        ScoreSheet.objects.select_for_update().select_related("entry__competition").get(pk=sheet.pk)
    )
    _check_scoring_open(sheet.entry.competition)
    if not sheet.is_locked:
        return sheet
    sheet.status = SheetStatus.DRAFT
    sheet.submitted_at = None
    sheet._change_reason = _("Dibuka kembali oleh panitia: %(reason)s") % {"reason": reason}  # type: ignore[attr-defined]
    sheet._history_user = by  # type: ignore[attr-defined]
    sheet.save()
    return sheet


# --- Photo evidence -------------------------------------------------------------------


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
    from scoring.images import process_photo

    already = Evidence.objects.filter(client_id=client_id, juror=juror).first()
    if already is not None:
        transaction.on_commit(lambda: _remove_leftovers(already))
        return already, False
    member = membership_for(entry=entry, juror=juror)
    check_may_score(entry=entry, member=member)
    if indicator is not None and indicator.pk not in {i.pk for i in remit_indicators(member)}:
        raise PermissionDenied(ERROR_NOT_IN_REMIT % {"code": indicator.code})
    _check_scoring_open(entry.competition)
    if sheet_for(entry=entry, juror=juror).is_locked:
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


def _remove_files(names: Iterable[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - logged, never hides the original error
            logger.exception("could not remove %s", name)


def _remove_leftovers(evidence: Evidence) -> None:
    """Files of earlier attempts at the same upload, left by a process that was killed."""
    from django.core.files.storage import default_storage

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
    from django.core.files.storage import default_storage

    known = set()
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
    if sheet_for(entry=evidence.entry, juror=by).is_locked:
        raise ValidationError(ERROR_SHEET_LOCKED, code="locked")
    names = [evidence.image.name, evidence.web.name, evidence.thumb.name]
    evidence.delete()
    transaction.on_commit(lambda: _remove_files(names))


# --- Finalisation and publication ----------------------------------------------------

ERROR_NOT_PLENARY = gettext_lazy(
    "Finalisasi hanya dari tahap Rapat pleno (tahap sekarang: %(status)s)."
)
ERROR_SHEETS_MISSING = gettext_lazy(
    "Belum dapat difinalisasi: %(count)s lembar nilai belum lengkap. %(items)s"
)
ERROR_NOT_FINAL = gettext_lazy(
    "Hanya hasil yang sudah final yang dapat diumumkan (tahap sekarang: %(status)s)."
)
ERROR_REOPEN_RESULTS_STAGE = gettext_lazy(
    "Hanya hasil final atau yang sudah diumumkan yang dapat dibuka kembali."
)
ERROR_REOPEN_RESULTS_REASON = gettext_lazy(
    "Tuliskan alasan koreksi; alasan ini tercatat dan terlihat."
)


def _set_status(competition: Competition, status: str, *, by: User, reason: str) -> None:
    competition.status = status
    competition.status_changed_at = timezone.now()
    competition._change_reason = reason  # type: ignore[attr-defined]
    competition._history_user = by  # type: ignore[attr-defined]
    competition.save()


@transaction.atomic
def competition_finalise(*, competition: Competition, by: User) -> ResultSet:
    """Check every expected sheet is in, then freeze the results with a hash of their inputs."""
    from scoring import results
    from scoring.selectors import explained_results, missing_sheets, results_inputs

    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    if competition.status != CompetitionStatus.PLENARY:
        raise ValidationError(
            ERROR_NOT_PLENARY, params={"status": competition.get_status_display()}
        )
    missing = missing_sheets(competition)
    if missing:
        shown = "; ".join(missing[:10]) + (
            f"; dan {len(missing) - 10} lagi" if len(missing) > 10 else ""
        )
        raise ValidationError(
            ERROR_SHEETS_MISSING, code="missing", params={"count": len(missing), "items": shown}
        )
    rules, inputs, _panel, levels = results_inputs(competition)
    outcome = results.compute(inputs, rules)
    result_set = ResultSet.objects.create(
        competition=competition,
        finalised_by=by,
        inputs_hash=results.inputs_hash(inputs, rules),
        total_prize=outcome.total_prize,
        warnings=outcome.warnings,
    )
    Result.objects.bulk_create(
        Result(
            result_set=result_set,
            entry_id=result.entry_id,
            category_code=result.category,
            bersih=outcome.pillar_decimal(result, "B"),
            aman=outcome.pillar_decimal(result, "A"),
            pintar=outcome.pillar_decimal(result, "P"),
            final=outcome.final_decimal(result),
            passed=result.passed,
            rank=result.rank,
            is_winner=result.is_winner,
            held_back=result.held_back,
            prize=result.prize,
            explanation=explanation,
        )
        for result, explanation in explained_results(competition, outcome, rules, levels)
    )
    _set_status(competition, CompetitionStatus.FINAL, by=by, reason=_("Hasil difinalisasi"))
    return result_set


@transaction.atomic
def competition_publish(*, competition: Competition, by: User) -> ResultSet:
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    if competition.status == CompetitionStatus.PUBLISHED:
        return ResultSet.objects.current().get(competition=competition)
    if competition.status != CompetitionStatus.FINAL:
        raise ValidationError(ERROR_NOT_FINAL, params={"status": competition.get_status_display()})
    result_set = ResultSet.objects.current().get(competition=competition)
    result_set.published_at = timezone.now()
    result_set.save(update_fields=["published_at"])
    _set_status(competition, CompetitionStatus.PUBLISHED, by=by, reason=_("Hasil diumumkan"))
    return result_set


@transaction.atomic
def competition_reopen_results(*, competition: Competition, by: User, reason: str) -> Competition:
    """Back to the plenary for a correction; the frozen results stay, marked as superseded."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(ERROR_REOPEN_RESULTS_REASON)})
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    if competition.status not in (CompetitionStatus.FINAL, CompetitionStatus.PUBLISHED):
        raise ValidationError(ERROR_REOPEN_RESULTS_STAGE)
    ResultSet.objects.current().filter(competition=competition).update(
        superseded_at=timezone.now(), superseded_by=by, superseded_reason=reason
    )
    _set_status(
        competition,
        CompetitionStatus.PLENARY,
        by=by,
        reason=_("Hasil dibuka kembali: %(reason)s") % {"reason": reason},
    )
    return competition
