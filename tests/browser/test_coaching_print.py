"""The coaching view's print page in chromium (issue 19): the panitia prints the city (a long
list cut at BANTAR_PRINT_ROWS, the paper says so and names the xlsx), then narrows it to one
kelurahan of 243 RTs (the largest at 10x) and gets every RT of it on A4 paper, read back
from Chromium's PDF. Screenshots at phone, tablet and desktop, and in print media."""

from __future__ import annotations

import re
import subprocess

from tests.browser.conftest import SCREENSHOTS, log_in, save_screenshot
from tests.coaching.city import build_city
from tests.conftest import PASSWORD

DEVICES = {
    "phone": {"width": 390, "height": 844},
    "tablet": {"width": 800, "height": 1280},
    "desktop": {"width": 1366, "height": 900},
}


def pdf_text(page, name: str) -> str:
    """The page printed by Chromium on A4 (the print stylesheet), as poppler reads it."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.pdf"
    page.emulate_media(media="print")  # (after a screen emulation the PDF would be screen)
    page.pdf(path=str(path), format="A4", prefer_css_page_size=True)
    page.emulate_media(media="screen")
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_panitia_prints_the_city_then_one_whole_kelurahan(new_page, master_data, settings):
    from bantar.models import Role
    from competitions.models import RT, Kelurahan
    from tests.conftest import make_user

    settings.BANTAR_PRINT_ROWS = 1  # the city's lists: more than one print page each
    panitia = make_user("panitia", Role.PANITIA)
    build_city(panitia)
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    RT.objects.bulk_create(RT(kelurahan=eka_jaya, number=11 + n) for n in range(238))
    never = {f"RT {rt.number:02d}" for rt in RT.objects.filter(kelurahan=eka_jaya)} - {
        "RT 01",
        "RT 04",
        "RT 07",
        "RT 10",
    }
    assert len(never) == 239

    page = new_page(viewport=DEVICES["tablet"])
    log_in(page, "panitia", PASSWORD)
    page.goto("/pembinaan/")
    page.get_by_test_id("coaching-print").click()
    page.wait_for_url("**cetak=1**")
    # The city: two RTs took part and never won, printed one a page, the rest a link away;
    # 240 RTs never took part: counted per kelurahan, their names in the xlsx.
    assert page.get_by_test_id("not-won").locator("tbody tr").count() == 1
    assert page.get_by_test_id("print-cut").is_visible()
    assert page.get_by_test_id("never-summary").is_visible()
    save_screenshot(page, "coaching-print-city-tablet")
    page.set_viewport_size(DEVICES["phone"])  # four columns on a phone: wrapped, not scrolled
    assert page.evaluate("document.documentElement.scrollWidth") <= DEVICES["phone"]["width"]
    save_screenshot(page, "coaching-print-city-phone")
    page.set_viewport_size(DEVICES["tablet"])
    city = re.sub(r"\s+", " ", pdf_text(page, "coaching-print-city"))
    assert "Dicetak baris 1–1 dari 2. Daftar lengkap ada di xlsx." in city
    assert "Per kelurahan; nama setiap RT ada di xlsx." in city
    assert "Tampilkan" not in city and "Berikutnya ›" not in city  # the screen's controls
    page.get_by_test_id("pager-not-won").get_by_role("link", name="Berikutnya ›").click()
    page.wait_for_url("**halaman_ikut=2**")
    assert "Dicetak baris 2–2 dari 2." in page.get_by_test_id("print-part-not-won").inner_text()

    settings.BANTAR_PRINT_ROWS = 250  # the default
    # One kelurahan: every RT on one print page, by name.
    page.get_by_label("Kelurahan").select_option(label="Eka Jaya (Paal Merah)")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url(f"**kelurahan={eka_jaya.pk}**")
    assert page.get_by_role("heading", name="Pembinaan RT · Eka Jaya").is_visible()
    assert page.get_by_test_id("never").locator("tbody tr").count() == 239
    assert page.get_by_test_id("print-cut").count() == 0
    for device, size in DEVICES.items():
        page.set_viewport_size(size)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"the print page scrolls sideways on the {device}: {width}"
        save_screenshot(page, f"coaching-print-kelurahan-{device}", full_page=device != "phone")
    page.set_viewport_size(DEVICES["tablet"])
    page.emulate_media(media="print")
    save_screenshot(page, "coaching-print-kelurahan-print", full_page=False)
    text = pdf_text(page, "coaching-print-kelurahan")
    printed = set(re.findall(r"RT \d{2,3}\b", text))
    assert never <= printed, sorted(never - printed)[:5]
    assert "Pembinaan RT · Eka Jaya" in text
    assert "Tampilkan" not in text
    pages = subprocess.run(
        ["pdfinfo", str(SCREENSHOTS / "coaching-print-kelurahan.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "595.276 x 841.89 pts (A4)" in pages or "(A4)" in pages
