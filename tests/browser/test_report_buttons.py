"""The score matrix's "Unduh Excel", "CSV" and "Cetak" are one row of buttons of one
height, each a tap target of at least 44 px, on a phone, a tablet and a desktop."""

from __future__ import annotations

import pytest

from bantar.models import Role
from competitions.services import competition_create
from tests.browser.conftest import log_in, save_screenshot
from tests.conftest import PASSWORD, make_user
from tests.scoring.seasons import build_season

SIZES = {"phone": (390, 844), "tablet": (800, 1280), "desktop": (1366, 900)}


@pytest.mark.parametrize("size", list(SIZES))
def test_the_matrix_export_and_print_buttons_are_one_height(new_page, size):
    competition = competition_create(year=2026)
    build_season(competition)
    make_user("panitia.tombol", Role.PANITIA)
    width, height = SIZES[size]
    page = new_page(viewport={"width": width, "height": height}, has_touch=size != "desktop")
    log_in(page, "panitia.tombol", PASSWORD)
    page.goto(f"/kompetisi/{competition.pk}/laporan/matriks/")
    actions = page.get_by_test_id("report-actions")
    boxes = {
        name: actions.get_by_role(role, name=name, exact=True).bounding_box()
        for role, name in (("link", "Unduh Excel"), ("link", "CSV"), ("button", "Cetak"))
    }
    heights = {name: round(box["height"]) for name, box in boxes.items()}
    assert len(set(heights.values())) == 1, heights
    assert min(heights.values()) >= 44, heights
    assert len({round(box["y"]) for box in boxes.values()}) == 1, boxes  # one row
    assert all(box["x"] + box["width"] <= width for box in boxes.values()), boxes
    # A link's text sat at the top of its 44 px box while the button's was centred, so the
    # three looked like three heights: each label is centred in its box.
    offsets = actions.evaluate(
        """(row) => [...row.querySelectorAll('.btn')].map((el) => {
            const range = document.createRange();
            range.selectNodeContents(el);
            const text = range.getBoundingClientRect(), box = el.getBoundingClientRect();
            return [el.textContent.trim(), (text.top + text.bottom - box.top - box.bottom) / 2];
        })"""
    )
    assert all(abs(offset) <= 1 for _, offset in offsets), offsets
    save_screenshot(page, f"matrix-buttons-{size}", full_page=False)


def test_the_rekaps_four_buttons_stay_on_a_phones_screen(new_page):
    competition = competition_create(year=2026)
    build_season(competition)
    make_user("panitia.rekap", Role.PANITIA)
    page = new_page(viewport={"width": 390, "height": 844}, has_touch=True)
    log_in(page, "panitia.rekap", PASSWORD)
    page.goto(f"/kompetisi/{competition.pk}/laporan/rekap/")
    buttons = page.get_by_test_id("report-actions").locator(".btn")
    assert buttons.count() == 4
    for index in range(4):
        box = buttons.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert box["height"] >= 44, box
    width_now = page.evaluate("document.documentElement.scrollWidth")
    assert width_now <= 390, f"the page is {width_now}px wide"
    save_screenshot(page, "rekap-buttons-phone", full_page=False)
