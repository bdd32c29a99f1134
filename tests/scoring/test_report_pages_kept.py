"""Issue 19: the rekap page from its kept per-kecamatan rows, the peserta page by its ids.

The rekap page keeps its few already-counted rows under the result version and the viewer
(`result_views._kept_rekap`): what a user reads must equal what the whole table gives (its
export), follow a write, and never cross from one user's region or filter to another's.
The participants page sorts only the entries' ids for its page and reads those entries.
Both take as many queries for many entries as for a few.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from competitions.models import Competition, Entry, Kecamatan, Kelurahan
from competitions.services import competition_create
from scoring.result_selectors import result_table_for
from scoring.result_services import competition_finalise, competition_publish
from tests.conftest import count_queries
from tests.scoring.seasons import PLANS, Plan, build_season
from tests.scoring.test_reports import many_plans, table, workbook

pytestmark = pytest.mark.django_db

CELL = re.compile(r"<td[^>]*>([^<]*)</td>")
F = (5, 5, 5)  # full marks


@pytest.fixture
def published(open_competition, panitia):
    season = build_season(open_competition)
    competition_finalise(competition=open_competition, by=panitia)
    competition_publish(competition=open_competition, by=panitia)
    return season


def rekap_page(client, competition, query: str = "") -> tuple[list[list[str]], list[str]]:
    """The rekap page's rows (cells as shown) and its total row."""
    response = client.get(f"/kompetisi/{competition.pk}/laporan/rekap/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [CELL.findall(row) for row in body.split("<tr>")[1:] if "Belum ada data" not in row]
    foot = html.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0] if "<tfoot>" in html else ""
    return rows, CELL.findall(foot)


def number(cell: str) -> int:
    return int(cell.replace(".", "") or 0)


def exported_rekap(client, competition) -> list[list[object]]:
    """The rekap's xlsx: computed from the user's whole table, never from kept rows."""
    _header, rows = table(
        workbook(client.get(f"/kompetisi/{competition.pk}/laporan/rekap.xlsx")).active
    )
    return rows


@pytest.mark.parametrize("who", ["panitia", "officer_paal_merah", "officer_eka_jaya"])
def test_the_rekap_page_shows_the_users_table(who, request, client, published, open_competition):
    """The page's cells and total equal the export's; its winners are the user's table's."""
    user = request.getfixturevalue(who)
    competition = Competition.objects.get(pk=open_competition.pk)
    client.force_login(user)
    for _twice in range(2):  # the second from the kept rows
        rows, total = rekap_page(client, competition)
        exported = exported_rekap(client, competition)
        assert [[number(c) if i != 1 else c for i, c in enumerate(row)] for row in rows] == [
            [value or 0 if i != 1 else value for i, value in enumerate(row)]
            for row in exported[:-1]
        ]
        assert sum(number(row[-1]) for row in rows) == number(total[-1])
        winners = sum(1 for row in result_table_for(user, competition).rows if row.is_winner)
        assert number(total[-1]) == winners > 0
    expected = ["Paal Merah"] if who != "panitia" else None
    if expected:
        assert [row[1] for row in rows] == expected


def test_the_kept_rekap_follows_a_write(client, panitia, published, open_competition):
    """A save that changes a figure (a kelurahan's RT count) renews the rows the page keeps."""
    client.force_login(panitia)
    _rows, total = rekap_page(client, open_competition)
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    before = number(total[3])
    # Its rekap figure (rt_count, else its RTs in the master data: KELURAHAN_RTS) plus 40.
    eka_jaya.rt_count = (eka_jaya.rt_count or eka_jaya.rts.count()) + 40
    eka_jaya.save()
    _rows, total = rekap_page(client, open_competition)
    assert number(total[3]) == before + 40
    assert exported_rekap(client, open_competition)[-1][3] == before + 40


def test_the_kept_rekap_keeps_each_filter_and_region_apart(
    client, panitia, officer_paal_merah, published, open_competition
):
    paal_merah = Kecamatan.objects.get(name="Paal Merah")
    elsewhere = Kecamatan.objects.exclude(pk=paal_merah.pk).order_by("code").first()
    assert elsewhere is not None
    client.force_login(panitia)
    everything, _total = rekap_page(client, open_competition)
    assert len(everything) == Kecamatan.objects.count() > 1
    only, _total = rekap_page(client, open_competition, f"?kecamatan={paal_merah.pk}")
    assert [row[1] for row in only] == ["Paal Merah"]
    other, _total = rekap_page(client, open_competition, f"?kecamatan={elsewhere.pk}")
    assert [row[1] for row in other] == [elsewhere.name]
    # The panitia's kept pages are not the officer's: it sees its kecamatan, filter or not.
    client.force_login(officer_paal_merah)
    mine, _total = rekap_page(client, open_competition)
    assert [row[1] for row in mine] == ["Paal Merah"]
    forged, _total = rekap_page(client, open_competition, f"?kecamatan={elsewhere.pk}")
    assert forged == []
    assert elsewhere.name not in str(forged)


def test_a_kelurahan_officer_never_reads_its_kecamatans_kept_rekap(
    client, panitia, officer_paal_merah, officer_eka_jaya, open_competition
):
    """The same kecamatan, three readers: the panitia's and the kecamatan officer's row
    count Talang Bakung's winner, the Eka Jaya officer's (its table) does not."""
    build_season(open_competition, plans=[*PLANS, Plan("H", "Talang Bakung", 8, 50, F, F)])
    competition_finalise(competition=open_competition, by=panitia)
    competition_publish(competition=open_competition, by=panitia)
    competition = Competition.objects.get(pk=open_competition.pk)
    paal_merah = Kecamatan.objects.get(name="Paal Merah")
    won = {}
    for user, query in (
        (panitia, f"?kecamatan={paal_merah.pk}"),
        (officer_paal_merah, ""),
        (officer_eka_jaya, ""),
    ):
        client.force_login(user)
        rows, total = rekap_page(client, competition, query)
        assert [row[1] for row in rows] == ["Paal Merah"]
        won[user.username] = number(total[-1])
        assert won[user.username] == sum(
            1
            for row in result_table_for(user, competition).rows
            if row.is_winner and row.entry.rt.kelurahan.kecamatan_id == paal_merah.pk
        )
    assert won[panitia.username] == won[officer_paal_merah.username]
    assert won[officer_eka_jaya.username] == won[panitia.username] - 1


def participants(client, competition, query: str = "") -> list[str]:
    """(kelurahan, RT) of the participants page's rows, in order."""
    response = client.get(f"/kompetisi/{competition.pk}/laporan/peserta/{query}")
    assert response.status_code == 200
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [" ".join(CELL.findall(row)[2:4]) for row in body.split("<tr>")[1:]]


@pytest.mark.parametrize("who", ["panitia", "officer_paal_merah"])
def test_the_participants_pages_follow_the_export(who, request, client, open_competition, settings):
    """Page after page, the rows are the export's in its order; an officer's are its region's."""
    settings.BANTAR_PAGE_SIZE = 4
    build_season(open_competition, plans=many_plans(14))
    user = request.getfixturevalue(who)
    client.force_login(user)
    mine = Entry.objects.for_user(user).filter(competition=open_competition)
    pages = range(1, (mine.count() + 3) // 4 + 1)
    paged = [row for n in pages for row in participants(client, open_competition, f"?halaman={n}")]
    response = client.get(f"/kompetisi/{open_competition.pk}/laporan/peserta.csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    start = next(i for i, line in enumerate(lines) if line and line[0] == "No")
    exported = [" ".join(line[2:4]) for line in lines[start + 1 :] if line and line[0].isdigit()]
    assert paged == exported
    assert len(paged) == mine.count() == (14 if who == "panitia" else len(paged)) > 0
    assert {row.split(" RT ")[0] for row in paged} == set(
        mine.values_list("rt__kelurahan__name", flat=True)
    )
    if who != "panitia":
        assert set(mine.values_list("rt__kelurahan__kecamatan__name", flat=True)) == {"Paal Merah"}


@pytest.mark.parametrize("finalised", [False, True])
def test_the_rekap_and_participants_pages_take_as_many_queries_for_150_entries_as_for_10(
    client, panitia, officer_paal_merah, finalised, settings
):
    settings.BANTAR_PAGE_SIZE = 4
    counts = {}
    for size, year in ((10, 2043), (150, 2044)):
        competition = competition_create(year=year)
        build_season(competition, plans=many_plans(size))
        if finalised:
            competition_finalise(competition=competition, by=panitia)
            competition_publish(competition=competition, by=panitia)
        paal_merah = Kecamatan.objects.get(name="Paal Merah")
        base = f"/kompetisi/{competition.pk}/laporan"
        counts[size] = []
        for user in (panitia, officer_paal_merah) if finalised else (panitia,):
            client.force_login(user)
            counts[size] += [
                count_queries(client, f"{base}/rekap/"),
                count_queries(client, f"{base}/rekap/?kecamatan={paal_merah.pk}"),
                count_queries(client, f"{base}/kelurahan/"),
                count_queries(client, f"{base}/kelurahan/?kecamatan={paal_merah.pk}"),
                count_queries(client, f"{base}/peserta/"),
                count_queries(client, f"{base}/peserta/?halaman=3"),
            ]
    assert counts[10] == counts[150]


def kelurahan_row(client, competition, name: str) -> list[str]:
    response = client.get(f"/kompetisi/{competition.pk}/laporan/kelurahan/")
    assert response.status_code == 200
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return next(cells for cells in map(CELL.findall, body.split("<tr>")[1:]) if name in cells)


def test_the_kept_kelurahan_rekap_follows_an_earlier_publication(client, panitia):
    """It counts the RTs that won an earlier published competition: publishing that one
    (its own version, not this one's) renews the rows this page keeps."""
    earlier = competition_create(year=2024)
    build_season(earlier, plans=[Plan("D", "Eka Jaya", 4, 70, F, F)])
    competition_finalise(competition=earlier, by=panitia)
    current = competition_create(year=2025)
    build_season(current)
    client.force_login(panitia)
    # Columns: No, Kecamatan, Kelurahan, RTs, proposed, winners, RTs holding the predicate.
    assert kelurahan_row(client, current, "Eka Jaya")[5:7] == ["2", "2"]
    assert kelurahan_row(client, current, "Eka Jaya")[5:7] == ["2", "2"]  # kept
    competition_publish(competition=Competition.objects.get(pk=earlier.pk), by=panitia)
    assert kelurahan_row(client, current, "Eka Jaya")[5:7] == ["2", "3"]


@pytest.mark.parametrize("who", ["panitia", "officer_paal_merah", "officer_eka_jaya"])
def test_the_kept_kelurahan_rekap_is_the_users_export(who, request, client, published):
    """The page's rows from the kept ones equal the xlsx's (the user's whole table)."""
    competition = Competition.objects.get(year=published["A"].competition.year)
    user = request.getfixturevalue(who)
    client.force_login(user)
    for _twice in range(2):
        response = client.get(f"/kompetisi/{competition.pk}/laporan/kelurahan/")
        body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        shown = [CELL.findall(row)[1:7] for row in body.split("<tr>")[1:]]
        book = workbook(client.get(f"/kompetisi/{competition.pk}/laporan/kelurahan.xlsx"))
        _header, rows = table(book.active)
        assert shown == [[row[1], row[2], *(str(v) for v in row[3:7])] for row in rows[:-1]]
    kecamatan = {row[0] for row in shown}
    assert kecamatan == ({"Paal Merah"} if who != "panitia" else kecamatan) and kecamatan
    if who == "panitia":
        assert len(kecamatan) > 1


def _cells(report) -> list[list[list[object]]]:
    return [
        [[column.value(row) for column in sheet.columns] for row in sheet.rows]
        + [list(sheet.total or [])]
        for sheet in report.sheets
    ]


def test_the_kept_winners_pages_are_the_whole_tables_pages(
    rf, settings, panitia, officer_paal_merah, published, open_competition
):
    """Every cell, total, note and page number of each kept page equal the page paged from
    the user's whole table (`_paged` of the export's report), read once and again from the
    cache, for two users and four query strings kept side by side."""
    from django.contrib.messages.storage.fallback import FallbackStorage

    from scoring.result_views import _kept_report_page, _paged, _report, _report_filter

    settings.BANTAR_PAGE_SIZE = 2
    competition = Competition.objects.get(pk=open_competition.pk)

    def asked(user, query):
        made = rf.get("/", dict(part.split("=") for part in query.split("&") if part))
        made.user = user
        made.session = {}
        made._messages = FallbackStorage(made)
        return made

    def filters(made):
        return _report_filter(made, competition, "pemenang")

    seen = set()
    for _twice in range(2):  # the second round from the kept pages
        for user in (panitia, officer_paal_merah):
            for query in ("", "halaman=2", "category=besar", "kecamatan=bukan"):
                made = asked(user, query)
                whole, whole_page = _paged(
                    made, _report(made, competition, "pemenang", filters(made))
                )
                made = asked(user, query)
                kept, page = _kept_report_page(made, competition, "pemenang", filters(made))
                assert _cells(kept) == _cells(whole), (user, query)
                assert kept.notes == whole.notes and kept.signature == whole.signature
                assert [s.name for s in kept.sheets] == [s.name for s in whole.sheets]
                assert [c.header for s in kept.sheets for c in s.columns] == [
                    c.header for s in whole.sheets for c in s.columns
                ]
                assert page.number == whole_page.number
                assert page.paginator.count == whole_page.paginator.count
                seen.add(repr(_cells(whole)))
    assert len(seen) >= 6  # the pages differ: each must be its own


def test_the_kept_winners_page_follows_a_write(client, panitia, published, open_competition):
    """A write that changes a winner's row (its kampung's name) renews the kept page."""
    client.force_login(panitia)
    url = f"/kompetisi/{open_competition.pk}/laporan/pemenang/"
    assert "Kampung Baru Sekali" not in client.get(url).content.decode()
    entry = published["A"]
    entry.kampung_name = "Kampung Baru Sekali"
    entry.save()
    assert "Kampung Baru Sekali" in client.get(url).content.decode()
