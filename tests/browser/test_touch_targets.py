"""Touch targets of 44 px on the pages jurors and clerks use on a tablet: every button and
link-button of the page's content, small ones (.btn-sm) included, is measured in chromium at
800x1280. Bootstrap's .btn-sm is 31 px and the portal's own .btn-sm 36 px: a thumb in the
field misses them (the Rapor and Piagam buttons were 36 px)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from competitions.models import Competition, Entry
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import log_in, save_screenshot

TABLET = {"width": 800, "height": 1280}
SIZES = {"phone": (390, 844), "tablet": (800, 1280), "desktop": (1366, 900)}

# Every visible button of the main content that is shorter than 44 px.
SHORT = """() => [...document.querySelectorAll('main a.btn, main button.btn')]
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .map(el => ({text: el.textContent.trim().slice(0, 30), height: el.getBoundingClientRect().height}))
  .filter(b => b.height < 43.5)"""


def shoot(page: Any, url: str, name: str) -> None:
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url)
        save_screenshot(page, f"{name}-{size}", full_page=False)
    page.set_viewport_size(TABLET)
    page.goto(url)


@pytest.fixture
def season(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)


def pages() -> dict[str, list[str]]:
    published = Competition.objects.get(year=2020, period=1)
    current = Competition.objects.order_by("-year", "-period").first()
    assert current is not None
    winner = Entry.objects.filter(competition=published).order_by("pk").first()
    assert winner is not None
    documents = reverse("documents", args=[published.pk])
    return {
        "juri1": ["/", "/penilaian/", "/panduan/"],
        "kelurahan.ekajaya": ["/", "/peserta/", documents],
        "kecamatan.paalmerah": ["/", "/verifikasi/", documents],
        "panitia": [
            documents,
            reverse("field-devices", args=[current.pk]),
            reverse("entry-photos", args=[published.pk, winner.pk]),
        ],
    }


def test_every_button_on_the_tablet_pages_is_44_px_tall(new_page: Any, season: None) -> None:
    short: dict[str, list[str]] = {}
    urls_of = pages()
    # The pages whose buttons changed (the documents page has its own test below).
    shots = {
        ("juri1", "/panduan/"): "guide",
        ("kelurahan.ekajaya", "/"): "kelurahan-home",
        ("panitia", urls_of["panitia"][2]): "entry-photos",
    }
    measured = 0
    for username, urls in urls_of.items():
        page = new_page(viewport=TABLET, has_touch=True)
        log_in(page, username, DEMO_PASSWORD)
        for url in urls:
            response = page.goto(url)
            assert response is not None and response.ok, f"{username} {url}"
            measured += page.locator("main a.btn, main button.btn").count()
            found = page.evaluate(SHORT)
            if (username, url) in shots:
                shoot(page, url, f"touch-targets-{shots[username, url]}")
            if found:
                short[f"{username} {url}"] = sorted(
                    {f"{b['text']} {b['height']:.0f}" for b in found}
                )
        page.close()
    assert measured > 40  # the pages have their buttons: a page that lost them fails here too
    assert not short, "\n".join(f"{where}: {', '.join(names)}" for where, names in short.items())


def test_the_rapor_and_piagam_buttons_are_44_px_at_every_size(new_page: Any, season: None) -> None:
    published = Competition.objects.get(year=2020, period=1)
    page = new_page(viewport=TABLET, has_touch=True)
    log_in(page, "panitia", DEMO_PASSWORD)
    page.goto(reverse("documents", args=[published.pk]))
    rows = page.get_by_test_id("documents-rows")
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        for label in ("Rapor", "Piagam"):
            button = rows.get_by_role("link", name=label).first
            button.scroll_into_view_if_needed()
            box = button.bounding_box()
            assert box is not None and box["height"] >= 43.5, (name, label, box)
        save_screenshot(page, f"touch-targets-documents-{name}", full_page=False)
