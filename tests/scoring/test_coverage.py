"""Coverage first: an RT whose expected sheets are not all in is "belum lengkap", one
nobody scored "belum dinilai"; neither is ranked nor wins in any provisional output.

The season: build_season's seven RTs, a third juror (juri.tiga) in the team who
submits on every RT but A, and juri.dua's sheet on A back in draft, so A (five 5s
from juri.satu, the best of Besar) has 1 of its 3 sheets; H is assigned and unscored.
"""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from openpyxl import load_workbook

from competitions.models import RT, Entry, EntryStatus, Kelurahan
from scoring.models import Assignment, JuryMember, Recusal, Score, ScoreSheet, SheetStatus
from scoring.result_selectors import juror_progress, result_table
from tests.conftest import make_user
from tests.factories import EntryFactory
from tests.scoring.seasons import build_season

pytestmark = pytest.mark.django_db


@pytest.fixture
def season(open_competition):
    entries = build_season(open_competition)
    team = entries["A"].assignment.team
    tiga = make_user("juri.tiga", "juri")
    JuryMember.objects.create(team=team, user=tiga, agency="DLH")
    for name, entry in entries.items():
        if name == "A":
            continue
        sheet = ScoreSheet.objects.create(entry=entry, juror=tiga, status=SheetStatus.SUBMITTED)
        Score.objects.bulk_create(
            Score(sheet=sheet, indicator_id=s.indicator_id, value=s.value, client_id=uuid.uuid4())
            for s in Score.objects.filter(sheet__entry=entry, sheet__juror__username="juri.satu")
        )
    ScoreSheet.objects.filter(entry=entries["A"], juror__username="juri.dua").update(
        status=SheetStatus.DRAFT
    )
    entries["H"] = EntryFactory(
        competition=open_competition,
        rt=RT.objects.create(kelurahan=Kelurahan.objects.get(name="Beringin"), number=8),
        kk_count=60,
        status=EntryStatus.VERIFIED,
    )
    Assignment.objects.create(entry=entries["H"], team=team)
    return entries


def test_the_live_table_ranks_and_rewards_only_complete_rts(season, open_competition):
    table = result_table(open_competition)
    rows = {name: table.row(entry.pk) for name, entry in season.items()}
    a, h = rows["A"], rows["H"]
    assert (a.sheets_in, a.sheets_expected, a.complete, a.scored) == (1, 3, False, True)
    assert a.final == 100  # its provisional score is kept, to be shown as such
    assert (a.rank, a.is_winner, a.prize) == (0, False, 0)
    assert (h.sheets_in, h.sheets_expected, h.scored, h.rank, h.prize) == (0, 3, False, 0, 0)
    assert len(h.missing) == 21
    # B and C now share the best rank of Besar; A's absence does not shift them.
    assert (rows["B"].rank, rows["C"].rank) == (1, 1)
    assert rows["B"].is_winner and rows["B"].sheets_in == rows["B"].sheets_expected == 3
    assert table.coverage_counts == {"complete": 7 - 1, "incomplete": 1, "unscored": 1}
    besar = dict(table.by_category())["besar"]
    assert [row.entry.pk for row in besar][-1] == season["A"].pk  # unranked after the ranked


def test_the_plenary_page_shows_coverage_and_no_winner_for_an_incomplete_rt(
    client, panitia, season, open_competition
):
    client.force_login(panitia)
    page = client.get(f"/kompetisi/{open_competition.pk}/pleno/").content.decode()
    a_row = _row(page, season["A"].pk)
    assert "Belum lengkap" in a_row and "Pemenang" not in a_row
    assert "1/3" in a_row and "100,00*" in a_row and "Rp" not in a_row
    h_row = _row(page, season["H"].pk)
    assert "Belum dinilai" in h_row and "0,00" not in h_row
    assert '<td data-testid="rank">-</td>' in h_row
    assert "Pemenang" in _row(page, season["B"].pk)
    assert "6 RT lengkap dinilai · 1 RT belum lengkap · 1 RT belum dinilai" in page
    explain = client.get(f"/kompetisi/{open_competition.pk}/pleno/rt/{season['A'].pk}/")
    text = explain.content.decode()
    assert "Lembar nilai masuk: 1 dari 3" in text and "Belum lengkap" in text
    assert '<span data-testid="rank">-</span>' in text


def _row(page: str, entry_pk: int) -> str:
    start = page.index(f'<tr data-entry="{entry_pk}"')
    return page[start : page.index("</tr>", start)]


def test_no_provisional_list_names_an_incomplete_rt_a_winner(
    client, panitia, season, open_competition
):
    client.force_login(panitia)
    base = f"/kompetisi/{open_competition.pk}/laporan"
    book = load_workbook(io.BytesIO(client.get(f"{base}/pemenang.xlsx").content))
    assert book.sheetnames[-1] == "Belum lengkap"
    winners = [
        row
        for name in book.sheetnames[1:-1]
        for row in book[name].iter_rows(values_only=True)
        if row[3] == season["A"].rt.label and row[2] == "Eka Jaya"
    ]
    assert winners == []
    pending = [list(row) for row in book["Belum lengkap"].iter_rows(values_only=True)]
    a = next(row for row in pending if row[3] == season["A"].rt.label and row[2] == "Eka Jaya")
    assert a[5:8] == ["1/3", 100, "Belum lengkap (nilai sementara)"]
    h = next(row for row in pending if row[3] == season["H"].rt.label and row[2] == "Beringin")
    assert h[5:8] == ["0/3", None, "Belum dinilai"]
    matrix = load_workbook(io.BytesIO(client.get(f"{base}/matriks.xlsx").content))["Matriks"]
    header = next(r for r in matrix.iter_rows(values_only=True) if r[0] == "Kecamatan")
    means = [
        dict(zip(header, row, strict=True))
        for row in matrix.iter_rows(values_only=True)
        if row[3] == "Rata-rata"
    ]
    a_mean = next(
        m for m in means if m["RT"] == season["A"].rt.label and m["Kelurahan"] == "Eka Jaya"
    )
    assert (a_mean["Lembar masuk"], a_mean["Status"]) == ("1/3", "Belum lengkap (nilai sementara)")
    h_mean = next(
        m for m in means if m["RT"] == season["H"].rt.label and m["Kelurahan"] == "Beringin"
    )
    assert (h_mean["Nilai akhir"], h_mean["Status"]) == (None, "Belum dinilai")
    rows = list(csv.reader(io.StringIO(client.get(f"{base}/pemenang.csv").content.decode()[1:])))
    at = rows.index(["Belum lengkap"])
    assert any(r[2:4] == ["Eka Jaya", season["A"].rt.label] for r in rows[at:])
    assert not any(r[2:4] == ["Eka Jaya", season["A"].rt.label] for r in rows[:at])


def test_the_juror_progress_counts_only_the_sheets_that_count(season, open_competition, panitia):
    dua = ScoreSheet.objects.filter(juror__username="juri.dua").first().juror
    Recusal.objects.create(entry=season["B"], juror=dua, reason="Kerabat", recorded_by=panitia)
    progress = {
        item.name: (item.submitted, item.expected) for item in juror_progress(open_competition)
    }
    # juri.dua: 8 RTs less B (recused); of its 7 submitted sheets, B's does not count.
    assert progress["Juri.Dua"] == (5, 7)
    assert progress["Juri.Tiga"] == (6, 8)  # no sheet on A, none on H
    ScoreSheet.objects.filter(entry=season["B"], juror=dua).delete()
    assert {i.name: i.submitted for i in juror_progress(open_competition)}["Juri.Dua"] == 5
    # Reassigned: once C is another team's, its sheets there no longer count for anyone.
    other = type(season["A"].assignment.team).objects.create(
        competition=open_competition, name="Tim B"
    )
    Entry.objects.get(pk=season["C"].pk).assignment.__class__.objects.filter(
        entry=season["C"]
    ).update(team=other)
    progress = {i.name: (i.submitted, i.expected) for i in juror_progress(open_competition)}
    assert progress["Juri.Dua"] == (4, 6)
