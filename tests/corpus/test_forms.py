"""Hostile form input: markup is shown as text, numbers and lengths are bounded."""

from __future__ import annotations

import pytest
from django.test import Client

from competitions.models import Entry
from tests.competitions.conftest import entry_form
from tests.corpus.generate import SCRIPT

pytestmark = pytest.mark.django_db
TEXT_FIELDS = ["kampung_name", "ketua_rt", "address", "note"]


@pytest.fixture
def as_eka_jaya(client, officer_eka_jaya):
    client.force_login(officer_eka_jaya)
    return client


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_markup_in_a_text_field_is_escaped_wherever_it_is_shown(
    as_eka_jaya, officer_paal_merah, open_competition, field
):
    response = as_eka_jaya.post(
        f"/kompetisi/{open_competition.pk}/peserta/baru/",
        entry_form(**{field: SCRIPT}),
        follow=True,
    )
    entry = Entry.objects.get()
    assert getattr(entry, field) == SCRIPT  # kept as the officer typed it
    pages = [
        response.content.decode(),
        as_eka_jaya.get("/peserta/").content.decode(),
        as_eka_jaya.get("/").content.decode(),
    ]
    other = Client()
    other.force_login(officer_paal_merah)
    pages.append(other.get("/verifikasi/").content.decode())
    for page in pages:
        assert '<script>alert("bantar")' not in page and "<img src=x" not in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kampung_name": "K" * 121}, "paling banyak 120 karakter"),
        ({"note": "n" * 2001}, "paling banyak 2000 karakter"),
        ({"new_rt_number": "1000"}, "lebih kecil dari atau sama dengan 999"),
        ({"latitude": "91", "longitude": "103.6"}, "lebih kecil dari atau sama dengan 90"),
        ({"kk_count": "99999999999999999999"}, "tidak masuk akal"),
    ],
)
def test_out_of_range_and_overlong_input_is_refused(
    as_eka_jaya, open_competition, overrides, message
):
    response = as_eka_jaya.post(
        f"/kompetisi/{open_competition.pk}/peserta/baru/", entry_form(**overrides)
    )
    assert message in response.content.decode()
    assert not Entry.objects.exists()


def test_a_form_with_a_bad_csrf_token_is_refused_in_indonesian(officer_eka_jaya, open_competition):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_eka_jaya)
    response = client.post(
        f"/kompetisi/{open_competition.pk}/peserta/baru/",
        {**entry_form(), "csrfmiddlewaretoken": "palsu"},
    )
    assert response.status_code == 403
    assert "Formulir ini sudah kedaluwarsa" in response.content.decode()
    assert not Entry.objects.exists()
