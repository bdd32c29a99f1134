"""Sending mail (bantar/mail.py): a mail server that is down never blocks or undoes the
action; the failure is logged and the panitia sees it. The settings choose the console in
development and SMTP in production once EMAIL_HOST is set."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bantar.mail import Mail, mail_send, mail_send_on_commit, mails_send
from bantar.models import MailKind, MailLog, MailStatus
from competitions.models import EntryStatus
from tests.bantar.test_settings import PRODUCTION_ENV, ROOT, run_manage
from tests.factories import EntryFactory, RTFactory

pytestmark = pytest.mark.django_db


def test_a_stopped_mail_server_leaves_the_return_done_and_tells_the_panitia(
    client,
    smtp_server,
    django_capture_on_commit_callbacks,
    officer_paal_merah,
    officer_eka_jaya,
    panitia,
    open_competition,
    eka_jaya,
):
    entry = EntryFactory(competition=open_competition, rt=RTFactory(kelurahan=eka_jaya, number=8))
    smtp_server.stop()
    client.force_login(officer_paal_merah)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/peserta/{entry.pk}/kembalikan/", {"note": "Foto KK belum ada."}, follow=True
        )
    assert response.status_code == 200
    assert "dikembalikan ke kelurahan" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.status, entry.return_note) == (EntryStatus.RETURNED, "Foto KK belum ada.")
    log = MailLog.objects.get()
    assert (log.kind, log.status, log.recipients) == (
        MailKind.ENTRY_RETURNED,
        MailStatus.FAILED,
        "kelurahan.ekajaya@bantar.example",
    )
    assert log.subject == "Usulan RT 08 Eka Jaya dikembalikan kecamatan"
    assert "ConnectionRefused" in log.error or "refused" in log.error.lower()

    client.force_login(panitia)
    home = client.get("/").content.decode()
    assert "1 surel gagal terkirim" in home and "kelurahan.ekajaya@bantar.example" in home
    listing = client.get("/surel/?status=failed").content.decode()
    assert "Usulan RT 08 Eka Jaya dikembalikan kecamatan" in listing


def test_a_rolled_back_action_sends_nothing(smtp_server, django_capture_on_commit_callbacks, db):
    from django.db import transaction

    mail = Mail(kind=MailKind.DIGEST, to="a@bantar.example", subject="s", body="b")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        mail_send_on_commit(kind=MailKind.DIGEST, compose=lambda: [mail])
        raise RuntimeError("the action failed")
    assert smtp_server.messages == [] and not MailLog.objects.exists()


def test_a_mail_that_cannot_be_composed_is_logged_as_failed(smtp_server, db):
    def compose():
        raise LookupError("no such entry")

    [log] = mails_send(kind=MailKind.PUBLISHED, compose=compose)
    assert log.status == MailStatus.FAILED and "LookupError: no such entry" in log.error
    assert smtp_server.messages == []


def test_a_sent_mail_is_logged(smtp_server, db):
    log = mail_send(mail=Mail(kind=MailKind.DIGEST, to="a@bantar.example", subject="Hai", body="b"))
    assert log.status == MailStatus.SENT and log.error == ""
    [message] = smtp_server.messages
    assert message["From"] == "Portal BANTAR <bantar@localhost>"


def test_only_the_panitia_reads_the_mail_log(client, officer_eka_jaya, pejabat, panitia):
    for user, status in ((officer_eka_jaya, 403), (pejabat, 403), (panitia, 200)):
        client.force_login(user)
        assert client.get("/surel/").status_code == status


# --- Settings ---------------------------------------------------------------------------

BACKEND = "from django.conf import settings; print(settings.EMAIL_BACKEND)"


def printed(result: subprocess.CompletedProcess[str]) -> str:
    """What the -c code printed (`shell` may print a line about its imports first)."""
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.database_url
def test_development_prints_mail_to_the_console():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", BACKEND],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**environment, "DJANGO_SETTINGS_MODULE": "bantar.settings"},
    )
    assert printed(result) == "django.core.mail.backends.console.EmailBackend", result.stderr


@pytest.mark.database_url
def test_production_sends_through_smtp_once_email_host_is_set():
    without = run_manage("shell", "-c", BACKEND, env=PRODUCTION_ENV)
    assert printed(without) == "django.core.mail.backends.console.EmailBackend", without.stderr
    with_host = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)",
        env={**PRODUCTION_ENV, "EMAIL_HOST": "smtp.jambikota.go.id", "EMAIL_PORT": "465"},
    )
    assert printed(with_host).split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.jambikota.go.id",
        "465",
        "True",
    ], with_host.stdout
