"""The error pages with DEBUG off: Indonesian, the portal's layout, a way back home.

A region officer gets the same 404 whether the entry does not exist or belongs to
another region, so the page never tells one from the other.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bantar.views import (
    ERROR_BAD_REQUEST,
    ERROR_FORBIDDEN,
    ERROR_NOT_FOUND,
    ERROR_NOT_FOUND_JUROR,
    ERROR_NOT_FOUND_REGION,
)
from tests.factories import EntryFactory

pytestmark = pytest.mark.django_db

HOME_LINK = 'href="/" data-testid="home-link"'


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False


def page_of(response) -> str:
    return response.content.decode()


def comparable(response) -> str:
    """The page without what differs on every request: its own address, the CSRF token."""
    page = page_of(response).replace(response.request["PATH_INFO"], "/the-address/")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def assert_portal_page(page: str) -> None:
    """The portal's layout (navbar, footer), in Indonesian, with the link back home."""
    assert '<html lang="id">' in page
    # The footer: neutral, the error pages have no instrument whose legal basis to cite.
    assert "navbar" in page and "Lomba Kampung Bersih, Aman dan Pintar · DPMPPA Kota Jambi" in page
    assert HOME_LINK in page
    assert "Kembali ke beranda" in page


def test_an_unknown_address_answers_an_indonesian_404_for_visitors(client):
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    page = page_of(response)
    assert_portal_page(page)
    assert "Halaman tidak ditemukan" in page
    assert str(ERROR_NOT_FOUND) in page
    assert "Not Found" not in page


def test_a_region_officer_gets_the_same_404_for_another_region_and_for_nothing(
    client, officer_beringin, open_competition
):
    """Eka Jaya's entry and an entry that never existed read the same for Beringin."""
    eka_jaya_entry = EntryFactory(competition=open_competition)  # an RT of Eka Jaya
    client.force_login(officer_beringin)
    other_region = client.get(f"/peserta/{eka_jaya_entry.pk}/")
    nowhere = client.get("/peserta/999999/")
    assert other_region.status_code == nowhere.status_code == 404
    expected = str(ERROR_NOT_FOUND_REGION % {"region": "Kelurahan Beringin"})
    assert "mungkin milik wilayah lain" in expected
    for response in (other_region, nowhere):
        page = page_of(response)
        assert_portal_page(page)
        assert expected in page
    # Nothing on the page differs between the two answers but the address and the CSRF token.
    assert comparable(other_region) == comparable(nowhere)


def test_a_kecamatan_officer_is_told_its_own_region(client, officer_paal_merah):
    client.force_login(officer_paal_merah)
    page = page_of(client.get("/peserta/999999/"))
    assert str(ERROR_NOT_FOUND_REGION % {"region": "Kecamatan Paal Merah"}) in page


def test_a_juror_is_told_the_rt_may_not_be_its_teams(client, juror, open_competition):
    entry = EntryFactory(competition=open_competition)
    client.force_login(juror)
    response = client.get(f"/penilaian/{entry.pk}/")
    assert response.status_code == 404
    assert str(ERROR_NOT_FOUND_JUROR) in page_of(response)


def test_a_city_wide_user_gets_the_plain_404(client, panitia):
    client.force_login(panitia)
    response = client.get("/peserta/999999/")
    assert response.status_code == 404
    page = page_of(response)
    assert str(ERROR_NOT_FOUND) in page and "wilayah lain" not in page
    assert "Panitia" in page  # the navbar still knows who is logged in


def test_a_refused_action_answers_an_indonesian_403_with_the_way_home(client, juror):
    client.force_login(juror)
    response = client.get("/verifikasi/")
    assert response.status_code == 403
    page = page_of(response)
    assert_portal_page(page)
    assert "Akses ditolak" in page and str(ERROR_FORBIDDEN) in page
    assert "403 Forbidden" not in page


def test_the_error_pages_follow_the_chosen_language(client, juror):
    """Indonesian is the source; the page is rendered in whatever language is active."""
    client.force_login(juror)
    client.cookies["django_language"] = "en"
    page = page_of(client.get("/verifikasi/"))
    assert '<html lang="en">' in page


@override_settings(ROOT_URLCONF="tests.bantar.error_urls")
def test_a_bad_request_answers_an_indonesian_400_in_the_layout(client):
    response = client.get("/uji/curiga/")
    assert response.status_code == 400
    page = page_of(response)
    assert_portal_page(page)
    assert str(ERROR_BAD_REQUEST) in page


@override_settings(ROOT_URLCONF="tests.bantar.error_urls")
def test_a_disallowed_host_answers_the_400_page(client):
    response = client.get("/", headers={"host": "penyerang.example"})
    assert response.status_code == 400
    assert str(ERROR_BAD_REQUEST) in page_of(response)


@override_settings(ROOT_URLCONF="tests.bantar.error_urls")
def test_a_failing_view_answers_the_plain_indonesian_500_page(panitia):
    client = Client(raise_request_exception=False)
    client.force_login(panitia)
    response = client.get("/uji/rusak/")
    assert response.status_code == 500
    page = page_of(response)
    assert_portal_page(page)
    assert "Terjadi kesalahan di server" in page
    assert "periksa apakah tindakan terakhir Anda sudah tersimpan" in page
    assert "Server Error" not in page


@override_settings(ROOT_URLCONF="tests.bantar.error_urls")
def test_the_500_page_itself_reads_nothing_from_the_database(panitia):
    """Rendered with no context processors: the session and user are never loaded for it."""
    from django.template import loader

    with CaptureQueriesContext(connection) as queries:
        page = loader.get_template("500.html").render()
    assert queries.captured_queries == []
    assert HOME_LINK in page and "Terjadi kesalahan di server" in page
