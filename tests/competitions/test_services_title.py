"""The stored default title of a competition is an official text (certificates, the public
results, the documents): Indonesian whatever language the panitia creating it reads in."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from bantar.models import Role
from competitions.models import Competition
from competitions.services import competition_create, default_competition_title
from indicators.models import Instrument
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_the_default_title_is_indonesian_in_an_english_request():
    with translation.override("en"):
        # The catalogue does translate the word, so the override is what keeps it Indonesian.
        assert translation.gettext("Periode") == "Period"
        competition = competition_create(year=2031, period=2)
        assert translation.get_language() == "en"  # the override ends with the title
    assert competition.title == "Lomba Kampung BANTAR 2031 - Periode 2"
    assert default_competition_title(year=2031, period=1) == "Lomba Kampung BANTAR 2031"


def test_an_english_speaking_panitia_stores_the_indonesian_title(client):
    panitia = make_user("panitia", Role.PANITIA)
    panitia.language = "en"
    panitia.save(update_fields=["language"])
    client.force_login(panitia)
    perwali = Instrument.objects.get(name="Instrumen Penilaian Kampung BANTAR", version=1)
    url = reverse("instrument-competition-new", args=[perwali.pk])
    page = client.get(url)
    assert '<html lang="en">' in page.content.decode()
    response = client.post(
        url,
        {"year": 2031, "period": 2, "title": "", "weight_B": "1", "weight_A": "1", "weight_P": "1"},
    )
    competition = Competition.objects.get(year=2031, period=2)
    assert response.url == reverse("competition-detail", args=[competition.pk])
    assert competition.title == "Lomba Kampung BANTAR 2031 - Periode 2"
