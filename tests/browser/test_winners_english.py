"""An English panitia reads the winners list in English, the held-back sheet included (its
name was once fixed in Indonesian at import), on a phone, a tablet and a desktop."""

from __future__ import annotations

import pytest

from bantar.models import Role
from competitions.services import competition_create
from tests.browser.conftest import log_in, save_screenshot
from tests.conftest import PASSWORD, make_user
from tests.scoring.seasons import build_season

SIZES = {"phone": (390, 844), "tablet": (800, 1280), "desktop": (1366, 900)}


@pytest.mark.parametrize("size", list(SIZES))
def test_an_english_panitia_sees_the_held_sheet_in_english(new_page, size):
    competition = competition_create(year=2026)
    build_season(competition)  # Besar: A 100, then B and C tied at 75
    competition.cap_per_category = 2  # the cap splits the tie: B and C are held back
    competition.save()
    make_user("panitia.english", Role.PANITIA, language="en")
    width, height = SIZES[size]
    page = new_page(viewport={"width": width, "height": height}, has_touch=size != "desktop")
    log_in(page, "panitia.english", PASSWORD)
    page.goto(f"/kompetisi/{competition.pk}/laporan/pemenang/")
    held = page.get_by_role("heading", name="Held, committee to decide")
    assert held.count() == 1 and held.is_visible()
    assert page.get_by_text("Ditahan, perlu putusan panitia").count() == 0
    width_now = page.evaluate("document.documentElement.scrollWidth")
    assert width_now <= width, f"the page is {width_now}px wide"
    held.scroll_into_view_if_needed()
    save_screenshot(page, f"winners-held-english-{size}")
