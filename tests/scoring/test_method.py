"""The method is written out: one text (results.method) names every rule in force, on the
matrix, the winners list and the explain page; a tie split by the cap is held back and
listed on its own sheet of the winners list until the panitia decides."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from scoring.reports import HELD_SHEET
from scoring.result_selectors import method_text, result_table
from scoring.result_services import competition_finalise
from tests.scoring.seasons import build_season

pytestmark = pytest.mark.django_db


@pytest.fixture
def season(open_competition):
    entries = build_season(open_competition)  # Besar: A 100, then B and C tied at 75
    open_competition.cap_per_category = 2
    open_competition.budget = 60_000_000
    open_competition.save()
    return entries


def notes(book, sheet: str) -> list[str]:
    return [str(r[0]) for r in book[sheet].iter_rows(values_only=True, max_row=6) if r[0]]


def test_the_method_names_every_rule_in_force(season, open_competition, settings):
    text = method_text(open_competition)
    for rule in (
        "skala 1-5",
        "tidak dinilai juri mana pun dihitung sebagai nilai terendah (1)",
        "rata-rata 7 indikator, diubah ke 0-100 ((rata-rata - 1) / 4 x 100)",
        "bobot Bersih 1, Aman 1, Pintar 1",
        "dibulatkan setengah ke atas menjadi 2 desimal",
        "lulus bila nilai akhir >= 70,00 dan setiap pilar >= 50,00",
        "lalu Bersih, Aman, Pintar",
        "paling banyak 2 pemenang per kategori",
        "pagu hadiah Rp 60.000.000",
        "semuanya ditahan sampai panitia memutuskan",
        "Besar Rp 10.000.000",
    ):
        assert rule in text, rule
    assert "70.00" not in text
    settings.BANTAR_MISSING_INDICATOR = "skip"
    open_competition.cap_per_category = open_competition.budget = None
    open_competition.pillar_weights = {"B": "1.5", "A": "1", "P": "1"}
    open_competition.save()
    text = method_text(open_competition)
    assert "tidak ikut dalam rata-rata pilarnya" in text and "bobot Bersih 1,5" in text
    assert "tanpa batas jumlah pemenang" in text and "tanpa pagu hadiah" in text


def test_the_matrix_the_winners_list_and_the_explain_page_state_the_same_method(
    client, panitia, season, open_competition
):
    client.force_login(panitia)
    text = method_text(open_competition)
    base = f"/kompetisi/{open_competition.pk}"
    matrix = load_workbook(io.BytesIO(client.get(f"{base}/laporan/matriks.xlsx").content))
    assert text in notes(matrix, "Matriks")
    winners = load_workbook(io.BytesIO(client.get(f"{base}/laporan/pemenang.xlsx").content))
    assert text in notes(winners, "Ringkasan")
    page = client.get(f"{base}/pleno/rt/{season['A'].pk}/").content.decode()
    assert f'<p class="small text-muted" data-testid="method">{escape(text)}</p>' in page


@pytest.mark.parametrize("frozen", [False, True], ids=["provisional", "frozen"])
def test_a_tie_split_by_the_cap_is_listed_on_its_own_sheet(
    client, panitia, season, open_competition, frozen
):
    if frozen:
        competition_finalise(competition=open_competition, by=panitia)
        open_competition.refresh_from_db()
    table = result_table(open_competition)
    assert table.frozen == frozen
    held = {row.entry.pk for row in table.rows if row.undecided}
    assert held == {season["B"].pk, season["C"].pk}
    assert not table.row(season["A"].pk).undecided and table.row(season["A"].pk).is_winner
    client.force_login(panitia)
    base = f"/kompetisi/{open_competition.pk}/laporan"
    book = load_workbook(io.BytesIO(client.get(f"{base}/pemenang.xlsx").content))
    assert HELD_SHEET == "Ditahan, perlu putusan panitia" and HELD_SHEET in book.sheetnames
    rows = [r for r in book[HELD_SHEET].iter_rows(values_only=True) if isinstance(r[0], int)]
    assert sorted((r[2], r[3], r[6], r[7]) for r in rows) == [
        ("Beringin", "RT 02", 75, 2),
        ("Simpang IV Sipin", "RT 03", 75, 2),
    ]
    assert {r[8] for r in rows} == {"Nilai sama terpisah oleh batas pemenang per kategori"}
    assert rows[0][9] in ("RT 03 Simpang IV Sipin", "RT 02 Beringin")
    winners = [
        r for r in book["Kategori Besar"].iter_rows(values_only=True) if isinstance(r[0], int)
    ]
    assert [r[3] for r in winners] == ["RT 01"]
    page = client.get(f"{base}/pemenang/").content.decode()
    assert f'<h2 class="h5">{HELD_SHEET}</h2>' in page
    assert "2 RT ditahan karena nilai sama terpisah oleh batas atau pagu" in page


def test_an_rt_wholly_beyond_the_cap_is_not_held_for_a_decision(season, open_competition):
    open_competition.cap_per_category = 1
    open_competition.save()
    table = result_table(open_competition)
    # Besar: A wins; B and C (tied, beyond the cap) are held back but split nothing.
    assert table.row(season["B"].pk).held_back == "cap"
    assert not any(row.undecided for row in table.rows)


def test_an_english_user_gets_the_held_sheet_in_english(client, panitia, season, open_competition):
    panitia.language = "en"
    panitia.save(update_fields=["language"])
    client.force_login(panitia)
    base = f"/kompetisi/{open_competition.pk}/laporan"
    try:
        book = load_workbook(io.BytesIO(client.get(f"{base}/pemenang.xlsx").content))
        page = client.get(f"{base}/pemenang/").content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)  # the middleware leaves English active
    assert "Held, committee to decide" in book.sheetnames
    assert "Ditahan, perlu putusan panitia" not in book.sheetnames
    assert '<h2 class="h5">Held, committee to decide</h2>' in page
    assert str(HELD_SHEET) == "Ditahan, perlu putusan panitia"  # Indonesian again
