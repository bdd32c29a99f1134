"""The import preview lists the rows of RTs that took part the year before, when the
competition warns about them (issue 15), at three screen sizes."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bantar.models import Role
from competitions.models import RT, CompetitionStatus, EntryStatus, Kelurahan, RepeatEntry
from competitions.services import competition_create
from tests.browser.conftest import log_in, save_screenshot
from tests.conftest import PASSWORD, make_user
from tests.factories import EntryFactory

SIZES = {"phone": (390, 844), "tablet": (800, 1280), "desktop": (1366, 900)}
LIST = (
    "kode_kelurahan;nomor_rt;nama_kampung;ketua_rt;jumlah_kk\n"
    "15.71.11.1003;3;Kampung Lama;Pak Rahmat;95\n"
    "15.71.11.1003;4;Kampung Baru;Bu Aisyah;130\n"
)


def test_the_preview_warns_about_last_years_rts(new_page, tmp_path):
    make_user("panitia.impor", Role.PANITIA)
    year = timezone.localdate().year
    rt = RT.objects.create(kelurahan=Kelurahan.objects.get(code="15.71.11.1003"), number=3)
    before = competition_create(year=year - 1)
    EntryFactory(competition=before, rt=rt, status=EntryStatus.VERIFIED)
    competition = competition_create(
        year=year, registration_closes=timezone.now() + timedelta(days=30)
    )
    competition.status = CompetitionStatus.REGISTRATION
    competition.repeat_entry = RepeatEntry.WARN
    competition.save()
    path = tmp_path / "daftar.csv"
    path.write_text(LIST, encoding="utf-8")
    for size, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        log_in(page, "panitia.impor", PASSWORD)
        page.goto(f"/kompetisi/{competition.pk}/impor/")
        page.get_by_label("Berkas daftar RT (.xlsx atau .csv)").set_input_files(str(path))
        page.get_by_role("button", name="Periksa berkas").click()
        warnings = page.get_by_test_id("import-warnings").inner_text()
        assert f"Baris 2: RT 03 Eka Jaya sudah ikut lomba tahun {year - 1}" in warnings
        assert "RT 04" not in warnings
        assert "2 RT siap diimpor" in page.get_by_test_id("import-preview").inner_text()
        save_screenshot(page, f"import-repeat-warning-{size}")
        page.get_by_role("button", name="Batal").click()
