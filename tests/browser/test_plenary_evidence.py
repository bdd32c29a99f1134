"""The panitia in the plenary mid-season (issue 12, done-when): sees each RT's coverage, opens
an RT's photos (a reused one side by side with the other RT), follows a blocker link to the
sheet page, excuses the missing sheet with a reason, and finalises. Screenshots at tablet,
phone and desktop: a committee member at a projector, a pejabat on a phone."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.management import call_command

from bantar.models import User
from competitions.models import Competition, CompetitionStatus
from scoring.models import Excusal, ResultSet, ScoreSheet, SheetStatus
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, log_in, save_screenshot
from tests.scoring.photos import add_photo, scene
from tests.scoring.seasons import build_season

SIZES = {"tablet": (800, 1280), "phone": (390, 844), "desktop": (1366, 900)}


def shoot(page, name: str) -> None:
    """A full-page screenshot with every thumbnail loaded (they load lazily, as they scroll in)."""
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("() => [...document.images].every(image => image.complete)")
    page.evaluate("() => window.scrollTo(0, 0)")
    save_screenshot(page, name)


def mid_season() -> tuple[Competition, dict]:
    """build_season on the demo's current competition; juri.dua's sheet on A still a draft;
    photos of A (one of them sent again for B) and of B."""
    call_command("seed_demo", "--minimal", verbosity=0)
    competition = Competition.objects.exclude(year=2020).get()
    season = build_season(competition)
    ScoreSheet.objects.filter(entry=season["A"], juror__username="juri.dua").update(
        status=SheetStatus.DRAFT
    )
    satu, dua = (User.objects.get(username=n) for n in ("juri.satu", "juri.dua"))
    taken = datetime(2026, 11, 20, 2, 15, tzinfo=UTC)
    add_photo(season["A"], satu, "B1", scene(1), taken_at=taken, located=True)
    add_photo(season["A"], dua, "B1", scene(2), taken_at=taken)
    add_photo(season["A"], satu, "A3", scene(3), located=True)
    add_photo(season["A"], dua, "P2", scene(4))
    add_photo(season["A"], satu, None, scene(5))
    add_photo(season["B"], dua, "B2", scene(1))  # A's first photo again: the flag
    return competition, season


def test_the_panitia_sees_coverage_and_photos_excuses_a_sheet_and_finalises(
    new_page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    competition, season = mid_season()
    a, b = season["A"], season["B"]
    pages = {}
    for size, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        pages[size] = page
        log_in(page, "panitia", DEMO_PASSWORD)
        page.goto(f"/kompetisi/{competition.pk}/pleno/")
        assert "1 RT belum lengkap" in page.get_by_test_id("coverage-summary").inner_text()
        row = page.locator(f'tr[data-entry="{a.pk}"]')
        assert row.get_by_test_id("status").inner_text() == "Belum lengkap"
        assert row.get_by_test_id("sheets").inner_text() == "1/2"
        save_screenshot(page, f"plenary-evidence-{size}")
        # The RT's explanation: each indicator's photos; then all of them, a page at a time.
        row.get_by_role("link", name="Rincian").click()
        b1 = page.locator('[data-testid="indicator-photos"][data-indicator="B1"]')
        assert b1.get_by_test_id("photo").count() == 2
        assert "20 November 2026 09:15 WIB" in b1.inner_text()
        assert_accessible(page)
        shoot(page, f"explain-photos-{size}")
        page.get_by_test_id("all-photos").click()
        page.wait_for_url(f"**/pleno/rt/{a.pk}/foto/")
        assert page.get_by_test_id("photos").get_by_test_id("photo").count() == 5
        reused = page.locator('[data-testid="photo"]:has([data-testid="reused"])')
        assert reused.count() == 1
        assert reused.locator("img").count() == 2  # the two photos side by side
        assert reused.get_by_test_id("reused-rt").inner_text() == str(b.rt)
        # Tapping the photo opens the web copy, a real JPEG.
        with page.expect_popup() as popup:
            reused.locator("img").first.click()
        copy = popup.value
        copy.wait_for_load_state()
        assert copy.evaluate("document.contentType") == "image/jpeg"
        copy.close()
        assert_accessible(page)
        shoot(page, f"rt-photos-{size}")
        # The other RT's photo page, from the flag.
        reused.get_by_test_id("reused-rt").click()
        page.wait_for_url(f"**/pleno/rt/{b.pk}/foto/")
        assert page.get_by_test_id("reused").count() == 1
        shoot(page, f"rt-photos-reused-{size}")

    # A pejabat on a phone: the same photos, and no way to the panitia's sheet page.
    pejabat = new_page(viewport={"width": 390, "height": 844})
    log_in(pejabat, "pejabat", DEMO_PASSWORD)
    pejabat.goto(f"/kompetisi/{competition.pk}/pleno/rt/{a.pk}/")
    # B1 twice, A3, P2 under their levels; the RT's own photo below the steps.
    assert pejabat.get_by_test_id("indicator-photos").get_by_test_id("photo").count() == 5
    pejabat.get_by_test_id("all-photos").click()
    pejabat.wait_for_url(f"**/pleno/rt/{a.pk}/foto/")
    assert pejabat.get_by_test_id("photos").get_by_test_id("photo").count() == 5
    assert pejabat.get_by_role("link", name="lembar nilai").count() == 0
    assert_accessible(pejabat)
    shoot(pejabat, "rt-photos-pejabat-phone")

    # At the tablet on the committee's table: the blocker, the excuse, the finalisation.
    page = pages["tablet"]
    page.goto(f"/kompetisi/{competition.pk}/pleno/")
    blockers = page.get_by_test_id("missing-sheets")
    blockers.get_by_role("link", name=f"{a.rt}: lembar nilai Juri.Dua belum dikirim").click()
    dua = User.objects.get(username="juri.dua")
    page.wait_for_url(f"**/peserta/{a.pk}/lembar-nilai/#juror-{dua.pk}")
    juror_row = page.locator(f"#juror-{dua.pk}")
    assert juror_row.get_by_test_id("excuse-form").is_visible()
    assert page.get_by_test_id("sheet-photos").get_by_test_id("photo").count() == 5
    shoot(page, "sheet-excuse-before-tablet")
    juror_row.get_by_role("button", name="Maafkan").click()  # no reason: the browser asks
    assert not Excusal.objects.exists()
    juror_row.get_by_role("textbox").fill("Juri sakit pada hari kunjungan")
    juror_row.get_by_role("button", name="Maafkan").click()
    page.wait_for_load_state()
    assert "Lembar nilai dimaafkan" in page.locator(".alert-success").inner_text()
    excused = page.locator(f"#juror-{dua.pk}").get_by_test_id("excused")
    assert "Juri sakit pada hari kunjungan" in excused.inner_text()
    assert "Dimaafkan" in page.get_by_test_id("excusal-history").inner_text()
    assert_accessible(page)
    shoot(page, "sheet-excused-tablet")
    for size in ("phone", "desktop"):
        pages[size].goto(f"/peserta/{a.pk}/lembar-nilai/#juror-{dua.pk}")
        shoot(pages[size], f"sheet-excused-{size}")

    page.goto(f"/kompetisi/{competition.pk}/pleno/")
    assert page.get_by_test_id("missing-sheets").count() == 0
    row = page.locator(f'tr[data-entry="{a.pk}"]')
    assert row.get_by_test_id("sheets").inner_text() == "1/1"
    page.get_by_role("button", name="Finalisasi hasil").click()
    page.wait_for_load_state()
    assert "Hasil difinalisasi" in page.locator(".alert-success").inner_text()
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.FINAL
    assert ResultSet.objects.filter(competition=competition).count() == 1
    save_screenshot(page, "plenary-finalised-tablet")
