"""The panitia imports a list of RTs in a browser: check, cancel, check again, save.

Also the scoring admin to read, at three screen sizes, as the admin opens it.
"""

from __future__ import annotations

from django.core.management import call_command

from competitions.models import Entry, EntryStatus, ImportPreview
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import log_in, save_screenshot
from tests.scoring.seasons import PLANS, build_season

SIZES = {"tablet": (800, 1280), "phone": (390, 844), "desktop": (1366, 900)}
GOOD = (
    "kode_kelurahan;nomor_rt;nama_kampung;ketua_rt;jumlah_kk;telepon\n"
    "15.71.11.1003;21;Kampung Kenanga;Pak Rahmat;95;0812-7777-1111\n"
    "15.71.04.1001;22;Kampung Tepian;Bu Aisyah;130;\n"
)
BAD = GOOD + '15.71.11.1003;23;=HYPERLINK("x");Pak Z;20;\n'


def upload(page, tmp_path, name: str, text: str, *, verified_reason: str = "") -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    page.get_by_label("Berkas daftar RT (.xlsx atau .csv)").set_input_files(str(path))
    if verified_reason:
        page.get_by_label("Status peserta hasil impor").select_option("verified")
        page.get_by_label("Alasan langsung terverifikasi").fill(verified_reason)
    page.get_by_role("button", name="Periksa berkas").click()


def test_the_panitia_checks_cancels_and_saves_an_import(new_page, tmp_path):
    call_command("seed_demo", "--minimal", verbosity=0)
    from competitions.models import Competition

    competition = Competition.objects.get(status="registration")
    address = f"/kompetisi/{competition.pk}/impor/"
    for size, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        log_in(page, "panitia", DEMO_PASSWORD)
        page.goto(address)
        assert "5.000 baris data" in page.inner_text("main")
        save_screenshot(page, f"import-{size}-form")

        upload(page, tmp_path, "salah.csv", BAD)
        errors = page.get_by_test_id("import-errors")
        assert "Baris 4" in errors.inner_text() and "rumus Excel" in errors.inner_text()
        save_screenshot(page, f"import-{size}-errors")

        upload(page, tmp_path, "daftar.csv", GOOD)
        assert "2 RT siap diimpor" in page.get_by_test_id("import-preview").inner_text()
        assert ImportPreview.objects.count() == 1
        save_screenshot(page, f"import-{size}-preview")
        page.get_by_role("button", name="Batal").click()
        assert "Impor dibatalkan" in page.inner_text("main")
        assert not ImportPreview.objects.exists() and not Entry.objects.exists()
        page.context.close()

    page = new_page(viewport={"width": 800, "height": 1280})
    log_in(page, "panitia", DEMO_PASSWORD)
    page.goto(address)
    upload(
        page, tmp_path, "daftar.csv", GOOD, verified_reason="BA verifikasi Kec. Paal Merah 3/2026"
    )
    page.get_by_role("button", name="Simpan semua").click()
    page.wait_for_url("**/peserta/**")
    assert "2 RT diimpor sebagai peserta." in page.inner_text("main")
    assert set(Entry.objects.values_list("status", flat=True)) == {EntryStatus.VERIFIED}
    assert not ImportPreview.objects.exists()


def test_the_admin_reads_a_score_sheet_without_a_save_button(new_page):
    call_command("seed_demo", "--minimal", verbosity=0)
    from competitions.models import Competition
    from scoring.models import ScoreSheet

    build_season(Competition.objects.get(status="registration"), plans=PLANS[:2])
    sheet = ScoreSheet.objects.first()
    for size, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        log_in(page, "admin", DEMO_PASSWORD)
        page.goto(f"/admin/scoring/scoresheet/{sheet.pk}/change/")
        assert page.get_by_role("button", name="Simpan").count() == 0
        assert "Lihat" in page.inner_text("#content") or "View" in page.inner_text("#content")
        save_screenshot(page, f"admin-scoresheet-{size}")
        page.context.close()
