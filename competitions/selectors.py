"""Reads for competitions: querysets and small summaries, always scoped by user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from bantar.models import User
from competitions.models import (
    RT,
    Competition,
    CompetitionStatus,
    Entry,
    EntryStatus,
    Kecamatan,
    Kelurahan,
)


def current_competition() -> Competition | None:
    """The competition people are working on: the newest one that is not a draft."""
    return (
        Competition.objects.exclude(status=CompetitionStatus.DRAFT)
        .order_by("-year", "-period")
        .first()
        or Competition.objects.order_by("-year", "-period").first()
    )


def entry_status_counts(entries: QuerySet[Entry]) -> list[tuple[str, str, int]]:
    """(status, label, count) for every entry status, zeros included, in one query."""
    counts = dict(entries.order_by().values_list("status").annotate(n=Count("pk")))
    return [(status.value, str(status.label), counts.get(status, 0)) for status in EntryStatus]


def rts_for_user(user: User) -> QuerySet[RT]:
    return RT.objects.for_user(user).select_related("kelurahan")


@dataclass(frozen=True)
class RegionRow:
    name: str
    kelurahan_count: int
    rt_count: int
    proposed: int
    verified: int


def kecamatan_summary(user: User, competition: Competition | None) -> list[RegionRow]:
    """Per kecamatan: kelurahan, RTs known, entries proposed and verified (one query)."""
    in_competition = Q(kelurahan__rts__entries__competition=competition)
    submitted = ~Q(kelurahan__rts__entries__status__in=[EntryStatus.DRAFT, EntryStatus.WITHDRAWN])
    # Typed as a plain QuerySet: django-stubs then knows the rows carry the annotations.
    scoped: QuerySet[Kecamatan] = Kecamatan.objects.for_user(user)
    rows = scoped.annotate(
        n_kelurahan=Count("kelurahan", distinct=True),
        n_rt=Count("kelurahan__rts", distinct=True),
        n_proposed=Count(
            "kelurahan__rts__entries", filter=in_competition & submitted, distinct=True
        ),
        n_verified=Count(
            "kelurahan__rts__entries",
            filter=in_competition & Q(kelurahan__rts__entries__status=EntryStatus.VERIFIED),
            distinct=True,
        ),
    )
    return [
        RegionRow(row.name, row.n_kelurahan, row.n_rt, row.n_proposed, row.n_verified)
        for row in rows
    ]


def kelurahan_summary(user: User, competition: Competition | None) -> list[RegionRow]:
    """Per kelurahan in the user's scope, the same figures as `kecamatan_summary`."""
    in_competition = Q(rts__entries__competition=competition)
    submitted = ~Q(rts__entries__status__in=[EntryStatus.DRAFT, EntryStatus.WITHDRAWN])
    scoped: QuerySet[Kelurahan] = Kelurahan.objects.for_user(user)  # see kecamatan_summary
    rows = scoped.annotate(
        n_rt=Count("rts", distinct=True),
        n_proposed=Count("rts__entries", filter=in_competition & submitted, distinct=True),
        n_verified=Count(
            "rts__entries",
            filter=in_competition & Q(rts__entries__status=EntryStatus.VERIFIED),
            distinct=True,
        ),
    )
    return [RegionRow(row.name, 1, row.n_rt, row.n_proposed, row.n_verified) for row in rows]


SUBMITTED_STATUSES = (EntryStatus.PROPOSED, EntryStatus.VERIFIED, EntryStatus.RETURNED)


def entries_for_list(
    user: User,
    competition: Competition,
    *,
    status: str = "",
    kelurahan: Kelurahan | None = None,
    category: str = "",
) -> QuerySet[Entry]:
    """The entries a user may see in one competition, narrowed by the list's filters."""
    entries = Entry.objects.for_user(user).filter(competition=competition).with_region()
    if kelurahan is not None:
        entries = entries.filter(rt__kelurahan=kelurahan)
    if category:
        entries = entries.filter(category__code=category)
    if status:
        entries = entries.filter(status=status)
    return entries.order_by("rt__kelurahan__kecamatan__code", "rt__kelurahan__code", "rt__number")


def verification_entries(user: User, competition: Competition) -> QuerySet[Entry]:
    """The kecamatan's queue (/verifikasi/): what its kelurahan submitted, not drafts or withdrawn.

    The kecamatan's home and daily digest count from this same queryset.
    """
    return entries_for_list(user, competition).exclude(
        status__in=[EntryStatus.DRAFT, EntryStatus.WITHDRAWN]
    )


@dataclass(frozen=True)
class CategoryRow:
    name: str
    proposed: list[int]  # per category, then the total
    verified: list[int]


def kecamatan_category_table(
    user: User, competition: Competition
) -> tuple[list[str], list[CategoryRow]]:
    """Per kecamatan: RTs proposed and verified by size category (three queries).

    One GROUP BY over the competition's own entries (its index), summed here per kecamatan:
    the annotated walk from every kecamatan through its RTs read each RT's entries of every
    competition (0.1 s at 10x city scale, for a competition of two entries).
    """
    categories = list(competition.size_categories.all())
    kecamatan_list = list(Kecamatan.objects.for_user(user).order_by("code"))
    counts: dict[tuple[int, int, str], int] = {}
    grouped = (
        Entry.objects.filter(
            competition=competition,
            rt__kelurahan__kecamatan__in=[kecamatan.pk for kecamatan in kecamatan_list],
        )
        .order_by()
        .values_list("rt__kelurahan__kecamatan_id", "category_id", "status")
        .annotate(n=Count("pk"))
    )
    for kecamatan_id, category_id, status, n in grouped:
        counts[(kecamatan_id, category_id, status)] = n
    rows = []
    for kecamatan in kecamatan_list:
        proposed = [
            sum(counts.get((kecamatan.pk, category.pk, status), 0) for status in SUBMITTED_STATUSES)
            for category in categories
        ]
        verified = [
            counts.get((kecamatan.pk, category.pk, EntryStatus.VERIFIED), 0)
            for category in categories
        ]
        rows.append(
            CategoryRow(kecamatan.name, [*proposed, sum(proposed)], [*verified, sum(verified)])
        )
    if rows:
        columns = len(categories) + 1
        rows.append(
            CategoryRow(
                _("Jumlah"),
                [sum(row.proposed[i] for row in rows) for i in range(columns)],
                [sum(row.verified[i] for row in rows) for i in range(columns)],
            )
        )
    return [category.name for category in categories], rows


@dataclass(frozen=True)
class TimelineEvent:
    when: object
    who: str
    status: str
    reason: str


def _status_names(label: Any) -> set[str]:
    """A status's name in the page's language and in Indonesian, as a stamp may hold it."""
    with translation.override("id"):
        indonesian = str(label)
    return {str(label), indonesian, str(label).lower(), indonesian.lower()}


def entry_timeline(entry: Entry) -> list[TimelineEvent]:
    """Every status change of an entry: who, when, and why (one query)."""
    events: list[TimelineEvent] = []
    previous = None
    for record in entry.history.select_related("history_user").order_by(
        "history_date", "history_id"
    ):
        if record.status != previous:
            who = record.history_user
            status = EntryStatus(record.status).label
            reason = record.history_change_reason or ""
            # The services stamp a plain move with its status's own name ("Diusulkan"),
            # which the line already shows: only a reason that says more is repeated.
            if reason in _status_names(status):
                reason = ""
            events.append(
                TimelineEvent(
                    when=record.history_date,
                    who=(who.get_full_name() or who.username) if who else "sistem",
                    status=str(status),
                    reason=reason,
                )
            )
        previous = record.status
    return events
