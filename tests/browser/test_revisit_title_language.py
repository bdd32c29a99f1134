"""A re-visit round made in Indonesian reads in English to a panitia who reads the portal in
English (its list and its page), on a phone, a tablet and a desktop: the title was stored in
the creator's words and shown so to everyone."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from bantar.models import Role
from coaching.revisits import revisit_create
from competitions.models import Competition
from tests.browser.conftest import assert_accessible, log_in, save_screenshot
from tests.coaching.city import build_city
from tests.conftest import PASSWORD, make_user

SIZES = {"phone": (390, 844), "tablet": (800, 1280), "desktop": (1366, 900)}


def test_a_round_made_in_indonesian_reads_in_english(new_page: Any, master_data: None) -> None:
    panitia = make_user("panitia", Role.PANITIA)
    city = build_city(panitia)
    source = Competition.objects.get(year=2021, period=1)
    with translation.override("id"):
        revisit = revisit_create(source=source, by=panitia, rt_ids=[city["B2"].pk])
    panitia.language = "en"
    panitia.save()
    title = f"Revisit of the winners of {source.title}"
    page = new_page()
    log_in(page, "panitia", PASSWORD)
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/kunjungan-ulang/")
        assert page.locator(f'[data-round="{revisit.pk}"] a').inner_text() == title
        save_screenshot(page, f"revisit-title-list-{name}", full_page=False)
        page.goto(f"/kunjungan-ulang/{revisit.pk}/")
        assert page.get_by_test_id("revisit-title").inner_text() == title
        assert page.title().startswith(title)
        save_screenshot(page, f"revisit-title-detail-{name}", full_page=False)
    assert_accessible(page)
