"""Each role's home, the error pages and the password reset in chromium, on a phone, a
tablet and a desktop: nothing scrolls sideways, and screenshots are kept for review."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command

from bantar.views import ERROR_NOT_FOUND_REGION
from competitions.models import Entry
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import log_in, save_screenshot

DEVICES = {
    "phone": {"width": 390, "height": 844},
    "tablet": {"width": 800, "height": 1280},
    "desktop": {"width": 1366, "height": 900},
}
HOMES = {
    "panitia": "Panitia Kampung BANTAR",
    "pejabat": "Ringkasan Kota Jambi",
    "kecamatan.paalmerah": "Kecamatan Paal Merah",
    "kelurahan.ekajaya": "Kelurahan Eka Jaya",
    "juri1": "RT menunggu penilaian Anda",
    "admin": "Administrator",
}


@pytest.fixture
def season(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)


def shoot_everywhere(page, name: str) -> None:
    for device, size in DEVICES.items():
        page.set_viewport_size(size)
        page.reload()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name} scrolls sideways on the {device}: {width}px"
        # Nor does any table inside it (a table-responsive box would scroll on its own).
        boxes = page.evaluate(
            "[...document.querySelectorAll('.table-responsive')]"
            ".filter(box => box.scrollWidth > box.clientWidth + 1).length"
        )
        assert boxes == 0, f"{name}: {boxes} table(s) scroll sideways on the {device}"
        save_screenshot(page, f"{name}-{device}")


@pytest.mark.parametrize("username", list(HOMES))
def test_every_role_home_reads_on_every_screen(new_page, season, username):
    page = new_page()
    log_in(page, username, DEMO_PASSWORD)
    assert HOMES[username] in page.content()
    shoot_everywhere(page, f"home-{username.split('.')[0]}")


def test_the_error_pages_read_on_every_screen(new_page, season, settings):
    settings.ROOT_URLCONF = "tests.bantar.error_urls"
    page = new_page()
    log_in(page, "kelurahan.beringin", DEMO_PASSWORD)
    eka_jaya_entry = Entry.objects.filter(rt__kelurahan__name="Eka Jaya").first()
    response = page.goto(f"/peserta/{eka_jaya_entry.pk}/")
    assert response.status == 404
    assert str(ERROR_NOT_FOUND_REGION % {"region": "Kelurahan Beringin"}) in page.content()
    shoot_everywhere(page, "error-404-region")
    page.get_by_test_id("home-link").click()
    page.wait_for_url("**/")
    assert "Kelurahan Beringin" in page.content()

    response = page.goto("/verifikasi/")
    assert response.status == 403
    shoot_everywhere(page, "error-403")
    response = page.goto("/uji/curiga/")
    assert response.status == 400
    shoot_everywhere(page, "error-400")
    response = page.goto("/uji/rusak/")
    assert response.status == 500
    assert "Terjadi kesalahan di server" in page.content()
    shoot_everywhere(page, "error-500")


def test_the_password_reset_pages_read_on_every_screen(new_page, season, mailoutbox):
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_test_id("forgot-password").click()
    page.wait_for_url("**/accounts/password_reset/")
    shoot_everywhere(page, "reset-form")
    page.get_by_label("Alamat surel").fill("kelurahan.ekajaya@bantar.example")
    page.get_by_role("button", name="Kirim tautan").click()
    page.wait_for_url("**/accounts/password_reset/done/")
    shoot_everywhere(page, "reset-done")
    assert len(mail.outbox) == 1, [m.to for m in mail.outbox]
    [message] = mail.outbox
    link = re.search(r"https?://\S+/accounts/reset/\S+/", message.body).group(0)
    page.goto(link)
    page.wait_for_url("**/set-password/")
    shoot_everywhere(page, "reset-confirm")
    page.locator("#id_new_password1").fill("Kampung-Melati-2026!")
    page.locator("#id_new_password2").fill("Kampung-Melati-2026!")
    page.get_by_role("button", name="Simpan kata sandi baru").click()
    page.wait_for_url("**/accounts/reset/done/")
    shoot_everywhere(page, "reset-complete")
    log_in(page, "kelurahan.ekajaya", "Kampung-Melati-2026!")
    assert "Kelurahan Eka Jaya" in page.content()


def test_the_mail_log_reads_on_every_screen(new_page, season):
    from bantar.models import MailKind, MailLog, MailStatus

    MailLog.objects.create(
        kind=MailKind.ENTRY_RETURNED,
        recipients="kelurahan.ekajaya@bantar.example",
        subject="Usulan RT 09 Eka Jaya dikembalikan kecamatan",
        status=MailStatus.FAILED,
        error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    MailLog.objects.create(
        kind=MailKind.ASSIGNED,
        recipients="juri1@bantar.example",
        subject="4 RT ditugaskan kepada Tim 1 · Lomba Kampung BANTAR",
        status=MailStatus.SENT,
    )
    page = new_page()
    log_in(page, "panitia", DEMO_PASSWORD)
    assert page.get_by_test_id("failed-mails").is_visible()
    shoot_everywhere(page, "home-panitia-failed-mail")
    page.get_by_role("link", name="Lihat semua").click()
    page.wait_for_url("**/surel/?status=failed")
    assert page.locator('[data-status="failed"]').count() == 1
    shoot_everywhere(page, "mail-log")
