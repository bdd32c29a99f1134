"""Issue 18: the registration form's live help agrees with the server, in chromium, on a phone,
a tablet and a desktop. The KK preview refuses what the server refuses (BANTAR_MAX_KK and the
smallest band), in the server's words; a known RT fills its kampung's name, and an RT that
already has an entry is marked in the drop-down."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bantar.models import Role
from competitions.models import RT, CompetitionStatus, Kelurahan
from competitions.services import competition_create
from tests.browser.conftest import log_in, save_screenshot
from tests.conftest import PASSWORD, make_user
from tests.factories import EntryFactory

SIZES = {"phone": (390, 844), "tablet": (800, 1280), "desktop": (1366, 900)}


def test_the_preview_refuses_what_the_server_refuses(new_page, settings):
    settings.BANTAR_MAX_KK = 900  # the preview reads the setting, not a number of its own
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    make_user("kelurahan.bantu", Role.KELURAHAN, kelurahan=eka_jaya)
    competition = competition_create(
        year=timezone.localdate().year, registration_closes=timezone.now() + timedelta(days=30)
    )
    competition.status = CompetitionStatus.REGISTRATION
    competition.save()
    page = new_page(viewport={"width": 390, "height": 844})
    log_in(page, "kelurahan.bantu", PASSWORD)
    page.goto(f"/kompetisi/{competition.pk}/peserta/baru/")
    preview = page.locator("#category-preview")

    page.get_by_label("Jumlah KK").fill("5000")
    said = preview.inner_text()
    assert "Kategori" not in said and "paling banyak 900 KK" in said
    page.get_by_label("Jumlah KK").fill("900")
    assert "Kategori Besar" in preview.inner_text()
    page.get_by_label("Jumlah KK").fill("29")
    assert "kurang dari 30 KK" in preview.inner_text()

    # The server's refusal reads as the preview did.
    page.get_by_label("atau nomor RT baru").fill("8")
    page.get_by_label("Nama kampung").fill("Kampung Bunga Tanjung")
    page.get_by_label("Nama ketua RT").fill("Pak Syamsul Bahri")
    page.get_by_label("Telepon ketua RT").fill("0812 7411 2233")
    page.get_by_label("Jumlah KK").fill("5000")
    page.get_by_role("button", name="Simpan dan usulkan ke kecamatan").click()
    page.wait_for_load_state()
    assert (
        said
        in page.locator("#id_kk_count + .invalid-feedback, .invalid-feedback").first.inner_text()
    )


def test_a_known_rt_fills_its_kampung_and_a_taken_one_is_marked(new_page):
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    make_user("kelurahan.bantu", Role.KELURAHAN, kelurahan=eka_jaya)
    competition = competition_create(
        year=timezone.localdate().year, registration_closes=timezone.now() + timedelta(days=30)
    )
    competition.status = CompetitionStatus.REGISTRATION
    competition.save()
    free = RT.objects.create(kelurahan=eka_jaya, number=4, name_kampung="Kampung Melati")
    taken = RT.objects.create(kelurahan=eka_jaya, number=5, name_kampung="Kampung Mawar")
    EntryFactory(competition=competition, rt=taken)

    for size, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        log_in(page, "kelurahan.bantu", PASSWORD)
        page.goto(f"/kompetisi/{competition.pk}/peserta/baru/")
        choice = page.get_by_label("RT yang sudah terdata")
        taken_option = choice.locator(f'option[value="{taken.pk}"]')
        assert taken_option.inner_text() == "RT 05 Kampung Mawar · sudah terdaftar (Diusulkan)"
        assert taken_option.get_attribute("data-taken") == "1"
        assert choice.locator(f'option[value="{free.pk}"]').get_attribute("data-taken") is None
        choice.select_option(str(free.pk))
        assert page.get_by_label("Nama kampung").input_value() == "Kampung Melati"
        save_screenshot(page, f"registration-rt-choice-{size}")
    # A name the officer typed is kept when another RT is chosen.
    page.get_by_label("Nama kampung").fill("Kampung Melati Indah")
    choice.select_option(str(taken.pk))
    assert page.get_by_label("Nama kampung").input_value() == "Kampung Melati Indah"
