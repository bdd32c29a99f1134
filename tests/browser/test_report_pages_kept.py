"""The rekap per kecamatan (from its kept rows), a page of the Daftar peserta (by ids), of the
winners list (kept) and of the documents page (by kelurahan), as a clerk reads them on a
phone, a tablet and a desktop (issue 19)."""

from __future__ import annotations

from bantar.models import Role
from competitions.models import Kecamatan
from competitions.services import competition_create
from scoring.result_services import competition_finalise, competition_publish
from tests.browser.conftest import log_in, save_screenshot
from tests.conftest import PASSWORD, make_user
from tests.scoring.seasons import build_season
from tests.scoring.test_reports import many_plans

SIZES = {"phone": (390, 844), "tablet": (800, 1280), "desktop": (1366, 900)}


def test_the_rekap_and_a_participants_page_read_at_three_sizes(new_page, settings):
    settings.BANTAR_PAGE_SIZE = 10
    make_user("panitia.kept", Role.PANITIA)
    competition = competition_create(year=2025)
    build_season(competition, plans=many_plans(24))
    panitia = make_user("panitia.terbit", Role.PANITIA)
    competition_finalise(competition=competition, by=panitia)
    competition_publish(competition=competition, by=panitia)
    for size, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        log_in(page, "panitia.kept", PASSWORD)
        for _twice in range(2):  # the second from the rows the page keeps
            page.goto(f"/kompetisi/{competition.pk}/laporan/rekap/")
            rows = page.locator("tbody tr")
            assert rows.count() == Kecamatan.objects.count()
            assert "Jumlah" in page.locator("tfoot tr").inner_text()
        save_screenshot(page, f"rekap-kept-{size}")
        page.goto(f"/kompetisi/{competition.pk}/laporan/peserta/?halaman=2")
        assert "24 RT" in page.get_by_test_id("row-count").inner_text()
        first = page.locator("tbody tr").first.locator("td").first
        assert first.inner_text() == "11"  # numbered on from page 1
        assert page.locator("tbody tr").count() == 10
        save_screenshot(page, f"peserta-page-{size}")
        for _twice in range(2):  # the winners list's second page, then from the kept page
            page.goto(f"/kompetisi/{competition.pk}/laporan/pemenang/?halaman=2")
            assert page.locator("section.report-sheet").count() >= 2  # the summary and a list
            assert "Ringkasan" in page.locator("section.report-sheet").first.inner_text()
        save_screenshot(page, f"pemenang-page-{size}")
        page.goto(f"/kompetisi/{competition.pk}/dokumen/?halaman=2")
        assert page.locator('[data-testid="documents-rows"] tbody tr').count() == 10
        save_screenshot(page, f"documents-page-{size}")
