"""Reads for the role homes: each home leads with the role's own work, in the competition
where that role has work now, and every count on it is the count of the list it links to.

- juror: the competition it is assigned in (scoring open first), its RTs and what waits;
- kelurahan: its entries by status in the competition open for registration, and every
  returned entry still to fix, with the kecamatan's note;
- kecamatan: its verification queue's counts (`competitions.selectors.verification_entries`);
- panitia: each competition under way, its stage and what blocks the next step (the same
  checks the stage button runs; during the plenary the missing sheets), the jurors' progress;
- pejabat: the published results and every list, each one click away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bantar.access import may
from bantar.mail import failed_mails
from bantar.models import MailLog, MailStatus, User
from competitions.models import (
    RT,
    Competition,
    CompetitionStatus,
    Entry,
    EntryStatus,
)
from competitions.selectors import (
    RegionRow,
    current_competition,
    entry_status_counts,
    kecamatan_summary,
    kelurahan_summary,
    rts_for_user,
    verification_entries,
)
from competitions.services import advance_blockers
from scoring import result_cache
from scoring.models import JuryTeam, ResultSet
from scoring.result_selectors import JurorProgress, juror_progress, missing_sheets
from scoring.selectors import JurorTask, juror_tasks

SCORING_STAGES = (CompetitionStatus.ASSESSMENT, CompetitionStatus.PLENARY)
CHECKING_STAGES = (CompetitionStatus.REGISTRATION, CompetitionStatus.VERIFICATION)
UNDER_WAY = (
    CompetitionStatus.DRAFT,
    CompetitionStatus.REGISTRATION,
    CompetitionStatus.VERIFICATION,
    CompetitionStatus.ASSESSMENT,
    CompetitionStatus.PLENARY,
    CompetitionStatus.FINAL,
)
# The four lists of a competition (scoring.result_views.REPORTS), as the city names them.
REPORT_LABELS = {
    "pemenang": _("Daftar pemenang"),
    "rekap": _("Rekap per kecamatan"),
    "matriks": _("Matriks nilai"),
    "peserta": _("Daftar peserta"),
}
MISSING_SHOWN = 10


@dataclass(frozen=True)
class HomeCount:
    """One figure on a home and the list that shows the same rows."""

    status: str
    label: str
    count: int
    url: str


def newest_first(competitions: QuerySet[Competition]) -> QuerySet[Competition]:
    return competitions.order_by("-year", "-period")


def entry_list_url(competition: Competition, status: str = "") -> str:
    query = {"kompetisi": competition.pk, **({"status": status} if status else {})}
    return f"{reverse('entry-list')}?{urlencode(query)}"


def counts_with_links(entries: QuerySet[Entry], competition: Competition) -> list[HomeCount]:
    """Entries per status, each linked to the entry list filtered to that status."""
    return [
        HomeCount(status, label, count, entry_list_url(competition, status))
        for status, label, count in entry_status_counts(entries)
    ]


# --- Juror -----------------------------------------------------------------------------


def juror_competition(user: User) -> Competition | None:
    """The competition the juror is assigned in: one open for scoring first, newest first."""
    assigned = newest_first(Competition.objects.filter(jury_teams__members__user=user).distinct())
    return assigned.filter(status__in=SCORING_STAGES).first() or assigned.first()


@dataclass
class JurorHome:
    competition: Competition | None
    teams: list[JuryTeam]
    tasks: list[JurorTask]  # the competition's, in the order of the juror's list
    waiting: int  # to score and send (started or not)
    started: int
    submitted: int
    excluded: int
    elsewhere: int  # RTs of the juror's list in other competitions

    @property
    def next_tasks(self) -> list[JurorTask]:
        return [task for task in self.tasks if not task.excluded and not task.done]


def juror_home(user: User) -> JurorHome:
    competition = juror_competition(user)
    every = juror_tasks(user)
    tasks = [t for t in every if competition and t.entry.competition_id == competition.pk]
    scored = [t for t in tasks if not t.excluded]
    return JurorHome(
        competition=competition,
        teams=list(
            JuryTeam.objects.filter(competition=competition, members__user=user).order_by("name")
        ),
        tasks=tasks,
        waiting=sum(1 for t in scored if not t.done),
        started=sum(1 for t in scored if not t.done and t.scored),
        submitted=sum(1 for t in scored if t.done),
        excluded=len(tasks) - len(scored),
        elsewhere=len(every) - len(tasks),
    )


# --- Kelurahan -------------------------------------------------------------------------


def kelurahan_competition(user: User) -> Competition | None:
    """Registration open first; else where an entry waits to be fixed; else the current one."""
    checking = newest_first(Competition.objects.filter(status__in=CHECKING_STAGES))
    for competition in checking:
        if competition.is_registration_open:
            return competition
    returned = (
        Entry.objects.for_user(user)
        .filter(competition__in=checking, status=EntryStatus.RETURNED)
        .order_by("-competition__year", "-competition__period")
        .values_list("competition", flat=True)
        .first()
    )
    if returned is not None:
        return Competition.objects.get(pk=returned)
    return checking.first() or current_competition()


@dataclass
class KelurahanHome:
    competition: Competition | None
    counts: list[HomeCount]
    returned: list[Entry]  # every entry to fix, in any competition still being checked
    drafts: list[Entry]
    entries: list[Entry]
    rts: list[RT]


def kelurahan_home(user: User) -> KelurahanHome:
    competition = kelurahan_competition(user)
    mine = Entry.objects.for_user(user).with_region()
    entries = mine.filter(competition=competition) if competition else mine.none()
    returned = mine.filter(
        status=EntryStatus.RETURNED, competition__status__in=CHECKING_STAGES
    ).order_by("-competition__year", "-competition__period", "rt__number")
    return KelurahanHome(
        competition=competition,
        counts=counts_with_links(entries, competition) if competition else [],
        returned=list(returned),
        drafts=[entry for entry in entries if entry.status == EntryStatus.DRAFT],
        entries=list(entries.order_by("rt__number")),
        rts=list(rts_for_user(user)),
    )


# --- Kecamatan -------------------------------------------------------------------------


def kecamatan_competition() -> Competition | None:
    """The newest competition whose proposals may still be checked, else the current one."""
    return (
        newest_first(Competition.objects.filter(status__in=CHECKING_STAGES)).first()
        or current_competition()
    )


@dataclass
class KecamatanHome:
    competition: Competition | None
    queue_url: str
    counts: list[HomeCount]  # waiting, verified, returned: the queue's own figures
    waiting: list[Entry]
    region_rows: list[RegionRow]


QUEUE_STATUSES = (EntryStatus.PROPOSED, EntryStatus.VERIFIED, EntryStatus.RETURNED)


def kecamatan_home(user: User) -> KecamatanHome:
    competition = kecamatan_competition()
    if competition is None:
        return KecamatanHome(None, "", [], [], [])
    queue = verification_entries(user, competition)
    queue_url = f"{reverse('verification-queue')}?kompetisi={competition.pk}"
    by_status = {status: (label, n) for status, label, n in entry_status_counts(queue)}
    counts = [
        HomeCount(
            status,
            str(_("Menunggu diperiksa"))
            if status == EntryStatus.PROPOSED
            else by_status[status][0],
            by_status[status][1],
            queue_url if status == EntryStatus.PROPOSED else entry_list_url(competition, status),
        )
        for status in QUEUE_STATUSES
    ]
    return KecamatanHome(
        competition=competition,
        queue_url=queue_url,
        counts=counts,
        waiting=list(queue.filter(status=EntryStatus.PROPOSED)),
        region_rows=kelurahan_summary(user, competition),
    )


# --- Panitia ---------------------------------------------------------------------------


@dataclass
class CompetitionWork:
    competition: Competition
    counts: list[HomeCount]
    blockers: list[str]  # what the stage button would refuse the next step with
    unassigned: int = 0
    progress: list[JurorProgress] = field(default_factory=list)
    # During the plenary: the first MISSING_SHOWN sheets not in, and how many there are.
    missing: list[str] = field(default_factory=list)
    missing_count: int = 0

    @property
    def missing_shown(self) -> list[str]:
        return self.missing[:MISSING_SHOWN]

    @property
    def missing_more(self) -> int:
        return max(0, self.missing_count - MISSING_SHOWN)

    @property
    def sheets(self) -> tuple[int, int]:
        """(submitted, expected) over every juror, as the plenary's progress table adds up."""
        return (sum(p.submitted for p in self.progress), sum(p.expected for p in self.progress))


# What the panitia's home shows of a competition's entries and sheets: its counts by status,
# the verified RTs without a team, the jurors' progress, the first missing sheets and their
# number.
_Figures = tuple[list[tuple[str, str, int]], int, list[JurorProgress], list[str], int]


def _work_figures(competition: Competition) -> _Figures:
    entries = Entry.objects.filter(competition=competition)
    unassigned = 0
    if competition.status in (CompetitionStatus.VERIFICATION, *SCORING_STAGES):
        unassigned = entries.filter(status=EntryStatus.VERIFIED, assignment__isnull=True).count()
    progress = juror_progress(competition) if competition.status in SCORING_STAGES else []
    missing = missing_sheets(competition) if competition.status == CompetitionStatus.PLENARY else []
    return entry_status_counts(entries), unassigned, progress, missing[:MISSING_SHOWN], len(missing)


def competition_work(competition: Competition) -> CompetitionWork:
    """One competition's card. Its figures read the whole jury panel and every sheet (0.5 s at
    10x city scale) and every entry: they are kept under the competition's result version,
    which every entry, assignment, sheet, panel and juror-name change renews
    (scoring.result_cache), so a home between two writes reads two rows for them. The
    blockers are asked each time: one depends on the clock (the registration deadline), and
    each is one EXISTS or a COUNT over the (competition, status) index."""
    # The key names the value's shape: result_cache's digest does not cover this module.
    counts, unassigned, progress, missing, missing_count = result_cache.cached(
        "panitia-home:counts,unassigned,progress,missing,count",
        competition,
        lambda: _work_figures(competition),
    )
    return CompetitionWork(
        competition=competition,
        counts=[
            HomeCount(status, label, count, entry_list_url(competition, status))
            for status, label, count in counts
        ],
        blockers=[]
        if competition.status == CompetitionStatus.PLENARY
        else advance_blockers(competition),
        unassigned=unassigned,
        progress=progress,
        missing=missing,
        missing_count=missing_count,
    )


@dataclass
class PanitiaHome:
    under_way: list[CompetitionWork]
    published: list[Competition]
    failed_mails: list[MailLog]
    failed_count: int


def panitia_home(user: User) -> PanitiaHome:
    competitions = newest_first(Competition.objects.all())
    may_read_mail = may(user, "bantar.read_mail_log")
    return PanitiaHome(
        under_way=[competition_work(c) for c in competitions.filter(status__in=UNDER_WAY)],
        published=list(competitions.filter(status=CompetitionStatus.PUBLISHED)),
        failed_mails=list(failed_mails(limit=5)) if may_read_mail else [],
        failed_count=MailLog.objects.filter(status=MailStatus.FAILED).count()
        if may_read_mail
        else 0,
    )


# --- Pejabat ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportLinks:
    name: str
    label: str
    page: str
    xlsx: str
    csv: str


@dataclass
class PublishedResults:
    competition: Competition
    published_at: datetime | None
    winners: int
    total_prize: int
    reports: list[ReportLinks]


def report_links(competition: Competition) -> list[ReportLinks]:
    return [
        ReportLinks(
            name,
            str(label),
            reverse("report", args=[competition.pk, name]),
            reverse("report-export", args=[competition.pk, name, "xlsx"]),
            reverse("report-export", args=[competition.pk, name, "csv"]),
        )
        for name, label in REPORT_LABELS.items()
    ]


def published_results(user: User) -> list[PublishedResults]:
    """Every published competition the user may read, newest first, with its lists."""
    result_sets = (
        ResultSet.objects.current()
        .filter(competition__status=CompetitionStatus.PUBLISHED)
        .select_related("competition")
        .annotate(winners=Count("results", filter=Q(results__is_winner=True)))
        .order_by("-competition__year", "-competition__period")
    )
    published = []
    for row in result_sets:
        # `row` carries the annotation, which django-stubs cannot see on the model.
        result_set: Any = row
        if may(user, "scoring.read_results", result_set.competition):
            published.append(
                PublishedResults(
                    competition=result_set.competition,
                    published_at=result_set.published_at,
                    winners=result_set.winners,
                    total_prize=result_set.total_prize,
                    reports=report_links(result_set.competition),
                )
            )
    return published


@dataclass
class PejabatHome:
    published: list[PublishedResults]
    under_way: list[tuple[Competition, list[HomeCount]]]
    competition: Competition | None
    region_rows: list[RegionRow]


def pejabat_home(user: User) -> PejabatHome:
    current = current_competition()
    under_way = newest_first(
        Competition.objects.filter(status__in=UNDER_WAY).exclude(status=CompetitionStatus.DRAFT)
    )
    return PejabatHome(
        published=published_results(user),
        under_way=[
            (c, counts_with_links(Entry.objects.for_user(user).filter(competition=c), c))
            for c in under_way
        ],
        competition=current,
        region_rows=kecamatan_summary(user, current),
    )
