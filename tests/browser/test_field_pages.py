"""The juror's list in pages (issue 19): prepared whole for the day, each page reached offline.

Tablet 800x1280 with touch, Debian's chromium, the real service worker. A team with more
RTs than one page of the list (BANTAR_JUROR_PAGE_SIZE = 3 here, 7 RTs: pages of 3, 3 and
1): the morning's preparation keeps every page by path, "Siap offline" counts the team's
7 RTs, not a page's 3; with the network off the juror goes to page 2 of the list and opens
an RT listed there; after the sync, page 2's copy shows the RT's new progress. A filter asked offline says the tablet has the unfiltered pages only.
"""

from __future__ import annotations

import re
import time

import pytest

from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import save_screenshot
from tests.browser.fieldkit import (
    PHONE,
    TABLET,
    all_items,
    cached_paths,
    field_season,
    js,
    prepare_day,
    sign_in,
    tap_level,
    wait_until,
    waiting_items,
)

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
VIEWPORTS = {"tablet": TABLET, "phone": PHONE, "desktop": DESKTOP}
# The progress shown for an RT in the tablet's copy of the list's page 2.
CACHED_PAGE_TWO = """async () => {
  const hit = await caches.match('/penilaian/halaman/2/');
  if (!hit) { return ''; }
  const html = await hit.text();
  const start = html.indexOf('data-entry="ENTRY"');
  return start < 0 ? '' : html.slice(start, html.indexOf('data-progress', start) + 60);
}"""


@pytest.fixture(autouse=True)
def pages_of_three(settings):
    settings.BANTAR_JUROR_PAGE_SIZE = 3


def shown(page) -> list[str]:
    return page.locator(".rt-item[data-entry]").evaluate_all(
        "items => items.map(item => item.dataset.entry)"
    )


def test_offline_the_juror_opens_an_rt_of_page_two_from_the_lists_page_two(new_page):
    entries = field_season(rts=7)
    page = new_page(**TABLET)
    sign_in(page, "juri1", DEMO_PASSWORD)
    state = prepare_day(page)
    assert state["complete"] and len(state["order"]) == 7
    assert shown(page) == [str(entry.pk) for entry in entries[:3]]
    # The whole team, from the kit: not the 3 RTs of this page.
    assert "Siap offline: 7 dari 7 RT" in page.locator("#kit-summary").inner_text()
    paths = cached_paths(page)
    assert {"/penilaian/", "/penilaian/halaman/2/", "/penilaian/halaman/3/"} <= set(paths)
    save_screenshot(page, "field-list-prepared-tablet")

    # --- no network from here on ---------------------------------------------------------
    page.context.set_offline(True)
    page.goto("/penilaian/")
    page.locator('[data-testid="pager"] [data-testid="page-next"]').tap()
    page.wait_for_url("**/penilaian/halaman/2/")
    assert shown(page) == [str(entry.pk) for entry in entries[3:6]]
    assert page.locator('[data-testid="row-total"]').inner_text() == "RT 4–6 dari 7"
    page.wait_for_function(
        js("document.querySelectorAll('.rt-item[data-ready=\"ready\"]').length === 3")
    )
    assert "Siap offline: 7 dari 7 RT" in page.locator("#kit-summary").inner_text()
    for name, options in VIEWPORTS.items():
        page.set_viewport_size(options["viewport"])
        save_screenshot(page, f"field-list-page2-offline-{name}")
    page.set_viewport_size(TABLET["viewport"])

    target = entries[4]
    page.locator(f'.rt-item[data-entry="{target.pk}"] .rt-open').tap()
    page.wait_for_url(f"**/penilaian/{target.pk}/")
    assert page.locator("#scoring").get_attribute("data-entry") == str(target.pk)
    assert page.locator('[data-testid="field-offline"]').count() == 0
    tap_level(page, "B1", 4)

    # A signal: the level goes out, and the copy of page 2 (where the RT is listed) is
    # fetched again with it, not only page 1's.
    page.context.set_offline(False)
    wait_until(lambda: waiting_items(page) == 0, message=f"still waiting: {all_items(page)}")
    wait_until(
        lambda: "1/21" in page.evaluate(CACHED_PAGE_TWO.replace("ENTRY", str(target.pk))),
        message="page 2's copy was not fetched again after the sync",
    )
    page.context.set_offline(True)
    page.goto("/penilaian/halaman/2/")
    progress = page.locator(f'.rt-item[data-entry="{target.pk}"] [data-progress]')
    assert progress.inner_text() == "1/21 dinilai"

    # The last page too, by its link; and a filter asked with no signal.
    page.goto("/penilaian/halaman/3/")
    assert shown(page) == [str(entries[6].pk)]
    page.goto("/penilaian/?status=belum")
    assert page.locator('[data-testid="filter-offline"]').is_visible()
    save_screenshot(page, "field-list-filter-offline-tablet", full_page=False)
    assert shown(page) == [str(entry.pk) for entry in entries[:3]]

    # Back online the filter works again, and the filtered answer did not replace page 1's copy.
    page.context.set_offline(False)
    page.goto("/penilaian/?cari=17")
    assert shown(page) == [str(entries[6].pk)]  # RT 17: the seventh RT
    assert page.locator('[data-testid="filter-offline"]').is_hidden()

    # A slow link (the server answers after the 4 s the worker gives a page it has a copy
    # of): a search still shows its own answer, not the unfiltered copy.
    def slow(route) -> None:
        time.sleep(6)
        route.continue_()

    page.context.route(re.compile(r"/penilaian/\?cari="), slow)
    page.goto("/penilaian/?cari=16", timeout=60_000)
    assert shown(page) == [str(entries[5].pk)]  # RT 16: the sixth RT
    assert page.locator('[data-testid="filter-offline"]').is_hidden()
    page.context.unroute(re.compile(r"/penilaian/\?cari="))
    page.context.set_offline(True)
    page.goto("/penilaian/")
    assert shown(page) == [str(entry.pk) for entry in entries[:3]]


@pytest.mark.parametrize("name", list(VIEWPORTS))
def test_the_lists_pages_and_a_filter_with_no_match_at_every_size(new_page, name):
    entries = field_season(rts=7)
    # The pages as the server sends them; no service worker, so no kit prepared behind the
    # test (its fetches outlived the test under load and held SQLite's tables).
    page = new_page(**VIEWPORTS[name], service_workers="block")
    sign_in(page, "juri1", DEMO_PASSWORD)
    page.goto("/penilaian/")
    assert page.locator('[data-testid="row-total"]').inner_text() == "RT 1–3 dari 7"
    save_screenshot(page, f"field-list-page1-{name}")
    page.goto("/penilaian/halaman/2/")
    assert shown(page) == [str(entry.pk) for entry in entries[3:6]]
    save_screenshot(page, f"field-list-page2-{name}")
    page.locator('[data-testid="filter-search"]').fill("Tidak Ada")
    page.locator('[data-testid="juror-filter"] button[type=submit]').click()
    page.wait_for_url(re.compile(r"/penilaian/\?cari=Tidak\+Ada"))
    assert page.locator('[data-testid="filter-empty"]').is_visible()
    assert shown(page) == []
    save_screenshot(page, f"field-list-no-match-{name}")
