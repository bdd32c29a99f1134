"""Hostile spreadsheets through the panitia's import: row-level messages, nothing saved."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from competitions.models import RT, Entry
from tests.corpus.generate import import_cases

pytestmark = pytest.mark.django_db


def xlsx(header: list[str], rows: list[list[object]]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("daftar.xlsx", buffer.getvalue())


@pytest.mark.parametrize("case", import_cases(), ids=lambda case: case.id)
def test_a_hostile_import_is_refused_row_by_row_and_saves_nothing(
    client, panitia, open_competition, case
):
    client.force_login(panitia)
    url = f"/kompetisi/{open_competition.pk}/impor/"
    response = client.post(url, {"import_file": xlsx(case.header, case.rows), "status": "proposed"})
    page = response.content.decode()
    assert case.message in page
    assert "Simpan semua" not in page
    confirm = client.post(url, {"confirm": "1"}, follow=True)
    assert "diimpor sebagai peserta" not in confirm.content.decode()
    assert Entry.objects.count() == 0 and RT.objects.count() == 0
