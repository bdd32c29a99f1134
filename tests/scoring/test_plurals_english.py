"""An English reader sees "1 RT" and "2 RTs": the plural messages' English forms.

These read the committed English catalogue, so they pass once the lead has run
`make messages` and translated the new plural msgids (see the HEALTH2 report).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from scoring.results import WARNING_MISSING
from scoring.services import entry_assign, team_add_member, team_create
from tests.conftest import make_user
from tests.factories import EntryFactory, RTFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def indonesian_afterwards():
    """The middleware leaves the last request's language active; the next test expects id."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_an_english_results_warning_says_1_rt_and_2_rts():
    with translation.override("en"):
        one, two = (str(WARNING_MISSING % {"count": n}) for n in (1, 2))
    assert one == "1 RT has an indicator no juror scored."
    assert two == "2 RTs have an indicator no juror scored."
    with translation.override("id"):
        assert WARNING_MISSING % {"count": 2} == "2 RT memiliki indikator tanpa nilai juri."


def test_the_team_badges_in_english_say_1_rt_and_2_rts(client, panitia, assessment, eka_jaya):
    teams = []
    for name in ("Tim A", "Tim B"):
        team = team_create(competition=assessment, name=name)
        team_add_member(team=team, user=make_user(f"juri.{name[-1].lower()}", "juri"), agency="DLH")
        teams.append(team)
    for number, team in ((1, teams[0]), (2, teams[1]), (3, teams[1])):
        entry = EntryFactory(
            competition=assessment,
            rt=RTFactory(kelurahan=eka_jaya, number=number),
            status="verified",
        )
        entry_assign(entry=entry, team=team, by=panitia, notify=False)
    panitia.language = "en"  # the stored choice (bantar/language.py), never Accept-Language
    panitia.save()
    client.force_login(panitia)
    page = client.get(f"/kompetisi/{assessment.pk}/tim/").content.decode()
    assert '<html lang="en">' in page
    assert '<span class="badge text-bg-secondary" data-testid="team-load">1 RT</span>' in page
    assert '<span class="badge text-bg-secondary" data-testid="team-load">2 RTs</span>' in page
