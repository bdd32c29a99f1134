"""The rekap per kecamatan and per kelurahan agree on a kelurahan's RTs (KELURAHAN_RTS) when
it has no `rt_count`, as a clerk reads the two pages on a phone, a tablet and a desktop."""

from __future__ import annotations

from bantar.models import Role
from competitions.models import RT, Kelurahan
from competitions.services import competition_create
from scoring.result_services import competition_finalise, competition_publish
from tests.browser.conftest import assert_accessible, log_in, save_screenshot
from tests.conftest import PASSWORD, make_user
from tests.scoring.seasons import build_season

SIZES = {"tablet": (800, 1280), "phone": (390, 844), "desktop": (1366, 900)}


def test_both_rekaps_show_the_rts_of_a_kelurahan_without_rt_count(new_page):
    panitia = make_user("panitia.rekap", Role.PANITIA)
    competition = competition_create(year=2025)
    build_season(competition)
    competition_finalise(competition=competition, by=panitia)
    competition_publish(competition=competition, by=panitia)
    sipin = Kelurahan.objects.select_related("kecamatan").get(name="Simpang IV Sipin")
    assert sipin.rt_count is None
    known = RT.objects.filter(kelurahan__kecamatan=sipin.kecamatan).count()
    assert known >= 2
    for size, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        log_in(page, "panitia.rekap", PASSWORD)
        page.goto(f"/kompetisi/{competition.pk}/laporan/rekap/")
        row = page.locator("tbody tr", has_text=sipin.kecamatan.name)
        assert row.locator("td").nth(3).inner_text() == str(known)
        assert_accessible(page)
        save_screenshot(page, f"rekap-rts-kecamatan-{size}")
        page.goto(f"/kompetisi/{competition.pk}/laporan/kelurahan/")
        row = page.locator("tbody tr", has_text=sipin.name)
        assert row.locator("td").nth(3).inner_text() == str(
            RT.objects.filter(kelurahan=sipin).count()
        )
        save_screenshot(page, f"rekap-rts-kelurahan-{size}")
