"""Issue 19 in a real browser: the panitia filters the score matrix to one category and
pages through it, on a phone, a tablet and a desktop; the page never scrolls sideways (the
wide table scrolls inside its own region), and screenshots are kept."""

from __future__ import annotations

import pytest

from bantar.models import Role
from competitions.services import competition_create
from tests.browser.conftest import log_in, save_screenshot
from tests.conftest import PASSWORD, make_user
from tests.scoring.seasons import build_season

SIZES = {"phone": (390, 844), "tablet": (800, 1280), "desktop": (1366, 900)}


@pytest.mark.parametrize("size", list(SIZES))
def test_the_panitia_filters_the_matrix_to_one_category_and_pages_it(new_page, settings, size):
    settings.BANTAR_PAGE_SIZE = 2
    competition = competition_create(year=2026)
    build_season(competition)  # seven RTs, three of them besar
    make_user("panitia.matriks", Role.PANITIA)
    width, height = SIZES[size]
    page = new_page(viewport={"width": width, "height": height}, has_touch=size != "desktop")
    log_in(page, "panitia.matriks", PASSWORD)
    page.goto(f"/kompetisi/{competition.pk}/laporan/matriks/")
    assert page.get_by_test_id("row-count").inner_text().startswith("7 RT sesuai saringan")
    page.get_by_label("Kategori").select_option(label="Besar")
    page.get_by_role("button", name="Saring").click()
    page.wait_for_url("**category=besar**")
    assert page.get_by_test_id("row-count").inner_text().startswith("3 RT sesuai saringan")
    assert page.get_by_test_id("row-total").first.inner_text() == "1–2 dari 3"
    assert page.get_by_text("Cara hitung: nilai indikator = rata-rata").count() == 1
    width_now = page.evaluate("document.documentElement.scrollWidth")
    assert width_now <= width, f"the page is {width_now}px wide"
    save_screenshot(page, f"matrix-besar-page-1-{size}")
    page.get_by_role("link", name="Berikutnya ›").first.click()
    page.wait_for_url("**halaman=2**")
    assert "category=besar" in page.url  # the filter stays on the next page
    assert page.get_by_test_id("row-total").first.inner_text() == "3–3 dari 3"
    rows = page.locator(".report-table tbody tr")
    assert rows.count() == 3  # one RT: two jurors and the mean
    save_screenshot(page, f"matrix-besar-page-2-{size}", full_page=size != "desktop")
