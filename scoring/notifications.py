"""E-mail at the jury's and the results' hand-overs (sent by `bantar.mail` after the commit).

- RTs assigned to a team: to each of its jurors, the RTs this action gave the team
  (`assignments_notify`, from `scoring.services.entry_assign` and the balanced assignment);
- a submitted sheet reopened by the panitia: to its juror, with the reason;
- results published: to everyone concerned (`results_published_notify`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import Q, QuerySet
from django.urls import reverse

from bantar.access import may
from bantar.mail import Mail, MailKind, mail_compose, mail_send_on_commit, recipients, site_url
from bantar.models import Role, User
from competitions.models import Competition, Entry, EntryStatus
from scoring.models import Assignment, JuryMember, ResultSet, ScoreSheet
from scoring.panel import exclusion


def assignments_notify(*, assignments: Iterable[Assignment]) -> None:
    """After the commit: each juror of the teams learns which RTs its team was given."""
    pks = [assignment.pk for assignment in assignments]
    if pks:
        mail_send_on_commit(kind=MailKind.ASSIGNED, compose=lambda: _assignment_mails(pks))


def _assignment_mails(assignment_pks: list[int]) -> Iterator[Mail]:
    by_team: dict[int, list[Entry]] = defaultdict(list)
    assignments = (
        Assignment.objects.filter(pk__in=assignment_pks)
        .select_related("entry__rt__kelurahan__kecamatan", "entry__category", "team__competition")
        .order_by("entry__rt__kelurahan__code", "entry__rt__number")
    )
    teams = {}
    for assignment in assignments:
        by_team[assignment.team_id].append(assignment.entry)
        teams[assignment.team_id] = assignment.team
    members = JuryMember.objects.filter(
        team__in=list(teams), user__in=recipients(User.objects.all())
    ).select_related("user", "home_kelurahan")
    for member in members:
        rows = [
            (entry, exclusion(member, entry, None, to_juror=True))
            for entry in by_team[member.team_id]
        ]
        yield mail_compose(
            kind=MailKind.ASSIGNED,
            template="assigned",
            user=member.user,
            context={
                "team": teams[member.team_id],
                "competition": teams[member.team_id].competition,
                "rows": rows,
                "list_url": site_url(reverse("juror-home")),
            },
        )


def sheet_reopened_notify(*, sheet: ScoreSheet, reason: str) -> None:
    """After the commit: the juror learns its sheet is open again, and why."""
    pk = sheet.pk
    mail_send_on_commit(
        kind=MailKind.SHEET_REOPENED, compose=lambda: _sheet_reopened_mails(pk, reason)
    )


def _sheet_reopened_mails(sheet_pk: int, reason: str) -> Iterator[Mail]:
    sheet = ScoreSheet.objects.select_related(
        "juror", "entry__rt__kelurahan", "entry__competition"
    ).get(pk=sheet_pk)
    if recipients(User.objects.filter(pk=sheet.juror_id)).exists():
        yield mail_compose(
            kind=MailKind.SHEET_REOPENED,
            template="sheet_reopened",
            user=sheet.juror,
            context={
                "entry": sheet.entry,
                "reason": reason,
                "scoring_url": site_url(reverse("scoring-page", args=[sheet.entry_id])),
            },
        )


# --- Results published ---------------------------------------------------------------


def concerned_by(competition: Competition) -> QuerySet[User]:
    """Who hears of the results: panitia and pejabat, the competition's jurors, and the
    officers of every kelurahan and kecamatan that proposed an RT to it."""
    submitted = Entry.objects.filter(competition=competition).exclude(
        status__in=[EntryStatus.DRAFT, EntryStatus.WITHDRAWN]
    )
    return recipients(
        User.objects.filter(
            Q(role__in=[Role.PANITIA, Role.PEJABAT])
            | Q(jury_memberships__team__competition=competition)
            | Q(role=Role.KELURAHAN, kelurahan__in=submitted.values("rt__kelurahan"))
            | Q(role=Role.KECAMATAN, kecamatan__in=submitted.values("rt__kelurahan__kecamatan"))
        ).distinct()
    )


def results_published_notify(*, competition: Competition) -> None:
    pk = competition.pk
    mail_send_on_commit(kind=MailKind.PUBLISHED, compose=lambda: _published_mails(pk))


def _published_mails(competition_pk: int) -> Iterator[Mail]:
    competition = Competition.objects.get(pk=competition_pk)
    result_set = ResultSet.objects.current().get(competition=competition)
    context = {
        "competition": competition,
        "winners": result_set.results.filter(is_winner=True).count(),
        "total_prize": result_set.total_prize,
        "public_url": site_url(reverse("public-competition", args=[competition.pk])),
        "winners_url": site_url(reverse("report", args=[competition.pk, "pemenang"])),
    }
    for user in concerned_by(competition).select_related("kelurahan", "kecamatan"):
        # Jurors read the public page; the lists are for those whose rules allow them.
        lists = may(user, "scoring.read_results", competition)
        yield mail_compose(
            kind=MailKind.PUBLISHED,
            template="published",
            user=user,
            context={**context, "may_read_lists": lists},
        )
