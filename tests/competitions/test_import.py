"""Master-data import through the admin: preview first, all-or-nothing, row errors shown."""

from __future__ import annotations

import pytest

from competitions.models import RT
from tests.factories import xlsx_upload

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/competitions/rt/import/"
PROCESS_URL = "/admin/competitions/rt/process_import/"


def upload(client, rows: list[list[object]]):
    return client.post(
        IMPORT_URL,
        {
            "import_file": xlsx_upload(["kelurahan", "number", "name_kampung"], rows, "rt.xlsx"),
            "format": "0",
            "resource": "0",
        },
    )


def test_an_import_with_a_bad_row_saves_nothing_and_names_the_row(client, admin_user):
    client.force_login(admin_user)
    response = upload(
        client,
        [
            ["15.71.11.1003", 1, "Kampung Melati"],
            ["15.71.99.9999", 2, "Kelurahan yang tidak ada"],
            ["15.71.11.1003", "dua", "Nomor bukan angka"],
        ],
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kode kelurahan &#x27;15.71.99.9999&#x27; tidak dikenal." in page
    assert "&#x27;dua&#x27; bukan bilangan bulat." in page
    assert "Confirm import" not in page and "Konfirmasi impor" not in page
    assert RT.objects.count() == 0


def test_a_clean_import_is_previewed_then_saved_on_confirmation(client, admin_user):
    client.force_login(admin_user)
    response = upload(
        client, [["15.71.11.1003", 1, "Kampung Melati"], ["15.71.04.1001", 7, "Kampung Tepian"]]
    )
    assert response.status_code == 200
    assert RT.objects.count() == 0, "the preview must not save"
    confirm = response.context["confirm_form"]
    response = client.post(PROCESS_URL, {**confirm.initial})
    assert response.status_code == 302
    assert sorted(RT.objects.values_list("kelurahan__name", "number", "name_kampung")) == [
        ("Beringin", 7, "Kampung Tepian"),
        ("Eka Jaya", 1, "Kampung Melati"),
    ]


def test_reimporting_updates_an_rt_instead_of_duplicating_it(client, admin_user):
    client.force_login(admin_user)
    for name in ("Kampung Lama", "Kampung Baru"):
        response = upload(client, [["15.71.11.1003", 4, name]])
        client.post(PROCESS_URL, {**response.context["confirm_form"].initial})
    assert list(RT.objects.values_list("number", "name_kampung")) == [(4, "Kampung Baru")]


def test_a_kelurahan_officer_cannot_reach_the_import(client, officer_eka_jaya):
    client.force_login(officer_eka_jaya)
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
