"""A coaching re-visit round is carried by a competition of its own, but it is no contest: the
public results and the documents' home link list contests only; the juror still sees the
round on the competition list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching.models import RevisitRound, Selection
from competitions.models import Competition, CompetitionStatus
from competitions.services import competition_create
from scoring.public import published_competitions
from scoring.result_services import competition_finalise, competition_publish
from tests.scoring.seasons import build_season

pytestmark = pytest.mark.django_db

ROUND_TITLE = "Kunjungan ulang pemenang uji"


@pytest.fixture
def contest_and_round(open_competition, panitia) -> tuple[Competition, Competition]:
    build_season(open_competition)
    competition_finalise(competition=open_competition, by=panitia)
    competition_publish(competition=open_competition, by=panitia)
    carrier = competition_create(year=open_competition.year, period=2, title=ROUND_TITLE)
    RevisitRound.objects.create(
        source=open_competition, competition=carrier, selection="hand", created_by=panitia
    )
    # Even a round carried through to publication (newer: period 2) is no contest.
    Competition.objects.filter(pk=carrier.pk).update(status=CompetitionStatus.PUBLISHED)
    return open_competition, carrier


def test_the_public_results_list_contests_only(client, contest_and_round):
    contest, carrier = contest_and_round
    assert list(published_competitions()) == [contest]
    index = client.get("/hasil/").content.decode()
    assert contest.title in index and ROUND_TITLE not in index
    assert client.get(f"/hasil/{carrier.pk}/").status_code == 404
    assert client.get(f"/hasil/{contest.pk}/").status_code == 200


def test_the_documents_link_points_at_the_newest_contest(client, contest_and_round, pejabat):
    contest, carrier = contest_and_round
    client.force_login(pejabat)
    home = client.get("/", follow=True).content.decode()
    assert reverse("document-decree", args=[contest.pk]) in home
    assert f"/kompetisi/{carrier.pk}/dokumen/" not in home


def test_the_juror_still_finds_the_round(client, contest_and_round, juror):
    _contest, carrier = contest_and_round
    client.force_login(juror)
    assert ROUND_TITLE in client.get("/kompetisi/").content.decode()
    assert carrier.revisit.selection == Selection.HAND
