"""Mail at registration's hand-overs, sent to a real SMTP server on loopback.

A returned entry reaches the kelurahan's officer with the kecamatan's note; the
kecamatan's daily digest lists exactly the proposals of its verification queue.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from bantar.models import MailKind, MailLog, MailStatus, Role
from competitions.models import EntryStatus
from tests.conftest import make_user
from tests.factories import EntryFactory, RTFactory
from tests.smtp import body_of, subject_of

pytestmark = pytest.mark.django_db

NOTE = "Jumlah KK berbeda dengan data kelurahan & foto KK kurang jelas."


@pytest.fixture
def proposal(open_competition, eka_jaya, officer_eka_jaya):
    return EntryFactory(
        competition=open_competition,
        rt=RTFactory(kelurahan=eka_jaya, number=8),
        submitted_by=officer_eka_jaya,
    )


def test_a_returned_entry_mails_the_kelurahan_officer_with_the_note(
    client,
    smtp_server,
    django_capture_on_commit_callbacks,
    officer_paal_merah,
    officer_eka_jaya,
    officer_beringin,
    proposal,
):
    client.force_login(officer_paal_merah)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/peserta/{proposal.pk}/kembalikan/", {"note": NOTE})
    proposal.refresh_from_db()
    assert proposal.status == EntryStatus.RETURNED
    [message] = smtp_server.messages  # Beringin's officer hears nothing of Eka Jaya
    assert message["To"] == "kelurahan.ekajaya@bantar.example"
    assert subject_of(message) == "Usulan RT 08 Eka Jaya dikembalikan kecamatan"
    body = body_of(message)
    assert NOTE in body  # as typed: plain text, not HTML-escaped
    assert "Kecamatan Paal Merah" in body
    assert f"https://bantar.example/peserta/{proposal.pk}/" in body
    log = MailLog.objects.get()
    assert (log.kind, log.status, log.recipients) == (
        MailKind.ENTRY_RETURNED,
        MailStatus.SENT,
        "kelurahan.ekajaya@bantar.example",
    )


def test_nothing_is_sent_when_the_return_is_refused(
    client, smtp_server, django_capture_on_commit_callbacks, officer_paal_merah, proposal
):
    client.force_login(officer_paal_merah)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/peserta/{proposal.pk}/kembalikan/", {"note": "  "})
    assert smtp_server.messages == []
    assert not MailLog.objects.exists()


def test_an_officer_without_an_address_is_skipped(
    client,
    smtp_server,
    django_capture_on_commit_callbacks,
    officer_paal_merah,
    officer_eka_jaya,
    proposal,
):
    officer_eka_jaya.email = ""
    officer_eka_jaya.save()
    client.force_login(officer_paal_merah)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/peserta/{proposal.pk}/kembalikan/", {"note": NOTE})
    assert smtp_server.messages == []


# --- The daily digest ------------------------------------------------------------------


@pytest.fixture
def waiting(open_competition, eka_jaya, officer_eka_jaya):
    """Paal Merah's queue: three proposals, one verified; a draft it never sees."""
    made = {
        number: EntryFactory(
            competition=open_competition,
            rt=RTFactory(kelurahan=eka_jaya, number=number),
            status=status,
        )
        for number, status in [
            (3, EntryStatus.PROPOSED),
            (4, EntryStatus.PROPOSED),
            (5, EntryStatus.PROPOSED),
            (6, EntryStatus.VERIFIED),
            (7, EntryStatus.DRAFT),
        ]
    }
    return made


def test_the_digest_lists_the_proposals_of_the_verification_queue(
    client, smtp_server, officer_paal_merah, officer_pasar_jambi, waiting, open_competition
):
    call_command("send_digest", verbosity=0)
    [message] = smtp_server.messages  # Pasar Jambi has nothing waiting: no mail
    assert message["To"] == "kecamatan.paalmerah@bantar.example"
    assert subject_of(message).startswith("3 usulan RT menunggu diperiksa · ")
    body = body_of(message)
    assert re.findall(r"- (RT \d\d)", body) == ["RT 03", "RT 04", "RT 05"]
    assert "Kelurahan Eka Jaya (3)" in body
    queue_url = f"/verifikasi/?kompetisi={open_competition.pk}"
    assert f"https://bantar.example{queue_url}" in body
    # The same three wait in the queue the mail links to.
    client.force_login(officer_paal_merah)
    queue = client.get(queue_url).content.decode()
    assert queue.count('<span class="badge status-proposed">') == 3


def test_the_digest_goes_once_a_day_unless_forced(smtp_server, officer_paal_merah, waiting):
    call_command("send_digest", verbosity=0)
    call_command("send_digest", verbosity=0)
    assert len(smtp_server.messages) == 1
    call_command("send_digest", "--force", verbosity=0)
    assert len(smtp_server.messages) == 2


def test_no_digest_when_nothing_waits(smtp_server, officer_paal_merah, open_competition):
    call_command("send_digest", verbosity=0)
    assert smtp_server.messages == []


def test_a_failed_digest_is_logged_and_the_command_says_so(
    smtp_server, officer_paal_merah, waiting, capsys
):
    smtp_server.stop()
    with pytest.raises(SystemExit):
        call_command("send_digest")
    log = MailLog.objects.get()
    assert (log.kind, log.status) == (MailKind.DIGEST, MailStatus.FAILED)
    assert "Connection" in log.error or "refused" in log.error.lower()
    assert "gagal: 1" in capsys.readouterr().out


def test_an_inactive_officer_gets_no_digest(smtp_server, officer_paal_merah, waiting):
    officer_paal_merah.is_active = False
    officer_paal_merah.save()
    make_user("kecamatan.paalmerah2", Role.KECAMATAN, kecamatan=officer_paal_merah.kecamatan)
    call_command("send_digest", verbosity=0)
    assert [m["To"] for m in smtp_server.messages] == ["kecamatan.paalmerah2@bantar.example"]
