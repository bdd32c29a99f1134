"""The panitia forms teams and assigns verified entries, balanced and conflict-aware."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from competitions.models import CompetitionStatus
from competitions.stages import ERROR_ASSIGN_STAGE
from scoring.models import Assignment, JuryMember, JuryTeam
from scoring.services import (
    ERROR_ALREADY_IN_TEAM,
    ERROR_ENTRY_NOT_VERIFIED,
    ERROR_NOT_A_JUROR,
    entries_assign_balanced,
    entry_assign,
    team_add_member,
    team_create,
)
from tests.conftest import make_user
from tests.factories import EntryFactory, RTFactory

pytestmark = pytest.mark.django_db


def staffed(team: JuryTeam) -> JuryTeam:
    """A team with one juror scoring every pillar: assignable anywhere (cover check)."""
    team_add_member(team=team, user=make_user(f"juri.{team.pk}", "juri"), agency="DLH")
    return team


@pytest.fixture
def as_panitia(client, panitia):
    client.force_login(panitia)
    return client


def test_the_panitia_forms_a_team_with_members_and_a_leader(
    as_panitia, assessment, juror, juror_polri, eka_jaya
):
    base = f"/kompetisi/{assessment.pk}/tim/"
    as_panitia.post(base + "baru/", {"name": "Tim 1"})
    team = JuryTeam.objects.get()
    as_panitia.post(
        f"{base}{team.pk}/anggota/",
        {"user": juror.pk, "agency": "DLH", "home_kelurahan": eka_jaya.pk},
    )
    as_panitia.post(
        f"{base}{team.pk}/anggota/", {"user": juror_polri.pk, "agency": "Polri", "pillars": [2]}
    )
    as_panitia.post(f"{base}{team.pk}/ketua/", {"user": juror_polri.pk})
    team.refresh_from_db()
    assert team.leader == juror_polri
    members = {
        m.user.username: (m.agency, [p.code for p in m.pillars.all()])
        for m in JuryMember.objects.all()
    }
    assert members == {"juri1": ("DLH", []), "juri.polri": ("Polri", ["A"])}
    page = as_panitia.get(base).content.decode()
    assert "tinggal di Eka Jaya" in page and "menilai Aman" in page


def test_only_juror_accounts_join_a_team_and_only_once_per_competition(
    assessment, juror, officer_eka_jaya
):
    team = team_create(competition=assessment, name="Tim 1")
    other = team_create(competition=assessment, name="Tim 2")
    with pytest.raises(ValidationError) as error:
        team_add_member(team=team, user=officer_eka_jaya, agency="Kelurahan")
    assert error.value.messages == [ERROR_NOT_A_JUROR % {"user": officer_eka_jaya.get_full_name()}]
    team_add_member(team=team, user=juror, agency="DLH")
    with pytest.raises(ValidationError) as error:
        team_add_member(team=other, user=juror, agency="DLH")
    assert error.value.messages == [
        ERROR_ALREADY_IN_TEAM % {"user": juror.get_full_name(), "team": "Tim 1"}
    ]


def test_bulk_assignment_is_balanced_across_teams(as_panitia, assessment, paal_merah, panitia):
    for name in ("Tim A", "Tim B", "Tim C"):
        staffed(team_create(competition=assessment, name=name))
    kelurahan = list(paal_merah.kelurahan.all())
    for index in range(10):
        EntryFactory(
            competition=assessment,
            rt=RTFactory(kelurahan=kelurahan[index % len(kelurahan)]),
            status="verified",
        )
    EntryFactory(competition=assessment, rt=RTFactory(kelurahan=kelurahan[0]), status="proposed")
    as_panitia.post(f"/kompetisi/{assessment.pk}/tugaskan-rata/", {"kecamatan": paal_merah.pk})
    loads = sorted(Assignment.objects.values_list("team__name", flat=True))
    assert sorted(loads.count(name) for name in ("Tim A", "Tim B", "Tim C")) == [3, 3, 4]
    assert Assignment.objects.count() == 10  # the unverified proposal stays out


def test_bulk_assignment_leaves_assigned_entries_where_they_are(assessment, panitia, eka_jaya):
    first = staffed(team_create(competition=assessment, name="Tim A"))
    staffed(team_create(competition=assessment, name="Tim B"))
    entries = [
        EntryFactory(competition=assessment, rt=RTFactory(kelurahan=eka_jaya), status="verified")
        for _ in range(3)
    ]
    entry_assign(entry=entries[0], team=first, by=panitia)
    made = entries_assign_balanced(competition=assessment, entries=entries, by=panitia)
    assert len(made) == 2
    assert {a.team.name for a in made} == {"Tim B"} | (
        {"Tim A"} if len({a.team.name for a in made}) > 1 else set()
    )
    assert Assignment.objects.get(entry=entries[0]).team == first


def test_only_verified_entries_are_assigned(assessment, panitia, eka_jaya):
    team = team_create(competition=assessment, name="Tim 1")
    entry = EntryFactory(
        competition=assessment, rt=RTFactory(kelurahan=eka_jaya), status="returned"
    )
    with pytest.raises(ValidationError) as error:
        entry_assign(entry=entry, team=team, by=panitia)
    assert error.value.messages == [
        ERROR_ENTRY_NOT_VERIFIED % {"rt": str(entry.rt), "status": "Dikembalikan"}
    ]


def test_assignments_wait_for_verification(open_competition, panitia, eka_jaya):
    team = staffed(team_create(competition=open_competition, name="Tim 1"))
    entry = EntryFactory(
        competition=open_competition, rt=RTFactory(kelurahan=eka_jaya), status="verified"
    )
    with pytest.raises(ValidationError) as error:
        entry_assign(entry=entry, team=team, by=panitia)
    assert error.value.messages == [str(ERROR_ASSIGN_STAGE)]
    open_competition.status = CompetitionStatus.VERIFICATION
    open_competition.save()
    assert entry_assign(entry=entry, team=team, by=panitia).team == team


def test_the_assignment_page_shows_a_conflict_of_interest(
    as_panitia, team1, entry_eka_jaya, entry_beringin, assessment
):
    page = as_panitia.get(f"/kompetisi/{assessment.pk}/tim/").content.decode()
    assert "1 belum ditugaskan" in page  # entry_beringin has no team yet: the page must not fail
    row = page[page.index(f'data-entry="{entry_eka_jaya.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Juri.Ekajaya tinggal di Eka Jaya: tidak menilai RT ini" in row


def test_the_panitia_sees_who_scores_an_entry_and_why_not(as_panitia, team1, entry_eka_jaya):
    page = as_panitia.get(f"/peserta/{entry_eka_jaya.pk}/lembar-nilai/").content.decode()
    assert "Konflik kepentingan: tinggal di Eka Jaya" in page


@pytest.mark.parametrize("persona", ["juror", "officer_eka_jaya", "officer_paal_merah", "pejabat"])
def test_only_the_panitia_manages_teams(client, request, persona, assessment):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/kompetisi/{assessment.pk}/tim/").status_code == 403
    assert (
        client.post(f"/kompetisi/{assessment.pk}/tim/baru/", {"name": "Tim X"}).status_code == 403
    )
    assert not JuryTeam.objects.exists()
