"""Rekap per kelurahan and Kelurahan BANTAR (issue 15): per kelurahan, its RTs holding the
predicate Kampung BANTAR (won now or in an earlier published competition) and their share;
with the competition's share set, the kelurahan that reach it are listed as Kelurahan BANTAR
in the rekap and on the public results page."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from competitions.models import Kelurahan
from competitions.services import competition_create
from scoring.reports import bantar_kelurahan, kelurahan_rekap_rows
from scoring.result_selectors import result_table
from scoring.result_services import competition_finalise, competition_publish
from tests.scoring.seasons import Plan, build_season

pytestmark = pytest.mark.django_db

EARLIER_WIN = Plan("D", "Eka Jaya", 4, 70, (5, 5, 5), (5, 5, 5))  # RT 04 won in 2024


@pytest.fixture
def season(panitia):
    """2024: Eka Jaya RT 04 won. 2025 (published): the seven RTs of the season, winners
    A and G in Eka Jaya (RT 04 gated), B and E in Beringin, C in Simpang IV Sipin."""
    Kelurahan.objects.filter(name="Eka Jaya").update(rt_count=4)
    Kelurahan.objects.filter(name="Beringin").update(rt_count=10)
    for year, plans in ((2024, [EARLIER_WIN]), (2025, None)):
        competition = competition_create(year=year)
        build_season(competition, **({"plans": plans} if plans else {}))
        competition_finalise(competition=competition, by=panitia)
        competition_publish(competition=competition, by=panitia)
    competition.refresh_from_db()
    return competition


def set_share(competition, share: str) -> None:
    type(competition).objects.filter(pk=competition.pk).update(
        bantar_kelurahan_share=Decimal(share)
    )
    competition.refresh_from_db()


def rows_by_name(competition):
    rows = kelurahan_rekap_rows(competition, result_table(competition), None)
    return {row.kelurahan: row for row in rows}


def test_the_rekap_counts_rts_holding_the_predicate_and_their_share(season):
    rows = rows_by_name(season)
    eka = rows["Eka Jaya"]
    # A and G won now, RT 04 in 2024 (gated now: it still holds the predicate); three RTs entered.
    assert (eka.rts, eka.proposed, eka.winners, eka.holders) == (4, 3, 2, 3)
    assert eka.share == Decimal("75.0")
    beringin = rows["Beringin"]
    assert (beringin.rts, beringin.winners, beringin.holders) == (10, 2, 2)
    assert beringin.share == Decimal("20.0")
    assert not any(row.is_bantar for row in rows.values())  # off by default
    assert bantar_kelurahan(season, result_table(season)) == []


def test_a_kelurahan_without_rts_has_no_share(season):
    row = next(r for r in rows_by_name(season).values() if r.rts == 0)
    assert row.share is None and not row.is_bantar


@pytest.mark.parametrize(("share", "bantar"), [("75", {"Eka Jaya"}), ("75.5", set())])
def test_the_share_setting_names_kelurahan_bantar(season, client, share, bantar):
    set_share(season, share)
    named = {row.kelurahan for row in bantar_kelurahan(season, result_table(season))}
    assert named == bantar
    html = client.get(f"/hasil/{season.pk}/").content.decode()
    if bantar:
        assert 'data-testid="bantar-kelurahan"' in html
        assert "Eka Jaya" in html.split('data-testid="bantar-kelurahan"')[1].split("</section>")[0]
        assert "3 dari 4 RT (75%)" in html
    else:
        assert 'data-testid="bantar-kelurahan"' not in html


def test_the_public_page_lists_none_when_the_setting_is_off(season, client):
    assert season.bantar_kelurahan_share is None
    assert (
        'data-testid="bantar-kelurahan"' not in client.get(f"/hasil/{season.pk}/").content.decode()
    )


def test_the_rekap_page_and_xlsx(season, client, pejabat):
    set_share(season, "75")
    client.force_login(pejabat)
    page = client.get(f"/kompetisi/{season.pk}/laporan/kelurahan/").content.decode()
    assert "Rekapitulasi Kampung BANTAR per kelurahan" in page
    assert "paling sedikit 75% RT-nya" in page
    book = load_workbook(
        io.BytesIO(client.get(f"/kompetisi/{season.pk}/laporan/kelurahan.xlsx").content)
    )
    cells = [list(row) for row in book.active.iter_rows(values_only=True)]
    eka = next(row for row in cells if "Eka Jaya" in row)
    assert eka[3:8] == [4, 3, 2, 3, 75.0]
    assert "Kelurahan BANTAR" in eka
    total = next(row for row in cells if row[1] == "Jumlah")
    assert total[-1] == 1  # one Kelurahan BANTAR


def test_an_officer_sees_the_kelurahan_of_its_kecamatan_only(season, client, officer_paal_merah):
    client.force_login(officer_paal_merah)
    page = client.get(f"/kompetisi/{season.pk}/laporan/kelurahan/").content.decode()
    assert "Eka Jaya" in page and "Beringin" not in page


def test_the_rows_cost_three_queries_whatever_the_city(season, django_assert_num_queries):
    table = result_table(season)
    with django_assert_num_queries(3):  # kelurahan with RT counts, proposals, earlier winners
        rows = kelurahan_rekap_rows(season, table, None)
    assert len(rows) == Kelurahan.objects.active_in(season.year).count()


def test_jurors_and_strangers_do_not_read_it(season, client, juror):
    url = f"/kompetisi/{season.pk}/laporan/kelurahan/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(juror)
    assert client.get(url).status_code == 403
    assert client.get(f"/kompetisi/{season.pk}/laporan/kelurahan.csv").status_code == 403
