"""Kelurahan BANTAR on the public results page and the rekap per kelurahan, at phone, tablet
and desktop sizes (issue 15)."""

from __future__ import annotations

from decimal import Decimal

from bantar.models import Role
from competitions.models import Competition, Kelurahan
from competitions.services import competition_create
from scoring.result_services import competition_finalise, competition_publish
from tests.browser.conftest import log_in, save_screenshot
from tests.conftest import PASSWORD, make_user
from tests.scoring.seasons import build_season

SIZES = {"phone": (390, 844), "tablet": (800, 1280), "desktop": (1366, 900)}


def test_kelurahan_bantar_is_listed_publicly_and_in_the_rekap(new_page):
    panitia = make_user("panitia.rekap", Role.PANITIA)
    Kelurahan.objects.filter(name="Eka Jaya").update(rt_count=3)  # winners A and G: 2 of 3
    competition = competition_create(year=2025)
    build_season(competition)
    competition_finalise(competition=competition, by=panitia)
    competition_publish(competition=competition, by=panitia)
    Competition.objects.filter(pk=competition.pk).update(bantar_kelurahan_share=Decimal("60"))

    for size, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        page.goto(f"/hasil/{competition.pk}/")
        section = page.get_by_test_id("bantar-kelurahan")
        assert "Eka Jaya" in section.inner_text() and "2 dari 3 RT (66,7%)" in section.inner_text()
        section.scroll_into_view_if_needed()
        save_screenshot(page, f"kelurahan-bantar-public-{size}")
        log_in(page, "panitia.rekap", PASSWORD)
        page.goto(f"/kompetisi/{competition.pk}/laporan/kelurahan/")
        row = page.locator("tr", has_text="Eka Jaya")
        assert "Kelurahan BANTAR" in row.inner_text()
        save_screenshot(page, f"kelurahan-rekap-{size}")
