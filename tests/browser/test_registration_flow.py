"""An RT goes from kelurahan to kecamatan and back, then is verified, in a real browser."""

from __future__ import annotations

from django.core.management import call_command

from competitions.models import Entry, EntryStatus
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import log_in, save_screenshot


def status_count(page, status: str) -> int:
    return int(page.locator(f'[data-status="{status}"]').first.inner_text())


def test_propose_return_fix_and_verify_an_rt(new_page):
    call_command("seed_demo", "--minimal", verbosity=0)
    kelurahan = new_page(viewport={"width": 412, "height": 915}, has_touch=True, is_mobile=True)
    kecamatan = new_page(viewport={"width": 1280, "height": 900})
    log_in(kelurahan, "kelurahan.ekajaya", DEMO_PASSWORD)
    log_in(kecamatan, "kecamatan.paalmerah", DEMO_PASSWORD)

    # The kelurahan officer proposes RT 08 from a phone.
    kelurahan.goto("/peserta/")
    assert status_count(kelurahan, "proposed") == 0
    kelurahan.get_by_role("link", name="Usulkan RT").click()
    kelurahan.get_by_label("atau nomor RT baru").fill("8")
    kelurahan.get_by_label("Nama kampung").fill("Kampung Bunga Tanjung")
    kelurahan.get_by_label("Nama ketua RT").fill("Pak Syamsul Bahri")
    kelurahan.get_by_label("Telepon ketua RT").fill("0812 7411 2233")
    preview = kelurahan.locator("#category-preview")
    kelurahan.get_by_label("Jumlah KK").fill("98")
    assert "Kategori Sedang · hadiah Rp 7.000.000" in preview.inner_text()
    assert "Dekat batas kategori (100 KK)" in preview.inner_text()
    kelurahan.get_by_label("Jumlah KK").fill("25")
    assert "belum dapat mengikuti lomba" in preview.inner_text()
    kelurahan.get_by_label("Jumlah KK").fill("112")
    assert "Kategori Besar · hadiah Rp 10.000.000" in preview.inner_text()
    assert "Dekat batas" not in preview.inner_text()
    save_screenshot(kelurahan, "registration-form-phone")
    kelurahan.get_by_role("button", name="Simpan dan usulkan ke kecamatan").click()
    assert kelurahan.get_by_test_id("entry-status").inner_text() == "Diusulkan"
    kelurahan.goto("/peserta/")
    assert status_count(kelurahan, "proposed") == 1

    # The kecamatan officer returns it with a note.
    kecamatan.goto("/verifikasi/")
    section = kecamatan.locator('[data-kelurahan="Eka Jaya"]')
    assert "RT 08" in section.inner_text()
    section.get_by_label("Alasan pengembalian").fill(
        "Jumlah KK berbeda dengan data kelurahan (tercatat 64 KK)."
    )
    section.get_by_role("button", name="Kembalikan ke kelurahan").click()
    kecamatan.wait_for_url("**/verifikasi/")
    assert status_count(kecamatan, "returned") == 1
    assert status_count(kecamatan, "proposed") == 0

    # The kelurahan sees why, fixes the count and proposes again.
    kelurahan.goto("/")
    assert "tercatat 64 KK" in kelurahan.content()
    kelurahan.get_by_role("link", name="RT 08").click()
    assert "tercatat 64 KK" in kelurahan.get_by_test_id("return-note").inner_text()
    kelurahan.get_by_role("link", name="Ubah data").click()
    kelurahan.get_by_label("Jumlah KK").fill("64")
    assert "Kategori Sedang" in kelurahan.locator("#category-preview").inner_text()
    kelurahan.get_by_role("button", name="Simpan dan usulkan ke kecamatan").click()
    assert kelurahan.get_by_test_id("entry-status").inner_text() == "Diusulkan"

    # The kecamatan verifies it.
    kecamatan.goto("/verifikasi/")
    assert status_count(kecamatan, "proposed") == 1
    kecamatan.locator('[data-kelurahan="Eka Jaya"]').get_by_role(
        "button", name="Verifikasi"
    ).click()
    kecamatan.wait_for_url("**/verifikasi/")
    assert status_count(kecamatan, "verified") == 1
    assert status_count(kecamatan, "proposed") == 0
    save_screenshot(kecamatan, "verification-queue-desktop")

    kelurahan.goto("/peserta/")
    assert status_count(kelurahan, "verified") == 1
    kelurahan.get_by_role("link", name="RT 08").click()
    timeline = kelurahan.get_by_test_id("timeline").inner_text()
    assert all(status in timeline for status in ("Diusulkan", "Dikembalikan", "Terverifikasi"))
    assert "Dikembalikan: Jumlah KK berbeda" in timeline
    assert kelurahan.get_by_test_id("timeline").locator("li").count() == 4
    save_screenshot(kelurahan, "entry-detail-phone")

    entry = Entry.objects.get()
    assert (entry.status, entry.kk_count, entry.category.code) == (
        EntryStatus.VERIFIED,
        64,
        "sedang",
    )
