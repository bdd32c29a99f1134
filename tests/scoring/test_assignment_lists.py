"""Issue 19: the teams-and-assignments page filters and pages, and assigns a filtered set."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from competitions.models import CompetitionStatus, Kelurahan
from competitions.stages import ERROR_ASSIGN_STAGE
from scoring.models import Assignment
from scoring.services import entry_assign, team_add_member, team_create
from tests.conftest import count_queries, make_user
from tests.factories import EntryFactory, RTFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(assessment, panitia):
    made = []
    for name in ("Tim A", "Tim B"):
        team = team_create(competition=assessment, name=name)
        team_add_member(team=team, user=make_user(f"juri.{name[-1].lower()}", "juri"), agency="DLH")
        made.append(team)
    return made


@pytest.fixture
def verified(assessment, eka_jaya, beringin):
    """Three verified RTs in Eka Jaya (Paal Merah), two in Beringin (Pasar Jambi), one draft."""
    made = {}
    for kelurahan, numbers in ((eka_jaya, (1, 2, 3)), (beringin, (4, 5))):
        for number in numbers:
            made[number] = EntryFactory(
                competition=assessment,
                rt=RTFactory(kelurahan=kelurahan, number=number),
                status="verified",
                kk_count=40 if number == 3 else 75,
            )
    made["draft"] = EntryFactory(
        competition=assessment, rt=RTFactory(kelurahan=eka_jaya, number=9), status="draft"
    )
    return made


def rows(page: str) -> set[int]:
    found, marker = set(), '<tr data-entry="'
    start = page.find(marker)
    while start != -1:
        start += len(marker)
        found.add(int(page[start : page.index('"', start)]))
        start = page.find(marker, start)
    return found


def pks(verified, *keys) -> set[int]:
    return {verified[key].pk for key in keys}


def test_the_filters_narrow_the_rows(client, panitia, assessment, teams, verified, eka_jaya):
    entry_assign(entry=verified[1], team=teams[0], by=panitia)
    client.force_login(panitia)
    url = f"/kompetisi/{assessment.pk}/tim/"

    def shown(query: str) -> set[int]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        return rows(response.content.decode())

    assert shown("") == pks(verified, 1, 2, 3, 4, 5)  # never the draft
    assert shown(f"kelurahan={eka_jaya.pk}") == pks(verified, 1, 2, 3)
    assert shown(f"kecamatan={verified[4].rt.kelurahan.kecamatan_id}") == pks(verified, 4, 5)
    assert shown("tim=belum") == pks(verified, 2, 3, 4, 5)
    assert shown(f"tim={teams[0].pk}") == pks(verified, 1)
    assert shown("category=kecil") == pks(verified, 3)
    assert shown("q=RT+4") == pks(verified, 4)
    assert shown("q=Beringin") == pks(verified, 4, 5)
    assert shown("kelurahan=999999") == set()  # a forged choice shows nothing


def test_pages_and_totals(client, panitia, assessment, teams, verified, settings):
    settings.BANTAR_PAGE_SIZE = 2
    client.force_login(panitia)
    page = client.get(f"/kompetisi/{assessment.pk}/tim/?tim=belum").content.decode()
    assert "1–2 dari 5" in page
    assert "5 RT terverifikasi, 5 belum ditugaskan" in page
    assert "5 RT yang sesuai saringan ditugaskan ke" in page
    assert len(rows(page)) == 2


def test_a_filtered_set_goes_to_one_team_on_every_page(
    client, panitia, assessment, teams, verified, eka_jaya, settings
):
    settings.BANTAR_PAGE_SIZE = 1  # the set is every matching RT, not the page shown
    client.force_login(panitia)
    response = client.post(
        f"/kompetisi/{assessment.pk}/tugaskan-rata/",
        {"kelurahan": eka_jaya.pk, "team": teams[1].pk, "next": f"kelurahan={eka_jaya.pk}"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/kompetisi/{assessment.pk}/tim/?kelurahan={eka_jaya.pk}"
    assigned = dict(Assignment.objects.values_list("entry_id", "team_id"))
    assert assigned == {pk: teams[1].pk for pk in pks(verified, 1, 2, 3)}
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert "3 RT ditugaskan ke Tim B." in said


def test_without_a_team_the_filtered_set_is_shared_out(
    client, panitia, assessment, teams, verified, beringin
):
    client.force_login(panitia)
    client.post(f"/kompetisi/{assessment.pk}/tugaskan-rata/", {"kelurahan": beringin.pk})
    assigned = dict(Assignment.objects.values_list("entry_id", "team_id"))
    assert set(assigned) == pks(verified, 4, 5)
    assert sorted(assigned.values()) == sorted(team.pk for team in teams)


def test_a_refusal_is_named_once_with_its_rts(
    client, panitia, assessment, teams, verified, eka_jaya
):
    assessment.status = CompetitionStatus.REGISTRATION  # assignments wait for verification
    assessment.save()
    client.force_login(panitia)
    response = client.post(
        f"/kompetisi/{assessment.pk}/tugaskan-rata/",
        {"kelurahan": eka_jaya.pk, "team": teams[0].pk},
    )
    assert not Assignment.objects.exists()
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(said) == 1
    assert said[0].startswith(str(ERROR_ASSIGN_STAGE))
    for key in (1, 2, 3):
        assert str(verified[key].rt) in said[0]


def test_a_forged_filter_assigns_nothing(client, panitia, assessment, teams, verified):
    client.force_login(panitia)
    client.post(
        f"/kompetisi/{assessment.pk}/tugaskan-rata/", {"kelurahan": "999999", "team": teams[0].pk}
    )
    assert not Assignment.objects.exists()


def test_queries_do_not_grow_with_the_entries(client, panitia, assessment, teams, eka_jaya):
    client.force_login(panitia)
    other = Kelurahan.objects.exclude(pk=eka_jaya.pk).first()

    def grow(count: int) -> None:
        for _ in range(count):
            entry = EntryFactory(
                competition=assessment, rt=RTFactory(kelurahan=other), status="verified"
            )
            Assignment.objects.create(entry=entry, team=teams[0])

    url = f"/kompetisi/{assessment.pk}/tim/"
    grow(10)
    with_ten = count_queries(client, url)
    grow(90)
    assert count_queries(client, url) == with_ten
    assert count_queries(client, f"{url}?tim={teams[0].pk}&q=kampung") == count_queries(
        client, f"{url}?tim={teams[0].pk}&q=kampung&halaman=2"
    )
