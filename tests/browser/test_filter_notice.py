"""Issue 19 in a real browser: a filter value of another region in the participants list's
URL is named on the page with a way back, and the other region's rows never show; screenshots
at tablet, phone and desktop."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from competitions.models import Competition, CompetitionStatus, Kelurahan
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, log_in, save_screenshot
from tests.factories import EntryFactory, RTFactory

SIZES = {"tablet": (800, 1280), "phone": (390, 844), "desktop": (1366, 900)}

pytestmark = pytest.mark.browser


def test_a_forged_kelurahan_is_named_and_shows_no_row_of_it(new_page):
    call_command("seed_demo", "--minimal", verbosity=0)
    competition = Competition.objects.get(status=CompetitionStatus.REGISTRATION)
    beringin = Kelurahan.objects.get(name="Beringin")
    EntryFactory(
        competition=competition,
        rt=RTFactory(kelurahan=beringin, number=41),
        kampung_name="Kampung Seberang Beringin",
    )
    for name, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        log_in(page, "kecamatan.paalmerah", DEMO_PASSWORD)
        page.goto(f"/peserta/?kelurahan={beringin.pk}&category=xyz&halaman=-3")
        notice = page.get_by_test_id("filter-invalid")
        assert notice.is_visible()
        text = notice.inner_text()
        assert f"\u201c{beringin.pk}\u201d tidak dikenali" in text
        assert "\u201cxyz\u201d tidak dikenali" in text
        assert "Kampung Seberang Beringin" not in page.content()
        save_screenshot(page, f"filter-notice-{name}")
        if name == "tablet":
            assert_accessible(page)
            # The way back: the list without the refused kelurahan, still the officer's own.
            notice.get_by_role("link").first.click()
            page.wait_for_load_state()
            assert "kelurahan=" not in page.url
            assert "Kampung Seberang Beringin" not in page.content()
