"""The new re-visit round page at city scale (issue 19), in Chromium: the winners are searched
a page at a time; Enter in the search box searches (never makes a round), a tick survives the
search, and the ticked RTs make the round. Screenshots at tablet, phone and desktop."""

from __future__ import annotations

import pytest

from bantar.models import Role
from coaching.models import RevisitRound
from competitions.models import RT, Competition
from tests.browser.conftest import log_in, save_screenshot
from tests.browser.test_revisit import DEVICES
from tests.coaching.city import build_city
from tests.conftest import PASSWORD, make_user


@pytest.fixture
def source(master_data, settings, tmp_path) -> Competition:
    settings.MEDIA_ROOT = tmp_path
    build_city(make_user("panitia", Role.PANITIA))
    return Competition.objects.get(year=2021, period=1)


def test_the_panitia_searches_ticks_and_creates_a_round_by_hand(new_page, source):
    rt01 = RT.objects.get(kelurahan__name="Eka Jaya", number=1)
    rt04 = RT.objects.get(kelurahan__name="Eka Jaya", number=4)
    page = new_page(viewport=DEVICES["desktop"])
    log_in(page, "panitia", PASSWORD)
    page.goto(f"/kunjungan-ulang/baru/{source.pk}/")
    page.locator(f"#rts-{rt01.pk}").check()
    page.get_by_label("Cari pemenang").fill("RT 4")
    page.get_by_label("Cari pemenang").press("Enter")  # searches: the first button is "Cari"
    page.wait_for_load_state()
    assert not RevisitRound.objects.exists()
    assert "Dicentang: 1 RT" in page.get_by_test_id("chosen-count").inner_text()
    assert page.locator(f"#rts-chosen-{rt01.pk}").is_checked()
    winners = page.get_by_test_id("winners")
    assert "RT 04 Eka Jaya" in winners.inner_text() and "Beringin" not in winners.inner_text()
    page.locator(f"#rts-{rt04.pk}").check()
    for device, size in DEVICES.items():
        page.set_viewport_size(size)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= size["width"], f"revisit-new scrolls sideways on the {device}: {width}px"
        save_screenshot(page, f"revisit-new-search-{device}")
    page.get_by_label("Dipilih panitia").check()
    page.get_by_test_id("create").click()
    page.wait_for_url("**/kunjungan-ulang/*/")
    assert RevisitRound.objects.get().chosen == [rt01.pk, rt04.pk]
