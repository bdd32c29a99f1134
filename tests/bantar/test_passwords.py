"""A forgotten password reset by e-mail (a real SMTP server on loopback), and the admin's
temporary password that must be changed at the next login."""

from __future__ import annotations

import re

import pytest

from bantar.models import MailKind, MailLog, MailStatus
from bantar.password_policy import MESSAGE_CHANGE_FIRST
from tests.conftest import PASSWORD
from tests.smtp import body_of, subject_of

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Tanjung-Pinang-2026!"


def reset_link(message) -> str:
    [link] = re.findall(r"https?://\S+/accounts/reset/\S+/", body_of(message))
    return link


def test_the_login_page_offers_a_forgotten_password_link(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/"' in page and "Lupa kata sandi?" in page


def test_a_reset_mail_arrives_and_its_link_sets_a_new_password(client, smtp_server, panitia):
    response = client.post("/accounts/password_reset/", {"email": "panitia@bantar.example"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert "Periksa surel Anda" in client.get(response["Location"]).content.decode()
    [message] = smtp_server.messages
    assert message["To"] == "panitia@bantar.example"
    assert subject_of(message) == "Kata sandi baru untuk Portal BANTAR"
    assert 'akun "panitia"' in body_of(message)
    link = reset_link(message)
    assert link.startswith("http://testserver/accounts/reset/")

    # Following the link: Django swaps the token for a session and shows the form.
    opened = client.get(link.removeprefix("http://testserver"), follow=True)
    page = opened.content.decode()
    assert "Buat kata sandi baru" in page and 'name="new_password1"' in page
    form_url = opened.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    assert "Kata sandi baru tersimpan" in client.get(done["Location"]).content.decode()

    panitia.refresh_from_db()
    assert panitia.check_password(NEW_PASSWORD) and not panitia.check_password(PASSWORD)
    log = MailLog.objects.get()
    assert (log.kind, log.status) == (MailKind.PASSWORD_RESET, MailStatus.SENT)
    # The link works once.
    again = client.get(link.removeprefix("http://testserver"), follow=True).content.decode()
    assert "Tautan ini tidak berlaku lagi" in again


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, smtp_server, panitia):
    response = client.post("/accounts/password_reset/", {"email": "bukan.siapa@contoh.id"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert smtp_server.messages == []


def test_a_failed_reset_mail_is_logged_and_the_page_still_answers(client, smtp_server, panitia):
    smtp_server.stop()
    response = client.post("/accounts/password_reset/", {"email": "panitia@bantar.example"})
    assert response.status_code == 302
    log = MailLog.objects.get()
    assert (log.kind, log.status, log.recipients) == (
        MailKind.PASSWORD_RESET,
        MailStatus.FAILED,
        "panitia@bantar.example",
    )


def test_the_reset_pages_are_indonesian(client):
    page = client.get("/accounts/password_reset/").content.decode()
    assert "Lupa kata sandi" in page and "Alamat surel" in page and "Kirim tautan" in page
    invalid = client.get("/accounts/reset/MQ/bukan-token/").content.decode()
    assert "Tautan ini tidak berlaku lagi" in invalid


# --- A temporary password from the admin ----------------------------------------------


def test_the_admin_sets_a_temporary_password_that_must_be_changed(
    client, admin_user, officer_eka_jaya
):
    client.force_login(admin_user)
    url = f"/admin/bantar/user/{officer_eka_jaya.pk}/password/"
    form = client.get(url).content.decode()
    assert "wajib diganti saat masuk berikutnya" in form
    temporary = "Sementara-Eka-Jaya-77"
    response = client.post(
        url,
        {
            "password1": temporary,
            "password2": temporary,
            "must_change": "on",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    officer_eka_jaya.refresh_from_db()
    assert officer_eka_jaya.must_change_password

    client.logout()
    client.post("/accounts/login/", {"username": "kelurahan.ekajaya", "password": temporary})
    # Every page leads to the password change until the user picks its own.
    for path in ("/", "/peserta/", "/kompetisi/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/password/", path
    page = client.get("/accounts/password/").content.decode()
    assert str(MESSAGE_CHANGE_FIRST) in page
    assert "kata sandi sementara dari admin" in page
    changed = client.post(
        "/accounts/password/",
        {"old_password": temporary, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    officer_eka_jaya.refresh_from_db()
    assert not officer_eka_jaya.must_change_password
    assert client.get("/").status_code == 200


def test_a_temporary_password_does_not_stop_the_user_from_leaving(client, officer_eka_jaya):
    officer_eka_jaya.must_change_password = True
    officer_eka_jaya.save()
    client.force_login(officer_eka_jaya)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 200  # logged out: the public home


def test_a_reset_link_also_clears_the_temporary_password(client, smtp_server, panitia):
    panitia.must_change_password = True
    panitia.save()
    client.post("/accounts/password_reset/", {"email": "panitia@bantar.example"})
    opened = client.get(
        reset_link(smtp_server.messages[0]).removeprefix("http://testserver"), follow=True
    )
    client.post(
        opened.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    panitia.refresh_from_db()
    assert not panitia.must_change_password


def test_the_admin_action_requires_a_change_from_many_users(
    client, admin_user, officer_eka_jaya, juror
):
    client.force_login(admin_user)
    client.post(
        "/admin/bantar/user/",
        {"action": "require_password_change", "_selected_action": [officer_eka_jaya.pk, juror.pk]},
    )
    officer_eka_jaya.refresh_from_db()
    juror.refresh_from_db()
    assert officer_eka_jaya.must_change_password and juror.must_change_password


def test_a_new_account_made_in_the_admin_starts_with_a_temporary_password(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/bantar/user/add/").content.decode()
    assert re.search(r'name="must_change_password"[^>]*checked', page)
