"""Issue 19: the juror's list in pages by path (/penilaian/halaman/<n>/), filtered on the server.

A team has 2,750 RTs at 10x: one page of the list holds BANTAR_JUROR_PAGE_SIZE of them, the
totals say how many match in all, every filter stays inside the juror's own teams' RTs, and
a page takes the same queries for a team of 5 RTs as for one of 60. The offline kit names
every page, so each RT is reached from the list with no signal.
"""

from __future__ import annotations

import re

import pytest
from django.db.models import Q

from competitions.models import RT, Entry, Kelurahan
from scoring import services
from scoring.services import entry_assign
from tests.conftest import count_queries
from tests.factories import EntryFactory, RTFactory
from tests.scoring.conftest import score_all

pytestmark = pytest.mark.django_db

SIZE = 4  # RTs a page in these tests


@pytest.fixture(autouse=True)
def small_pages(settings):
    settings.BANTAR_JUROR_PAGE_SIZE = SIZE


@pytest.fixture
def as_juror(client, juror, team1):
    client.force_login(juror)
    return client


@pytest.fixture
def sungai(db) -> Kelurahan:
    """A second kelurahan of the team's RTs (not the juror's home, Beringin)."""
    return Kelurahan.objects.exclude(name__in=["Eka Jaya", "Beringin"]).order_by("code").first()


def add_rts(competition, kelurahan, team, panitia, numbers, kampung: str = "Kampung Uji"):
    entries = []
    for number in numbers:
        entry = EntryFactory(
            competition=competition,
            rt=RTFactory(kelurahan=kelurahan, number=number),
            status="verified",
            kampung_name=f"{kampung} {number}",
        )
        entry_assign(entry=entry, team=team, by=panitia)
        entries.append(entry)
    return entries


def listed(page: str) -> list[int]:
    """The entry ids of the RTs a page of the list shows, in order."""
    return [int(pk) for pk in re.findall(r'data-entry="(\d+)" data-testid="rt-item"', page)]


def total(page: str) -> str:
    return re.search(r'data-testid="row-total">(.*?)</span>', page, re.S).group(1)


@pytest.fixture
def day(assessment, eka_jaya, sungai, team1, team2, panitia, entry_eka_jaya):
    """Team 1: RT 8 of Eka Jaya, nine more there and three in another kelurahan (13 RTs)."""
    # The factory names kampung by a sequence ("Kampung 122" after enough tests): a name
    # without digits, so that a search for an RT number finds the RT numbered so alone.
    Entry.objects.filter(pk=entry_eka_jaya.pk).update(kampung_name="Kampung Melati")
    eka = add_rts(assessment, eka_jaya, team1, panitia, range(20, 29))
    other = add_rts(assessment, sungai, team1, panitia, (5, 6, 7), kampung="Kampung Durian")
    # The search reads the RT's own kampung name too, also a factory sequence: none with digits.
    RT.objects.update(name_kampung="Kampung Melati")
    return {"eka": [entry_eka_jaya, *eka], "other": other, "all": [entry_eka_jaya, *eka, *other]}


def test_the_pages_by_path_hold_every_rt_once_in_the_days_order(as_juror, day):
    first = as_juror.get("/penilaian/").content.decode()
    pages = [first] + [as_juror.get(f"/penilaian/halaman/{n}/").content.decode() for n in (2, 3, 4)]
    shown = [pk for page in pages for pk in listed(page)]
    assert [len(listed(page)) for page in pages] == [4, 4, 4, 1]
    assert sorted(shown) == sorted(entry.pk for entry in day["all"])
    assert len(set(shown)) == 13
    assert total(first).split() == ["RT", "1–4", "dari", "13"]
    assert total(pages[3]).split() == ["RT", "13–13", "dari", "13"]
    assert 'href="/penilaian/halaman/2/"' in first and 'rel="next"' in first
    assert 'href="/penilaian/" rel="prev"' in pages[1]


def test_page_one_by_path_is_the_list_itself_and_past_the_end_is_said(as_juror, day):
    response = as_juror.get("/penilaian/halaman/1/?status=belum")
    assert response.status_code == 302 and response["Location"] == "/penilaian/?status=belum"
    past = as_juror.get("/penilaian/halaman/9/").content.decode()
    assert 'data-testid="page-problem"' in past and "Halaman “9” tidak ada" in past
    assert len(listed(past)) == 1  # the last page


def test_filters_narrow_the_rows_and_the_totals_count_every_page(as_juror, day, sungai):
    by_kelurahan = as_juror.get(f"/penilaian/?kelurahan={sungai.code}").content.decode()
    assert sorted(listed(by_kelurahan)) == sorted(entry.pk for entry in day["other"])
    assert total(by_kelurahan).split()[:4] == ["RT", "1–3", "dari", "3"]
    assert "semua: 13 RT" in by_kelurahan
    # An RT number, written as a juror does; a kampung's name.
    for written in ("22", "RT 22", "rt.022", "022"):
        page = as_juror.get("/penilaian/", {"cari": written}).content.decode()
        assert listed(page) == [day["eka"][3].pk], written  # RT 22 of Eka Jaya
    durian = as_juror.get("/penilaian/", {"cari": "durian"}).content.decode()
    assert sorted(listed(durian)) == sorted(entry.pk for entry in day["other"])
    # The filters travel with the pages.
    eka = as_juror.get("/penilaian/", {"cari": "Kampung Uji"}).content.decode()
    assert total(eka).split()[:4] == ["RT", "1–4", "dari", "9"]
    assert 'href="/penilaian/halaman/2/?cari=Kampung+Uji"' in eka


def test_not_yet_submitted_leaves_out_the_jurors_sent_sheets_only(
    as_juror, client, juror, juror_polri, day
):
    sent = day["eka"][1]
    score_all(as_juror, sent)
    services.sheet_submit(entry=sent, juror=juror)
    open_pages = [
        as_juror.get(url, {"status": "belum"}).content.decode()
        for url in ("/penilaian/", "/penilaian/halaman/2/", "/penilaian/halaman/3/")
    ]
    still_open = [pk for page in open_pages for pk in listed(page)]
    assert sent.pk not in still_open and len(still_open) == 12
    assert total(open_pages[0]).split()[:4] == ["RT", "1–4", "dari", "12"]
    done = as_juror.get("/penilaian/", {"status": "terkirim"}).content.decode()
    assert listed(done) == [sent.pk]
    # Another juror of the team has sent nothing: the sheet is this juror's.
    client.force_login(juror_polri)
    theirs = client.get("/penilaian/", {"status": "belum"}).content.decode()
    assert total(theirs).split()[:4] == ["RT", "1–4", "dari", "13"]


def test_no_filter_reaches_another_teams_rts(as_juror, client, juror_team2, day, entry_beringin):
    """Team 2's RT 3 of Beringin: not for this juror under any filter, nor team 1's for team 2."""
    beringin = entry_beringin.rt.kelurahan
    asked = [
        {},
        {"kelurahan": beringin.code},
        {"cari": "3"},
        {"cari": "RT 3"},
        {"status": "belum"},
        {"status": "terkirim"},
        {"kelurahan": beringin.code, "cari": "3", "status": "belum"},
    ]
    for query in asked:
        for url in ("/penilaian/", "/penilaian/halaman/2/"):
            page = as_juror.get(url, query).content.decode()
            assert f'data-entry="{entry_beringin.pk}"' not in page, (url, query)
    # The juror's kelurahan choices are those of his own RTs.
    page = as_juror.get("/penilaian/").content.decode()
    assert f'<option value="{beringin.code}"' not in page
    refused = as_juror.get("/penilaian/", {"kelurahan": beringin.code}).content.decode()
    assert 'data-testid="filter-problem"' in refused and not listed(refused)
    client.force_login(juror_team2)
    theirs = client.get("/penilaian/", {"cari": "Kampung Uji"}).content.decode()
    assert listed(theirs) == []
    assert listed(client.get("/penilaian/").content.decode()) == [entry_beringin.pk]


def test_a_filter_that_matches_nothing_says_so_and_a_bad_value_shows_nothing(as_juror, day):
    none = as_juror.get("/penilaian/", {"cari": "Tidak Ada Kampung Ini"}).content.decode()
    assert 'data-testid="filter-empty"' in none and "dari 13 RT Anda" in none
    assert not listed(none)
    bad = as_juror.get("/penilaian/", {"status": "semua-kah"}).content.decode()
    assert 'data-testid="filter-problem"' in bad and not listed(bad)


def test_a_page_takes_the_same_queries_for_5_rts_as_for_60(
    as_juror, assessment, eka_jaya, sungai, team1, panitia, entry_eka_jaya, juror, settings
):
    settings.BANTAR_JUROR_PAGE_SIZE = 50
    add_rts(assessment, eka_jaya, team1, panitia, range(20, 24))
    score_all(as_juror, entry_eka_jaya)
    services.sheet_submit(entry=entry_eka_jaya, juror=juror)
    urls = (
        "/penilaian/",
        "/penilaian/?status=belum&cari=Kampung+Uji",
        f"/penilaian/?kelurahan={eka_jaya.code}",
    )
    few = [count_queries(as_juror, url) for url in urls]
    add_rts(assessment, eka_jaya, team1, panitia, range(30, 70))
    add_rts(assessment, sungai, team1, panitia, range(1, 16))
    assert [count_queries(as_juror, url) for url in urls] == few
    assert count_queries(as_juror, "/penilaian/halaman/2/") == few[0]
    assert len(listed(as_juror.get("/penilaian/").content.decode())) == 50


def test_the_kit_names_every_page_of_the_list_and_each_rts_page(as_juror, day):
    kit = as_juror.get("/penilaian/kit/").json()
    lists = [url for url in kit["urls"] if url.startswith("/penilaian/") and "kotak" not in url]
    assert lists == [
        "/penilaian/",
        "/penilaian/halaman/2/",
        "/penilaian/halaman/3/",
        "/penilaian/halaman/4/",
    ]
    # Each RT's page of the list is the page that shows it.
    for entry in kit["entries"]:
        page = as_juror.get(entry["list"]).content.decode()
        assert entry["id"] in listed(page), entry
    assert len(kit["entries"]) == 13


def test_the_lists_rts_are_those_entry_for_user_lets_the_juror_see(
    as_juror, juror, day, assessment, eka_jaya, team2, panitia
):
    """The list starts from the team's assignments (an index), not from Entry.for_user (a
    scan of the city's entries): both must name the same RTs, calibration RTs included."""
    calibration = add_rts(assessment, eka_jaya, team2, panitia, [60])[0]
    calibration.is_calibration = True
    calibration.save(update_fields=["is_calibration"])
    unassigned = EntryFactory(
        competition=assessment,
        rt=RTFactory(kelurahan=eka_jaya, number=61),
        status="verified",
        is_calibration=True,
    )
    kit = {row["id"] for row in as_juror.get("/penilaian/kit/").json()["entries"]}
    pages = [
        as_juror.get(url).content.decode()
        for url in ("/penilaian/", *(f"/penilaian/halaman/{n}/" for n in range(2, 6)))
    ]
    listed_ids = {pk for page in pages for pk in listed(page)}
    seen = set(
        Entry.objects.for_user(juror)
        .filter(
            Q(assignment__team__members__user=juror)
            | Q(is_calibration=True, competition=assessment)
        )
        .values_list("pk", flat=True)
    )
    assert calibration.pk in seen and unassigned.pk not in seen
    assert listed_ids == seen
    assert kit <= listed_ids
    assert calibration.pk in listed_ids and len(listed_ids) == 14
