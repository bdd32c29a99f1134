"""Mail to jurors and to everyone concerned, sent to a real SMTP server on loopback."""

from __future__ import annotations

import re

import pytest

from bantar.models import MailKind, MailLog, MailStatus, Role
from competitions.models import Kelurahan
from scoring.models import ScoreSheet, SheetStatus
from scoring.result_services import competition_finalise, competition_publish
from scoring.services import team_add_member, team_create
from tests.conftest import make_user
from tests.factories import EntryFactory, RTFactory
from tests.scoring.seasons import build_season
from tests.smtp import body_of, subject_of

pytestmark = pytest.mark.django_db


def addressed(server) -> list[str]:
    return sorted(message["To"] for message in server.messages)


def test_assigning_an_rt_mails_each_juror_of_the_team(
    client,
    smtp_server,
    django_capture_on_commit_callbacks,
    team1,
    team2,
    panitia,
    assessment,
    eka_jaya,
):
    entry = EntryFactory(
        competition=assessment, rt=RTFactory(kelurahan=eka_jaya, number=12), status="verified"
    )
    client.force_login(panitia)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/kompetisi/{assessment.pk}/tugaskan/", {"entry": entry.pk, "team": team1.pk})
    assert entry.assignment.team == team1
    assert addressed(smtp_server) == [
        "juri.ekajaya@bantar.example",
        "juri.polri@bantar.example",
        "juri1@bantar.example",
    ]  # team 2's juror hears nothing
    message = smtp_server.to("juri1@bantar.example")[0]
    assert subject_of(message) == f"1 RT ditugaskan kepada Tim 1 · {assessment.title}"
    body = body_of(message)
    assert "RT 12 Eka Jaya (Paal Merah)" in body
    assert "https://bantar.example/penilaian/" in body
    # The juror who lives in Eka Jaya is told it does not score this RT, and why.
    local = body_of(smtp_server.to("juri.ekajaya@bantar.example")[0])
    assert "Tidak Anda nilai: Kelurahan tempat tinggal Anda (Eka Jaya)" in local
    assert "Tidak Anda nilai" not in body


def test_a_balanced_round_sends_one_mail_per_juror_with_all_its_rts(
    client,
    smtp_server,
    django_capture_on_commit_callbacks,
    panitia,
    assessment,
    paal_merah,
    eka_jaya,
):
    team = team_create(competition=assessment, name="Tim Pagi")
    juror = make_user("juri.pagi", Role.JURI)
    team_add_member(team=team, user=juror, agency="DLH")
    for number in (21, 22, 23):
        EntryFactory(
            competition=assessment,
            rt=RTFactory(kelurahan=eka_jaya, number=number),
            status="verified",
        )
    client.force_login(panitia)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/kompetisi/{assessment.pk}/tugaskan-rata/", {"kecamatan": paal_merah.pk})
    [message] = smtp_server.messages
    assert subject_of(message).startswith("3 RT ditugaskan kepada Tim Pagi")
    assert re.findall(r"- (RT \d\d) Eka Jaya", body_of(message)) == ["RT 21", "RT 22", "RT 23"]


def test_reopening_a_sheet_mails_its_juror_with_the_reason(
    client,
    smtp_server,
    django_capture_on_commit_callbacks,
    team1,
    panitia,
    juror,
    entry_eka_jaya,
):
    sheet = ScoreSheet.objects.create(
        entry=entry_eka_jaya, juror=juror, status=SheetStatus.SUBMITTED
    )
    reason = "Foto bank sampah tertukar dengan RT lain; mohon periksa A3 & B2."
    client.force_login(panitia)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/peserta/{entry_eka_jaya.pk}/lembar-nilai/",
            {"action": "reopen", "sheet": sheet.pk, "reason": reason},
        )
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    [message] = smtp_server.messages
    assert message["To"] == "juri1@bantar.example"
    assert subject_of(message) == "Lembar nilai RT 08 Eka Jaya dibuka kembali"
    body = body_of(message)
    assert reason in body
    assert f"https://bantar.example/penilaian/{entry_eka_jaya.pk}/" in body


def test_publishing_mails_everyone_concerned_and_nobody_else(
    smtp_server,
    django_capture_on_commit_callbacks,
    open_competition,
    panitia,
    pejabat,
    officer_eka_jaya,
    officer_beringin,
    officer_paal_merah,
    juror,
):
    """The season has RTs of Eka Jaya, Beringin and Simpang IV Sipin (Paal Merah, Pasar Jambi,
    Telanaipura); juror 1 is on no team, Thehok proposed nothing."""
    make_user("kelurahan.thehok", Role.KELURAHAN, kelurahan=Kelurahan.objects.get(name="Thehok"))
    build_season(open_competition)
    competition_finalise(competition=open_competition, by=panitia)
    with django_capture_on_commit_callbacks(execute=True):
        competition_publish(competition=open_competition, by=panitia)
    assert addressed(smtp_server) == [
        "juri.dua@bantar.example",
        "juri.satu@bantar.example",
        "kecamatan.paalmerah@bantar.example",
        "kelurahan.beringin@bantar.example",
        "kelurahan.ekajaya@bantar.example",
        "panitia@bantar.example",
        "pejabat@bantar.example",
    ]
    message = smtp_server.to("pejabat@bantar.example")[0]
    assert subject_of(message) == f"Hasil {open_competition.title} diumumkan"
    body = body_of(message)
    assert "5 RT pemenang, total hadiah Rp 42.000.000." in body
    assert f"https://bantar.example/hasil/{open_competition.pk}/" in body
    assert f"/kompetisi/{open_competition.pk}/laporan/pemenang/" in body
    # A juror reads the public page; the lists are not its to open.
    juror_body = body_of(smtp_server.to("juri.satu@bantar.example")[0])
    assert "/laporan/pemenang/" not in juror_body
    assert MailLog.objects.filter(kind=MailKind.PUBLISHED, status=MailStatus.SENT).count() == 7


def test_publishing_twice_mails_once(
    smtp_server, django_capture_on_commit_callbacks, open_competition, panitia
):
    build_season(open_competition)
    competition_finalise(competition=open_competition, by=panitia)
    with django_capture_on_commit_callbacks(execute=True):
        competition_publish(competition=open_competition, by=panitia)
        competition_publish(competition=open_competition, by=panitia)
    assert len(smtp_server.to("panitia@bantar.example")) == 1
