"""A re-visit round's title is shown in the reader's language, whoever made the round and in
whatever language: stored on its competition in the portal's language (Indonesian), and
translated on the re-visit pages and the RT's public page. A title the panitia renamed stays
as written."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from bantar.models import Role
from coaching.models import RevisitRound
from coaching.revisits import revisit_create, revisit_title
from competitions.models import Competition
from tests.coaching.city import build_city
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

INDONESIAN = "Kunjungan ulang pemenang {}"
ENGLISH = "Revisit of the winners of {}"


@pytest.fixture
def made_in_english(panitia) -> RevisitRound:
    """A round the panitia made with the portal in English."""
    city = build_city(panitia)
    source = Competition.objects.get(year=2021, period=1)
    with translation.override("en"):
        return revisit_create(source=source, by=panitia, rt_ids=[city["B2"].pk])


def reader(language: str) -> Client:
    client = Client()
    user = make_user(f"panitia.{language}", Role.PANITIA)
    user.language = language
    user.save()
    client.force_login(user)
    return client


def test_the_stored_title_is_in_the_portal_s_language(made_in_english):
    source = made_in_english.source.title
    assert made_in_english.competition.title == INDONESIAN.format(source)


@pytest.mark.parametrize(("language", "words"), [("id", INDONESIAN), ("en", ENGLISH)])
def test_each_reader_reads_the_title_in_their_language(made_in_english, language, words):
    title = words.format(made_in_english.source.title)
    other = (ENGLISH if words == INDONESIAN else INDONESIAN).format(made_in_english.source.title)
    client = reader(language)
    for url in (
        reverse("revisit-list"),
        reverse("revisit-detail", args=[made_in_english.pk]),
    ):
        page = client.get(url).content.decode()
        assert title in page and other not in page, (language, url)


def test_a_round_titled_in_english_before_is_translated_too(made_in_english):
    Competition.objects.filter(pk=made_in_english.competition_id).update(
        title=ENGLISH.format(made_in_english.source.title)
    )
    made_in_english.refresh_from_db()
    with translation.override("id"):
        assert revisit_title(made_in_english) == INDONESIAN.format(made_in_english.source.title)


def test_a_renamed_round_keeps_its_name(made_in_english):
    Competition.objects.filter(pk=made_in_english.competition_id).update(
        title="Monitoring Kencana 2021"
    )
    made_in_english.refresh_from_db()
    with translation.override("en"):
        assert revisit_title(made_in_english) == "Monitoring Kencana 2021"
    page = reader("en").get(reverse("revisit-list")).content.decode()
    assert "Monitoring Kencana 2021" in page
