"""Layout on a 390 px phone (reviewer's findings): the coaching and documents tables read as
one card per row instead of a box scrolling sideways, RT links are thumb-sized, the instrument
lock names its reason once, and buttons side by side share a height with their text centred.
Screenshots at phone, tablet and desktop; axe at phone size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bantar.models import Role
from competitions.models import Competition, CompetitionStatus
from competitions.services import competition_create
from indicators.models import Instrument
from tests.browser.conftest import assert_accessible, log_in, save_screenshot
from tests.coaching.city import build_city
from tests.conftest import PASSWORD, make_user

PHONE = {"width": 390, "height": 844}
DEVICES = {
    "phone": PHONE,
    "tablet": {"width": 800, "height": 1280},
    "desktop": {"width": 1366, "height": 900},
}

# Every element of the page's main content that reaches past the screen's right edge, or a
# scroll box whose content is wider than the box (what hid "-5,16" and the buttons).
CUT = """() => {
  const width = document.documentElement.clientWidth;
  const cut = [];
  for (const el of document.querySelectorAll('main *')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 0.5) cut.push(el.tagName + ' ' + el.textContent.trim().slice(0, 30) + ' ' + Math.round(box.right));
  }
  for (const el of document.querySelectorAll('.table-responsive')) {
    if (el.scrollWidth > el.clientWidth) cut.push('scroll box ' + el.scrollWidth + '>' + el.clientWidth);
  }
  return cut;
}"""

# Height of each button and the vertical gap between its text's middle and its own middle.
BUTTONS = """selector => [...document.querySelectorAll(selector)].map(el => {
  const box = el.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(el);
  const text = range.getBoundingClientRect();
  return {name: el.textContent.trim(), height: box.height,
          off: Math.abs((text.top + text.bottom) / 2 - (box.top + box.bottom) / 2)};
})"""


def nothing_cut(page: Any, name: str) -> None:
    cut = page.evaluate(CUT)
    assert not cut, f"{name}: cut at the right edge: {cut[:5]}"


def buttons_align(page: Any, selector: str, *, same_height: bool = True) -> None:
    buttons = page.evaluate(BUTTONS, selector)
    assert len(buttons) >= 2, buttons
    for button in buttons:
        assert button["off"] <= 1.5, f"text not centred in its button: {button}"
    if same_height:
        heights = {round(button["height"]) for button in buttons}
        assert len(heights) == 1, f"buttons of one row differ in height: {buttons}"


def shoot(page: Any, name: str) -> None:
    for device, size in DEVICES.items():
        page.set_viewport_size(size)
        page.reload()
        nothing_cut(page, f"{name} on the {device}")
        save_screenshot(page, f"{name}-{device}")
    page.set_viewport_size(PHONE)
    page.reload()


def test_the_coaching_tables_fit_a_phone_and_rt_links_fit_a_thumb(
    new_page: Any, master_data: None
) -> None:
    panitia = make_user("panitia", Role.PANITIA)
    build_city(panitia)
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    log_in(page, "panitia", PASSWORD)
    page.goto("/pembinaan/")
    drops = page.get_by_test_id("drops")
    assert drops.locator("tbody tr").count() >= 1
    # The change is on screen, with its column's name (the header row is hidden on a phone).
    change = drops.locator("tbody tr").first.locator("td").last
    assert change.is_visible() and change.inner_text().startswith("-")
    box = change.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    label = change.evaluate("el => getComputedStyle(el, '::before').content")
    assert "Perubahan" in label
    nothing_cut(page, "coaching on a phone")
    links = page.locator('[data-testid="not-won"] a.tap-link, [data-testid="won-not-back"] a')
    assert links.count() >= 1
    for i in range(links.count()):
        link = links.nth(i).bounding_box()
        assert link is not None and link["height"] >= 44, link
    buttons_align(page, "main .d-print-none > .btn")
    assert_accessible(page)
    shoot(page, "phone-layout-coaching")
    page.set_viewport_size(DEVICES["desktop"])
    page.reload()
    # On a desktop the tables stay tables, with their header row.
    assert page.get_by_test_id("drops").locator("thead").is_visible()
    buttons_align(page, "main .d-print-none > .btn")


def test_the_re_visit_page_s_buttons_line_up(
    new_page: Any, master_data: None, settings: Any, tmp_path: Path
) -> None:
    from coaching.revisits import revisit_create

    settings.MEDIA_ROOT = tmp_path
    panitia = make_user("panitia", Role.PANITIA)
    rts = build_city(panitia)
    source = Competition.objects.get(year=2021, period=1)
    revisit = revisit_create(source=source, by=panitia, rt_ids=[rts["E1"].pk])
    page = new_page(viewport=PHONE)
    log_in(page, "panitia", PASSWORD)
    page.goto(f"/kunjungan-ulang/{revisit.pk}/")
    buttons_align(page, "main .d-print-none > .btn")
    link = page.get_by_test_id("outcomes").get_by_role("link").first.bounding_box()
    assert link is not None and link["height"] >= 44, link
    assert_accessible(page)
    shoot(page, "phone-layout-revisit")


def test_the_documents_rows_show_their_buttons_on_a_phone(new_page: Any, master_data: None) -> None:
    panitia = make_user("panitia", Role.PANITIA)
    build_city(panitia)
    competition = Competition.objects.get(year=2023, period=1)
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    log_in(page, "panitia", PASSWORD)
    page.goto(f"/kompetisi/{competition.pk}/dokumen/")
    rows = page.get_by_test_id("documents-rows").locator("tbody tr")
    assert rows.count() >= 2
    for i in range(rows.count()):
        rapor = rows.nth(i).get_by_role("link", name="Rapor")
        rapor.scroll_into_view_if_needed()
        box = rapor.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert rapor.is_visible()
    piagam = page.get_by_test_id("documents-rows").get_by_role("link", name="Piagam")
    assert piagam.count() >= 1 and piagam.first.is_visible()
    nothing_cut(page, "documents on a phone")
    assert_accessible(page)
    shoot(page, "phone-layout-documents")


def test_the_lock_says_its_reason_once_and_lists_the_competitions(
    new_page: Any, master_data: None
) -> None:
    make_user("panitia", Role.PANITIA)
    instrument = Instrument.objects.get(version=1)
    titles = []
    for year in range(2030, 2036):
        competition = competition_create(year=year, instrument=instrument)
        Competition.objects.filter(pk=competition.pk).update(status=CompetitionStatus.PUBLISHED)
        titles.append(competition.title)
    open_one = competition_create(year=2036, instrument=instrument)  # registration: no lock
    page = new_page(viewport=PHONE)
    log_in(page, "panitia", PASSWORD)
    page.goto(f"/instrumen/{instrument.pk}/")
    locked = page.get_by_test_id("instrument-locked")
    text = locked.inner_text()
    assert text.count("juri menilai dengannya") == 1
    # Each competition once: listed under "Dipakai oleh", the six that lock marked there.
    holders = page.get_by_test_id("instrument-holders")
    assert holders.locator("[data-locking]").count() == 6
    main = page.locator("main").inner_text()
    for title in [*titles, open_one.title]:
        assert main.count(title) == 1, title
        assert title not in text
    assert "mengunci" not in holders.locator("div", has_text=open_one.title).inner_text()
    box = locked.bounding_box()
    assert box is not None and box["height"] < 500, box  # six full sentences: ~900 px on a phone
    assert_accessible(page)
    shoot(page, "phone-layout-instrument-locked")
    page.set_viewport_size(DEVICES["tablet"])
    page.reload()
    buttons_align(page, "main .d-flex.flex-wrap.gap-2.mb-3 .btn", same_height=False)
    # The edit page has no holders' list: its lock box names the six once, not the open one.
    page.set_viewport_size(PHONE)
    page.goto(f"/instrumen/{instrument.pk}/ubah/")
    items = page.get_by_test_id("instrument-locked-by").locator("li")
    assert items.count() == 6
    text = page.locator("main").inner_text()
    for title in titles:
        assert text.count(title) == 1, title
    assert open_one.title not in text
    shoot(page, "phone-layout-instrument-edit-locked")
