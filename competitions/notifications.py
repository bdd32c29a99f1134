"""E-mail at the hand-overs of registration and verification (sent by `bantar.mail`).

- an entry returned by the kecamatan: to the kelurahan's officers, with the note
  (`entry_returned_notify`, from `competitions.services.entry_return`, after its commit);
- the kecamatan's daily digest of proposals waiting (`digest_send`, run by
  `manage.py send_digest` from cron).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from bantar.mail import (
    Mail,
    MailKind,
    mail_compose,
    mail_send,
    mail_send_on_commit,
    recipients,
    sent_today,
    site_url,
)
from bantar.models import MailLog, MailStatus, Role, User
from competitions.models import Competition, CompetitionStatus, Entry, EntryStatus
from competitions.selectors import verification_entries


def kelurahan_officers(entry: Entry) -> QuerySet[User]:
    return recipients(entry.rt.kelurahan.officers.filter(role=Role.KELURAHAN))


def entry_returned_notify(*, entry: Entry) -> None:
    """After the commit: the kelurahan's officers learn what to fix, with the kecamatan's note."""
    pk = entry.pk
    mail_send_on_commit(kind=MailKind.ENTRY_RETURNED, compose=lambda: _entry_returned_mails(pk))


def _entry_returned_mails(entry_pk: int) -> Iterator[Mail]:
    entry = Entry.objects.with_region().get(pk=entry_pk)
    context = {
        "entry": entry,
        "entry_url": site_url(reverse("entry-detail", args=[entry.pk])),
    }
    for officer in kelurahan_officers(entry):
        yield mail_compose(
            kind=MailKind.ENTRY_RETURNED, template="entry_returned", user=officer, context=context
        )


# --- The kecamatan's daily digest ------------------------------------------------------


@dataclass
class DigestGroup:
    competition: Competition
    queue_url: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class DigestOutcome:
    sent: int = 0
    failed: int = 0
    nothing_waiting: int = 0
    already_sent: int = 0


def kecamatan_officers() -> QuerySet[User]:
    return recipients(User.objects.filter(role=Role.KECAMATAN, kecamatan__isnull=False))


def waiting_for(officer: User, competitions: list[Competition]) -> list[DigestGroup]:
    """Per competition open for verification: the proposals in the officer's queue."""
    groups = []
    for competition in competitions:
        waiting = list(
            verification_entries(officer, competition).filter(status=EntryStatus.PROPOSED)
        )
        if waiting:
            url = site_url(f"{reverse('verification-queue')}?kompetisi={competition.pk}")
            groups.append(DigestGroup(competition, url, waiting))
    return groups


def digest_send(*, today: date | None = None, force: bool = False) -> DigestOutcome:
    """One mail per kecamatan officer with proposals waiting; once a day unless forced."""
    today = today or timezone.localdate()
    competitions = list(
        Competition.objects.filter(
            status__in=[CompetitionStatus.REGISTRATION, CompetitionStatus.VERIFICATION]
        ).order_by("year", "period")
    )
    outcome = DigestOutcome()
    for officer in kecamatan_officers().select_related("kecamatan"):
        groups = waiting_for(officer, competitions)
        if not groups:
            outcome.nothing_waiting += 1
            continue
        if not force and sent_today(kind=MailKind.DIGEST, to=officer.email, today=today):
            outcome.already_sent += 1
            continue
        context = {
            "groups": groups,
            "total": sum(len(group.entries) for group in groups),
            "today": today,
        }
        log: MailLog = mail_send(
            mail=mail_compose(
                kind=MailKind.DIGEST, template="digest", user=officer, context=context
            )
        )
        if log.status == MailStatus.SENT:
            outcome.sent += 1
        else:
            outcome.failed += 1
    return outcome
