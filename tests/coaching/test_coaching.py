"""The coaching view (pembinaan): its figures on a city of three published editions, its scope."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bantar.access import may
from coaching.selectors import coaching_figures
from competitions.models import RT, Kelurahan
from tests.coaching.city import FOURS, TWOS, build_city, publish
from tests.conftest import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(panitia):
    return build_city(panitia)


def labels(records) -> list[str]:
    return [str(record.rt) for record in records]


def test_the_kelurahan_sees_its_rts_by_how_they_took_part(city, officer_eka_jaya):
    figures = coaching_figures(officer_eka_jaya)
    assert figures.area == "Eka Jaya"
    assert [e.label for e in figures.editions] == ["2021", "2022", "2023"]  # 2024: not published
    assert figures.rt_count == 5
    assert labels(figures.never) == ["RT 09 Eka Jaya"]  # only in the unpublished 2024
    assert labels(figures.not_won) == ["RT 07 Eka Jaya"]
    assert labels(figures.won_not_back) == ["RT 04 Eka Jaya"]  # RT 10 won the latest edition


def test_the_weakest_indicator_is_the_one_the_jurors_scored_lowest(city, officer_eka_jaya):
    weakest = coaching_figures(officer_eka_jaya).weakest
    assert (weakest[0].code, weakest[0].mean, weakest[0].results) == ("B3", Decimal("1.00"), 7)
    # Every other indicator: 5, 5, 4 (RT 01), 4 (RT 04), 3, 2 (RT 07), 5 (RT 10) = 28 / 7.
    assert {w.mean for w in weakest[1:]} == {Decimal("4.00")}
    assert [w.code for w in weakest[1:4]] == ["B1", "B2", "B4"]  # ties in the guide's order


def test_drops_between_editions(city, officer_eka_jaya, officer_beringin):
    drops = coaching_figures(officer_eka_jaya).drops
    assert [
        (str(d.record.rt), d.before.edition.label, str(d.before.final), d.after.edition.label)
        for d in drops
    ] == [
        ("RT 01 Eka Jaya", "2022", "95.2381", "2023"),
        ("RT 07 Eka Jaya", "2021", "47.6190", "2022"),
    ]
    assert drops[0].change == Decimal("71.4286") - Decimal("95.2381")
    assert coaching_figures(officer_beringin).drops == []  # RT 05 rose from 25 to 50


def test_the_share_of_rts_holding_the_predicate_per_year(city, officer_eka_jaya, panitia):
    shares = {
        s.year: (s.rts, s.took_part, s.winners, s.share)
        for s in coaching_figures(officer_eka_jaya).shares
    }
    assert shares == {
        2021: (5, 3, 2, Decimal("40.00")),
        2022: (5, 2, 1, Decimal("20.00")),
        2023: (5, 2, 2, Decimal("40.00")),
    }
    city_wide = {s.year: (s.rts, s.winners, s.share) for s in coaching_figures(panitia).shares}
    assert city_wide == {
        2021: (8, 3, Decimal("37.50")),
        2022: (8, 1, Decimal("12.50")),
        2023: (8, 2, Decimal("25.00")),
    }


def test_eka_jaya_does_not_see_beringin_and_the_other_way_round(
    city, client, officer_eka_jaya, officer_beringin
):
    client.force_login(officer_eka_jaya)
    html = client.get(reverse("coaching")).content.decode()
    assert "Eka Jaya" in html and "Beringin" not in html
    beringin = coaching_figures(officer_beringin)
    assert labels(beringin.never) == ["RT 03 Beringin"]
    assert labels(beringin.not_won) == ["RT 05 Beringin"]
    assert labels(beringin.won_not_back) == ["RT 02 Beringin"]
    assert {w.mean for w in beringin.weakest} == {Decimal("3.00")}  # 4, 2, 3: no B3 change
    client.force_login(officer_beringin)
    html = client.get(reverse("coaching")).content.decode()
    assert "Beringin" in html and "Eka Jaya" not in html


def test_the_kecamatan_sees_its_kelurahan_and_the_city_sees_all(city, officer_paal_merah, pejabat):
    assert coaching_figures(officer_paal_merah).rt_count == 5  # Eka Jaya is in Paal Merah
    everything = coaching_figures(pejabat)
    assert everything.rt_count == 8
    assert labels(everything.won_not_back) == ["RT 02 Beringin", "RT 04 Eka Jaya"]


def test_who_may_open_it(officer_eka_jaya, officer_paal_merah, panitia, pejabat, juror):
    assert all(
        may(user, "coaching.view")
        for user in (officer_eka_jaya, officer_paal_merah, panitia, pejabat)
    )
    assert not may(juror, "coaching.view")


def test_the_xlsx_has_the_page_s_figures(city, client, officer_eka_jaya):
    client.force_login(officer_eka_jaya)
    response = client.get(reverse("coaching-export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Belum pernah ikut",
        "Ikut, belum menang",
        "Menang, tidak ikut lagi",
        "Indikator terlemah",
        "Nilai turun",
        "Predikat per tahun",
    ]
    cells = [
        [cell for cell in row if cell is not None]
        for row in book["Predikat per tahun"].iter_rows(values_only=True)
    ]
    assert [2021, 5, 3, 2, 40] in cells
    weakest = [row for row in book["Indikator terlemah"].iter_rows(values_only=True) if row[0]]
    assert any(row[0] == "B3" and row[2] == 1 and row[3] == 7 for row in weakest)
    text = " ".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )
    assert "Beringin" not in text


def test_the_page_reads_in_a_fixed_number_of_queries(city, client, panitia):
    client.force_login(panitia)
    before = count_queries(client, reverse("coaching"))
    build_city_more(panitia)
    assert count_queries(client, reverse("coaching")) == before


def build_city_more(panitia) -> None:
    """A fifth edition with new RTs: more rows, not more queries."""
    from competitions.services import competition_create
    from scoring.result_services import competition_finalise
    from tests.scoring.seasons import PLANS, build_season

    competition = competition_create(year=2025)
    build_season(competition, plans=PLANS)
    competition_finalise(competition=competition, by=panitia)
    publish(competition, panitia)


def test_the_page_shows_the_figures(city, client, officer_eka_jaya):
    client.force_login(officer_eka_jaya)
    html = client.get(reverse("coaching")).content.decode()
    assert 'data-testid="count-never">1<' in html
    assert 'data-testid="count-won-not-back">1<' in html
    assert '<tr class="table-warning" data-code="B3">' in html
    assert "40,00%" in html or "40.00%" in html


def test_a_long_list_of_rts_that_never_took_part_shows_per_kelurahan(
    city, client, panitia, monkeypatch
):
    monkeypatch.setattr("coaching.selectors.PAGE_LIST_LIMIT", 1)
    figures = coaching_figures(panitia)
    assert [(c.kelurahan, c.count, c.rts) for c in figures.never_summary] == [
        ("Beringin", 1, 3),
        ("Eka Jaya", 1, 5),
    ]
    client.force_login(panitia)
    html = client.get(reverse("coaching")).content.decode()
    assert 'data-testid="never-summary"' in html
    monkeypatch.setattr("coaching.selectors.PAGE_LIST_LIMIT", 100)
    assert coaching_figures(panitia).never_summary is None


def test_the_page_reads_as_many_queries_for_many_more_rts_and_results(city, client, panitia):
    """Issue 19: the same queries for this small city as after 60 more RTs with results and
    12 that never took part (the weakest indicators are summed in SQL, the lists paged)."""
    from coaching.kept import coaching_keep
    from competitions.services import competition_create
    from scoring.result_services import competition_finalise
    from tests.scoring.seasons import Plan, build_season

    client.force_login(panitia)
    before = count_queries(client, reverse("coaching"))  # from the view kept at publication
    kelurahan = Kelurahan.objects.get(name="Eka Jaya")
    RT.objects.create(kelurahan=kelurahan, number=99)  # the view's no longer today's city
    before_sql = count_queries(client, reverse("coaching"))  # so the lists counted in SQL
    competition = competition_create(year=2026)
    plans = [Plan(f"N{n}", "Beringin", 20 + n, 60, FOURS, TWOS) for n in range(60)]
    build_season(competition, plans=plans)
    competition_finalise(competition=competition, by=panitia)
    publish(competition, panitia)
    RT.objects.bulk_create(RT(kelurahan=kelurahan, number=100 + n) for n in range(12))
    assert coaching_figures(panitia).rt_count == 8 + 60 + 1 + 12
    assert count_queries(client, reverse("coaching")) == before_sql  # the RTs came after
    coaching_keep()  # as `manage.py coaching_keep` after the master data changed
    assert count_queries(client, reverse("coaching")) == before


def test_the_long_lists_are_paged_and_the_printable_page_and_xlsx_hold_every_row(
    city, client, panitia, settings
):
    settings.BANTAR_PAGE_SIZE = 1
    client.force_login(panitia)
    first = client.get(reverse("coaching")).content.decode()
    # Not won: RT 07 Eka Jaya, then RT 05 Beringin (master data order); one a page.
    not_won = [record.rt.pk for record in coaching_figures(panitia).not_won]
    assert len(not_won) == 2
    assert f'data-rt="{not_won[0]}"' in first and f'data-rt="{not_won[1]}"' not in first
    assert 'data-testid="pager-not-won"' in first
    # The next page of one list keeps the other lists where they were.
    second = client.get(reverse("coaching"), {"halaman_ikut": 2, "halaman_menang": 2}).content
    second_html = second.decode()
    assert f'data-rt="{not_won[1]}"' in second_html and f'data-rt="{not_won[0]}"' not in second_html
    assert "halaman_menang=2" in second_html  # the other list's page is kept in the links
    printable = client.get(reverse("coaching"), {"cetak": 1}).content.decode()
    assert all(f'data-rt="{pk}"' in printable for pk in not_won)
    assert 'data-testid="pager-' not in printable
    book = load_workbook(io.BytesIO(client.get(reverse("coaching-export")).content))
    rows = {row[:3] for row in book["Ikut, belum menang"].iter_rows(values_only=True)}
    assert {("Paal Merah", "Eka Jaya", "RT 07"), ("Pasar Jambi", "Beringin", "RT 05")} <= rows, rows


def test_the_weakest_indicators_read_what_publication_kept(city, officer_eka_jaya, panitia):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coaching.models import KeptShowing, KeptSums

    with CaptureQueriesContext(connection) as kept:
        from_kept = coaching_figures(officer_eka_jaya).weakest
    # Sets published before publication kept their sums: summed from the explanations on
    # every read (one SQL sum a set, the officer's kelurahan only), never written.
    KeptSums.objects.all().delete()
    KeptShowing.objects.all().delete()
    for _ in range(2):
        with CaptureQueriesContext(connection) as summed:
            assert coaching_figures(officer_eka_jaya).weakest == from_kept
        assert len([q for q in summed if "explanation" in q["sql"]]) == 3
        assert not [q for q in summed if "INSERT" in q["sql"]] and not KeptSums.objects.exists()
    assert from_kept[0].code == "B3"
    assert not [q for q in kept if "explanation" in q["sql"]]
    assert len([q for q in kept if "coaching_keptsums" in q["sql"]]) == 1
    # The city reads the whole sets' sums, not Eka Jaya's part of them.
    # B3: seven results of 1 in Eka Jaya, Beringin's three of 4, 2 and 3: 16 / 10.
    city_b3 = coaching_figures(panitia).weakest[0]
    assert (city_b3.code, city_b3.mean, city_b3.results) == ("B3", Decimal("1.60"), 10)
