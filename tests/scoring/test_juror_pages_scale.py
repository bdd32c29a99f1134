"""Issue 19: a juror's page of one RT does the same work in a bigger city; the list's progress.

The scoring page's RT was looked up through a list of every entry joined to every team's
members (0.05 s at city scale, 0.4 s at 10x): the same queries, each reading the whole city.
So the work is measured in the database itself, not only by counting queries: SQLite's
virtual machine steps (PostgreSQL pushed the RT's id into that list itself).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from bantar.models import Role
from competitions.models import Entry
from scoring.models import Recusal
from scoring.services import entry_assign, team_add_member
from tests.conftest import count_queries, make_user, note_visit
from tests.factories import EntryFactory, RTFactory
from tests.scoring.conftest import post_score

pytestmark = pytest.mark.django_db


@contextmanager
def vm_steps() -> Iterator[Callable[[], int]]:
    """SQLite's virtual machine steps inside the block: call the yielded function after it."""
    connection.ensure_connection()
    steps = [0]

    def step() -> int:
        steps[0] += 1
        return 0  # go on

    raw = connection.connection
    raw.set_progress_handler(step, 1)
    try:
        yield lambda: steps[0]
    finally:
        raw.set_progress_handler(None, 1)


def more_rts(assessment, kelurahan, team, panitia, numbers: range) -> None:
    for number in numbers:
        entry = EntryFactory(
            competition=assessment,
            rt=RTFactory(kelurahan=kelurahan, number=number),
            status="verified",
        )
        entry_assign(entry=entry, team=team, by=panitia)


def page_work(client, url: str) -> int:
    assert client.get(url).status_code == 200
    note_visit(client)  # the once-a-minute session write stays out of the measure
    with vm_steps() as steps:
        assert client.get(url).status_code == 200
    return steps()


def ten_times(assessment, eka_jaya, beringin, team1, team2, panitia) -> None:
    """Ten times the RTs, in both teams: the other team's members joined every entry before."""
    more_rts(assessment, eka_jaya, team1, panitia, range(30, 70))
    more_rts(assessment, beringin, team2, panitia, range(30, 70))
    for number in range(3):
        user = make_user(f"juri.tim2.{number}", Role.JURI)
        team_add_member(team=team2, user=user, agency="Bappeda")


def test_the_scoring_page_of_one_rt_takes_the_same_queries_for_ten_times_the_rts(
    client, juror, team1, team2, entry_eka_jaya, assessment, eka_jaya, beringin, panitia
):
    client.force_login(juror)
    url = f"/penilaian/{entry_eka_jaya.pk}/"
    more_rts(assessment, eka_jaya, team1, panitia, range(20, 24))
    queries = count_queries(client, url)
    ten_times(assessment, eka_jaya, beringin, team1, team2, panitia)
    assert count_queries(client, url) == queries
    page = client.get(url).content.decode()
    assert entry_eka_jaya.rt.label in page and 'data-indicator="B1"' in page


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="measured in SQLite's virtual machine steps; PostgreSQL's rows read in a test's "
    "tiny tables follow its planner's guesses (no statistics), not the query's shape",
)
def test_the_scoring_page_of_one_rt_does_the_same_sql_work_for_ten_times_the_rts(
    client, juror, team1, team2, entry_eka_jaya, assessment, eka_jaya, beringin, panitia
):
    client.force_login(juror)
    url = f"/penilaian/{entry_eka_jaya.pk}/"
    more_rts(assessment, eka_jaya, team1, panitia, range(20, 24))
    small = page_work(client, url)
    ten_times(assessment, eka_jaya, beringin, team1, team2, panitia)
    big = page_work(client, url)
    # The B-trees grow a level at most: a few percent, where the walk of the city was 4.6x.
    assert big <= small * 1.1, (small, big)


def test_a_jurors_rt_is_found_and_another_teams_is_not(
    client, juror, juror_polri, juror_team2, team1, team2, entry_eka_jaya, entry_beringin
):
    """The scope the page uses (Entry.for_user) still says which RTs are the juror's."""
    assert list(Entry.objects.for_user(juror)) == [entry_eka_jaya]
    assert list(Entry.objects.for_user(juror_team2)) == [entry_beringin]
    client.force_login(juror)
    assert client.get(f"/penilaian/{entry_beringin.pk}/").status_code == 404
    # Another team's calibration RT is scored by every team (panel rule 1).
    entry_beringin.is_calibration = True
    entry_beringin.save()
    assert set(Entry.objects.for_user(juror)) == {entry_eka_jaya, entry_beringin}
    client.force_login(juror_polri)  # the first juror lives in Beringin: a conflict (403)
    assert client.get(f"/penilaian/{entry_beringin.pk}/").status_code == 200
    # A calibration RT not yet assigned is nobody's yet.
    other = EntryFactory(
        competition=entry_beringin.competition,
        rt=RTFactory(kelurahan=entry_beringin.rt.kelurahan, number=9),
        status="verified",
        is_calibration=True,
    )
    assert other not in set(Entry.objects.for_user(juror))


def test_the_list_and_the_kit_show_this_jurors_own_progress_per_rt(
    client, juror, juror_polri, team1, entry_eka_jaya, assessment, eka_jaya, panitia
):
    second = EntryFactory(
        competition=assessment, rt=RTFactory(kelurahan=eka_jaya, number=12), status="verified"
    )
    entry_assign(entry=second, team=team1, by=panitia)
    third = EntryFactory(
        competition=assessment, rt=RTFactory(kelurahan=eka_jaya, number=13), status="verified"
    )
    entry_assign(entry=third, team=team1, by=panitia)
    Recusal.objects.create(entry=third, juror=juror, reason="Kerabat ketua RT", recorded_by=panitia)
    client.force_login(juror_polri)  # another juror's levels count for him only
    for code in ("A1", "A2", "A3", "A4"):
        assert post_score(client, second, code, 3).status_code == 200
    client.force_login(juror)
    for code in ("B1", "B2"):
        assert post_score(client, second, code, 4).status_code == 200
    page = " ".join(client.get("/penilaian/").content.decode().split())
    total = entry_eka_jaya.competition.instrument.indicators.count()
    first_at = page.index(f'data-entry="{entry_eka_jaya.pk}"')
    second_at = page.index(f'data-entry="{second.pk}"')
    third_at = page.index(f'data-entry="{third.pk}"')
    assert f"0/{total} dinilai" in page[first_at:second_at]
    assert f"2/{total} dinilai" in page[second_at:third_at]
    assert "Tidak Anda nilai: Kerabat ketua RT" in page[third_at:]
    kit = client.get("/penilaian/kit/").json()
    assert [row["id"] for row in kit["entries"]] == [entry_eka_jaya.pk, second.pk]
    assert kit["entries"][0]["url"] == f"/penilaian/{entry_eka_jaya.pk}/"
    before = kit["entries"][1]["updated"]
    assert post_score(client, second, "B3", 2).status_code == 200
    after = client.get("/penilaian/kit/").json()["entries"][1]
    assert after["updated"] > before and after["status"] == "draft"
