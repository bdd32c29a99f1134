"""Issue 19 in a real browser: the panitia filters the plenary to the RTs that need a decision
in one kecamatan and opens one RT's explanation from there; the filters fit a phone.
Screenshots at tablet, phone and desktop."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from competitions.models import RT, Competition, EntryStatus, Kelurahan
from scoring.models import Assignment
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import log_in, save_screenshot
from tests.factories import EntryFactory
from tests.scoring.seasons import build_season

SIZES = {"tablet": (800, 1280), "phone": (390, 844), "desktop": (1366, 900)}


def _season():
    """build_season's seven RTs; a cap of 2 holds back the tie of B and C (Beringin and
    Simpang IV Sipin); H in Beringin is assigned but not scored yet."""
    call_command("seed_demo", "--minimal", verbosity=0)
    competition = Competition.objects.exclude(year=2020).get()
    season = build_season(competition)
    season["H"] = EntryFactory(
        competition=competition,
        rt=RT.objects.create(kelurahan=Kelurahan.objects.get(name="Beringin"), number=18),
        kk_count=60,
        status=EntryStatus.VERIFIED,
    )
    Assignment.objects.create(entry=season["H"], team=season["A"].assignment.team)
    competition.cap_per_category = 2
    competition.pass_mark = Decimal("70.00")
    competition.save()
    return competition, season


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


@pytest.mark.parametrize("size", list(SIZES))
def test_the_panitia_filters_to_what_needs_a_decision_in_one_kecamatan(new_page, size):
    competition, season = _season()
    width, height = SIZES[size]
    page = new_page(viewport={"width": width, "height": height}, has_touch=size != "desktop")
    log_in(page, "panitia", DEMO_PASSWORD)
    page.goto(f"/kompetisi/{competition.pk}/pleno/")
    assert page.get_by_test_id("plenary-count").inner_text() == "8 RT sesuai saringan"
    _no_sideways_scroll(page)

    filters = page.get_by_test_id("plenary-filters")
    needs = filters.get_by_label("Perlu keputusan")
    # Each kind says how many RTs of the whole table have it: B, C held; H unscored.
    assert "Semua yang perlu keputusan (3)" in needs.locator("option").all_inner_texts()
    needs.select_option(value="semua")
    filters.get_by_label("Kecamatan").select_option(label="Pasar Jambi")
    # The kelurahan choice follows the kecamatan: Eka Jaya (Paal Merah) is no option now.
    kelurahan = filters.get_by_label("Kelurahan")
    visible = kelurahan.locator("option:not([hidden])").all_inner_texts()
    assert "Beringin" in visible and "Eka Jaya" not in visible
    filters.get_by_role("button", name="Saring").click()
    page.wait_for_url("**/pleno/?*perlu=semua*")
    assert "kecamatan=" in page.url  # bookmarkable: the filters are in the address

    # B (held back by the cap) and H (nobody scored it yet), both in Beringin, Pasar Jambi.
    # E (Beringin too) is a plain winner and needs nothing.
    assert page.get_by_test_id("plenary-count").inner_text() == "2 RT sesuai saringan"
    shown = page.locator("tr[data-entry]")
    assert sorted(
        int(pk) for pk in shown.evaluate_all("rows => rows.map(r => r.dataset.entry)")
    ) == sorted([season["B"].pk, season["H"].pk])
    held = page.locator(f'tr[data-entry="{season["B"].pk}"]')
    assert "Ditahan" in held.get_by_test_id("concerns").inner_text()
    assert held.get_by_test_id("rank").inner_text() == "2"  # the city's rank, not the filter's
    unscored = page.locator(f'tr[data-entry="{season["H"].pk}"]')
    assert unscored.get_by_test_id("status").inner_text() == "Belum dinilai"
    # The category summary still counts the whole category: A (Paal Merah) is Besar's winner.
    besar = page.get_by_test_id("category-summaries").locator('tr[data-category="besar"]')
    assert besar.get_by_test_id("category-winners").inner_text() == "1"
    _no_sideways_scroll(page)
    save_screenshot(page, f"plenary-filters-{size}")

    held.get_by_role("link", name="Rincian").click()
    page.wait_for_url(f"**/pleno/rt/{season['B'].pk}/?pleno=*")
    assert "RT 02" in page.locator("h1").inner_text()
    save_screenshot(page, f"plenary-filters-explain-{size}")
    # Back to the plenary as the committee left it: the same filters, the same two RTs.
    page.get_by_role("link", name="Kembali ke pleno").click()
    page.wait_for_url("**/pleno/?*perlu=semua*")
    assert page.get_by_test_id("plenary-count").inner_text() == "2 RT sesuai saringan"


@pytest.mark.parametrize("size", list(SIZES))
def test_the_winners_list_filters_by_kecamatan_and_category(new_page, size):
    competition, _season_rts = _season()
    width, height = SIZES[size]
    page = new_page(viewport={"width": width, "height": height}, has_touch=size != "desktop")
    log_in(page, "panitia", DEMO_PASSWORD)
    page.goto(f"/kompetisi/{competition.pk}/laporan/pemenang/")
    filters = page.get_by_test_id("report-filters")
    filters.get_by_label("Kecamatan").select_option(label="Paal Merah")
    filters.get_by_label("Kategori").select_option(label="Besar")
    filters.get_by_role("button", name="Saring").click()
    page.wait_for_url("**/laporan/pemenang/?*kecamatan=*")
    # A of Eka Jaya (Paal Merah) is the one winner of Besar there; B and C are elsewhere.
    assert page.get_by_test_id("row-count").inner_text().startswith("1 RT sesuai saringan")
    assert "Saringan: Kecamatan: Paal Merah; Kategori: Besar" in page.locator("main").inner_text()
    export = page.get_by_role("link", name="Unduh Excel").get_attribute("href")
    assert "kecamatan=" in export and "category=besar" in export  # the export keeps the filters
    _no_sideways_scroll(page)
    save_screenshot(page, f"winners-filters-{size}")
