"""Issue 19: the long lists page, filter and search on the server, and keep their scope.

The participants list (/peserta/), its exports, the verification queue and its bulk verify.
The page size is set small so that paging shows with a handful of entries.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.messages import get_messages
from openpyxl import load_workbook

from competitions.entry_views import ERROR_BULK_OUT_OF_SCOPE
from competitions.filters import search_terms
from competitions.models import Entry, EntryStatus, Kelurahan
from competitions.services import ERROR_CANNOT_CHECK
from tests.conftest import count_queries
from tests.factories import EntryFactory, RTFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(settings):
    settings.BANTAR_PAGE_SIZE = 2


@pytest.fixture
def other_paal_merah_kelurahan(eka_jaya) -> Kelurahan:
    return Kelurahan.objects.filter(kecamatan=eka_jaya.kecamatan).exclude(pk=eka_jaya.pk).first()


@pytest.fixture
def season(open_competition, eka_jaya, beringin, other_paal_merah_kelurahan):
    """Five entries in Paal Merah (two kelurahan) and one in Pasar Jambi (Beringin)."""

    def entry(kelurahan, number, **extra):
        rt = RTFactory(kelurahan=kelurahan, number=number, name_kampung=f"Kampung RT {number}")
        return EntryFactory(competition=open_competition, rt=rt, **extra)

    return {
        "eka1": entry(eka_jaya, 1, kampung_name="Kampung Durian", ketua_rt="Siti Aminah"),
        "eka2": entry(eka_jaya, 2, kampung_name="Kampung Duku", kk_count=40, status="verified"),
        "eka3": entry(eka_jaya, 3, kampung_name="Kampung Manggis", status="returned"),
        "eka12": entry(eka_jaya, 12, kampung_name="Kampung Nangka", kk_count=130),
        "other": entry(other_paal_merah_kelurahan, 5, kampung_name="Kampung Pinang"),
        "beringin": entry(beringin, 1, kampung_name="Kampung Durian Beringin", ketua_rt="Siti B"),
    }


def rows(page: str) -> set[int]:
    """The entry ids a list page shows (data-entry="<pk>")."""
    found, marker = set(), 'data-entry="'
    start = page.find(marker)
    while start != -1:
        start += len(marker)
        found.add(int(page[start : page.index('"', start)]))
        start = page.find(marker, start)
    return found


def ids(*entries: Entry) -> set[int]:
    return {entry.pk for entry in entries}


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_search_terms_read_rt_numbers_and_words():
    assert search_terms("RT 05 Durian") == ["05", "Durian"]
    assert search_terms("rt.7") == ["rt.7"]
    assert search_terms("") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=RT+1", {"eka1", "beringin"}),  # the RT number, not 12 (whole number)
        ("q=12", {"eka12"}),
        ("q=rt012", {"eka12"}),
        ("q=duku", {"eka2"}),  # kampung, any case
        ("q=Durian", {"eka1", "beringin"}),
        ("q=Beringin", {"beringin"}),  # kelurahan
        ("q=Siti+Aminah", {"eka1"}),  # head of RT: the panitia may see contacts
        ("q=durian+1", {"eka1", "beringin"}),
        ("q=durian+beringin", {"beringin"}),  # every word must match
        ("status=verified", {"eka2"}),
        ("status=returned", {"eka3"}),
        ("category=kecil", {"eka2"}),
        ("category=besar", {"eka12"}),
        ("kelurahan={eka}", {"eka1", "eka2", "eka3", "eka12"}),
        ("kecamatan={pasar_jambi}", {"beringin"}),
        ("kelurahan={eka}&status=proposed", {"eka1", "eka12"}),
        ("q=nothing-like-this", set()),
    ],
)
def test_each_filter_and_the_search_narrow_the_panitia_list(
    client, panitia, season, eka_jaya, beringin, query, expected
):
    client.force_login(panitia)
    query = query.format(eka=eka_jaya.pk, pasar_jambi=beringin.kecamatan_id)
    page = get(client, f"/peserta/?{query}")
    assert rows(page) == ids(*(season[name] for name in expected))
    assert f"{len(expected)} peserta sesuai saringan" in page


def test_without_see_contacts_a_name_search_reveals_nothing(client, pejabat, panitia, season):
    """The pejabat may not see heads of RT: the name is not searched, so no row matches it."""
    client.force_login(panitia)
    assert rows(get(client, "/peserta/?q=Siti")) == ids(season["eka1"], season["beringin"])
    client.force_login(pejabat)
    assert rows(get(client, "/peserta/?q=Siti")) == set()
    assert rows(get(client, "/peserta/?q=Aminah")) == set()
    # The rest of the search works as for everyone.
    page = get(client, "/peserta/?q=Durian")
    assert rows(page) == ids(season["eka1"], season["beringin"])
    assert "Siti Aminah" not in page


def test_the_total_counts_every_matching_row_and_pages_keep_the_filters(
    client, panitia, season, small_pages, eka_jaya
):
    client.force_login(panitia)
    first = get(client, f"/peserta/?kelurahan={eka_jaya.pk}")
    assert "4 peserta sesuai saringan" in first
    assert "1–2 dari 4" in first
    assert len(rows(first)) == 2
    assert f"?kelurahan={eka_jaya.pk}&amp;halaman=2" in first  # the next page keeps the filter
    second = get(client, f"/peserta/?kelurahan={eka_jaya.pk}&halaman=2")
    assert "3–4 dari 4" in second
    assert rows(first) | rows(second) == ids(
        season["eka1"], season["eka2"], season["eka3"], season["eka12"]
    )
    assert rows(first) & rows(second) == set()
    # A page number past the end shows the last page, never an error.
    assert rows(get(client, f"/peserta/?kelurahan={eka_jaya.pk}&halaman=99")) == rows(second)


def test_exports_ignore_the_paging_and_keep_every_matching_row(
    client, panitia, season, small_pages, eka_jaya
):
    client.force_login(panitia)
    response = client.get(f"/peserta/ekspor.csv?kelurahan={eka_jaya.pk}&halaman=2")
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    text = response.content.decode("utf-8-sig")
    for name in ("Kampung Durian", "Kampung Duku", "Kampung Manggis", "Kampung Nangka"):
        assert name in text
    assert "Kampung Pinang" not in text and "Durian Beringin" not in text
    assert len([line for line in lines if "Eka Jaya" in line]) == 4
    response = client.get("/peserta/ekspor.xlsx?q=durian&halaman=3")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert sum("Durian" in cell for cell in cells) == 2  # both, though page 3 does not exist


def test_a_kelurahan_officer_cannot_filter_its_way_into_another_region(
    client, officer_eka_jaya, season, beringin
):
    client.force_login(officer_eka_jaya)
    mine = ids(season["eka1"], season["eka2"], season["eka3"], season["eka12"])
    page = get(client, "/peserta/")
    assert rows(page) == mine
    # The kelurahan choice lists only its own kelurahan, and there is no kecamatan choice.
    assert f'<option value="{beringin.pk}"' not in page
    assert 'name="kecamatan"' not in page
    # A forged kelurahan of another region shows nothing (and says the choice is invalid).
    forged = get(client, f"/peserta/?kelurahan={beringin.pk}")
    assert rows(forged) == set()
    assert "0 peserta sesuai saringan" in forged
    # A forged kecamatan is not a filter for it: its own rows only, never Beringin's.
    assert rows(get(client, f"/peserta/?kecamatan={beringin.kecamatan_id}")) == mine
    # Every filter and search keeps to its region, and so does the export.
    for query in ("q=Durian", "q=Beringin", "q=Siti", "status=proposed", "category=sedang"):
        assert rows(get(client, f"/peserta/?{query}")) <= mine, query
    export = client.get(f"/peserta/ekspor.csv?kelurahan={beringin.pk}").content.decode("utf-8-sig")
    assert "Durian Beringin" not in export and "Siti B" not in export


def test_a_kecamatan_officer_filters_only_within_its_kecamatan(
    client, officer_paal_merah, season, beringin, other_paal_merah_kelurahan
):
    client.force_login(officer_paal_merah)
    page = get(client, f"/peserta/?kelurahan={other_paal_merah_kelurahan.pk}")
    assert rows(page) == ids(season["other"])
    assert rows(get(client, f"/peserta/?kelurahan={beringin.pk}")) == set()
    assert rows(get(client, "/peserta/?q=Beringin")) == set()
    queue = get(client, f"/verifikasi/?kelurahan={beringin.pk}")
    assert rows(queue) == set()
    assert season["beringin"].pk not in rows(get(client, "/verifikasi/?q=Durian"))


def test_the_queue_filters_pages_and_totals(client, officer_paal_merah, season, small_pages):
    client.force_login(officer_paal_merah)
    page = get(client, "/verifikasi/")
    assert "1–2 dari 5" in page  # drafts and withdrawn are not in the queue; Beringin is not
    first = get(client, "/verifikasi/?status=proposed")
    assert "1–2 dari 3" in first
    second = get(client, "/verifikasi/?status=proposed&halaman=2")
    assert rows(first) | rows(second) == ids(season["eka1"], season["eka12"], season["other"])
    assert len(rows(second)) == 1
    assert rows(get(client, "/verifikasi/?q=manggis")) == ids(season["eka3"])


def test_bulk_verify_with_one_bad_entry_verifies_the_others_and_names_the_refusal(
    client, officer_paal_merah, season
):
    client.force_login(officer_paal_merah)
    chosen = [season["eka1"], season["eka3"], season["eka12"]]  # eka3 was returned
    response = client.post(
        "/verifikasi/setujui/",
        {"entry": [entry.pk for entry in chosen], "next": "/verifikasi/?status=proposed"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/verifikasi/?status=proposed"
    status = dict(Entry.objects.filter(pk__in=ids(*chosen)).values_list("pk", "status"))
    assert status == {
        season["eka1"].pk: EntryStatus.VERIFIED,
        season["eka3"].pk: EntryStatus.RETURNED,
        season["eka12"].pk: EntryStatus.VERIFIED,
    }
    said = [str(message) for message in get_messages(response.wsgi_request)]
    refusal = str(ERROR_CANNOT_CHECK) % {"status": "Dikembalikan"}
    assert f"{season['eka3'].rt}: {refusal}" in said
    assert any(
        "2 usulan terverifikasi" in message and str(season["eka1"].rt) in message
        for message in said
    )


def test_bulk_verify_refuses_entries_outside_the_kecamatan(client, officer_paal_merah, season):
    client.force_login(officer_paal_merah)
    response = client.post(
        "/verifikasi/setujui/", {"entry": [season["beringin"].pk, season["other"].pk]}
    )
    assert response.status_code == 302
    season["beringin"].refresh_from_db()
    season["other"].refresh_from_db()
    assert season["beringin"].status == EntryStatus.PROPOSED  # not touched
    assert season["other"].status == EntryStatus.VERIFIED
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert str(ERROR_BULK_OUT_OF_SCOPE) % {"count": 1} in said
    assert not any(str(season["beringin"].rt) in message for message in said)  # never named


def test_bulk_verify_is_for_kecamatan_officers_only(client, officer_eka_jaya, season):
    client.force_login(officer_eka_jaya)
    response = client.post("/verifikasi/setujui/", {"entry": [season["eka1"].pk]})
    assert response.status_code == 403
    season["eka1"].refresh_from_db()
    assert season["eka1"].status == EntryStatus.PROPOSED


def _grow(competition, kelurahan, count: int) -> None:
    start = 100 + Entry.objects.count()
    for number in range(start, start + count):
        EntryFactory(competition=competition, rt=RTFactory(kelurahan=kelurahan, number=number))


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("panitia", "/peserta/"),
        ("panitia", "/peserta/?q=kampung+1&status=proposed"),
        ("officer_eka_jaya", "/peserta/"),
        ("officer_paal_merah", "/verifikasi/"),
        ("officer_paal_merah", "/verifikasi/?q=kampung"),
    ],
)
def test_queries_per_page_do_not_grow_with_the_entries(
    client, request, open_competition, eka_jaya, persona, url
):
    client.force_login(request.getfixturevalue(persona))
    _grow(open_competition, eka_jaya, 10)
    with_ten = count_queries(client, url)
    _grow(open_competition, eka_jaya, 100)
    assert Entry.objects.count() == 110
    assert count_queries(client, url) == with_ten
