"""Issue 19: the panitia's home keeps each competition's figures (counts by status, verified
RTs without a team, the jurors' progress, the first missing sheets and their number) under
the competition's result version: they must follow every write that changes them, and the
home shows only the first missing sheets however many there are."""

from __future__ import annotations

import re

import pytest

from competitions.models import Competition, CompetitionStatus, EntryStatus
from competitions.services import competition_create
from scoring.models import Assignment, ScoreSheet, SheetStatus
from season.selectors import MISSING_SHOWN
from tests.scoring.seasons import build_season
from tests.scoring.test_reports import many_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def plenary(db):
    """Twelve verified, assigned RTs in the plenary, none of their 24 sheets submitted."""
    Competition.objects.filter(status=CompetitionStatus.PLENARY).update(
        status=CompetitionStatus.PUBLISHED
    )
    competition = competition_create(year=2061)
    entries = build_season(competition, plans=many_plans(12), submit=False)
    return competition, list(entries.values())


def _card(client, competition: Competition) -> str:
    page = client.get("/").content.decode()
    start = page.index(f'data-competition="{competition.pk}"')
    return page[start : page.index("</section>", start)]


def _count(card: str, status: str) -> int:
    found = re.search(rf'data-status="{status}" data-count="(\d+)"', card)
    assert found is not None
    return int(found.group(1))


def test_the_home_shows_the_first_missing_sheets_and_how_many_there_are(client, panitia, plenary):
    competition, _entries = plenary
    client.force_login(panitia)
    card = _card(client, competition)
    assert 'data-testid="blockers" data-count="24"' in card
    assert card.count("<li>") == MISSING_SHOWN + 1  # the shown sheets, then "and N more"
    assert f"dan {24 - MISSING_SHOWN} lagi" in card


def test_the_kept_figures_follow_a_submission_a_status_and_an_assignment(client, panitia, plenary):
    competition, entries = plenary
    client.force_login(panitia)
    card = _card(client, competition)
    assert _count(card, EntryStatus.VERIFIED) == 12
    assert 'data-testid="unassigned"' not in card
    assert "0/12" in card  # each juror's progress: none of 12 sent

    sheet = ScoreSheet.objects.filter(entry=entries[0]).order_by("pk").first()
    assert sheet is not None
    sheet.status = SheetStatus.SUBMITTED
    sheet.save()
    card = _card(client, competition)
    assert 'data-testid="blockers" data-count="23"' in card
    assert "1/12" in card

    entries[1].status = EntryStatus.WITHDRAWN
    entries[1].save()
    Assignment.objects.get(entry=entries[2]).delete()
    card = _card(client, competition)
    assert _count(card, EntryStatus.VERIFIED) == 11
    assert _count(card, EntryStatus.WITHDRAWN) == 1
    assert 'data-testid="unassigned" data-count="1"' in card


def test_the_home_of_another_language_is_kept_apart(client, panitia, plenary):
    competition, _entries = plenary
    client.force_login(panitia)
    assert "Terverifikasi" in _card(client, competition)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    card = _card(client, competition)
    assert "Verified" in card and "Terverifikasi" not in card
