"""The re-visit list on a 390 px phone (TIDY's finding): each round reads as a card, its
"Menurun" count on screen with its column's name, and the page does not scroll sideways (the
table scrolled in its box and cut the last column). Screenshots at phone, tablet and desktop;
axe at each size."""

from __future__ import annotations

from typing import Any

from bantar.models import Role
from coaching.revisits import revisit_create
from competitions.models import Competition
from tests.browser.conftest import assert_accessible, log_in, save_screenshot
from tests.coaching.city import build_city
from tests.conftest import PASSWORD, make_user

PHONE = {"width": 390, "height": 844}
DEVICES = {
    "phone": PHONE,
    "tablet": {"width": 800, "height": 1280},
    "desktop": {"width": 1366, "height": 900},
}

# The page's own sideways scroll, and any scroll box whose content is wider than the box.
SIDEWAYS = """() => {
  const root = document.documentElement;
  const boxes = [...document.querySelectorAll('main .table-responsive')]
    .filter(el => el.scrollWidth > el.clientWidth)
    .map(el => el.scrollWidth + '>' + el.clientWidth);
  return {page: root.scrollWidth - root.clientWidth, boxes: boxes};
}"""


def fits(page: Any, name: str) -> None:
    sideways = page.evaluate(SIDEWAYS)
    assert sideways["page"] <= 0, f"{name}: the page scrolls sideways by {sideways['page']} px"
    assert not sideways["boxes"], f"{name}: a table scrolls in its box: {sideways['boxes']}"


def test_the_re_visit_list_fits_a_phone(new_page: Any, master_data: None) -> None:
    panitia = make_user("panitia", Role.PANITIA)
    city = build_city(panitia)
    source = Competition.objects.get(year=2021, period=1)
    revisit = revisit_create(source=source, by=panitia, rt_ids=[city["B2"].pk, city["E1"].pk])
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    log_in(page, "panitia", PASSWORD)
    page.goto("/kunjungan-ulang/")
    row = page.locator(f'[data-round="{revisit.pk}"]')
    assert row.locator("td").first.inner_text().startswith("Kunjungan ulang pemenang")
    # The last column is on screen and says what it counts (the header row is hidden).
    dropped = row.locator("td").last
    assert dropped.is_visible()
    box = dropped.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    label = dropped.evaluate("el => getComputedStyle(el, '::before').content")
    assert "Menurun" in label, label
    for device, size in DEVICES.items():
        page.set_viewport_size(size)
        page.reload()
        fits(page, f"re-visit list on the {device}")
        assert_accessible(page)
        save_screenshot(page, f"revisit-list-{device}")
    # On a desktop the list stays a table with its header row.
    assert page.get_by_test_id("rounds").locator("thead").is_visible()
