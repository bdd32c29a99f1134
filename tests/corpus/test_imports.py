"""Hostile spreadsheets through the panitia's import: row-level messages, nothing saved."""

from __future__ import annotations

import pytest

from competitions.models import RT, Entry
from tests.corpus.generate import import_cases
from tests.factories import xlsx_upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", import_cases(), ids=lambda case: case.id)
def test_a_hostile_import_is_refused_row_by_row_and_saves_nothing(
    client, panitia, open_competition, case
):
    client.force_login(panitia)
    url = f"/kompetisi/{open_competition.pk}/impor/"
    response = client.post(
        url, {"import_file": xlsx_upload(case.header, case.rows), "status": "proposed"}
    )
    page = response.content.decode()
    assert case.message in page
    assert "Simpan semua" not in page
    confirm = client.post(url, {"confirm": "1"}, follow=True)
    assert "diimpor sebagai peserta" not in confirm.content.decode()
    assert Entry.objects.count() == 0 and RT.objects.count() == 0
