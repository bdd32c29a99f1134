"""The panitia runs the plenary and finalises; the pejabat kota downloads the winners list."""

from __future__ import annotations

from django.core.management import call_command
from openpyxl import load_workbook

from competitions.models import Competition, CompetitionStatus
from scoring.models import ResultSet
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import log_in, save_screenshot
from tests.scoring.seasons import TOTAL_PRIZE, build_season


def test_the_panitia_finalises_and_the_pejabat_downloads_the_winners(new_page, tmp_path):
    call_command("seed_demo", "--minimal", verbosity=0)
    competition = Competition.objects.exclude(year=2020).get()
    season = build_season(competition)

    panitia = new_page(viewport={"width": 1280, "height": 900})
    log_in(panitia, "panitia", DEMO_PASSWORD)
    panitia.goto(f"/kompetisi/{competition.pk}/pleno/")
    assert "hasil sementara" in panitia.content()
    assert panitia.get_by_test_id("total-prize").inner_text() == "Rp 42.000.000"
    save_screenshot(panitia, "plenary-before-final")

    panitia.locator(f'tr[data-entry="{season["D"].pk}"]').get_by_role(
        "link", name="Rincian"
    ).click()
    assert panitia.get_by_test_id("final").inner_text() == "75,00"
    assert "di bawah minimum 50" in panitia.get_by_test_id("pillar-scores").inner_text()
    save_screenshot(panitia, "plenary-explain-rt")
    panitia.get_by_role("link", name="Kembali ke pleno").click()

    panitia.get_by_role("button", name="Finalisasi hasil").click()
    assert "Hasil difinalisasi dan dibekukan" in panitia.content()
    assert panitia.get_by_test_id("competition-status").inner_text() == "Final"
    save_screenshot(panitia, "plenary-final")
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.FINAL
    assert ResultSet.objects.current().get().total_prize == TOTAL_PRIZE

    pejabat = new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    log_in(pejabat, "pejabat", DEMO_PASSWORD)
    pejabat.goto(f"/kompetisi/{competition.pk}/laporan/pemenang/")
    save_screenshot(pejabat, "report-winners")
    with pejabat.expect_download() as download_info:
        pejabat.get_by_role("link", name="Unduh Excel").click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    assert (
        target.name.startswith(f"daftar-pemenang-{competition.year}-{competition.period}-")
        and target.suffix == ".xlsx"
    )
    summary = load_workbook(target)["Ringkasan"]
    totals = [row for row in summary.iter_rows(values_only=True) if row[0] == "Jumlah"]
    assert totals == [("Jumlah", 5, None, TOTAL_PRIZE)]
