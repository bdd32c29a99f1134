"""The registration form's live preview names the Kencana category and why, in a real browser
(issue 15), at phone, tablet and desktop sizes; with the competition warning about RTs that took
part the year before, it says that too."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bantar.models import Role
from competitions.models import CompetitionStatus, Kelurahan, RepeatEntry
from competitions.services import competition_create
from scoring.result_services import competition_finalise, competition_publish
from tests.browser.conftest import log_in, save_screenshot
from tests.conftest import PASSWORD, make_user
from tests.scoring.seasons import PLANS, build_season

SIZES = {"phone": (390, 844), "tablet": (800, 1280), "desktop": (1366, 900)}


def test_the_preview_says_why_an_rt_is_kencana(new_page):
    panitia = make_user("panitia.kencana", Role.PANITIA)
    make_user("kelurahan.kencana", Role.KELURAHAN, kelurahan=Kelurahan.objects.get(name="Eka Jaya"))
    year = timezone.localdate().year
    for past in (year - 3, year - 2, year - 1):
        competition = competition_create(year=past)
        rt = build_season(competition, plans=[PLANS[0]])["A"].rt  # Eka Jaya RT 01 wins
        competition_finalise(competition=competition, by=panitia)
        competition_publish(competition=competition, by=panitia)
    open_ = competition_create(year=year, registration_closes=timezone.now() + timedelta(days=30))
    open_.status = CompetitionStatus.REGISTRATION
    open_.save()

    for size, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        log_in(page, "kelurahan.kencana", PASSWORD)
        page.goto(f"/kompetisi/{open_.pk}/peserta/baru/")
        preview = page.locator("#category-preview")
        page.get_by_label("Jumlah KK").fill("120")
        assert "Kategori Besar" in preview.inner_text()
        page.get_by_label("RT yang sudah terdata").select_option(str(rt.pk))
        text = preview.inner_text()
        assert "Kategori Kencana · hadiah Rp 15.000.000" in text
        assert f"Menang 3 tahun berturut-turut ({year - 3}-{year - 1})" in text
        page.get_by_label("Jumlah KK").fill("20")  # too few KK stays refused, Kencana or not
        assert "belum dapat mengikuti lomba" in preview.inner_text()
        page.get_by_label("Jumlah KK").fill("120")
        save_screenshot(page, f"kencana-form-{size}")

    open_.repeat_entry = RepeatEntry.WARN
    open_.save()
    page.reload()
    page.get_by_label("RT yang sudah terdata").select_option(str(rt.pk))
    page.get_by_label("Jumlah KK").fill("120")
    assert f"sudah ikut lomba tahun {year - 1}" in preview.inner_text()
    assert "alert-warning" in (preview.get_attribute("class") or "")

    # Saved: the entry page says why the RT is Kencana; the flash repeats the warning.
    page.get_by_label("Nama kampung").fill("Kampung Emas")
    page.get_by_label("Nama ketua RT").fill("Pak Ketua")
    page.get_by_label("Telepon ketua RT").fill("0812 7411 2233")
    page.get_by_role("button", name="Simpan dan usulkan ke kecamatan").click()
    page.get_by_test_id("kencana-reason").wait_for()
    assert "Kencana" in page.content() and f"sudah ikut lomba tahun {year - 1}" in page.content()
    entry_url = page.url
    for size, (width, height) in SIZES.items():
        viewer = new_page(viewport={"width": width, "height": height})
        log_in(viewer, "kelurahan.kencana", PASSWORD)
        viewer.goto(entry_url)
        assert f"({year - 3}-{year - 1})" in viewer.get_by_test_id("kencana-reason").inner_text()
        save_screenshot(viewer, f"kencana-entry-{size}")
