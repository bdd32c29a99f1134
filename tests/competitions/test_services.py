"""Competition rules: the size category from a KK count and the stage machine."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from competitions.models import Competition, CompetitionStatus
from competitions.services import (
    ERROR_DEADLINE_PAST,
    ERROR_KK_BELOW_MINIMUM,
    ERROR_KK_NOT_POSITIVE,
    ERROR_KK_TOO_LARGE,
    ERROR_NO_PROPOSALS,
    ERROR_PENDING_PROPOSALS,
    ERROR_STATUS_BACKWARDS,
    ERROR_STATUS_SAME,
    ERROR_STATUS_SKIP,
    competition_advance,
    competition_create,
    size_category_for,
)
from tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def competition_2020() -> Competition:
    return Competition.objects.get(year=2020)


@pytest.mark.parametrize(
    ("kk_count", "expected"),
    [(30, "kecil"), (59, "kecil"), (60, "sedang"), (99, "sedang"), (100, "besar"), (450, "besar")],
)
def test_it_derives_the_category_at_the_band_boundaries(competition_2020, kk_count, expected):
    assert size_category_for(competition=competition_2020, kk_count=kk_count).code == expected


def test_it_refuses_an_rt_of_29_kk_with_a_clear_message(competition_2020):
    with pytest.raises(ValidationError) as error:
        size_category_for(competition=competition_2020, kk_count=29)
    assert error.value.messages == [ERROR_KK_BELOW_MINIMUM % {"kk": 29, "min": 30}]
    assert "kurang dari 30 KK" in error.value.messages[0]


@pytest.mark.parametrize("kk_count", [0, -5])
def test_it_refuses_impossible_counts(competition_2020, kk_count):
    with pytest.raises(ValidationError) as error:
        size_category_for(competition=competition_2020, kk_count=kk_count)
    assert error.value.messages == [str(ERROR_KK_NOT_POSITIVE)]


def test_it_refuses_an_absurdly_large_count(competition_2020, settings):
    with pytest.raises(ValidationError) as error:
        size_category_for(competition=competition_2020, kk_count=settings.BANTAR_MAX_KK + 1)
    assert error.value.messages == [
        ERROR_KK_TOO_LARGE % {"kk": settings.BANTAR_MAX_KK + 1, "max": settings.BANTAR_MAX_KK}
    ]


def test_the_bands_follow_the_competition_not_the_code(competition_2020):
    competition_2020.size_categories.filter(code="kecil").update(min_kk=25)
    assert size_category_for(competition=competition_2020, kk_count=27).code == "kecil"


def test_a_new_competition_gets_the_default_rules_from_settings(settings):
    settings.BANTAR_DEFAULT_SIZE_CATEGORIES = [
        ("besar", "Besar", 120, None, 12_000_000),
        ("kecil", "Kecil", 30, 119, 6_000_000),
    ]
    competition = competition_create(year=2031)
    assert competition.status == CompetitionStatus.DRAFT
    assert competition.title == "Lomba Kampung BANTAR 2031"
    assert sorted(competition.size_categories.values_list("code", "prize")) == [
        ("besar", 12_000_000),
        ("kecil", 6_000_000),
    ]


def _advance(competition: Competition, status: str) -> Competition:
    return competition_advance(competition=competition, to_status=status, by=None)


def test_the_stage_moves_forward_one_step_at_a_time(panitia):
    competition = competition_create(
        year=2030, registration_closes=timezone.now() + timedelta(days=7)
    )
    competition = competition_advance(
        competition=competition, to_status=CompetitionStatus.REGISTRATION, by=panitia
    )
    assert competition.status == CompetitionStatus.REGISTRATION
    assert competition.status_changed_at is not None
    latest = competition.history.latest()
    assert latest.history_user == panitia
    assert latest.history_change_reason == "Draf -> Pendaftaran"


def test_the_stage_cannot_skip_a_step():
    competition = competition_create(
        year=2030, registration_closes=timezone.now() + timedelta(days=7)
    )
    with pytest.raises(ValidationError) as error:
        _advance(competition, CompetitionStatus.ASSESSMENT)
    assert error.value.messages == [
        ERROR_STATUS_SKIP
        % {"current": "Draf", "target": "Penilaian lapangan", "next": "Pendaftaran"}
    ]
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.DRAFT


def test_the_stage_cannot_move_backwards(open_competition):
    with pytest.raises(ValidationError) as error:
        _advance(open_competition, CompetitionStatus.DRAFT)
    assert error.value.messages == [
        ERROR_STATUS_BACKWARDS % {"current": "Pendaftaran", "target": "Draf"}
    ]


def test_advancing_twice_to_the_same_stage_is_refused(open_competition):
    with pytest.raises(ValidationError) as error:
        _advance(open_competition, CompetitionStatus.REGISTRATION)
    assert error.value.messages == [ERROR_STATUS_SAME % {"current": "Pendaftaran"}]


def test_registration_cannot_open_with_a_deadline_in_the_past():
    competition = competition_create(
        year=2030, registration_closes=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as error:
        _advance(competition, CompetitionStatus.REGISTRATION)
    assert error.value.messages == [str(ERROR_DEADLINE_PAST)]


def test_verification_needs_at_least_one_proposal(open_competition):
    with pytest.raises(ValidationError) as error:
        _advance(open_competition, CompetitionStatus.VERIFICATION)
    assert error.value.messages == [str(ERROR_NO_PROPOSALS)]
    EntryFactory(competition=open_competition)
    assert _advance(open_competition, CompetitionStatus.VERIFICATION).status == "verification"


def test_assessment_waits_until_every_proposal_is_checked(open_competition):
    EntryFactory(competition=open_competition, status="verified")
    EntryFactory(competition=open_competition, status="proposed")
    competition = _advance(open_competition, CompetitionStatus.VERIFICATION)
    with pytest.raises(ValidationError) as error:
        _advance(competition, CompetitionStatus.ASSESSMENT)
    assert error.value.messages == [ERROR_PENDING_PROPOSALS % {"count": 1}]
