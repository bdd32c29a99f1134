"""The public winners page as an anonymous visitor on a phone: paging and filtering (issue 19)."""

from __future__ import annotations

from bantar.models import Role
from competitions.models import Kelurahan
from competitions.services import competition_create
from tests.browser.conftest import assert_accessible, save_screenshot
from tests.conftest import make_user
from tests.scoring.test_public_winners import expected, publish

SIZES = {"phone": (390, 844), "tablet": (800, 1280), "desktop": (1366, 900)}


def test_a_visitor_pages_and_filters_the_winners_on_a_phone(new_page):
    make_user("panitia.hasil", Role.PANITIA)
    competition = competition_create(year=2025)
    publish(competition, 60, losers=3)
    beringin = Kelurahan.objects.get(name="Beringin")

    page = new_page(viewport={"width": 390, "height": 844})
    page.goto(f"/hasil/{competition.pk}/")
    rows = page.locator("[data-result]")
    assert rows.count() == 50
    assert page.get_by_test_id("winner-match-count").inner_text() == "60 pemenang sesuai saringan"
    # No sideways scrolling on a phone: the kampung and region sit under the RT.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)

    page.get_by_role("link", name="Berikutnya").first.click()
    page.wait_for_url("**halaman=2**")
    assert rows.count() == 10
    assert page.get_by_test_id("row-total").first.inner_text() == "51–60 dari 60"
    assert [int(r.get_attribute("data-result")) for r in rows.all()] == expected(competition)[50:]

    page.get_by_label("Kategori", exact=True).select_option("kecil")
    page.get_by_label("Kelurahan", exact=True).select_option(str(beringin.pk))
    page.get_by_role("button", name="Saring").click()
    page.wait_for_url("**category=kecil**")
    wanted = expected(competition, category_code="kecil", entry__rt__kelurahan=beringin)
    assert [int(r.get_attribute("data-result")) for r in rows.all()] == wanted
    assert "halaman" not in page.url  # a new filter starts on page 1
    assert page.get_by_test_id("winner-match-count").inner_text() == (
        f"{len(wanted)} pemenang sesuai saringan"
    )
    assert_accessible(page)
    save_screenshot(page, "public-winners-filtered-phone")

    page.get_by_label("Cari").fill("melati")
    page.get_by_label("Kategori", exact=True).select_option("")
    page.get_by_label("Kelurahan", exact=True).select_option("")
    page.get_by_role("button", name="Saring").click()
    page.wait_for_url("**q=melati**")
    assert rows.count() == 1 and "Kampung Melati" in rows.first.inner_text()

    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/hasil/{competition.pk}/?halaman=2")
        assert rows.count() == 10
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
        save_screenshot(page, f"public-winners-{size}")
