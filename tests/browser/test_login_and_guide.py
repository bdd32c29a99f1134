"""A juror logs in on a tablet-sized screen and reads the indicator guide."""

from __future__ import annotations

from django.core.management import call_command

from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import log_in


def test_a_juror_logs_in_and_opens_the_indicator_guide(page, screenshot):
    call_command("seed_demo", "--minimal", verbosity=0)
    page.set_viewport_size({"width": 800, "height": 1280})
    log_in(page, "juri1", DEMO_PASSWORD)
    assert "Juri Satu" in page.get_by_test_id("whoami").text_content()

    page.get_by_role("link", name="Buka panduan indikator").click()
    page.wait_for_url("**/panduan/")
    assert page.locator("article.indicator").count() == 21
    assert page.locator("#pilar-A article.indicator").count() == 7
    a2 = page.locator('article.indicator[data-code="A2"]')
    assert "Lingkungan yang bebas dari kriminalitas." in a2.inner_text()
    assert a2.locator("dd").count() == 5
    # Bootstrap is served by the portal itself: the page is styled without any CDN.
    navbar_colour = page.locator("nav.navbar").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert navbar_colour == "rgb(20, 108, 67)"
    assert page.evaluate("document.documentElement.scrollWidth") <= 800
    screenshot("guide-juri-tablet")


def test_a_wrong_password_shows_an_indonesian_message(page):
    call_command("seed_demo", "--minimal", verbosity=0)
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill("panitia")
    page.get_by_label("Kata sandi").fill("bukan-sandinya")
    page.get_by_role("button", name="Masuk").click()
    assert "Masukkan nama pengguna dan kata sandi yang benar" in page.content()
