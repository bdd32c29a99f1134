"""Sending e-mail: one helper that sends through Django's mail API and records the outcome.

The app that owns an event composes its notification (`competitions.notifications`,
`scoring.notifications`) and hands it over with `mail_send_on_commit`: the mail goes out
only after the action's transaction has committed, so a mail server that is down or
slow never blocks or undoes the action. Every attempt is a `MailLog` row; the panitia
sees the failures (home page, /surel/). One mail per recipient, in the recipient's
language, so that one bad address never stops the others' mail.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from bantar.models import MailKind, MailLog, MailStatus

if TYPE_CHECKING:
    from bantar.models import User

logger = logging.getLogger(__name__)

ERROR_NOT_COMPOSED = _("Surel tidak dapat disusun")
SUBJECT_MAX = 200
_muted = threading.local()


@dataclass(frozen=True)
class Mail:
    """One message to one address, ready to send."""

    kind: str
    to: str
    subject: str
    body: str


def site_url(path: str = "") -> str:
    """An absolute address on the portal, for mails sent outside a request (cron, commit)."""
    return (settings.BANTAR_SITE_URL or "http://127.0.0.1:8000").rstrip("/") + path


def language_of(user: User) -> str:
    """The language a user reads its mail in: its own choice when it has one, else Indonesian."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def mail_compose(*, kind: str, template: str, user: User, context: dict[str, Any]) -> Mail:
    """Render templates/mail/<template>.txt and its _subject.txt for one user, in its language."""
    context = {"user": user, "site_url": site_url(), **context}
    with translation.override(language_of(user)):
        subject_text = render_to_string(f"mail/{template}_subject.txt", context)
        body = render_to_string(f"mail/{template}.txt", context)
    # A subject is one line (a newline in it would be a header injection).
    subject = " ".join(subject_text.split())[:SUBJECT_MAX]
    return Mail(kind=kind, to=user.email, subject=subject, body=body)


def mail_send(*, mail: Mail) -> MailLog:
    """Send one mail now; whatever the mail server says, the outcome is logged, never raised."""
    try:
        EmailMessage(mail.subject, mail.body, to=[mail.to]).send(fail_silently=False)
    except Exception as error:  # any failure of the mail server or the network
        logger.warning("mail %s to %s not sent: %r", mail.kind, mail.to, error)
        return MailLog.objects.create(
            kind=mail.kind,
            recipients=mail.to,
            subject=mail.subject,
            status=MailStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
        )
    return MailLog.objects.create(
        kind=mail.kind, recipients=mail.to, subject=mail.subject, status=MailStatus.SENT
    )


def mails_send(*, kind: str, compose: Callable[[], Iterable[Mail]]) -> list[MailLog]:
    """Compose, then send each mail; a failure to compose is logged like a failed send."""
    try:
        mails = list(compose())
    except Exception as error:
        logger.exception("mail %s not composed", kind)
        return [
            MailLog.objects.create(
                kind=kind,
                recipients="",
                subject=str(ERROR_NOT_COMPOSED),
                status=MailStatus.FAILED,
                error=f"{type(error).__name__}: {error}"[:2000],
            )
        ]
    return [mail_send(mail=mail) for mail in mails]


def mail_send_on_commit(*, kind: str, compose: Callable[[], Iterable[Mail]]) -> None:
    """Compose and send once the current transaction commits (at once outside one).

    `compose` runs after the commit, so it reads what the action wrote; a rolled-back
    action sends nothing. robust: an error here is logged and never reaches the user.
    """
    if getattr(_muted, "on", False):
        return
    transaction.on_commit(lambda: mails_send(kind=kind, compose=compose), robust=True)


@contextmanager
def mail_muted() -> Iterator[None]:
    """No notification for what happens inside: the demo season replays events of the past."""
    previous = getattr(_muted, "on", False)
    _muted.on = True
    try:
        yield
    finally:
        _muted.on = previous


def recipients(users: QuerySet[User]) -> QuerySet[User]:
    """Those of `users` who can receive mail: active, with an address."""
    return users.filter(is_active=True).exclude(email="").order_by("pk")


def sent_today(*, kind: str, to: str, today: date | None = None) -> bool:
    """Whether a mail of this kind already reached this address today (a cron run twice)."""
    today = today or timezone.localdate()
    return MailLog.objects.filter(
        kind=kind, recipients=to, status=MailStatus.SENT, created_at__date=today
    ).exists()


def failed_mails(*, limit: int = 10) -> QuerySet[MailLog]:
    """The latest failed sends, for the panitia."""
    return MailLog.objects.filter(status=MailStatus.FAILED)[:limit]


__all__ = [
    "Mail",
    "MailKind",
    "failed_mails",
    "language_of",
    "mail_compose",
    "mail_muted",
    "mail_send",
    "mail_send_on_commit",
    "mails_send",
    "recipients",
    "sent_today",
    "site_url",
]
