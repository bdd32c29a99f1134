"""Reads for competitions: querysets and small summaries, always scoped by user."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

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
    rows = Kecamatan.objects.for_user(user).annotate(
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
    rows = Kelurahan.objects.for_user(user).annotate(
        n_rt=Count("rts", distinct=True),
        n_proposed=Count("rts__entries", filter=in_competition & submitted, distinct=True),
        n_verified=Count(
            "rts__entries",
            filter=in_competition & Q(rts__entries__status=EntryStatus.VERIFIED),
            distinct=True,
        ),
    )
    return [RegionRow(row.name, 1, row.n_rt, row.n_proposed, row.n_verified) for row in rows]
