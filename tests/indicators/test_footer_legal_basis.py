"""The footer cites the page's instrument's legal basis, or none: not the Perwali by name on
every page (another city's instrument has its own basis); the 500 page, drawn without the
database, never cites one."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

from competitions.models import Competition
from competitions.services import competition_create
from indicators.templatetags.instruments import legal_basis
from tests.factories import four_pillar_instrument

pytestmark = pytest.mark.django_db

PERWALI = "Perwali Jambi No. 11 Tahun 2019"
OTHER = "Peraturan Bupati Contoh No. 4 Tahun 2026"


def footer(page: str) -> str:
    return page.split("<footer", 1)[1].split("</footer>", 1)[0]


def test_the_guide_cites_its_instruments_legal_basis(client: Client):
    assert PERWALI in footer(client.get("/panduan/").content.decode())
    competition = competition_create(year=2031, instrument=four_pillar_instrument())
    # Announced (past its draft): the guide shows a draft's instrument to nobody.
    Competition.objects.filter(pk=competition.pk).update(status="registration")
    page = client.get(f"/panduan/?kompetisi={competition.pk}").content.decode()
    assert OTHER in footer(page) and PERWALI not in footer(page)


def test_a_page_without_an_instrument_has_a_neutral_footer(client: Client):
    text = footer(client.get("/accounts/login/").content.decode())
    assert "Lomba Kampung Bersih, Aman dan Pintar · DPMPPA Kota Jambi" in text
    assert "Perwali" not in text


def test_the_500_page_cites_no_regulation():
    page = render_to_string("500.html")
    assert "Perwali" not in page
    assert "Lomba Kampung Bersih, Aman dan Pintar · DPMPPA Kota Jambi" in footer(page)


def test_a_competition_cites_its_instrument_only_when_loaded(django_assert_num_queries):
    made = competition_create(year=2031, instrument=four_pillar_instrument())
    plain = Competition.objects.get(pk=made.pk)
    with django_assert_num_queries(0):  # the footer never costs a query
        assert legal_basis(plain) == ""
    loaded = Competition.objects.select_related("instrument").get(pk=made.pk)
    with django_assert_num_queries(0):
        assert legal_basis(loaded) == OTHER
    assert legal_basis("not a model") == "" and legal_basis(None) == ""
