"""Assignment that cannot strand an RT: a team with no members, or one whose members
(their remits, after conflicts of interest with the RT's kelurahan) leave a pillar
uncovered, is refused by single and bulk assignment, naming the team and the pillar."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from indicators.models import Pillar
from scoring.models import Assignment
from scoring.services import (
    ERROR_NO_TEAM_COVERS,
    ERROR_PILLAR_UNCOVERED,
    ERROR_TEAM_EMPTY,
    entries_assign_balanced,
    entry_assign,
    team_add_member,
    team_create,
)
from tests.conftest import make_user
from tests.factories import EntryFactory, RTFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(assessment, eka_jaya, beringin):
    return [
        EntryFactory(competition=assessment, rt=RTFactory(kelurahan=kelurahan), status="verified")
        for kelurahan in (eka_jaya, beringin, eka_jaya)
    ]


def member(team, name: str, *pillars: str, home=None):
    return team_add_member(
        team=team,
        user=make_user(name, "juri"),
        agency="DLH",
        home_kelurahan=home,
        pillars=list(Pillar.objects.filter(code__in=pillars)),
    )


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_empty_team_is_refused_one_by_one_and_in_bulk(
    client, panitia, assessment, entries, eka_jaya
):
    empty = team_create(competition=assessment, name="Tim Kosong")
    with pytest.raises(ValidationError) as error:
        entry_assign(entry=entries[0], team=empty, by=panitia)
    assert error.value.messages == [ERROR_TEAM_EMPTY % {"team": "Tim Kosong"}]
    full = team_create(competition=assessment, name="Tim Penuh")
    member(full, "juri.penuh")
    client.force_login(panitia)
    response = client.post(f"/kompetisi/{assessment.pk}/tugaskan-rata/", {})  # Bagi rata
    assert said(response) == [ERROR_TEAM_EMPTY % {"team": "Tim Kosong"}]
    assert not Assignment.objects.exists()  # nothing half-done
    response = client.post(
        f"/kompetisi/{assessment.pk}/tugaskan-rata/", {"team": empty.pk, "kelurahan": eka_jaya.pk}
    )
    assert not Assignment.objects.exists()
    refusal = ERROR_TEAM_EMPTY % {"team": "Tim Kosong"}
    assert said(response)[-1] == f"{refusal} ({entries[0].rt}, {entries[2].rt})"
    response = client.post(
        f"/kompetisi/{assessment.pk}/tugaskan/", {"entry": entries[1].pk, "team": empty.pk}
    )
    assert said(response)[-1] == ERROR_TEAM_EMPTY % {"team": "Tim Kosong"}
    client.post(f"/kompetisi/{assessment.pk}/tugaskan/", {"entry": entries[1].pk, "team": full.pk})
    assert Assignment.objects.get().team == full


def test_a_team_with_no_member_for_pintar_is_refused(panitia, assessment, entries):
    team = team_create(competition=assessment, name="Tim BA")
    member(team, "juri.bersih", "B")
    member(team, "juri.aman", "A")
    with pytest.raises(ValidationError) as error:
        entry_assign(entry=entries[1], team=team, by=panitia)
    expected = ERROR_PILLAR_UNCOVERED % {
        "team": "Tim BA",
        "pillar": "Pintar",
        "rt": entries[1].rt,
        "kelurahan": "Beringin",
    }
    assert error.value.messages == [expected]
    member(team, "juri.pintar", "P")
    assert entry_assign(entry=entries[1], team=team, by=panitia).team == team


def test_a_conflict_of_interest_can_leave_a_pillar_uncovered(
    panitia, assessment, entries, eka_jaya
):
    team = team_create(competition=assessment, name="Tim Lokal")
    member(team, "juri.semua", "B", "A")
    member(team, "juri.lokal", "P", home=eka_jaya)  # the only Pintar juror lives in Eka Jaya
    with pytest.raises(ValidationError) as error:
        entry_assign(entry=entries[0], team=team, by=panitia)  # an Eka Jaya RT
    assert "pilar Pintar" in error.value.messages[0] and "Eka Jaya" in error.value.messages[0]
    assert entry_assign(entry=entries[1], team=team, by=panitia).team == team  # Beringin: fine


def test_bagi_rata_gives_each_rt_to_a_team_that_covers_it(panitia, assessment, entries, eka_jaya):
    local = team_create(competition=assessment, name="Tim A")
    member(local, "juri.lokal", home=eka_jaya)
    other = team_create(competition=assessment, name="Tim B")
    member(other, "juri.luar")
    made = entries_assign_balanced(competition=assessment, entries=entries, by=panitia)
    teams = {a.entry_id: a.team.name for a in made}
    assert teams[entries[0].pk] == teams[entries[2].pk] == "Tim B"  # Eka Jaya: not Tim A
    assert teams[entries[1].pk] == "Tim A"  # the balance puts Beringin with the idle team


def test_bagi_rata_refuses_an_rt_no_team_covers_and_saves_nothing(
    panitia, assessment, entries, eka_jaya
):
    team = team_create(competition=assessment, name="Tim A")
    member(team, "juri.lokal", home=eka_jaya)
    with pytest.raises(ValidationError) as error:
        entries_assign_balanced(competition=assessment, entries=entries, by=panitia)
    message = error.value.messages[0]
    assert message.startswith(str(ERROR_NO_TEAM_COVERS).split("%")[0]) and "Tim A" in message
    assert not Assignment.objects.exists()


def test_the_team_drop_downs_name_each_team_and_its_rt(client, panitia, assessment, entries):
    for name in ("Tim Pagi", "Tim Siang"):
        member(team_create(competition=assessment, name=name), f"juri.{name[-4:].lower()}")
    client.force_login(panitia)
    page = client.get(f"/kompetisi/{assessment.pk}/tim/").content.decode()
    assert f'aria-label="Tim juri untuk {entries[0].rt}"' in page
    assert ">Tim Pagi</option>" in page and ">Tim Siang</option>" in page
    response = client.post(f"/kompetisi/{assessment.pk}/tugaskan/", {"entry": entries[0].pk})
    assert said(response)[0].startswith("Tim juri: ")  # a refusal names its field
