"""The coaching page's lists counted and paged in SQL (issue 19): the same as a plain Python
computation over the results, on a random season; the kept indicator sums shared between
processes (coaching.KeptSums)."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
from django.core.cache import caches
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coaching.models import KeptSums
from coaching.selectors import coaching_figures, coaching_page, published_editions
from competitions.models import RT, Kelurahan
from competitions.services import competition_create
from scoring.models import Result
from scoring.result_services import competition_finalise, competition_publish
from tests.coaching.city import build_city
from tests.conftest import count_queries
from tests.scoring.seasons import Plan, build_season

pytestmark = pytest.mark.django_db

KELURAHAN = ("Eka Jaya", "Beringin", "Simpang IV Sipin")


@pytest.fixture
def city(panitia):
    return build_city(panitia)


def random_editions(panitia, seed: int) -> None:
    """Two more published editions of random RTs and levels (some RTs in both, some new)."""
    rng = random.Random(seed)
    for year in (2025, 2026):
        plans = []
        for number in rng.sample(range(20, 44), 14):
            levels = tuple(rng.choice((2, 3, 4, 5)) for _ in range(3))
            kelurahan = KELURAHAN[number % 3]
            plans.append(
                Plan(f"R{number}", kelurahan, number, rng.choice((40, 80, 130)), levels, levels)
            )
        competition = competition_create(year=year)
        build_season(competition, plans=plans)
        competition_finalise(competition=competition, by=panitia)
        competition_publish(competition=competition, by=panitia)


def page_queries(client) -> list[str]:
    """The SQL of one page view (the test client's request resets the connection's log at
    its start: a capture begun on a long log would see nothing)."""
    reset_queries()
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("coaching")).status_code == 200
    assert context.captured_queries
    return [query["sql"] for query in context.captured_queries]


def plain(user) -> dict[str, list]:
    """The lists worked out the plain way: every result of the area's RTs, in Python."""
    editions = published_editions()
    order = {edition.result_set: index for index, edition in enumerate(editions)}
    rts = list(RT.objects.for_user(user).select_related("kelurahan"))
    shows = defaultdict(list)
    results = Result.objects.filter(result_set__in=order.keys()).select_related("entry")
    for result in results:
        shows[result.entry.rt_id].append(
            (order[result.result_set_id], result.final, result.is_winner)
        )
    for rows in shows.values():
        rows.sort()
    never = [rt.pk for rt in rts if not shows[rt.pk]]
    not_won = [rt.pk for rt in rts if shows[rt.pk] and not any(w for _, _, w in shows[rt.pk])]
    won_not_back = []
    for rt in rts:
        wins = [i for i, _, w in shows[rt.pk] if w]
        if wins and max(i for i, _, _ in shows[rt.pk]) == wins[-1] < len(editions) - 1:
            won_not_back.append(rt.pk)
    drops = []
    for rt in rts:
        for (i, before, _), (j, after, _) in zip(shows[rt.pk], shows[rt.pk][1:], strict=False):
            if after < before:
                drops.append((after - before, str(rt), rt.pk, i, before, j, after))
    drops.sort(key=lambda drop: (drop[0], drop[1]))
    return {
        "never": never,
        "not_won": not_won,
        "won_not_back": won_not_back,
        "drops": [drop[2:] for drop in drops],
    }


def listed(figures) -> dict[str, list]:
    index = {edition.pk: i for i, edition in enumerate(figures.editions)}
    return {
        "never": [record.rt.pk for record in figures.never],
        "not_won": [record.rt.pk for record in figures.not_won],
        "won_not_back": [record.rt.pk for record in figures.won_not_back],
        "drops": [
            (
                drop.record.rt.pk,
                index[drop.before.edition.pk],
                drop.before.final,
                index[drop.after.edition.pk],
                drop.after.final,
            )
            for drop in figures.drops
        ],
    }


@pytest.mark.parametrize("seed", [7, 2026])
def test_the_lists_in_sql_are_the_plain_computation_s(
    city, panitia, officer_eka_jaya, officer_paal_merah, seed
):
    random_editions(panitia, seed)
    for user in (panitia, officer_eka_jaya, officer_paal_merah):
        expected = plain(user)
        paged = coaching_page(user)
        assert listed(paged) == expected, user
        assert listed(coaching_figures(user)) == expected, user
        # Page by page (LIMIT/OFFSET) gives the same rows as the whole list.
        for name in ("never", "not_won", "won_not_back"):
            rows = getattr(paged, name)
            pages = [
                record.rt.pk
                for start in range(0, len(rows), 3)
                for record in rows[start : start + 3]
            ]
            assert pages == expected[name]
        full = coaching_figures(user)
        assert paged.shares == full.shares and paged.weakest == full.weakest
        assert paged.rt_count == full.rt_count and paged.took_part == full.took_part
        # The showings of the page's RTs, as the printable page shows them.
        shown = {record.rt.pk: record.showings for record in full.not_won}
        assert {record.rt.pk: record.showings for record in paged.not_won} == shown
    assert len(plain(panitia)["drops"]) > 3  # the season has something to order


def test_the_never_summary_is_counted_in_sql(city, panitia, monkeypatch):
    monkeypatch.setattr("coaching.selectors.PAGE_LIST_LIMIT", 1)
    kelurahan = Kelurahan.objects.get(name="Eka Jaya")
    RT.objects.bulk_create(RT(kelurahan=kelurahan, number=100 + n) for n in range(4))
    assert coaching_page(panitia).never_summary == coaching_figures(panitia).never_summary
    assert [(c.kelurahan, c.count) for c in coaching_page(panitia).never_summary] == [
        ("Beringin", 1),
        ("Eka Jaya", 5),
    ]


def test_the_page_reads_one_page_a_list_whatever_the_city(city, client, panitia, settings):
    """At 10x the page reads 50 rows a list, not every result: the SQL says LIMIT, and the
    queries are as many after more editions and RTs."""
    settings.BANTAR_PAGE_SIZE = 2
    client.force_login(panitia)
    before = count_queries(client, reverse("coaching"))
    random_editions(panitia, 11)
    assert count_queries(client, reverse("coaching")) == before
    paged = [sql for sql in page_queries(client) if "LIMIT 2 OFFSET" in sql]
    assert len(paged) == 4  # never, not won, won not back, drops
    response = client.get(reverse("coaching"))
    figures = response.context["figures"]
    assert len(response.context["shown"]["not_won"]) == 2 < len(figures.not_won)


def test_a_second_process_reads_no_explanation(city, client, panitia, officer_eka_jaya):
    """What the first request computed is in the database: another worker process (its own
    memory cache empty) reads it, in as many queries as the first process's next request."""
    for user in (panitia, officer_eka_jaya):
        client.force_login(user)
        first = page_queries(client)  # the first process computes and keeps the sums
        if user == panitia:  # (the officer's parts were kept with the city's)
            assert [sql for sql in first if "explanation" in sql]
        warm = count_queries(client, reverse("coaching"))
        caches["default"].clear()  # another process: nothing of the first one's memory
        assert not [sql for sql in page_queries(client) if "explanation" in sql]
        caches["default"].clear()
        assert count_queries(client, reverse("coaching")) == warm
    assert KeptSums.objects.filter(part=0).count() == 3  # each published set's whole sums


def test_an_rt_moved_to_another_kelurahan_has_its_set_computed_again(
    city, officer_beringin, officer_eka_jaya
):
    coaching_page(officer_eka_jaya)  # the sums kept, E1 in Eka Jaya's part
    rt = city["E1"]
    rt.kelurahan = Kelurahan.objects.get(name="Beringin")
    rt.number = 61
    rt.save()
    with CaptureQueriesContext(connection) as context:
        moved = coaching_page(officer_beringin).weakest
    assert [q for q in context.captured_queries if "explanation" in q["sql"]]
    with CaptureQueriesContext(connection) as context:  # now kept with E1 in Beringin
        assert coaching_page(officer_beringin).weakest == moved
        left = coaching_page(officer_eka_jaya).weakest  # and without it in Eka Jaya
    assert not [q for q in context.captured_queries if "explanation" in q["sql"]]
    KeptSums.objects.all().delete()  # what a computation from nothing kept gives
    assert coaching_page(officer_beringin).weakest == moved
    assert coaching_page(officer_eka_jaya).weakest == left
    # E1's B3 (1, three editions) went with it: Beringin's B3 mean is lower than before.
    b3 = {row.code: row for row in moved}["B3"]
    assert b3.results == 3 + 3 and b3.mean < 3
