"""The coaching page's lists (issue 19): kept at publication and read as ranges of an index,
or counted and paged in SQL, the same as a plain Python computation over the results, on a
random season; the page only reads (coaching.kept writes, after a publication's commit)."""

from __future__ import annotations

import io
import random
import re
from collections import defaultdict
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coaching.kept import coaching_keep
from coaching.models import KeptShowing, KeptSums, KeptView
from coaching.selectors import coaching_figures, coaching_page, kept_view, published_editions
from competitions.models import RT, Competition, CompetitionStatus, Kelurahan
from competitions.services import competition_create
from scoring.models import Result
from scoring.result_services import competition_finalise, competition_reopen_results
from tests.coaching.city import build_city, publish
from tests.conftest import count_queries, note_visit
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
        publish(competition, panitia)


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


def forget(what: str, panitia) -> None:
    """What the page reads from: the view kept at publication ("view"); the lists counted in
    SQL over the kept results, as after the RT master data changed ("sql"); or nothing kept,
    as for a set published before publication kept it ("results")."""
    if what == "view":
        assert kept_view(panitia, published_editions()) is not None
    if what in ("sql", "results"):
        KeptView.objects.all().delete()
    if what == "results":
        KeptSums.objects.all().delete()
        KeptShowing.objects.all().delete()


@pytest.mark.parametrize("seed", [7, 2026])
@pytest.mark.parametrize("kept", ["view", "sql", "results"])
def test_the_lists_on_the_page_are_the_plain_computation_s(
    city, panitia, officer_eka_jaya, officer_paal_merah, seed, kept
):
    random_editions(panitia, seed)
    forget(kept, panitia)
    for user in (panitia, officer_eka_jaya, officer_paal_merah):
        expected = plain(user)
        paged = coaching_page(user)
        assert listed(paged) == expected, user
        assert listed(coaching_figures(user)) == expected, user
        # Page by page (LIMIT/OFFSET) gives the same rows as the whole list.
        for name in ("never", "not_won", "won_not_back", "drops"):
            rows = getattr(paged, name)
            pages = [row for start in range(0, len(rows), 3) for row in rows[start : start + 3]]
            assert listed(replace(paged, **{name: pages}))[name] == expected[name]
        full = coaching_figures(user)
        assert paged.shares == full.shares and paged.weakest == full.weakest
        assert paged.rt_count == full.rt_count and paged.took_part == full.took_part
        # The showings of the page's RTs, as the printable page shows them.
        shown = {record.rt.pk: record.showings for record in full.not_won}
        assert {record.rt.pk: record.showings for record in paged.not_won} == shown
    assert len(plain(panitia)["drops"]) > 3  # the season has something to order


@pytest.mark.parametrize("keep_again", [False, True])
def test_the_never_summary_is_counted_per_kelurahan(
    city, panitia, officer_beringin, officer_eka_jaya, monkeypatch, keep_again
):
    monkeypatch.setattr("coaching.selectors.PAGE_LIST_LIMIT", 1)
    kelurahan = Kelurahan.objects.get(name="Eka Jaya")
    RT.objects.bulk_create(RT(kelurahan=kelurahan, number=100 + n) for n in range(4))
    if keep_again:  # without: the new RTs are not in the kept view, never read from it
        coaching_keep()
    for user in (panitia, officer_eka_jaya):  # the city's and Eka Jaya's areas changed
        assert (kept_view(user, published_editions()) is not None) == keep_again
    assert kept_view(officer_beringin, published_editions()) is not None  # Beringin did not
    assert listed(coaching_page(officer_beringin)) == plain(officer_beringin)
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
    paged = [sql for sql in page_queries(client) if re.search(r"LIMIT 2\b", sql)]
    assert len(paged) == 4  # never, not won, won not back, drops
    response = client.get(reverse("coaching"))
    figures = response.context["figures"]
    assert len(response.context["shown"]["not_won"]) == 2 < len(figures.not_won)


def written(queries: list[str]) -> list[str]:
    """The queries that write, wherever their INSERT stands (after a WITH too)."""
    return [sql for sql in queries if re.search(r"\b(INSERT|UPDATE|DELETE|REPLACE)\b", sql)]


def test_the_page_after_a_publication_reads_what_was_kept_and_writes_nothing(
    city, client, panitia, officer_eka_jaya, officer_paal_merah
):
    """Issue 19: the publication keeps the page's figures (after its commit, coaching.kept);
    the first page after it, and every one after, only reads them: no result, no explanation,
    no counting over the results, no write of any kind."""
    random_editions(panitia, 5)  # published as the panitia does: the figures kept then
    newest = published_editions()[-1].result_set
    assert KeptSums.objects.filter(result_set_id=newest, part=0).exists()
    for user in (panitia, officer_eka_jaya, officer_paal_merah):
        client.force_login(user)
        for params in ({}, {"halaman_ikut": 2, "halaman_turun": 2}):
            with CaptureQueriesContext(connection) as context:
                response = client.get(reverse("coaching"), params)
            assert response.status_code == 200
            queries = [query["sql"] for query in context.captured_queries]
            # The first request after logging in notes the session's start: its only write.
            writes = written(queries)
            assert writes == [sql for sql in writes if '"django_session"' in sql], writes
            note_visit(client)
            assert not [sql for sql in queries if '"scoring_result"' in sql or "LAG(" in sql]
            for table in ("keptcount", "keptstanding", "keptdrop", "keptsums"):
                assert [sql for sql in queries if f"coaching_{table}" in sql], table
        # The numbers on the page are the plain computation's, in the user's area only.
        expected = plain(user)
        html = client.get(reverse("coaching")).content.decode()
        counted = (("never", "never"), ("not_won", "not-won"), ("won_not_back", "won-not-back"))
        for name, testid in counted:
            assert f'data-testid="count-{testid}">{len(expected[name])}<' in html
        rts = RT.objects.for_user(user).count()
        assert f'data-testid="count-rts">{rts}<' in html
        shown = {int(pk) for pk in re.findall(r'data-rt="(\d+)"', html)}
        assert shown and shown <= set(RT.objects.for_user(user).values_list("pk", flat=True))


def test_the_printable_page_and_the_xlsx_read_without_writing(city, client, officer_eka_jaya):
    client.force_login(officer_eka_jaya)
    for url, params in ((reverse("coaching"), {"cetak": 1}), (reverse("coaching-export"), {})):
        with CaptureQueriesContext(connection) as context:
            assert client.get(url, params).status_code == 200
        queries = [query["sql"] for query in context.captured_queries]
        writes = written(queries)
        assert writes == [sql for sql in writes if '"django_session"' in sql], writes
        assert not [sql for sql in queries if "explanation" in sql]  # the kept sums


def test_an_rt_moved_to_another_kelurahan_is_never_read_from_what_was_kept_before(
    city, officer_beringin, officer_eka_jaya, panitia
):
    rt = city["E1"]
    rt.kelurahan = Kelurahan.objects.get(name="Beringin")
    rt.number = 61
    rt.save()
    assert kept_view(panitia, published_editions()) is None  # kept over the master data before
    with CaptureQueriesContext(connection) as context:
        moved = coaching_page(officer_beringin)
        left = coaching_page(officer_eka_jaya)
    queries = [query["sql"] for query in context.captured_queries]
    assert [sql for sql in queries if "explanation" in sql]  # summed again, for the page only
    assert not written(queries)
    for user, figures in ((officer_beringin, moved), (officer_eka_jaya, left)):
        assert listed(figures) == plain(user)
    # E1's B3 (1, three editions) went with it: Beringin's B3 mean is lower than before.
    b3 = {row.code: row for row in moved.weakest}["B3"]
    assert b3.results == 3 + 3 and b3.mean < 3
    coaching_keep()  # `manage.py coaching_keep`, or the next publication
    with CaptureQueriesContext(connection) as context:
        assert coaching_page(officer_beringin).weakest == moved.weakest
        assert coaching_page(officer_eka_jaya).weakest == left.weakest
        assert listed(coaching_page(officer_beringin)) == listed(moved)
    assert not [q for q in context.captured_queries if "explanation" in q["sql"]]
    KeptSums.objects.all().delete()  # what a computation from nothing kept gives
    assert coaching_page(officer_beringin).weakest == moved.weakest
    assert coaching_page(officer_eka_jaya).weakest == left.weakest


def test_reopening_results_keeps_the_view_of_the_editions_still_published(
    city, panitia, officer_eka_jaya
):
    newest = Competition.objects.get(year=2023)
    with TestCase.captureOnCommitCallbacks(execute=True):
        competition_reopen_results(competition=newest, by=panitia, reason="Salah ketik nilai")
    editions = published_editions()
    assert [edition.year for edition in editions] == [2021, 2022]
    assert kept_view(panitia, editions) is not None and KeptView.objects.count() == 1
    for user in (panitia, officer_eka_jaya):
        assert listed(coaching_page(user)) == plain(user)
        assert coaching_page(user).weakest == coaching_figures(user).weakest


def test_the_command_keeps_the_figures_again(city, panitia):
    RT.objects.create(kelurahan=Kelurahan.objects.get(name="Beringin"), number=77)
    assert kept_view(panitia, published_editions()) is None
    out = io.StringIO()
    call_command("coaching_keep", stdout=out)
    assert "Angka halaman pembinaan disimpan." in out.getvalue()
    assert kept_view(panitia, published_editions()) is not None
    assert listed(coaching_page(panitia)) == plain(panitia)


def test_a_failure_to_keep_leaves_the_publication_and_the_page_right(
    city, panitia, officer_eka_jaya, monkeypatch, caplog
):
    """Keeping runs after the publication's commit (robust): when it fails, the results stay
    published and the page reads them from the results instead, still right."""

    def broken() -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("coaching.kept.coaching_keep", broken)
    competition = competition_create(year=2027)
    plans = [Plan("F1", "Eka Jaya", 41, 80, (5, 5, 5), (5, 5, 5))]
    build_season(competition, plans=plans)
    competition_finalise(competition=competition, by=panitia)
    publish(competition, panitia)
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.PUBLISHED
    assert "disk full" in caplog.text
    editions = published_editions()
    assert editions[-1].year == 2027 and kept_view(panitia, editions) is None
    for user in (panitia, officer_eka_jaya):
        assert listed(coaching_page(user)) == plain(user)
        assert coaching_page(user).weakest == coaching_figures(user).weakest
