"""Issue 19: the entry form's RT select (now rendered in one pass) still fills the kampung's
name when an RT is chosen, and the panitia's home with its kept figures, at the three sizes
(screenshots kept for the issue)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from competitions.models import Competition, CompetitionStatus, Kelurahan
from competitions.services import competition_create
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, log_in, save_screenshot
from tests.factories import RTFactory
from tests.scoring.seasons import build_season
from tests.scoring.test_reports import many_plans

SIZES = {"phone": (390, 844), "tablet": (800, 1280), "desktop": (1366, 900)}


@pytest.mark.parametrize("size", SIZES)
def test_choosing_a_known_rt_fills_its_kampung(new_page, size):
    call_command("seed_demo", "--minimal", verbosity=0)
    width, height = SIZES[size]
    page = new_page(viewport={"width": width, "height": height})
    log_in(page, "kelurahan.ekajaya", DEMO_PASSWORD)
    # A competition open for registration (the minimal demo's season is past it).
    competition = competition_create(
        year=2090, registration_closes=timezone.now() + timedelta(days=30)
    )
    competition.status = CompetitionStatus.REGISTRATION
    competition.save()
    rt = RTFactory(kelurahan=Kelurahan.objects.get(name="Eka Jaya"), number=77)
    page.goto(f"/kompetisi/{competition.pk}/peserta/baru/")
    page.get_by_label("RT yang sudah terdata").select_option(str(rt.pk))
    assert page.get_by_label("Nama kampung").input_value() == rt.name_kampung
    # No page scrolls sideways at any size.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    save_screenshot(page, f"entry-form-rt-select-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_the_panitia_home_at_each_size(new_page, size):
    call_command("seed_demo", "--minimal", verbosity=0)
    # A plenary with 24 sheets missing: the card lists the first ten and says how many more.
    Competition.objects.filter(status=CompetitionStatus.PLENARY).update(
        status=CompetitionStatus.PUBLISHED
    )
    build_season(competition_create(year=2091), plans=many_plans(12), submit=False)
    width, height = SIZES[size]
    page = new_page(viewport={"width": width, "height": height})
    log_in(page, "panitia", DEMO_PASSWORD)
    blockers = page.get_by_test_id("blockers").first
    assert blockers.get_attribute("data-count") == "24"
    assert blockers.locator("li").count() == 11
    assert "dan 14 lagi" in blockers.inner_text()
    cards = page.locator("section.competition-work")
    assert cards.count() == Competition.objects.exclude(status=CompetitionStatus.PUBLISHED).count()
    for figure in page.locator(".home-count").all():
        assert figure.get_attribute("data-count").isdigit()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    save_screenshot(page, f"panitia-home-{size}")
