"""A juror's remit holds pillars of the competition's own instrument only: the services refuse
another version's pillars (which would match no indicator the juror scores), not only the
forms (issue 14 follow-up)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from indicators.models import Pillar
from indicators.selectors import pillars_of
from scoring.models import JuryMember
from scoring.services import (
    ERROR_REMIT_OTHER_INSTRUMENT,
    member_set_remit,
    team_add_member,
    team_create,
)
from tests.indicators.instruments import make_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_pillars() -> list[Pillar]:
    return pillars_of(make_instrument(name="Instrumen kota lain"))


def refusal(competition, codes: str) -> str:
    return str(ERROR_REMIT_OTHER_INSTRUMENT) % {
        "pillars": codes,
        "instrument": str(competition.instrument),
    }


def test_adding_a_member_with_another_instruments_pillar_is_refused(
    open_competition, juror, other_pillars
):
    team = team_create(competition=open_competition, name="Tim 1")
    own = pillars_of(open_competition.instrument)
    with pytest.raises(ValidationError) as refused:
        team_add_member(team=team, user=juror, agency="DLH", pillars=[own[0], *other_pillars[:2]])
    assert refused.value.messages == [refusal(open_competition, "LH, SO")]
    assert not JuryMember.objects.filter(team=team).exists()  # nothing half-saved
    # The competition's own pillars are taken.
    member = team_add_member(team=team, user=juror, agency="DLH", pillars=own[:2])
    assert set(member.pillars.all()) == set(own[:2])


def test_changing_a_remit_to_another_instruments_pillar_is_refused(
    open_competition, juror, panitia, other_pillars
):
    team = team_create(competition=open_competition, name="Tim 1")
    own = pillars_of(open_competition.instrument)
    member = team_add_member(team=team, user=juror, agency="DLH", pillars=[own[0]])
    history = member.history.count()
    with pytest.raises(ValidationError) as refused:
        member_set_remit(member=member, pillars=[other_pillars[3]], by=panitia)
    assert refused.value.messages == [refusal(open_competition, "KS")]
    assert list(member.pillars.all()) == [own[0]]
    assert member.history.count() == history  # no history row for the refused change
    member_set_remit(member=member, pillars=own[1:], by=panitia)
    assert set(member.pillars.all()) == set(own[1:])
