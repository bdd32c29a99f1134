"""The public winners page at city scale (issue 19): one page of the frozen winners a request.

The rows come from the published ResultSet in SQL (LIMIT/OFFSET, category then rank), the
filters are in the URL, and the per-category summary counts every winner, not the page's.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bantar.models import Role, User
from competitions.models import Competition, Entry, Kecamatan, Kelurahan
from competitions.services import competition_create
from scoring.models import Result
from scoring.result_services import competition_finalise, competition_publish
from tests.conftest import count_queries
from tests.scoring.seasons import Plan, build_season

pytestmark = pytest.mark.django_db

KELURAHAN = ("Eka Jaya", "Beringin", "Simpang IV Sipin")
KK = (120, 70, 45)  # besar, sedang, kecil
LEVELS = ((5, 5, 5), (4, 4, 4), (5, 4, 4))  # all pass (70) and win: build_season sets no cap
LOSER = (2, 2, 2)


def plans(count: int, *, losers: int = 0) -> list[Plan]:
    """`count` winners spread over three kelurahan and the three categories, then `losers`."""
    made = []
    for index in range(count + losers):
        levels = LOSER if index >= count else LEVELS[(index // 3) % 3]
        made.append(
            Plan(
                f"R{index}",
                KELURAHAN[index % 3],
                index // 3 + 1,  # RT numbers 1.. in each kelurahan
                KK[(index // 9) % 3],
                levels,
                levels,
            )
        )
    return made


def publish(competition: Competition, count: int, *, losers: int = 0) -> dict[str, Entry]:
    entries = build_season(competition, plans=plans(count, losers=losers))
    # A kampung name to search by: RT 02 of Beringin is "Kampung Melati".
    Entry.objects.filter(pk=entries["R4"].pk).update(kampung_name="Kampung Melati")
    by = User.objects.filter(role=Role.PANITIA).first()
    competition_finalise(competition=competition, by=by)
    competition_publish(competition=competition, by=by)
    return entries


def rupiah(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


def shown(page: str) -> list[int]:
    """The Result ids of the rows on the page, in their order."""
    return [int(pk) for pk in re.findall(r'data-result="(\d+)"', page)]


def expected(competition: Competition, **lookups: object) -> list[int]:
    """The winners a visitor expects, worked out in Python: by category (largest households
    first), then rank, then kelurahan and RT number."""
    order = list(competition.size_categories.order_by("-min_kk").values_list("code", flat=True))
    rows = Result.objects.filter(
        result_set__competition=competition, is_winner=True, **lookups
    ).select_related("entry__rt__kelurahan")
    return [
        row.pk
        for row in sorted(
            rows,
            key=lambda r: (
                order.index(r.category_code),
                r.rank,
                r.entry.rt.kelurahan.code,
                r.entry.rt.number,
            ),
        )
    ]


@pytest.fixture
def city(open_competition, panitia) -> Competition:
    publish(open_competition, 60, losers=3)
    return open_competition


def url(competition: Competition, query: str = "") -> str:
    return f"/hasil/{competition.pk}/" + (f"?{query}" if query else "")


def test_the_page_shows_one_page_of_winners_by_category_then_rank(client, city):
    page = client.get(url(city)).content.decode()
    winners = expected(city)
    assert len(winners) == 60 and settings.BANTAR_PAGE_SIZE == 50
    assert shown(page) == winners[:50]
    assert "1–50 dari 60" in page and "60 pemenang sesuai saringan" in page
    second = client.get(url(city, "halaman=2")).content.decode()
    assert shown(second) == winners[50:]
    assert "51–60 dari 60" in second and 'rel="prev"' in second


def test_the_summary_counts_every_winner_not_the_page(client, city):
    page = client.get(url(city, "halaman=2")).content.decode()
    summary = page[page.index('data-testid="category-summary"') : page.index("</table>")]
    for code in ("besar", "sedang", "kecil"):
        rows = Result.objects.filter(
            result_set__competition=city, is_winner=True, category_code=code
        )
        prize = sum(row.prize for row in rows)
        row = summary[summary.index(f'data-summary="{code}"') :]
        row = row[: row.index("</tr>")]
        assert f">{rows.count()}<" in row
        assert rupiah(prize) in row
    total = sum(Result.objects.filter(result_set__competition=city).values_list("prize", flat=True))
    assert f"60 RT meraih predikat Kampung BANTAR, dengan hadiah seluruhnya {rupiah(total)}" in page


def test_the_filters_narrow_the_rows_as_a_visitor_expects(client, city):
    beringin = Kelurahan.objects.get(name="Beringin")
    paal_merah = Kecamatan.objects.get(name="Paal Merah")
    cases = {
        "category=sedang": {"category_code": "sedang"},
        f"kelurahan={beringin.pk}": {"entry__rt__kelurahan": beringin},
        f"kecamatan={paal_merah.pk}": {"entry__rt__kelurahan__kecamatan": paal_merah},
        f"category=kecil&kelurahan={beringin.pk}": {
            "category_code": "kecil",
            "entry__rt__kelurahan": beringin,
        },
        "q=RT+5": {"entry__rt__number": 5},
        "q=melati": {"entry__kampung_name": "Kampung Melati"},
        "q=beringin+2": {"entry__rt__kelurahan": beringin, "entry__rt__number": 2},
    }
    for query, lookups in cases.items():
        rows = expected(city, **lookups)
        assert 0 < len(rows) < 60, query  # each case narrows, and finds something
        page = client.get(url(city, query)).content.decode()
        assert shown(page) == rows, query
        assert f"{len(rows)} pemenang sesuai saringan" in page, query
        # The summary above stays the whole city's.
        assert "60 RT meraih predikat" in page, query


def test_a_filtered_list_pages_and_says_how_many_match_in_all(client, city, settings):
    settings.BANTAR_PAGE_SIZE = 5
    rows = expected(city, category_code="besar")
    assert len(rows) > 10
    page = client.get(url(city, "category=besar&halaman=2")).content.decode()
    assert shown(page) == rows[5:10]
    assert f"6–10 dari {len(rows)}" in page
    # The pager's links keep the filter.
    assert "?category=besar&amp;halaman=3" in page


def test_a_page_across_two_categories_has_the_end_of_one_and_the_start_of_the_next(
    client, city, settings
):
    settings.BANTAR_PAGE_SIZE = 20
    winners = expected(city)
    for number in (1, 2, 3):
        page = client.get(url(city, f"halaman={number}")).content.decode()
        assert shown(page) == winners[(number - 1) * 20 : number * 20], number
    page = client.get(url(city, "halaman=2")).content.decode()
    assert 'data-category="Besar"' in page and 'data-category="Sedang"' in page


def test_a_bad_filter_value_is_named_and_shows_no_rows(client, city):
    page = client.get(url(city, "category=raksasa")).content.decode()
    assert "Kategori: nilai “raksasa” tidak dikenali." in page
    assert "Saringan tidak berlaku, jadi tidak ada RT yang ditampilkan." in page
    assert shown(page) == [] and 'data-testid="no-winner"' in page
    page = client.get(url(city, "kelurahan=999999&q=melati")).content.decode()
    assert "Kelurahan: nilai “999999” tidak dikenali." in page
    assert 'href="?q=melati"' in page  # the list without the bad filter, the search kept
    assert shown(page) == []
    page = client.get(url(city, "halaman=9")).content.decode()
    assert "Halaman “9” tidak ada; yang tampil halaman 2." in page


def test_the_page_reads_only_its_rows_in_fixed_queries(client, open_competition, panitia):
    few = open_competition
    publish(few, 10)
    many = competition_create(year=few.year + 1)
    publish(many, 60, losers=5)
    counts = {}
    for competition in (few, many):
        for query in ("", "category=besar", "halaman=2", "q=RT+2"):
            counts[(competition.pk, query)] = count_queries(client, url(competition, query))
    for query in ("", "category=besar", "halaman=2", "q=RT+2"):
        assert counts[(few.pk, query)] == counts[(many.pk, query)], query
    with CaptureQueriesContext(connection) as context:
        client.get(url(many, "halaman=2"))
    # The rows of the list: one query that reads the page's rows only.
    listed = [q["sql"] for q in context.captured_queries if '"scoring_result"."rank"' in q["sql"]]
    # Page 2 of 60 (24 besar, 18 sedang, 18 kecil) is the last 10 kecil: only that category
    # is read, from its 9th winner on.
    assert len(listed) == 1 and listed[0].endswith("LIMIT 10 OFFSET 8")
    assert '"scoring_result"."category_code" IN (\'kecil\')' in listed[0]
    assert "explanation" not in listed[0]


def test_the_page_speaks_english_when_the_visitor_chose_it(client, city):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url(city, "category=raksasa")).content.decode()
    assert '<html lang="en">' in page
    assert "Category: the value “raksasa” was not understood." in page
    assert "The filter is not valid, so no RT is shown." in page
    page = client.get(url(city)).content.decode()
    assert re.search(r'for="id_q"[^>]*>\s*Search\s*<', page)
    assert "All categories" in page and ">Rank<" in page
    assert "Cari" not in page and "Peringkat" not in page
