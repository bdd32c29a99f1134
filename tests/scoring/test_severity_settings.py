"""The severity settings page at city scale (issues 12, 19): calibration RTs are added and
removed one at a time from a paged search; threshold and normalisation keep their own form.

The world is test_severity's: four teams with one RT each (Beringin RT 1-4) and two
calibration RTs assigned to team 1 (Eka Jaya RT 21, 22), in the field assessment.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from competitions.models import RT, Competition, CompetitionStatus, Entry, Kecamatan, Kelurahan
from competitions.stages import ERROR_CALIBRATION_STAGE
from scoring.services import entry_assign
from scoring.severity_forms import ERROR_CALIBRATION_CHOICE
from scoring.severity_services import (
    ERROR_CALIBRATION_NOT_ASSIGNED,
    ERROR_CALIBRATION_UNKNOWN,
    entry_calibration_mark,
)
from tests.conftest import count_queries
from tests.factories import EntryFactory
from tests.scoring.test_severity import World, world

pytestmark = pytest.mark.django_db
__all__ = ["world"]  # the fixture, used below


def url(world: World, query: str = "") -> str:
    return f"/kompetisi/{world.competition.pk}/pleno/keseragaman/atur/" + (
        f"?{query}" if query else ""
    )


def calibration_ids() -> set[int]:
    return set(Entry.objects.filter(is_calibration=True).values_list("pk", flat=True))


def shown(html: str, entry: Entry) -> bool:
    return f'data-entry="{entry.pk}"' in html


@pytest.fixture
def panitia_client(client, panitia):
    client.force_login(panitia)
    return client


def test_the_page_lists_the_chosen_rts_and_a_search(world, panitia_client):
    html = panitia_client.get(url(world)).content.decode()
    chosen = html.split('data-testid="calibration-chosen"')[1].split("</ul>")[0]
    assert all(shown(chosen, entry) for entry in world.calibration)
    assert not any(shown(chosen, entry) for entry in world.own)
    candidates = html.split('data-testid="calibration-candidates"')[1].split("</ul>")[0]
    assert all(shown(candidates, entry) for entry in world.own + world.calibration)
    assert 'name="calibration" value="tambah"' in candidates
    assert 'data-testid="calibration-count">2<' in html
    assert 'type="checkbox"' not in chosen + candidates  # no list of 1,650 check boxes


def test_adding_one_rt_from_a_filtered_search_keeps_the_others_and_the_search(
    world, panitia_client
):
    added = world.own[2]
    query = f"kelurahan={added.rt.kelurahan_id}&q=RT+3"
    page = panitia_client.get(url(world, query)).content.decode()
    candidates = page.split('data-testid="calibration-candidates"')[1].split("</ul>")[0]
    assert shown(candidates, added) and not shown(candidates, world.own[0])
    assert not shown(candidates, world.calibration[0])  # another kelurahan: filtered out
    answer = panitia_client.post(url(world, query), {"entry": added.pk, "calibration": "tambah"})
    assert answer.status_code == 302 and answer["Location"] == url(world, query)
    assert calibration_ids() == {e.pk for e in world.calibration} | {added.pk}
    after = panitia_client.get(answer["Location"]).content.decode()
    assert f"{added.rt} menjadi RT kalibrasi." in after
    assert 'data-testid="calibration-count">3<' in after
    record = Entry.history.filter(id=added.pk).first()
    assert record.history_change_reason == "RT kalibrasi"


def test_removing_one_rt_keeps_the_others(world, panitia_client):
    gone, kept = world.calibration
    answer = panitia_client.post(
        url(world, "halaman=1"), {"entry": gone.pk, "calibration": "hapus"}
    )
    assert answer.status_code == 302
    assert calibration_ids() == {kept.pk}
    assert f"{gone.rt} bukan RT kalibrasi lagi." in panitia_client.get(url(world)).content.decode()


def test_an_entry_of_another_competition_is_refused_in_indonesian(world, panitia_client, beringin):
    other = Competition.objects.exclude(pk=world.competition.pk).first()
    assert other is not None  # the 2020 competition of the master data
    stranger = EntryFactory(
        competition=other, rt=RT.objects.create(kelurahan=beringin, number=77), status="verified"
    )
    answer = panitia_client.post(url(world), {"entry": stranger.pk, "calibration": "tambah"})
    html = panitia_client.get(answer["Location"]).content.decode()
    assert str(ERROR_CALIBRATION_UNKNOWN) in html
    assert calibration_ids() == {e.pk for e in world.calibration}
    assert not Entry.objects.get(pk=stranger.pk).is_calibration


@pytest.mark.parametrize(
    "data",
    [{"entry": "abc", "calibration": "tambah"}, {"entry": "5"}, {"calibration": "x", "entry": 1}],
)
def test_a_forged_choice_is_refused_in_indonesian(world, panitia_client, data):
    answer = panitia_client.post(url(world), data)
    assert answer.status_code == 302
    assert str(ERROR_CALIBRATION_CHOICE) in panitia_client.get(url(world)).content.decode()
    assert calibration_ids() == {e.pk for e in world.calibration}


def test_an_unassigned_rt_is_refused(world, panitia_client, beringin):
    spare = EntryFactory(
        competition=world.competition,
        rt=RT.objects.create(kelurahan=beringin, number=40),
        kk_count=70,
        status="verified",
    )
    answer = panitia_client.post(url(world), {"entry": spare.pk, "calibration": "tambah"})
    html = panitia_client.get(answer["Location"]).content.decode()
    assert str(ERROR_CALIBRATION_NOT_ASSIGNED % {"rts": str(spare.rt)}) in html
    assert not shown(html.split('data-testid="calibration-candidates"')[1], spare)  # not offered
    assert calibration_ids() == {e.pk for e in world.calibration}


@pytest.mark.parametrize("stage", [CompetitionStatus.REGISTRATION, CompetitionStatus.FINAL])
def test_outside_the_calibration_stages_a_choice_is_refused(world, panitia_client, stage):
    Competition.objects.filter(pk=world.competition.pk).update(status=stage)
    world.competition.refresh_from_db()
    answer = panitia_client.post(url(world), {"entry": world.own[0].pk, "calibration": "tambah"})
    html = panitia_client.get(answer["Location"]).content.decode()
    assert str(ERROR_CALIBRATION_STAGE % {"status": world.competition.get_status_display()}) in html
    assert calibration_ids() == {e.pk for e in world.calibration}
    assert 'data-testid="calibration-closed"' in html
    assert 'value="tambah"' not in html  # no button that could only be refused


def test_marking_an_rt_twice_records_one_change(world, panitia):
    before = Entry.history.filter(id=world.own[0].pk).count()
    for _ in range(2):
        entry_calibration_mark(
            competition=world.competition, entry_id=world.own[0].pk, calibration=True, by=panitia
        )
    assert Entry.history.filter(id=world.own[0].pk).count() == before + 1


def test_a_kelurahan_of_another_kecamatan_shows_nothing_and_says_so(world, panitia_client):
    eka_jaya = world.calibration[0].rt.kelurahan
    elsewhere = Kecamatan.objects.exclude(pk=eka_jaya.kecamatan_id).first()
    html = panitia_client.get(
        url(world, f"kecamatan={elsewhere.pk}&kelurahan={eka_jaya.pk}")
    ).content.decode()
    assert 'data-testid="filter-invalid"' in html
    candidates = html.split('data-testid="calibration-candidates"')[1].split("</ul>")[0]
    assert not any(shown(candidates, entry) for entry in world.own + world.calibration)
    chosen = html.split('data-testid="calibration-chosen"')[1].split("</ul>")[0]
    assert all(shown(chosen, entry) for entry in world.calibration)  # the choice stays


def test_the_settings_form_no_longer_touches_the_calibration_rts(world, panitia_client):
    answer = panitia_client.post(url(world), {"threshold": "0,9"})
    assert answer.status_code == 302
    world.competition.refresh_from_db()
    assert world.competition.severity_threshold == Decimal("0.9")
    assert not world.competition.normalise_levels
    assert calibration_ids() == {e.pk for e in world.calibration}


def test_the_page_reads_the_same_queries_for_many_rts(world, panitia_client, panitia, settings):
    settings.BANTAR_PAGE_SIZE = 5
    few = count_queries(panitia_client, url(world))
    team = world.teams[1]
    for kelurahan in Kelurahan.objects.order_by("code")[:12]:
        for number in (50, 51):
            entry = EntryFactory(
                competition=world.competition,
                rt=RT.objects.create(kelurahan=kelurahan, number=number),
                kk_count=70,
                status="verified",
            )
            entry_assign(entry=entry, team=team, by=panitia, notify=False)
            if number == 50:
                entry_calibration_mark(
                    competition=world.competition, entry_id=entry.pk, calibration=True, by=panitia
                )
    assert count_queries(panitia_client, url(world)) == few
    assert count_queries(panitia_client, url(world, "halaman=3&category=sedang")) <= few + 1
