"""Imports within bounds: size, unpacked size, rows, columns, formulas, delimiters, stage.

The zip bomb and the file one row over the limit are refused with an Indonesian message
before anything large is allocated (tracemalloc's peak over the whole request) and
nothing is saved; the file at the limit previews within the budget the README states.
The checked file waits for confirmation on the server (ImportPreview), never in the
session, and is gone after confirmation, cancellation or expiry.
"""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bantar.spreadsheets import (
    ERROR_DELIMITER,
    ERROR_HEADER_FORMULA,
    ERROR_RATIO,
    ERROR_TOO_MANY_COLUMNS,
    ERROR_TOO_MANY_ROWS,
    ERROR_UNPACKED_TOO_LARGE,
    ERROR_UNREADABLE,
)
from competitions.imports import (
    ERROR_IMPORT_REASON,
    ERROR_PREVIEW_GONE,
    entry_import,
)
from competitions.models import RT, CompetitionStatus, Entry, ImportPreview, Kelurahan
from competitions.stages import ERROR_IMPORT_STAGE
from competitions.validators import ERROR_FORMULA
from tests.factories import xlsx_upload

pytestmark = pytest.mark.django_db

HEADER = ["kode_kelurahan", "nomor_rt", "nama_kampung", "ketua_rt", "jumlah_kk", "telepon"]
ROW = ["15.71.11.1003", 1, "Kampung Melati", "Pak Ahmad", 120, "0812-1111-2222"]
SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024
# What a refusal may cost, the whole request included (the client, the page).
REFUSAL_BUDGET = 12 * MB
# The budget of a preview at the row limit (README, "Importing entries").
PREVIEW_BUDGET = 60 * MB


@pytest.fixture
def as_panitia(client, panitia):
    client.force_login(panitia)
    return client


def url(competition) -> str:
    return f"/kompetisi/{competition.pk}/impor/"


def post_file(client, competition, name: str, content: bytes, **extra):
    data = {"import_file": SimpleUploadedFile(name, content), "status": "proposed", **extra}
    return client.post(url(competition), data)


def traced(call):
    """(result, peak bytes allocated by Python while `call` ran)."""
    tracemalloc.start()
    try:
        return call(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def nothing_saved() -> bool:
    return not Entry.objects.exists() and not RT.objects.exists()


def city_rows(count: int) -> list[list[object]]:
    codes = list(Kelurahan.objects.order_by("code").values_list("code", flat=True))
    return [
        [codes[i % len(codes)], i // len(codes) + 1, f"Kampung {i}", f"Ketua {i}", 30 + i % 200, ""]
        for i in range(count)
    ]


def bomb(unpacked_mb: int) -> bytes:
    """A real xlsx whose sheet is `unpacked_mb` MB of the same row: it packs ~1000 times."""
    base = xlsx_upload(HEADER, [ROW]).read()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for member in source.infolist():
            if member.filename != SHEET:
                target.writestr(member, source.read(member.filename))
                continue
            with target.open(SHEET, "w") as sheet:
                sheet.write(
                    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                    b'spreadsheetml/2006/main"><sheetData>'
                )
                row = b'<row><c t="inlineStr"><is><t>15.71.11.1003</t></is></c></row>'
                chunk = row * (MB // len(row))
                for _ in range(unpacked_mb):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb_300mb() -> bytes:
    return bomb(300)


def test_a_zip_bomb_is_refused_from_its_directory_at_once(as_panitia, open_competition, bomb_300mb):
    assert len(bomb_300mb) < 2 * MB  # it passes the upload limit
    started = time.perf_counter()
    response, peak = traced(lambda: post_file(as_panitia, open_competition, "bom.xlsx", bomb_300mb))
    elapsed = time.perf_counter() - started
    page = response.content.decode()
    unpacked = sum(m.file_size for m in zipfile.ZipFile(io.BytesIO(bomb_300mb)).infolist())
    size = f"{unpacked / MB:.1f}".rstrip("0").rstrip(".")
    assert str(ERROR_UNPACKED_TOO_LARGE % {"size": size, "max": "20"}) in page
    assert peak < REFUSAL_BUDGET, f"{peak / MB:.1f} MB"
    assert nothing_saved() and not ImportPreview.objects.exists()
    print(f"\nzip bomb of {unpacked / MB:.0f} MB refused: {elapsed:.2f} s, peak {peak / MB:.1f} MB")


def test_a_small_bomb_is_refused_by_its_ratio(as_panitia, open_competition):
    content = bomb(15)  # under the 20 MB bound, but 15 MB out of a few KB
    response, peak = traced(lambda: post_file(as_panitia, open_competition, "bom.xlsx", content))
    assert "kali lebih besar dari berkasnya" in response.content.decode()
    assert str(ERROR_RATIO).split("%")[0] in response.content.decode()
    assert peak < REFUSAL_BUDGET
    assert nothing_saved()


def test_a_member_that_lies_about_its_size_is_cut_at_the_lie(as_panitia, open_competition):
    content = bytearray(bomb(40))
    # The sheet's entry in the central directory: its uncompressed size now says 4 KB.
    entry = content.index(b"PK\x01\x02")
    while content[entry + 46 : entry + 46 + len(SHEET)] != SHEET.encode():
        entry = content.index(b"PK\x01\x02", entry + 4)
    content[entry + 24 : entry + 28] = struct.pack("<I", 4096)
    response, peak = traced(
        lambda: post_file(as_panitia, open_competition, "bohong.xlsx", bytes(content))
    )
    assert str(ERROR_UNREADABLE % {"format": "XLSX"}) in response.content.decode()
    assert peak < REFUSAL_BUDGET
    assert nothing_saved()


def test_a_file_one_row_over_the_limit_is_refused(as_panitia, open_competition, settings):
    content = xlsx_upload(HEADER, city_rows(settings.BANTAR_IMPORT_MAX_ROWS + 1)).read()
    response, peak = traced(lambda: post_file(as_panitia, open_competition, "daftar.xlsx", content))
    assert str(ERROR_TOO_MANY_ROWS % {"max": 5000}) in response.content.decode()
    assert peak < REFUSAL_BUDGET, f"{peak / MB:.1f} MB"
    assert nothing_saved() and not ImportPreview.objects.exists()
    print(f"\n5,001 rows refused: peak {peak / MB:.1f} MB")


def test_a_file_at_the_limit_previews_within_the_budget(as_panitia, open_competition, settings):
    assert settings.BANTAR_IMPORT_MAX_ROWS == 5000  # the documented default
    content = xlsx_upload(HEADER, city_rows(5000)).read()
    started = time.perf_counter()
    response, peak = traced(lambda: post_file(as_panitia, open_competition, "daftar.xlsx", content))
    elapsed = time.perf_counter() - started
    assert "5000 RT siap diimpor" in response.content.decode()
    assert peak < PREVIEW_BUDGET, f"{peak / MB:.1f} MB"
    assert nothing_saved()  # the preview made none of the 5,000 missing RTs
    assert ImportPreview.objects.count() == 1
    print(f"\n5,000 rows previewed: {elapsed:.2f} s (under tracemalloc), peak {peak / MB:.1f} MB")


def test_too_many_columns_are_refused(as_panitia, open_competition):
    wide = [*HEADER, *(f"kolom{i}" for i in range(50))]
    content = xlsx_upload(wide, [[*ROW, *range(50)]]).read()
    response = post_file(as_panitia, open_competition, "lebar.xlsx", content)
    expected = ERROR_TOO_MANY_COLUMNS % {"line": 1, "count": 56, "max": 50}
    assert str(expected) in response.content.decode()
    assert nothing_saved()


def test_a_formula_is_refused_in_any_column_and_in_the_header(as_panitia, open_competition):
    extra = [*HEADER, "catatan"]
    content = xlsx_upload(extra, [[*ROW, "=1+1"]]).read()
    page = post_file(as_panitia, open_competition, "rumus.xlsx", content).content.decode()
    assert "Baris 2:" in page and "<code>catatan</code>" in page and str(ERROR_FORMULA) in page
    content = xlsx_upload([*HEADER[:5], "=A1"], [ROW]).read()
    page = post_file(as_panitia, open_competition, "rumus.xlsx", content).content.decode()
    assert str(ERROR_HEADER_FORMULA % {"column": 6}) in page
    assert nothing_saved()


@pytest.mark.parametrize(
    "delimiter,encoding", [(",", "utf-8-sig"), (";", "utf-8"), (";", "cp1252"), ("\t", "utf-8")]
)
def test_a_csv_with_commas_or_semicolons_is_read(as_panitia, open_competition, delimiter, encoding):
    lines = [HEADER[:5], ["15.71.11.1003", "9", "Kampung Cempaka", "Pak Hasan Basrí", "88"]]
    content = "\r\n".join(delimiter.join(line) for line in lines).encode(encoding)
    page = post_file(as_panitia, open_competition, "daftar.csv", content).content.decode()
    assert "1 RT siap diimpor" in page


def test_a_csv_with_another_delimiter_is_refused_with_the_reason(as_panitia, open_competition):
    content = "|".join(HEADER).encode() + b"\n15.71.11.1003|9|K|Pak|88\n"
    page = post_file(as_panitia, open_competition, "daftar.csv", content).content.decode()
    assert str(ERROR_DELIMITER) in page
    assert nothing_saved()


# --- The stage, the status and the reason -------------------------------------------


@pytest.mark.parametrize(
    "stage", [CompetitionStatus.DRAFT, CompetitionStatus.ASSESSMENT, CompetitionStatus.PUBLISHED]
)
def test_entries_are_imported_only_during_registration_or_verification(
    as_panitia, open_competition, panitia, stage
):
    open_competition.status = stage
    open_competition.save()
    message = str(
        ERROR_IMPORT_STAGE
        % {"competition": open_competition.title, "stage": open_competition.get_status_display()}
    )
    assert message in as_panitia.get(url(open_competition)).content.decode()
    content = xlsx_upload(HEADER, [ROW]).read()
    assert message in post_file(as_panitia, open_competition, "d.xlsx", content).content.decode()
    with pytest.raises(Exception, match="Pendaftaran atau Verifikasi"):
        entry_import(
            competition=open_competition,
            by=panitia,
            status="proposed",
            content=content,
            file_format="xlsx",
            confirm=True,
        )
    assert nothing_saved() and not ImportPreview.objects.exists()


def test_verification_is_open_for_imports(as_panitia, open_competition):
    open_competition.status = CompetitionStatus.VERIFICATION
    open_competition.save()
    content = xlsx_upload(HEADER, [ROW]).read()
    page = post_file(as_panitia, open_competition, "d.xlsx", content).content.decode()
    assert "1 RT siap diimpor" in page


def test_verified_needs_a_reason(as_panitia, open_competition):
    content = xlsx_upload(HEADER, [ROW]).read()
    response = post_file(as_panitia, open_competition, "d.xlsx", content, status="verified")
    assert str(ERROR_IMPORT_REASON) in response.content.decode()
    assert not ImportPreview.objects.exists() and nothing_saved()


# --- The preview on the server ------------------------------------------------------


def test_the_preview_waits_on_the_server_not_in_the_session(as_panitia, open_competition):
    content = xlsx_upload(HEADER, [ROW]).read()
    response = post_file(as_panitia, open_competition, "d.xlsx", content)
    preview = ImportPreview.objects.get()
    assert bytes(preview.content) == content and len(preview.token) >= 40
    assert preview.token in response.content.decode()
    session = dict(as_panitia.session.items())
    assert "0812" not in repr(session) and content.hex()[:64] not in repr(session)
    as_panitia.post(url(open_competition), {"confirm": "1", "token": preview.token})
    assert Entry.objects.count() == 1 and not ImportPreview.objects.exists()


def test_cancelling_deletes_the_preview(as_panitia, open_competition):
    post_file(as_panitia, open_competition, "d.xlsx", xlsx_upload(HEADER, [ROW]).read())
    token = ImportPreview.objects.get().token
    response = as_panitia.post(url(open_competition), {"cancel": "1", "token": token}, follow=True)
    assert "Impor dibatalkan" in response.content.decode()
    assert not ImportPreview.objects.exists()
    as_panitia.post(url(open_competition), {"confirm": "1", "token": token})
    assert nothing_saved()


def test_an_expired_preview_is_refused_and_removed(as_panitia, open_competition):
    post_file(as_panitia, open_competition, "d.xlsx", xlsx_upload(HEADER, [ROW]).read())
    preview = ImportPreview.objects.get()
    ImportPreview.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = as_panitia.post(
        url(open_competition), {"confirm": "1", "token": preview.token}, follow=True
    )
    assert str(ERROR_PREVIEW_GONE % {"minutes": 30}) in response.content.decode()
    assert not ImportPreview.objects.exists() and nothing_saved()


def test_another_panitia_cannot_confirm_someone_elses_preview(
    as_panitia, client, open_competition, django_user_model
):
    post_file(as_panitia, open_competition, "d.xlsx", xlsx_upload(HEADER, [ROW]).read())
    token = ImportPreview.objects.get().token
    from tests.conftest import make_user

    other = make_user("panitia2", "panitia")
    client.force_login(other)
    client.post(url(open_competition), {"confirm": "1", "token": token})
    assert nothing_saved() and ImportPreview.objects.count() == 1


# --- The admin's master-data import ---------------------------------------------------

ADMIN_IMPORT = "/admin/competitions/rt/import/"


def admin_upload(client, name: str, content: bytes, file_format: str = "0"):
    return client.post(
        ADMIN_IMPORT,
        {"import_file": SimpleUploadedFile(name, content), "format": file_format, "resource": "0"},
    )


def test_the_admin_import_refuses_formulas(client, admin_user):
    client.force_login(admin_user)
    content = xlsx_upload(
        ["kelurahan", "number", "name_kampung"],
        [["15.71.11.1003", 1, '=HYPERLINK("x")']],
        "rt.xlsx",
    ).read()
    page = admin_upload(client, "rt.xlsx", content).content.decode()
    assert str(ERROR_FORMULA) in page
    assert not RT.objects.exists()


def test_the_admin_import_refuses_a_bomb_and_a_large_file(client, admin_user, bomb_300mb, settings):
    client.force_login(admin_user)
    response, peak = traced(lambda: admin_upload(client, "rt.xlsx", bomb_300mb))
    assert "mengembang menjadi" in response.content.decode()
    assert peak < REFUSAL_BUDGET
    settings.BANTAR_IMPORT_MAX_BYTES = 100_000
    page = admin_upload(client, "rt.xlsx", bomb_300mb).content.decode()
    assert "Berkas terlalu besar" in page
    assert not RT.objects.exists()


def test_the_admin_import_reads_a_semicolon_csv(client, admin_user):
    client.force_login(admin_user)
    content = "kelurahan;number;name_kampung\n15.71.11.1003;4;Kampung Tepian\n".encode("cp1252")
    response = admin_upload(client, "rt.csv", content, file_format="1")
    client.post(
        "/admin/competitions/rt/process_import/", {**response.context["confirm_form"].initial}
    )
    assert list(RT.objects.values_list("number", "name_kampung")) == [(4, "Kampung Tepian")]
