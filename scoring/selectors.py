"""Reads for the jury's pages: teams, assignments, a juror's day and sheets, score history.

Each returns what one page needs in a fixed number of queries; who scores what
is `scoring.panel`'s rule. The results' reads are in `scoring.result_selectors`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from django.db import models
from django.db.models import (
    Count,
    F,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bantar.models import User
from competitions.models import (
    Competition,
    Entry,
    EntryStatus,
    Kelurahan,
    SizeCategory,
)
from indicators.models import Indicator, Pillar
from scoring.comparisons import EarlierPhoto, distance_m, earlier_photos
from scoring.models import (
    Assignment,
    Evidence,
    Excusal,
    JuryMember,
    JuryTeam,
    Recusal,
    Score,
    ScoreSheet,
    SheetStatus,
)
from scoring.panel import exclusion, has_conflict, in_remit, remit_of
from scoring.rules import juror_sees_contacts


@dataclass
class JurorTask:
    entry: Entry
    team: JuryTeam
    total: int
    scored: int
    photos: int
    sheet_status: str
    excluded: str = ""  # why the juror does not score this entry
    visit_date: date | None = None  # the panitia's plan for the team's day, when set
    visit_order: int | None = None
    calibration: bool = False  # another team's calibration RT: scored for the severity panel only
    last_score: datetime | None = None  # the juror's last change of a level there (the kit)
    submitted_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.sheet_status == SheetStatus.SUBMITTED

    @property
    def show_contacts(self) -> bool:
        """`scoring.see_contacts` for a juror of the entry's team: while the assessment is open."""
        return juror_sees_contacts(self.entry)


def juror_tasks(user: User) -> list[JurorTask]:
    """The entries assigned to the juror's teams, with the juror's own progress (9 queries).

    The juror's sheets, photos, recusals and excuses are read once each, grouped by entry,
    not asked of every entry in a subquery: a photo count per entry walked all the juror's
    photos each time (issue 19: the list is the team's, 2,750 RTs at 10x). The whole list is
    the offline kit's (scoring.field_views); the list page reads one page (`juror_task_page`).
    """
    scope = _JurorScope.of(user)
    return _juror_task_rows(user, scope, list(scope.entries(user)), None)


@dataclass(frozen=True)
class _JurorScope:
    """The juror's memberships, and per competition the team he scores calibration RTs for."""

    memberships: dict[int, JuryMember]
    own_team_in: dict[int, JuryMember]

    @classmethod
    def of(cls, user: User) -> _JurorScope:
        memberships = {
            member.team_id: member
            for member in JuryMember.objects.filter(user=user)
            .select_related("team__competition", "home_kelurahan")
            .prefetch_related("pillars")
        }
        # On another team's calibration RT the juror scores as a member of his own team
        # (panel rule 1).
        own_team_in: dict[int, JuryMember] = {}
        for member in sorted(memberships.values(), key=lambda m: m.team_id):
            own_team_in.setdefault(member.team.competition_id, member)
        return cls(memberships, own_team_in)

    @cached_property
    def calibration_ids(self) -> list[int]:
        """The assigned calibration RTs of the juror's competitions (a few; one query).

        Read apart, once: as an OR beside the team's assignments it made SQLite scan every
        entry of the competition for each count and page of the list (issue 19)."""
        return list(
            Entry.objects.filter(
                is_calibration=True,
                competition__in=list(self.own_team_in),
                assignment__isnull=False,
            )
            .order_by()
            .values_list("pk", flat=True)
        )

    def entries(self, user: User) -> QuerySet[Entry]:
        """Every entry the juror's teams score, in the order of the team's day.

        `Entry.objects.for_user`'s rule for a juror, spelled so that SQLite starts from the
        team's assignments (an index) rather than from every entry of the city: the RTs
        assigned to a team the juror is a member of, and the assigned calibration RTs of a
        competition the juror scores in (tests/scoring/test_juror_list_pages.py checks they
        agree).

        The panitia's visit plan first (date, then order), then the region: the order a
        juror walks. A submitted RT keeps its place, so an RT stays on its page of the
        list all day and the offline copies of the pages stay right (issue 19).
        """
        return (
            Entry.objects.filter(
                Q(assignment__team__in=list(self.memberships)) | Q(pk__in=self.calibration_ids)
            )
            .order_by(
                F("assignment__visit_date").asc(nulls_last=True),
                F("assignment__visit_order").asc(nulls_last=True),
                "rt__kelurahan__code",
                "rt__number",
                "pk",
            )
            .select_related("rt", "assignment__team")
        )


def _juror_task_rows(
    user: User, scope: _JurorScope, entries: list[Entry], only: list[int] | None
) -> list[JurorTask]:
    """The tasks of `entries` (read with their RT and assignment), in 6 queries.

    `only`: the ids whose progress to read (one page's), or None for the juror's all."""
    memberships, own_team_in = scope.memberships, scope.own_team_in
    # Pillar -> (its instrument, its indicators): a remit counts its competition's pillars only.
    pillar_sizes = {
        pk: (instrument, n)
        for pk, instrument, n in Pillar.objects.annotate(n=Count("indicators")).values_list(
            "pk", "instrument_id", "n"
        )
    }
    # The few competitions, categories and kelurahan shared by every row, not built again for
    # each of a team's RTs: model instances were most of the time at 2,750 RTs (issue 19).
    competitions = {m.team.competition_id: m.team.competition for m in memberships.values()}
    categories = SizeCategory.objects.in_bulk({entry.category_id for entry in entries})
    kelurahan = Kelurahan.objects.select_related("kecamatan").in_bulk(
        {entry.rt.kelurahan_id for entry in entries}
    )
    for entry in entries:
        entry.competition = competitions[entry.competition_id]
        entry.category = categories[entry.category_id]
        entry.rt.kelurahan = kelurahan[entry.rt.kelurahan_id]
    mine = _juror_progress(user, list(own_team_in), only)
    # The remit's indicator count once per membership, not once per entry.
    totals = {
        team_id: sum(
            size
            for pk, (owner, size) in pillar_sizes.items()
            if owner == member.team.competition.instrument_id and in_remit(remit_of(member), pk)
        )
        for team_id, member in memberships.items()
    }
    tasks = []
    for entry in entries:
        member = memberships.get(entry.assignment.team_id) or own_team_in[entry.competition_id]
        progress = mine.get(entry.pk, _NO_PROGRESS)
        excused = progress.excusal and _("Dimaafkan panitia: %(reason)s") % {
            "reason": progress.excusal
        }
        excluded = exclusion(member, entry, progress.recusal or excused, to_juror=True)
        tasks.append(
            JurorTask(
                entry=entry,
                team=member.team,
                total=totals[member.team_id],
                scored=progress.scored,
                photos=progress.photos,
                sheet_status=progress.status or SheetStatus.DRAFT,
                excluded=excluded,
                visit_date=entry.assignment.visit_date,
                visit_order=entry.assignment.visit_order,
                calibration=entry.assignment.team_id != member.team_id,
                last_score=progress.last_score,
                submitted_at=progress.submitted_at,
            )
        )
    return tasks


# --- The juror's list, one page at a time (issue 19) ------------------------------------


class JurorListStatus(models.TextChoices):
    """The list's "what is left" filter: a juror's day ends with nothing unsent."""

    OPEN = "belum", gettext_lazy("Belum dikirim")
    SENT = "terkirim", gettext_lazy("Sudah dikirim")


@dataclass(frozen=True)
class JurorListFilter:
    """What the juror narrows the list to (the URL's ?kelurahan=&cari=&status=)."""

    kelurahan: str = ""  # a kelurahan code among the juror's RTs
    search: str = ""  # an RT number ("3", "RT 03", "RT 003") or part of a kampung's name
    status: str = ""  # JurorListStatus, or "" for every RT
    nothing: bool = False  # a filter value the list did not understand: no rows (bantar.filters)

    @property
    def active(self) -> bool:
        return bool(self.kelurahan or self.search or self.status or self.nothing)


@dataclass
class JurorTaskPage:
    """One page of the juror's list and what its header and pager say."""

    tasks: list[JurorTask]
    number: int  # the page shown (a number past the end shows the last)
    pages: int  # pages of the filtered list (at least 1)
    matching: int  # RTs the filter matches over every page
    everything: int  # the juror's RTs with no filter
    first: int  # the place of the page's first row among `matching` (1-based; 0 if none)
    kelurahan: list[tuple[str, str]]  # (code, name) of the kelurahan of the juror's RTs


_RT_NUMBER = re.compile(r"^\s*(?:rt\.?\s*)?0*(\d{1,3})\s*$", re.IGNORECASE)


def _juror_filtered(
    user: User, entries: QuerySet[Entry], wanted: JurorListFilter
) -> QuerySet[Entry]:
    if wanted.nothing:
        return entries.none()
    if wanted.kelurahan:
        entries = entries.filter(rt__kelurahan__code=wanted.kelurahan)
    if search := wanted.search.strip():
        named = Q(kampung_name__icontains=search) | Q(rt__name_kampung__icontains=search)
        if number := _RT_NUMBER.match(search):
            named |= Q(rt__number=int(number.group(1)))
        entries = entries.filter(named)
    if wanted.status:
        # The juror's sent sheets as one list, not a lookup per RT of the team.
        sent = ScoreSheet.objects.filter(juror=user, status=SheetStatus.SUBMITTED).values(
            "entry_id"
        )
        if wanted.status == JurorListStatus.SENT:
            entries = entries.filter(pk__in=sent)
        else:
            entries = entries.exclude(pk__in=sent)
    return entries


def list_pages(rows: int, size: int) -> int:
    """How many pages of `size` the juror's list of `rows` RTs has (one when it is empty)."""
    return max(1, -(-rows // size))


def list_page_number(index: int, size: int) -> int:
    """The page (from 1) that shows the RT at `index` (from 0) of the juror's whole list."""
    return index // size + 1


def juror_task_page(
    user: User, *, wanted: JurorListFilter, number: int, size: int
) -> JurorTaskPage:
    """One page of the juror's list, filtered in the database (12 queries at any size).

    Only the page's entries are read and only their progress: at 10x a team has 2,750 RTs
    and the list page must not grow with them (issue 19); the whole list is the kit's."""
    scope = _JurorScope.of(user)
    every = scope.entries(user)
    filtered = _juror_filtered(user, every, wanted)
    matching = filtered.count()
    pages = list_pages(matching, size)
    number = min(max(1, number), pages)
    offset = (number - 1) * size
    entries = list(filtered[offset : offset + size])
    tasks = _juror_task_rows(user, scope, entries, [entry.pk for entry in entries])
    # A join from the team's assignments, not a subquery of the list's (a scan of the city).
    kelurahan = list(
        Kelurahan.objects.filter(
            Q(rts__entries__assignment__team__in=list(scope.memberships))
            | Q(rts__entries__in=scope.calibration_ids)
        )
        .distinct()
        .order_by("name", "code")
        .values_list("code", "name")
    )
    return JurorTaskPage(
        tasks=tasks,
        number=number,
        pages=pages,
        matching=matching,
        everything=every.count() if wanted.active else matching,
        first=offset + 1 if entries else 0,
        kelurahan=kelurahan,
    )


@dataclass
class _Progress:
    """The juror's own work on one entry."""

    scored: int = 0
    photos: int = 0
    status: str = ""
    last_score: datetime | None = None
    submitted_at: datetime | None = None
    recusal: str = ""
    excusal: str = ""


_NO_PROGRESS = _Progress()


def _juror_progress(
    user: User, competitions: list[int], only: list[int] | None = None
) -> dict[int, _Progress]:
    """Entry id -> the juror's sheet, photos, recusal and excuse there (3 queries).

    `only`: these entries (one page of the list), not every one the juror worked on."""
    found: dict[int, _Progress] = defaultdict(_Progress)
    narrow = Q(entry__competition__in=competitions)
    if only is not None:
        narrow &= Q(entry__in=only)
    for entry_id, status, submitted_at, scored, last in (
        ScoreSheet.objects.filter(narrow, juror=user)
        .annotate(
            n=Count("scores", filter=Q(scores__value__isnull=False)),
            last=Max("scores__updated_at"),
        )
        .values_list("entry_id", "status", "submitted_at", "n", "last")
    ):
        progress = found[entry_id]
        progress.status, progress.submitted_at = status, submitted_at
        progress.scored, progress.last_score = scored, last
    for entry_id, n in (
        Evidence.objects.filter(narrow, juror=user)
        .order_by()
        .values("entry")
        .annotate(n=Count("pk"))
        .values_list("entry", "n")
    ):
        found[entry_id].photos = n
    reasons = (
        Recusal.objects.filter(narrow, juror=user)
        .annotate(excused=Value(False))
        .values_list("entry_id", "reason", "excused")
        .union(
            Excusal.objects.filter(narrow, juror=user)
            .annotate(excused=Value(True))
            .values_list("entry_id", "reason", "excused")
        )
    )
    for entry_id, reason, excused in reasons:
        if excused:
            found[entry_id].excusal = reason
        else:
            found[entry_id].recusal = reason
    return found


@dataclass
class IndicatorCard:
    indicator: Indicator
    value: int | None = None
    note: str = ""
    photos: list[Evidence] = field(default_factory=list)
    # A re-visit's earlier photos of this indicator (scoring.comparisons), shown beside.
    earlier: list[EarlierPhoto] = field(default_factory=list)

    @property
    def comparisons(self) -> list[tuple[EarlierPhoto, int | None]]:
        """Each earlier photo with the metres to the nearest of the juror's located photos."""
        pairs = []
        for earlier in self.earlier:
            found = [distance_m(earlier, p.latitude, p.longitude) for p in self.photos]
            metres = [m for m in found if m is not None]
            pairs.append((earlier, min(metres) if metres else None))
        return pairs


def juror_sheet(*, entry: Entry, juror: User) -> ScoreSheet | None:
    """The juror's sheet for the entry, or None before its first change (a read never creates it)."""
    return ScoreSheet.objects.filter(entry=entry, juror=juror).first()


def scoring_cards(
    *, entry: Entry, juror: User, indicators: list[Indicator]
) -> list[tuple[Pillar, list[IndicatorCard]]]:
    """The juror's own scores and photos, one card per indicator, grouped by pillar.

    Read by entry and juror, so that an entry without a sheet yet shows empty cards.
    """
    with_levels = {
        indicator.pk: indicator
        for indicator in Indicator.objects.with_levels().filter(pk__in=[i.pk for i in indicators])
    }
    scores = {
        score.indicator_id: score
        for score in Score.objects.filter(sheet__entry=entry, sheet__juror=juror)
    }
    photos: dict[int | None, list[Evidence]] = defaultdict(list)
    for evidence in Evidence.objects.filter(entry=entry, juror=juror):
        photos[evidence.indicator_id].append(evidence)
    earlier: dict[int, list[EarlierPhoto]] = defaultdict(list)
    for photo in earlier_photos([entry]).get(entry.pk, []):
        earlier[photo.indicator_id].append(photo)
    grouped: dict[int, tuple[Pillar, list[IndicatorCard]]] = {}
    for indicator in sorted(with_levels.values(), key=lambda i: (i.pillar.order, i.number)):
        score = scores.get(indicator.pk)
        card = IndicatorCard(
            indicator=indicator,
            value=score.value if score else None,
            note=score.note if score else "",
            photos=photos.get(indicator.pk, []),
            earlier=earlier.get(indicator.pk, []),
        )
        grouped.setdefault(indicator.pillar_id, (indicator.pillar, []))[1].append(card)
    return list(grouped.values())


@dataclass
class AssignmentRow:
    entry: Entry
    team: JuryTeam | None
    conflicts: list[JuryMember]
    visit_date: date | None = None
    visit_order: int | None = None


def assignment_rows(
    competition: Competition, entries: Iterable[Entry] | None = None
) -> list[AssignmentRow]:
    """Verified entries (or the given ones: one page of them) with team and conflicts."""
    members = list(
        JuryMember.objects.filter(team__competition=competition).select_related(
            "user", "home_kelurahan"
        )
    )
    by_team: dict[int, list[JuryMember]] = defaultdict(list)
    for member in members:
        by_team[member.team_id].append(member)
    if entries is None:
        entries = (
            Entry.objects.filter(competition=competition, status=EntryStatus.VERIFIED)
            .select_related("rt__kelurahan__kecamatan", "category", "assignment__team")
            .order_by("rt__kelurahan__kecamatan__code", "rt__kelurahan__code", "rt__number")
        )
    rows = []
    for entry in entries:
        assignment = getattr(entry, "assignment", None)
        team = assignment.team if assignment else None
        members_of_team = by_team.get(team.pk, []) if team else []
        conflicts = [
            m for m in members_of_team if has_conflict(m.home_kelurahan_id, entry.rt.kelurahan_id)
        ]
        rows.append(
            AssignmentRow(
                entry=entry,
                team=team,
                conflicts=conflicts,
                visit_date=assignment.visit_date if assignment else None,
                visit_order=assignment.visit_order if assignment else None,
            )
        )
    return rows


def team_loads(competition: Competition) -> dict[int, int]:
    """Team id -> its assigned RTs (one GROUP BY over the competition's assignments)."""
    assigned = Assignment.objects.filter(team__competition=competition).order_by()
    return dict(assigned.values_list("team").annotate(n=Count("pk")).values_list("team", "n"))


def teams_with_members(
    competition: Competition, loads: dict[int, int] | None = None
) -> list[JuryTeam]:
    """The teams with their members and each one's `load` (assigned RTs): `loads` as
    `team_loads` gives them (the teams page keeps them under the result version; an
    annotation counted every assignment of the competition on each view)."""
    if loads is None:
        loads = team_loads(competition)
    teams = list(
        JuryTeam.objects.filter(competition=competition)
        .select_related("leader")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=JuryMember.objects.select_related(
                    "user", "home_kelurahan"
                ).prefetch_related("pillars"),
            )
        )
    )
    for team in teams:
        setattr(team, "load", loads.get(team.pk, 0))  # noqa: B010 (not a model field)
    return teams


@dataclass
class JurorSheetRow:
    member: JuryMember
    sheet: ScoreSheet | None
    scored: int
    excluded: str
    excusal: Excusal | None = None  # the panitia stopped waiting for this sheet, and why


def entry_sheets(entry: Entry) -> list[JurorSheetRow]:
    """For the panitia: every juror of the entry's team, its sheet, or why it has none."""
    assignment = Assignment.objects.filter(entry=entry).select_related("team").first()
    if assignment is None:
        return []
    recusals = dict(Recusal.objects.filter(entry=entry).values_list("juror_id", "reason"))
    excusals = {
        excusal.juror_id: excusal
        for excusal in Excusal.objects.filter(entry=entry).select_related("recorded_by")
    }
    sheets = {
        sheet.juror_id: sheet
        for sheet in ScoreSheet.objects.filter(entry=entry).annotate(
            n=Count("scores", filter=Q(scores__value__isnull=False))
        )
    }
    rows = []
    for member in assignment.team.members.select_related("user", "home_kelurahan"):
        excluded = exclusion(member, entry, recusals.get(member.user_id))
        sheet = sheets.get(member.user_id)
        scored: int = getattr(sheet, "n", 0)  # the Count annotated above
        rows.append(JurorSheetRow(member, sheet, scored, excluded, excusals.get(member.user_id)))
    return rows


@dataclass(frozen=True)
class ScoreChange:
    when: Any
    who: str
    juror: str
    indicator: str
    old: int | None
    new: int | None
    note: str
    reason: str
    outside_remit: bool = False  # the juror's remit now leaves this indicator out: not counted


def _remits(entry: Entry) -> dict[int, set[int]]:
    """Juror id -> remit pillar ids of the members of the entry's team, as they are now."""
    members = JuryMember.objects.filter(team__assignments__entry=entry)
    # Every member, also those with an empty remit (every pillar).
    remits: dict[int, set[int]] = {user: set() for user in members.values_list("user", flat=True)}
    for user_id, pillar_id in members.filter(pillars__isnull=False).values_list(
        "user_id", "pillars"
    ):
        remits[user_id].add(pillar_id)
    return remits


def score_history(entry: Entry) -> list[ScoreChange]:
    """Every change of every score on the entry's sheets, oldest first, with the old value.

    A level outside its juror's remit as it is now is marked: the results leave it out.
    """
    records = (
        Score.history.filter(sheet__entry=entry)
        .select_related("history_user", "indicator", "sheet__juror")
        .order_by("history_date", "history_id")
    )
    remits = _remits(entry)
    last: dict[int, int | None] = {}
    changes = []
    for record in records:
        remit = remits.get(record.sheet.juror_id)
        who = record.history_user
        changes.append(
            ScoreChange(
                when=record.history_date,
                who=(who.get_full_name() or who.username) if who else "sistem",
                juror=record.sheet.juror.get_full_name() or record.sheet.juror.username,
                indicator=record.indicator.code,
                old=last.get(record.id),
                new=record.value if record.history_type != "-" else None,
                note=record.note,
                reason=record.history_change_reason or "",
                outside_remit=remit is not None and not in_remit(remit, record.indicator.pillar_id),
            )
        )
        last[record.id] = record.value
    return changes


@dataclass(frozen=True)
class RemitChange:
    when: Any
    who: str
    pillars: list[str]  # empty: every pillar
    reason: str


def remit_history(member: JuryMember) -> list[RemitChange]:
    """Every version of the member's remit, oldest first: who, when, which pillars, why."""
    records = (
        member.history.select_related("history_user")
        .prefetch_related("historicaljurymember_pillars_set__pillar")
        .order_by("history_date", "history_id")
    )
    return [
        RemitChange(
            record.history_date,
            (record.history_user.get_full_name() or record.history_user.username)
            if record.history_user
            else "sistem",
            sorted(str(item.pillar.name) for item in record.historicaljurymember_pillars_set.all()),
            record.history_change_reason or "",
        )
        for record in records
    ]


@dataclass(frozen=True)
class ExcusalChange:
    when: Any
    who: str
    juror: str
    undone: bool  # False: excused (or its reason changed); True: the excuse undone
    reason: str


def excusal_history(entry: Entry) -> list[ExcusalChange]:
    """Every excuse of the entry's sheets and every undo, oldest first (1 query)."""
    records = (
        Excusal.history.filter(entry=entry)
        .select_related("history_user", "juror")
        .order_by("history_date", "history_id")
    )
    return [
        ExcusalChange(
            record.history_date,
            (record.history_user.get_full_name() or record.history_user.username)
            if record.history_user
            else "sistem",
            record.juror.get_full_name() or record.juror.username,
            record.history_type == "-",
            record.reason,
        )
        for record in records
    ]


@dataclass(frozen=True)
class ExcusedSheet:
    juror: str  # "" when the reader may not see jurors' names
    reason: str  # "" then too: a reason may name the juror


def entry_excused_sheets(entry_id: int, *, names: bool) -> list[ExcusedSheet]:
    """The entry's excused sheets for the explain page (1 query); `names` is
    `scoring.see_juror_names`: without it only their number shows."""
    return [
        ExcusedSheet(
            (excusal.juror.get_full_name() or excusal.juror.username) if names else "",
            excusal.reason if names else "",
        )
        for excusal in Excusal.objects.filter(entry_id=entry_id)
        .select_related("juror")
        .order_by("recorded_at", "pk")
    ]
