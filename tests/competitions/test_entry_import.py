"""The panitia imports a list of RTs: preview first, all rows or none, errors per row.

Bounds, the stage, the preview kept on the server: tests/competitions/test_import_bounds.py.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from competitions.imports import ERROR_IMPORT_COLUMNS, ERROR_PREVIEW_GONE
from competitions.models import RT, Entry, EntryStatus
from tests.factories import EntryFactory, RTFactory, xlsx_upload

pytestmark = pytest.mark.django_db
HEADER = ["kode_kelurahan", "nomor_rt", "nama_kampung", "ketua_rt", "jumlah_kk", "telepon"]
GOOD_ROWS = [
    ["15.71.11.1003", 1, "Kampung Melati", "Pak Ahmad", 120, "0812-1111-2222"],
    ["15.71.11.1003", 2, "Kampung Mawar", "Bu Siti", 65, ""],
    ["15.71.04.1001", 5, "Kampung Tepian", "Pak Usman", 41, "0741 22334"],
]


@pytest.fixture
def as_panitia(client, panitia):
    client.force_login(panitia)
    return client


def url(competition) -> str:
    return f"/kompetisi/{competition.pk}/impor/"


def upload(client, competition, file, status="proposed", reason=""):
    return client.post(url(competition), {"import_file": file, "status": status, "reason": reason})


def confirm(client, competition, preview_response, **kwargs):
    """Confirm the preview shown in `preview_response` (its token is in the form)."""
    token = preview_response.context["preview"].token
    return client.post(url(competition), {"confirm": "1", "token": token}, **kwargs)


def test_a_clean_list_is_previewed_then_saved(as_panitia, open_competition, panitia):
    preview = upload(as_panitia, open_competition, xlsx_upload(HEADER, GOOD_ROWS))
    assert "3 RT siap diimpor" in preview.content.decode()
    assert Entry.objects.count() == 0 and RT.objects.count() == 0

    response = confirm(as_panitia, open_competition, preview, follow=True)
    assert "3 RT diimpor sebagai peserta." in response.content.decode()
    entries = {
        (e.rt.kelurahan.name, e.rt.number): e
        for e in Entry.objects.select_related("rt__kelurahan", "category")
    }
    assert set(entries) == {("Eka Jaya", 1), ("Eka Jaya", 2), ("Beringin", 5)}
    assert [entries[("Eka Jaya", 1)].category.code, entries[("Eka Jaya", 2)].category.code] == [
        "besar",
        "sedang",
    ]
    assert entries[("Beringin", 5)].phone == "074122334"
    assert all(
        e.status == EntryStatus.PROPOSED and e.submitted_by == panitia for e in entries.values()
    )
    assert entries[("Eka Jaya", 1)].history.latest().history_change_reason == "Diimpor oleh panitia"


def test_imported_entries_can_arrive_verified_with_the_reason_in_their_history(
    as_panitia, open_competition
):
    reason = "Berita acara verifikasi kecamatan no. 12/2026"
    preview = upload(
        as_panitia, open_competition, xlsx_upload(HEADER, GOOD_ROWS), "verified", reason
    )
    confirm(as_panitia, open_competition, preview)
    assert set(Entry.objects.values_list("status", flat=True)) == {"verified"}
    assert {entry.history.latest().history_change_reason for entry in Entry.objects.all()} == {
        f"Diimpor oleh panitia sebagai terverifikasi: {reason}"
    }


def test_bad_rows_are_listed_by_line_and_nothing_is_saved(as_panitia, open_competition):
    rows = [
        *GOOD_ROWS,
        ["15.71.99.9999", 3, "Kampung Hantu", "Pak X", 80, ""],  # line 5
        ["15.71.11.1003", 4, "Kampung Kecil", "Bu Y", 25, ""],  # line 6
        ["15.71.11.1003", 1, "Kampung Melati lagi", "Pak Z", 90, ""],  # line 7
        ["15.71.11.1003", 6, '=HYPERLINK("x")', "Pak W", 90, ""],  # line 8
        ["15.71.11.1003", 7, "Kampung Baru", "", 90, ""],  # line 9
        ["15.71.11.1003", "tujuh", "Kampung", "Pak V", 90, "123"],  # line 10
    ]
    response = upload(as_panitia, open_competition, xlsx_upload(HEADER, rows))
    page = response.content.decode()
    errors = page[page.index('data-testid="import-errors"') :]
    assert (
        "Baris 5:" in errors and "Kode kelurahan &#x27;15.71.99.9999&#x27; tidak dikenal." in errors
    )
    assert "Baris 6:" in errors and "kurang dari 30 KK" in errors
    assert "Baris 7:" in errors and "sudah ada di baris 2 berkas ini" in errors
    assert "Baris 8:" in errors and "rumus Excel" in errors
    assert "Baris 9:" in errors and "Wajib diisi." in errors
    assert (
        "Baris 10:" in errors
        and "bukan bilangan bulat" in errors
        and "Nomor telepon tidak valid" in errors
    )
    assert "Simpan semua" not in page
    assert Entry.objects.count() == 0 and RT.objects.count() == 0


def test_a_row_for_an_rt_already_entered_is_refused(as_panitia, open_competition, eka_jaya):
    EntryFactory(competition=open_competition, rt=RTFactory(kelurahan=eka_jaya, number=2))
    response = upload(as_panitia, open_competition, xlsx_upload(HEADER, GOOD_ROWS))
    assert "RT 02 Eka Jaya sudah terdaftar" in response.content.decode()
    assert Entry.objects.count() == 1


def test_confirming_saves_nothing_if_the_data_changed_since_the_preview(
    as_panitia, open_competition, eka_jaya
):
    preview = upload(as_panitia, open_competition, xlsx_upload(HEADER, GOOD_ROWS))
    # Meanwhile a kelurahan registers one of the RTs in the file.
    EntryFactory(competition=open_competition, rt=RTFactory(kelurahan=eka_jaya, number=1))
    response = confirm(as_panitia, open_competition, preview)
    assert "RT 01 Eka Jaya sudah terdaftar" in response.content.decode()
    assert Entry.objects.count() == 1
    assert RT.objects.count() == 1


def test_a_file_with_a_missing_column_is_refused(as_panitia, open_competition):
    response = upload(
        as_panitia,
        open_competition,
        xlsx_upload(
            ["kode_kelurahan", "nomor_rt", "nama_kampung", "jumlah_kk"],
            [["15.71.11.1003", 1, "K", 80]],
        ),
    )
    assert ERROR_IMPORT_COLUMNS % {"columns": "ketua_rt"} in response.content.decode()
    assert Entry.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused(as_panitia, open_competition):
    response = upload(
        as_panitia, open_competition, SimpleUploadedFile("daftar.xlsx", b"bukan excel sama sekali")
    )
    assert "tidak dapat dibaca sebagai XLSX" in response.content.decode()
    response = upload(as_panitia, open_competition, SimpleUploadedFile("daftar.pdf", b"%PDF-1.4"))
    assert "Pilih berkas Excel (.xlsx) atau CSV (.csv)." in response.content.decode()
    assert Entry.objects.count() == 0


def test_a_csv_list_is_accepted(as_panitia, open_competition):
    content = "kode_kelurahan,nomor_rt,nama_kampung,ketua_rt,jumlah_kk\n15.71.11.1003,9,Kampung Cempaka,Pak Hasan,88\n"
    preview = upload(
        as_panitia, open_competition, SimpleUploadedFile("daftar.csv", content.encode("utf-8-sig"))
    )
    confirm(as_panitia, open_competition, preview)
    assert Entry.objects.get().kk_count == 88


def test_confirming_without_a_preview_asks_for_the_file_again(as_panitia, open_competition):
    response = as_panitia.post(url(open_competition), {"confirm": "1"}, follow=True)
    assert str(ERROR_PREVIEW_GONE % {"minutes": 30}) in response.content.decode()
    assert Entry.objects.count() == 0


@pytest.mark.parametrize("persona", ["officer_eka_jaya", "officer_paal_merah", "juror", "pejabat"])
def test_only_the_panitia_imports(client, request, persona, open_competition):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(open_competition)).status_code == 403
    assert upload(client, open_competition, xlsx_upload(HEADER, GOOD_ROWS)).status_code == 403
    assert Entry.objects.count() == 0
