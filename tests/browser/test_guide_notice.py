"""The public guide asked for a draft competition (?kompetisi=<pk>): the default guide, with a
short notice a reader sees at once on a phone, a tablet and a desktop."""

from __future__ import annotations

from typing import Any

from competitions.models import Competition, CompetitionStatus
from competitions.services import competition_create
from indicators.models import Instrument
from tests.browser.conftest import assert_accessible, save_screenshot
from tests.factories import four_pillar_instrument

SIZES = {"phone": (390, 844), "tablet": (800, 1280), "desktop": (1366, 900)}


def test_a_draft_s_guide_is_the_default_with_a_notice(new_page: Any) -> None:
    # The default: the latest announced competition's instrument (nothing is published).
    perwali = Instrument.objects.get(legal_basis="Perwali Jambi No. 11 Tahun 2019", version=1)
    announced = competition_create(year=2030, instrument=perwali)
    Competition.objects.filter(pk=announced.pk).update(status=CompetitionStatus.REGISTRATION)
    draft = competition_create(year=2031, instrument=four_pillar_instrument())
    page = new_page()
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/panduan/?kompetisi={draft.pk}")
        notice = page.get_by_test_id("guide-notice")
        assert notice.is_visible()
        assert "belum diumumkan" in notice.inner_text()
        box = notice.bounding_box()
        # Under the title, inside the first screen, never wider than it.
        assert box is not None and box["y"] + box["height"] < height / 2, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.locator('article.indicator[data-code="LH1"]').count() == 0
        assert page.locator('article.indicator[data-code="B1"]').count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        save_screenshot(page, f"guide-draft-notice-{name}", full_page=False)
    assert_accessible(page)
