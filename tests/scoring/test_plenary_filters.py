"""Issue 19: the plenary filters, searches and pages on the server, with the filters in the URL.

The season: build_season's seven RTs (A-G) in three kecamatan, with one of each thing that
needs a decision: H is assigned but nobody scored it (belum dinilai), E has an indicator
where the jurors are 3 levels apart, A and G share a photo, a cap of 2 winners a category
splits the tie of B and C (ditahan), and a pass mark of 51 puts F (50,00) near it. I is
verified but in no team. The ranking is computed over every RT; the filters pick rows.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from competitions.models import RT, Entry, EntryStatus, Kecamatan, Kelurahan
from scoring.models import Assignment, Evidence, Score
from scoring.result_filters import (
    ERROR_FILTER_INVALID,
    ERROR_KELURAHAN_ELSEWHERE,
    plenary_query,
)
from scoring.result_selectors import disagreeing_pairs, disagreements, result_table
from scoring.result_services import competition_finalise
from tests.conftest import count_queries
from tests.factories import EntryFactory
from tests.scoring.seasons import build_season

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(settings):
    settings.BANTAR_PAGE_SIZE = 2


def _photo(entry: Entry, juror, digest: str) -> Evidence:
    return Evidence.objects.create(
        entry=entry,
        juror=juror,
        image="x.jpg",
        web="x.jpg",
        thumb="x.jpg",
        width=10,
        height=10,
        sha256=digest * 64,
        phash=digest * 16,
    )


def _extra_entry(competition, kelurahan: str, number: int, **extra) -> Entry:
    return EntryFactory(
        competition=competition,
        rt=RT.objects.create(kelurahan=Kelurahan.objects.get(name=kelurahan), number=number),
        kk_count=60,
        status=EntryStatus.VERIFIED,
        **extra,
    )


@pytest.fixture
def season(open_competition):
    entries = build_season(open_competition)
    team = entries["A"].assignment.team
    # E: one indicator of juri.dua at 1 instead of 4, 3 levels apart from juri.satu.
    score = Score.objects.filter(sheet__entry=entries["E"], sheet__juror__username="juri.dua")
    Score.objects.filter(pk=score.order_by("indicator__code").first().pk).update(value=1)
    juror = score.first().sheet.juror
    _photo(entries["A"], juror, "a")
    _photo(entries["G"], juror, "a")  # the same bytes on two RTs
    _photo(entries["B"], juror, "b")  # a photo of its own: not a concern
    Entry.objects.filter(pk=entries["B"].pk).update(ketua_rt="Siti Aminah")
    entries["H"] = _extra_entry(open_competition, "Beringin", 8, kampung_name="Kampung Pinang")
    Assignment.objects.create(entry=entries["H"], team=team)
    entries["I"] = _extra_entry(open_competition, "Simpang IV Sipin", 9)
    open_competition.cap_per_category = 2
    open_competition.pass_mark = Decimal("51.00")
    open_competition.save()
    return entries


def rows(page: str) -> list[int]:
    """The entry ids of the ranking tables, in page order (data-entry="<pk>")."""
    found, marker = [], '<tr data-entry="'
    start = page.find(marker)
    while start != -1:
        start += len(marker)
        found.append(int(page[start : page.index('"', start)]))
        start = page.find(marker, start)
    return found


def names(season: dict[str, Entry], page: str) -> set[str]:
    by_pk = {entry.pk: name for name, entry in season.items()}
    return {by_pk[pk] for pk in rows(page)}


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def plenary(competition) -> str:
    return f"/kompetisi/{competition.pk}/pleno/"


def test_unfiltered_the_plenary_shows_every_rt_of_the_season(
    client, panitia, season, open_competition
):
    client.force_login(panitia)
    page = get(client, plenary(open_competition))
    assert names(season, page) == set(season)
    assert "9 RT sesuai saringan" in page
    # Each kind of decision says how many RTs of the whole table it would show.
    for label in (
        "Semua yang perlu keputusan (8)",
        "Belum lengkap / belum dinilai (2)",
        "Nilai juri berbeda 2 tingkat atau lebih (1)",
        "Foto yang sama dengan RT lain (2)",
        "Ditahan (batas atau pagu, nilai sama) (2)",
        "Dekat batas lulus (± 2,00) (1)",
    ):
        assert f">{label}</option>" in page, label


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("perlu=semua", {"A", "B", "C", "E", "F", "G", "H", "I"}),  # D needs nothing
        ("perlu=belum-lengkap", {"H", "I"}),  # belum dinilai; I has no team at all
        ("perlu=beda-juri", {"E"}),
        ("perlu=foto-sama", {"A", "G"}),
        ("perlu=ditahan", {"B", "C"}),
        ("perlu=dekat-batas", {"F"}),  # 50,00 against 51,00
        ("category=besar", {"A", "B", "C"}),
        ("category=kecil", {"F", "G"}),
        ("kecamatan={pasar_jambi}", {"B", "E", "H"}),
        ("kelurahan={eka_jaya}", {"A", "D", "G"}),
        ("kecamatan={paal_merah}&kelurahan={eka_jaya}", {"A", "D", "G"}),
        ("tim={team}", {"A", "B", "C", "D", "E", "F", "G", "H"}),
        ("tim=belum", {"I"}),
        ("q=RT+5", {"E"}),
        ("q=05", {"E"}),
        ("q=Beringin", {"B", "E", "H"}),  # kelurahan
        ("q=pinang", {"H"}),  # kampung, any case
        ("q=aminah", {"B"}),  # head of RT: the panitia may see contacts
        ("q=beringin+8", {"H"}),  # every term must match
        ("perlu=semua&kecamatan={pasar_jambi}", {"B", "E", "H"}),
        ("perlu=ditahan&kelurahan={beringin}", {"B"}),
        ("perlu=foto-sama&category=kecil", {"G"}),
        ("q=nothing-like-this", set()),
    ],
)
def test_each_filter_and_the_search_narrow_the_rows(
    client, panitia, season, open_competition, query, expected
):
    client.force_login(panitia)
    query = query.format(
        pasar_jambi=Kecamatan.objects.get(name="Pasar Jambi").pk,
        paal_merah=Kecamatan.objects.get(name="Paal Merah").pk,
        eka_jaya=Kelurahan.objects.get(name="Eka Jaya").pk,
        beringin=Kelurahan.objects.get(name="Beringin").pk,
        team=season["A"].assignment.team_id,
    )
    page = get(client, f"{plenary(open_competition)}?{query}")
    assert names(season, page) == expected
    assert f"{len(expected)} RT sesuai saringan" in page
    assert str(ERROR_FILTER_INVALID) not in page


def test_filtering_never_changes_a_rank_a_winner_or_the_category_summaries(
    client, panitia, season, open_competition
):
    client.force_login(panitia)
    whole = get(client, plenary(open_competition))
    mine = get(
        client,
        f"{plenary(open_competition)}?kecamatan="
        + str(Kecamatan.objects.get(name="Pasar Jambi").pk),
    )
    for name in ("B", "E"):
        assert _cell(whole, season[name].pk, "rank") == _cell(mine, season[name].pk, "rank")
    assert _cell(mine, season["B"].pk, "rank") == "2"  # A of Eka Jaya is still first
    # The summaries count the whole category, not the filtered rows nor the page.
    summary = _between(mine, 'data-testid="category-summaries"', "</table>")
    besar = _between(summary, 'data-category="besar"', "</tr>")
    assert '<td class="text-end">3</td>' in besar  # A, B, C
    assert 'data-testid="category-winners">1</td>' in besar  # A, whom the filter hides
    assert 'data-testid="category-matching">1</td>' in besar  # B
    assert "Rp 10.000.000" in besar
    # The whole competition's: A (besar), E (sedang), G (kecil); B and C are held back.
    assert 'data-testid="total-prize">Rp 22.000.000' in mine


def test_pages_keep_the_filters_and_the_total_counts_every_matching_row(
    client, panitia, season, open_competition, small_pages
):
    client.force_login(panitia)
    url = f"{plenary(open_competition)}?perlu=semua"
    first = get(client, url)
    assert "8 RT sesuai saringan" in first
    assert "1–2 dari 8" in first
    assert len(rows(first)) == 2
    assert "?perlu=semua&amp;halaman=2" in first
    seen = []
    for number in range(1, 5):
        seen += rows(get(client, f"{url}&halaman={number}"))
    assert len(seen) == len(set(seen)) == 8
    assert {pk for pk in seen} == {season[n].pk for n in "ABCEFGHI"}
    # Ranked rows first, in the order of the whole table: page 1 starts with A (besar, #1).
    assert rows(first)[0] == season["A"].pk
    assert rows(get(client, f"{url}&halaman=99")) == rows(get(client, f"{url}&halaman=4"))


def _csv_rows(response) -> list[list[str]]:
    """The data rows of a CSV export (those numbered in the "No" column)."""
    assert response.status_code == 200
    lines = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    return [line for line in lines if line and line[0].isdigit()]


def test_the_export_ignores_the_paging_and_holds_every_matching_row(
    client, panitia, season, open_competition, small_pages
):
    client.force_login(panitia)
    base = f"/kompetisi/{open_competition.pk}/pleno/ekspor"
    response = client.get(f"{base}.csv?perlu=semua&halaman=3")
    data = _csv_rows(response)
    assert len(data) == 8  # every matching row, though a page holds 2 and page 3 holds none
    assert {(line[4], line[5]) for line in data} == {
        (season[n].rt.kelurahan.name, season[n].rt.label) for n in "ABCEFGHI"
    }
    held = [line for line in data if "Ditahan (batas atau pagu, nilai sama)" in line[-2]]
    assert {line[4] for line in held} == {"Beringin", "Simpang IV Sipin"}  # B and C
    assert len(_csv_rows(client.get(f"{base}.csv"))) == 9
    response = client.get(f"{base}.xlsx?category=besar&halaman=2")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[1] == "Besar"]
    assert len(values) == 3
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "Saringan: Kategori: Besar" in cells  # an export says what it holds


def test_without_see_contacts_a_name_search_reveals_nothing(
    client, pejabat, panitia, season, open_competition
):
    client.force_login(panitia)
    assert names(season, get(client, f"{plenary(open_competition)}?q=Siti+Aminah")) == {"B"}
    client.force_login(pejabat)
    for query in ("q=Aminah", "q=Siti", "q=Siti+Aminah"):
        page = get(client, f"{plenary(open_competition)}?{query}")
        assert names(season, page) == set(), query
        assert "0 RT sesuai saringan" in page
    assert "ketua RT" not in page.split('name="q"')[1].split(">")[0]  # not in the placeholder
    export = client.get(f"/kompetisi/{open_competition.pk}/pleno/ekspor.csv?q=Aminah")
    assert _csv_rows(export) == []
    # The rest of the search works for the pejabat as for everyone.
    assert names(season, get(client, f"{plenary(open_competition)}?q=Beringin")) == {"B", "E", "H"}


def test_a_kelurahan_of_another_kecamatan_or_a_forged_choice_shows_nothing_and_says_why(
    client, panitia, season, open_competition
):
    client.force_login(panitia)
    paal_merah = Kecamatan.objects.get(name="Paal Merah").pk
    beringin = Kelurahan.objects.get(name="Beringin").pk
    page = get(client, f"{plenary(open_competition)}?kecamatan={paal_merah}&kelurahan={beringin}")
    assert rows(page) == []
    assert str(ERROR_FILTER_INVALID) in page
    assert str(ERROR_KELURAHAN_ELSEWHERE) in page
    for forged in ("kecamatan=999999", "tim=999999", "perlu=bukan", "category=raksasa"):
        page = get(client, f"{plenary(open_competition)}?{forged}")
        assert rows(page) == [], forged
        assert str(ERROR_FILTER_INVALID) in page, forged
    # The kelurahan options say their kecamatan, for the choice to follow it in the browser.
    assert (
        f'value="{beringin}" data-kecamatan="{Kecamatan.objects.get(name="Pasar Jambi").pk}"'
        in get(client, plenary(open_competition))
    )


@pytest.mark.parametrize("persona", ["officer_eka_jaya", "officer_paal_merah", "juror"])
@pytest.mark.parametrize(
    "query", ["", "?kecamatan={paal_merah}", "?kelurahan={eka_jaya}", "?perlu=semua", "?q=Eka"]
)
def test_no_filter_opens_the_plenary_or_its_export_to_an_officer_or_a_juror(
    client, request, season, open_competition, persona, query
):
    client.force_login(request.getfixturevalue(persona))
    query = query.format(
        paal_merah=Kecamatan.objects.get(name="Paal Merah").pk,
        eka_jaya=Kelurahan.objects.get(name="Eka Jaya").pk,
    )
    assert client.get(f"{plenary(open_competition)}{query}").status_code == 403
    export = client.get(f"/kompetisi/{open_competition.pk}/pleno/ekspor.csv{query}")
    assert export.status_code == 403


def _grow(competition, count: int) -> None:
    team = Entry.objects.filter(competition=competition).first().assignment.team
    kelurahan = Kelurahan.objects.get(name="Eka Jaya")
    start = 200 + Entry.objects.count()
    for number in range(start, start + count):
        entry = EntryFactory(
            competition=competition,
            rt=RT.objects.create(kelurahan=kelurahan, number=number % 1000),
            status=EntryStatus.VERIFIED,
        )
        Assignment.objects.create(entry=entry, team=team)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?perlu=semua",
        "?perlu=dekat-batas&category=kecil",
        "?kecamatan={paal_merah}&kelurahan={eka_jaya}&q=RT+1",
        "?tim=belum&halaman=2",
    ],
)
def test_queries_per_page_do_not_grow_with_the_entries(
    client, panitia, season, open_competition, small_pages, query
):
    client.force_login(panitia)
    url = plenary(open_competition) + query.format(
        paal_merah=Kecamatan.objects.get(name="Paal Merah").pk,
        eka_jaya=Kelurahan.objects.get(name="Eka Jaya").pk,
    )
    _grow(open_competition, 5)
    with_few = count_queries(client, url)
    _grow(open_competition, 40)
    assert count_queries(client, url) == with_few


def _between(text: str, start: str, end: str) -> str:
    begin = text.index(start)
    return text[begin : text.index(end, begin)]


def _cell(page: str, entry_pk: int, testid: str) -> str:
    row = _between(page, f'<tr data-entry="{entry_pk}"', "</tr>")
    marker = f'data-testid="{testid}">'
    return _between(row, marker, "</td>")[len(marker) :]


def test_the_explain_page_leads_back_to_the_same_filtered_view(
    client, panitia, season, open_competition
):
    client.force_login(panitia)
    page = get(client, f"{plenary(open_competition)}?perlu=ditahan&halaman=1")
    link = f"/kompetisi/{open_competition.pk}/pleno/rt/{season['B'].pk}/?pleno=perlu%3Dditahan%26halaman%3D1"
    assert f'href="{link}"' in page
    explain = get(client, link)
    assert f'href="{plenary(open_competition)}?perlu=ditahan&amp;halaman=1"' in explain


def test_the_way_back_keeps_only_the_plenarys_own_filters():
    assert plenary_query("perlu=semua&kecamatan=3&halaman=2") == "kecamatan=3&perlu=semua&halaman=2"
    assert plenary_query("next=https://evil.example&perlu=ditahan") == "perlu=ditahan"
    assert plenary_query("") == ""
    assert plenary_query("q=" + "x" * 500) == "q=" + "x" * 100


def test_the_disagreements_read_level_by_level_are_the_first_of_all(season, open_competition):
    """The plenary lists the first DISAGREEMENTS_SHOWN; `limit` gives the same first ones."""
    Score.objects.filter(sheet__entry=season["G"], sheet__juror__username="juri.dua").update(
        value=1
    )  # G: juri.satu gave 4s, now 3 levels apart on every indicator
    table = result_table(open_competition)
    every = disagreements(open_competition, table)
    assert len(every) == 1 + 21  # E's one indicator and all of G's
    first = disagreements(open_competition, table, limit=3)
    assert [(d.row.entry.pk, d.indicator, d.levels) for d in first] == [
        (d.row.entry.pk, d.indicator, d.levels) for d in every[:3]
    ]
    pairs = disagreeing_pairs(open_competition)
    assert {entry_id for entry_id, _indicator in pairs} == {season["E"].pk, season["G"].pk}


def test_the_filters_read_the_frozen_results_once_final(client, panitia, open_competition):
    season = build_season(open_competition)
    open_competition.pass_mark = Decimal("51.00")
    open_competition.save()
    competition_finalise(competition=open_competition, by=panitia)
    client.force_login(panitia)
    page = get(client, f"{plenary(open_competition)}?category=besar")
    assert names(season, page) == {"A", "B", "C"}
    assert "hasil final" in page
    near = get(client, f"{plenary(open_competition)}?perlu=dekat-batas")
    assert names(season, near) == {"F"}  # 50,00 against 51,00, as frozen
    export = _csv_rows(client.get(f"/kompetisi/{open_competition.pk}/pleno/ekspor.csv"))
    assert len(export) == 7
