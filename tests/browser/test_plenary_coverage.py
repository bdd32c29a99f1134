"""The panitia opens the plenary mid-season: per RT how many sheets are in, an incomplete
RT marked and not a winner, an unscored one without a score; the explain page says why and
states the method. Screenshots at tablet, phone and desktop."""

from __future__ import annotations

from django.core.management import call_command

from competitions.models import RT, Competition, EntryStatus, Kelurahan
from scoring.models import Assignment, ScoreSheet, SheetStatus
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import log_in, save_screenshot
from tests.factories import EntryFactory
from tests.scoring.seasons import build_season

SIZES = {"tablet": (800, 1280), "phone": (390, 844), "desktop": (1366, 900)}


def test_the_plenary_shows_how_far_each_rt_is_scored(new_page):
    call_command("seed_demo", "--minimal", verbosity=0)
    competition = Competition.objects.exclude(year=2020).get()
    season = build_season(competition)
    ScoreSheet.objects.filter(entry=season["A"], juror__username="juri.dua").update(
        status=SheetStatus.DRAFT
    )
    unscored = EntryFactory(
        competition=competition,
        rt=RT.objects.create(kelurahan=Kelurahan.objects.get(name="Beringin"), number=18),
        kk_count=60,
        status=EntryStatus.VERIFIED,
    )
    Assignment.objects.create(entry=unscored, team=season["A"].assignment.team)
    for size, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        log_in(page, "panitia", DEMO_PASSWORD)
        page.goto(f"/kompetisi/{competition.pk}/pleno/")
        summary = page.get_by_test_id("coverage-summary").inner_text()
        assert "1 RT belum lengkap · 1 RT belum dinilai" in summary
        row = page.locator(f'tr[data-entry="{season["A"].pk}"]')
        assert row.get_by_test_id("status").inner_text() == "Belum lengkap"
        assert row.get_by_test_id("sheets").inner_text() == "1/2"
        assert row.get_by_test_id("final").inner_text() == "100,00*"
        blank = page.locator(f'tr[data-entry="{unscored.pk}"]')
        assert blank.get_by_test_id("status").inner_text() == "Belum dinilai"
        assert blank.get_by_test_id("final").inner_text() == "-"
        save_screenshot(page, f"plenary-coverage-{size}")
        row.get_by_role("link", name="Rincian").click()
        assert "Lembar nilai masuk: 1 dari 2" in page.get_by_test_id("coverage").inner_text()
        assert "lulus bila nilai akhir >= 70,00" in page.get_by_test_id("method").inner_text()
        save_screenshot(page, f"explain-coverage-{size}")
