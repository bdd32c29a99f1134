"""The instruments list marks the competitions that lock each instrument ("mengunci"), as the
instrument page does, and reads on a phone, a tablet and a desktop (screenshots; axe)."""

from __future__ import annotations

from typing import Any

from bantar.models import Role
from competitions.models import Competition, CompetitionStatus
from competitions.services import competition_create
from indicators.models import Instrument
from tests.browser.conftest import assert_accessible, log_in, save_screenshot
from tests.browser.test_revisit_list_phone import DEVICES, PHONE, fits
from tests.conftest import PASSWORD, make_user


def test_the_list_marks_the_locking_competitions(new_page: Any, master_data: None) -> None:
    make_user("panitia", Role.PANITIA)
    instrument = Instrument.objects.get(version=1)
    published = competition_create(year=2030, instrument=instrument)
    Competition.objects.filter(pk=published.pk).update(status=CompetitionStatus.PUBLISHED)
    registering = competition_create(year=2031, instrument=instrument)
    page = new_page(viewport=PHONE)
    log_in(page, "panitia", PASSWORD)
    page.goto("/instrumen/")
    holders = page.locator(
        f'[data-instrument="{instrument.pk}"] [data-testid="instrument-holders"]'
    )
    marked = holders.locator("[data-locking]")
    assert published.title in marked.all_inner_texts()[0]
    assert all(registering.title not in text for text in marked.all_inner_texts())
    assert marked.first.locator(".badge", has_text="mengunci").is_visible()
    for device, size in DEVICES.items():
        page.set_viewport_size(size)
        page.reload()
        fits(page, f"instruments list on the {device}")
        assert_accessible(page)
        save_screenshot(page, f"instrument-list-{device}")
