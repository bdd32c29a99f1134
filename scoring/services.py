"""Writes for jury teams, assignments and score sheets.

Photos are `scoring.evidence`; finalising and publishing are
`scoring.result_services`; who scores what is `scoring.panel`.

Every function is keyword-only, checks before it writes, and runs in one
transaction. Refusals are ValidationError (shown to the user) or
PermissionDenied (403) when the role or remit does not allow the action.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bantar.history import stamp
from bantar.models import Role, User
from competitions.models import Competition, Entry, EntryStatus, Kelurahan
from competitions.stages import Write, check_stage
from indicators.models import Indicator, Pillar
from indicators.selectors import pillars_of
from scoring.models import (
    Assignment,
    Excusal,
    JuryMember,
    JuryTeam,
    Recusal,
    Score,
    ScoreSheet,
    SheetStatus,
)
from scoring.notifications import assignments_notify, sheet_reopened_notify
from scoring.panel import (
    check_in_remit,
    check_may_score,
    has_conflict,
    in_remit,
    membership_for,
    remit_indicators,
)

logger = logging.getLogger(__name__)

ERROR_NOT_A_JUROR = gettext_lazy("%(user)s bukan akun juri.")
ERROR_ALREADY_IN_TEAM = gettext_lazy("%(user)s sudah menjadi anggota %(team)s pada kompetisi ini.")
ERROR_LEADER_NOT_MEMBER = gettext_lazy("Ketua tim harus salah satu anggota tim.")
ERROR_ENTRY_NOT_VERIFIED = gettext_lazy(
    "Hanya RT yang sudah terverifikasi yang dapat ditugaskan (%(rt)s: %(status)s)."
)
ERROR_TEAM_OTHER_COMPETITION = gettext_lazy("Tim %(team)s bukan tim kompetisi ini.")
ERROR_NO_TEAMS = gettext_lazy("Belum ada tim juri untuk kompetisi ini.")
ERROR_TEAM_EMPTY = gettext_lazy(
    "%(team)s belum punya anggota; tambahkan juri dulu sebelum menugaskan RT ke tim ini."
)
ERROR_PILLAR_UNCOVERED = gettext_lazy(
    "Tidak ada anggota %(team)s yang dapat menilai pilar %(pillar)s untuk %(rt)s "
    "(pilar yang dinilai anggota atau konflik kepentingan di %(kelurahan)s)."
)
ERROR_NO_TEAM_COVERS = gettext_lazy(
    "Tidak ada tim yang dapat menilai semua pilar %(rt)s: %(reasons)s"
)
ERROR_VISIT_UNASSIGNED = gettext_lazy(
    "%(rt)s belum ditugaskan ke tim juri: pilih timnya sebelum jadwal kunjungan."
)
ERROR_RECUSAL_REASON = gettext_lazy("Tuliskan alasan juri tidak menilai RT ini.")
ERROR_EXCUSE_REASON = gettext_lazy("Tuliskan alasan lembar nilai ini dimaafkan.")
ERROR_EXCUSE_SUBMITTED = gettext_lazy(
    "Lembar nilai %(juror)s sudah dikirim; tidak ada yang perlu dimaafkan."
)
ERROR_EXCUSE_NOT_EXPECTED = gettext_lazy(
    "%(juror)s tidak diharapkan menilai RT ini (bukan anggota timnya, konflik kepentingan "
    "atau mengundurkan diri); tidak ada lembar yang perlu dimaafkan."
)
ERROR_EXCUSE_NONE = gettext_lazy("Lembar nilai %(juror)s tidak sedang dimaafkan.")
ERROR_REMIT_REASON = gettext_lazy(
    "Tim %(team)s sudah mengirim lembar nilai: tuliskan alasan pilar juri ini diubah. "
    "Nilai di luar pilar barunya tidak lagi dihitung."
)
ERROR_REMIT_OTHER_INSTRUMENT = gettext_lazy(
    "Pilar %(pillars)s bukan pilar instrumen kompetisi ini (%(instrument)s); juri hanya dapat "
    "menilai pilar instrumen kompetisinya."
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

NOTE_MAX = 2000


# --- Teams and assignments (panitia) ----------------------------------------------


@transaction.atomic
def team_create(*, competition: Competition, name: str) -> JuryTeam:
    check_stage(competition, Write.TEAM_CHANGE)
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
    check_stage(team.competition, Write.TEAM_CHANGE)
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
    pillars = _remit_pillars(team.competition, pillars)
    member = JuryMember(team=team, user=user, agency=agency.strip(), home_kelurahan=home_kelurahan)
    member.full_clean()
    member.save()
    member.pillars.set(pillars)
    return member


def _remit_pillars(competition: Competition, pillars: Iterable[Pillar]) -> list[Pillar]:
    """The remit's pillars, refused unless all are of the competition's instrument: a pillar of
    another version would match no indicator the juror scores (the forms offer only these)."""
    pillars = list(pillars)
    foreign = [p for p in pillars if p.instrument_id != competition.instrument_id]
    if foreign:
        raise ValidationError(
            ERROR_REMIT_OTHER_INSTRUMENT,
            code="remit_other_instrument",
            params={
                "pillars": ", ".join(p.code for p in foreign),
                "instrument": str(competition.instrument),
            },
        )
    return pillars


@transaction.atomic
def member_set_remit(
    *, member: JuryMember, pillars: Iterable[Pillar], by: User, reason: str = ""
) -> JuryMember:
    """Change the pillars a juror scores (none: every pillar), kept in the member's history.

    Levels already given outside the new remit stay on the sheets but no longer count
    (scoring.panel); once the team has a submitted sheet the change needs a reason.
    """
    check_stage(member.team.competition, Write.TEAM_CHANGE)
    pillars = _remit_pillars(member.team.competition, pillars)
    reason = (reason or "").strip()
    submitted = ScoreSheet.objects.filter(
        entry__assignment__team=member.team, status=SheetStatus.SUBMITTED
    )
    if not reason and submitted.exists():
        raise ValidationError(
            {"reason": ValidationError(ERROR_REMIT_REASON, params={"team": member.team.name})}
        )
    stamp(member, by=by, reason=reason or _("Pilar yang dinilai diubah"))
    member.pillars.set(pillars)
    return member


@transaction.atomic
def team_set_leader(*, team: JuryTeam, user: User) -> JuryTeam:
    check_stage(team.competition, Write.TEAM_CHANGE)
    if not team.members.filter(user=user).exists():
        raise ValidationError(ERROR_LEADER_NOT_MEMBER)
    team.leader = user
    team.save(update_fields=["leader"])
    return team


def _check_assignable(entry: Entry, team: JuryTeam) -> None:
    check_stage(entry.competition, Write.ASSIGN)
    if team.competition_id != entry.competition_id:
        raise ValidationError(ERROR_TEAM_OTHER_COMPETITION, params={"team": team.name})
    if entry.status != EntryStatus.VERIFIED:
        raise ValidationError(
            ERROR_ENTRY_NOT_VERIFIED,
            params={"rt": str(entry.rt), "status": entry.get_status_display()},
        )


# A team's members as the cover check needs them: (home kelurahan id, remit pillar ids).
TeamMembers = list[tuple[int | None, frozenset[int]]]


def _team_members(teams: Iterable[JuryTeam]) -> dict[int, TeamMembers]:
    """Team id -> its members' homes and remits (2 queries for any number of teams)."""
    ids = [team.pk for team in teams]
    remits: dict[int, set[int]] = {}
    for member_id, pillar_id in JuryMember.pillars.through.objects.filter(
        jurymember__team__in=ids
    ).values_list("jurymember_id", "pillar_id"):
        remits.setdefault(member_id, set()).add(pillar_id)
    members: dict[int, TeamMembers] = {pk: [] for pk in ids}
    for member_id, team_id, home in JuryMember.objects.filter(team__in=ids).values_list(
        "pk", "team_id", "home_kelurahan_id"
    ):
        members[team_id].append((home, frozenset(remits.get(member_id, ()))))
    return members


def _cover_problem(
    entry: Entry, team: JuryTeam, members: TeamMembers, pillars: list[Pillar] | None = None
) -> str:
    """Why the team cannot score every pillar of the entry ("" when it can).

    The panel rule (scoring.panel): a member scores the pillars of his remit, and
    none of an RT in the kelurahan he lives in.
    """
    if not members:
        return str(ERROR_TEAM_EMPTY % {"team": team.name})
    kelurahan = entry.rt.kelurahan
    able = [remit for home, remit in members if not has_conflict(home, kelurahan.pk)]
    if pillars is None:
        pillars = pillars_of(entry.competition.instrument_id)
    for pillar in pillars:
        if not any(in_remit(remit, pillar.pk) for remit in able):
            return str(
                ERROR_PILLAR_UNCOVERED
                % {
                    "team": team.name,
                    "pillar": pillar.name,
                    "rt": entry.rt,
                    "kelurahan": kelurahan.name,
                }
            )
    return ""


@transaction.atomic
def entry_assign(
    *,
    entry: Entry,
    team: JuryTeam,
    by: User,
    notify: bool = True,
    members: TeamMembers | None = None,
) -> Assignment:
    """Give an entry to a team, or move it. Sheets already scored stay, with their history.

    Refused when the team has no members, or when no member may score some pillar of
    the RT (remits, conflicts of interest): the RT would be stranded until finalisation.
    `members` (from `_team_members`) spares the queries when assigning many.
    The team's jurors get a mail after the commit (`notify=False`: the caller sends one
    mail for many assignments).
    """
    _check_assignable(entry, team)
    if members is None:
        members = _team_members([team])[team.pk]
    problem = _cover_problem(entry, team, members)
    if problem:
        raise ValidationError(problem, code="uncovered")
    assignment = Assignment.objects.select_for_update().filter(entry=entry).first()
    if assignment is None:
        assignment = Assignment(entry=entry, team=team)
    elif assignment.team_id == team.pk:
        return assignment
    else:
        assignment.team = team
    stamp(assignment, by=by)
    assignment.save()
    if notify:
        assignments_notify(assignments=[assignment])
    return assignment


@transaction.atomic
def assignment_plan_visit(
    *, entry: Entry, visit_date: date | None, visit_order: int | None, by: User
) -> Assignment:
    """Set (or clear, with None) the day and place in the team's round of an assigned entry."""
    check_stage(entry.competition, Write.ASSIGN)
    assignment = Assignment.objects.select_for_update().filter(entry=entry).first()
    if assignment is None:
        raise ValidationError(ERROR_VISIT_UNASSIGNED, params={"rt": str(entry.rt)})
    if (assignment.visit_date, assignment.visit_order) == (visit_date, visit_order):
        return assignment
    assignment.visit_date, assignment.visit_order = visit_date, visit_order
    assignment.full_clean(exclude=["entry", "team"], validate_unique=False)
    stamp(assignment, by=by, reason=_("Jadwal kunjungan diubah"))
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
    teams = list(JuryTeam.objects.filter(competition=competition).order_by("name"))
    if not teams:
        raise ValidationError(ERROR_NO_TEAMS)
    members = _team_members(teams)
    pillars = pillars_of(competition.instrument_id)
    empty = [team for team in teams if not members[team.pk]]
    if empty:  # sharing out would strand RTs there: the panitia fills or removes the team
        raise ValidationError([ERROR_TEAM_EMPTY % {"team": team.name} for team in empty])
    loads: dict[int, int] = dict(
        JuryTeam.objects.filter(competition=competition)
        .annotate(load=Count("assignments"))
        .values_list("pk", "load")
    )
    made = []
    for entry in sorted(
        entries, key=lambda e: (e.rt.kelurahan.kecamatan.code, e.rt.kelurahan.code, e.rt.number)
    ):
        if Assignment.objects.filter(entry=entry).exists():
            continue
        problems = {t.pk: _cover_problem(entry, t, members[t.pk], pillars) for t in teams}
        able = [t for t in teams if not problems[t.pk]]
        if not able:  # nothing is saved: the whole round is one transaction
            raise ValidationError(
                ERROR_NO_TEAM_COVERS,
                params={"rt": entry.rt, "reasons": " ".join(problems.values())},
            )
        team = min(able, key=lambda t: (loads[t.pk], t.name))
        made.append(
            entry_assign(entry=entry, team=team, by=by, notify=False, members=members[team.pk])
        )
        loads[team.pk] += 1
    assignments_notify(assignments=made)  # one mail per juror for the whole round
    return made


@transaction.atomic
def recusal_record(*, entry: Entry, juror: User, reason: str, by: User) -> Recusal:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(ERROR_RECUSAL_REASON)})
    check_stage(entry.competition, Write.RECUSAL)
    recusal, _created = Recusal.objects.update_or_create(
        entry=entry, juror=juror, defaults={"reason": reason, "recorded_by": by}
    )
    return recusal


def _juror_name(juror: User) -> str:
    return juror.get_full_name() or juror.username


@transaction.atomic
def sheet_excuse(*, entry: Entry, juror: User, reason: str, by: User) -> Excusal:
    """The panitia stops waiting for an expected juror's sheet, with the reason.

    The sheet then counts as complete for coverage and its levels, if any, do not
    count (scoring.panel, rule 3); the juror can no longer score the entry until
    the excuse is undone. A submitted sheet needs no excuse: the panitia reopens it.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(ERROR_EXCUSE_REASON)})
    check_stage(entry.competition, Write.EXCUSE)
    name = {"juror": _juror_name(juror)}
    member = (
        JuryMember.objects.filter(team__assignments__entry=entry, user=juror)
        .select_related("home_kelurahan")
        .first()
    )
    if (
        member is None
        or has_conflict(member.home_kelurahan_id, entry.rt.kelurahan_id)
        or Recusal.objects.filter(entry=entry, juror=juror).exists()
    ):
        raise ValidationError(ERROR_EXCUSE_NOT_EXPECTED, code="not_expected", params=name)
    # The sheet's row lock orders the excuse after a submission under way.
    sheet = ScoreSheet.objects.select_for_update().filter(entry=entry, juror=juror).first()
    if sheet is not None and sheet.is_locked:
        raise ValidationError(ERROR_EXCUSE_SUBMITTED, code="submitted", params=name)
    excusal = Excusal.objects.filter(entry=entry, juror=juror).first() or Excusal(
        entry=entry, juror=juror
    )
    excusal.reason, excusal.recorded_by = reason, by
    # The reason is a field of the row, so its history keeps it whole (a change reason is short).
    stamp(excusal, by=by, reason=_("Dimaafkan panitia"))
    excusal.full_clean(validate_constraints=False)
    excusal.save()
    return excusal


@transaction.atomic
def sheet_excuse_undo(*, entry: Entry, juror: User, by: User) -> None:
    """The juror's sheet is awaited again; the history keeps the excuse and who undid it."""
    check_stage(entry.competition, Write.EXCUSE)
    excusal = Excusal.objects.select_for_update().filter(entry=entry, juror=juror).first()
    if excusal is None:
        raise ValidationError(
            ERROR_EXCUSE_NONE, code="not_excused", params={"juror": _juror_name(juror)}
        )
    stamp(excusal, by=by, reason=_("Dibatalkan panitia"))
    excusal.delete()


# --- A juror's sheet ----------------------------------------------------------------


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
    check_in_remit(member=member, indicator=indicator)
    # The sheet's row lock orders every change to it: two tabs wait for each other.
    sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(entry=entry, juror=juror)
    if Score.history.filter(client_id=client_id, sheet_id=sheet.pk).exists():
        return ScoreSaved(
            Score.objects.filter(sheet=sheet, indicator=indicator).first(), False, sheet
        )
    check_stage(entry.competition, Write.SCORE)
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
        score.sheet = sheet  # the draft the results cache sees without a query of its own
        reason = _("Diubah juri")
    score.value, score.note, score.client_id = value, note, client_id
    stamp(score, by=juror, reason=reason)
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
    check_stage(entry.competition, Write.SCORE)
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
    stamp(sheet, by=juror, reason=_("Dikirim juri"))
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
    check_stage(sheet.entry.competition, Write.SCORE)
    if not sheet.is_locked:
        return sheet
    sheet.status = SheetStatus.DRAFT
    sheet.submitted_at = None
    stamp(sheet, by=by, reason=_("Dibuka kembali oleh panitia: %(reason)s") % {"reason": reason})
    sheet.save()
    sheet_reopened_notify(sheet=sheet, reason=reason)
    return sheet
