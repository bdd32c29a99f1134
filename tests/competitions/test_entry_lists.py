"""Entry lists: filters, counts, exports scoped to the user, and flat query counts."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from competitions.models import RT, Entry, Kelurahan
from tests.conftest import count_queries
from tests.factories import EntryFactory, RTFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def season(open_competition, eka_jaya, beringin):
    made = [
        EntryFactory(
            competition=open_competition, rt=RTFactory(kelurahan=eka_jaya, number=1), kk_count=120
        ),
        EntryFactory(
            competition=open_competition,
            rt=RTFactory(kelurahan=eka_jaya, number=2),
            kk_count=70,
            status="verified",
        ),
        EntryFactory(
            competition=open_competition,
            rt=RTFactory(kelurahan=eka_jaya, number=3),
            kk_count=40,
            status="returned",
        ),
        EntryFactory(
            competition=open_competition,
            rt=RTFactory(kelurahan=beringin, number=4),
            kk_count=45,
            status="verified",
        ),
    ]
    return made


def counts(page: str) -> dict[str, int]:
    found = {}
    for status in ("draft", "proposed", "verified", "returned", "withdrawn"):
        marker = f'data-status="{status}">'
        start = page.index(marker) + len(marker)
        found[status] = int(page[start : page.index("<", start)])
    return found


def test_the_kelurahan_list_counts_its_own_entries_by_status(client, officer_eka_jaya, season):
    client.force_login(officer_eka_jaya)
    page = client.get("/peserta/").content.decode()
    assert counts(page) == {"draft": 0, "proposed": 1, "verified": 1, "returned": 1, "withdrawn": 0}
    assert page.count("data-entry=") == 3


def test_the_list_filters_by_status_kelurahan_and_category(client, panitia, season, eka_jaya):
    client.force_login(panitia)
    page = client.get("/peserta/", {"status": "verified"}).content.decode()
    assert page.count("data-entry=") == 2
    page = client.get("/peserta/", {"kelurahan": eka_jaya.pk, "category": "kecil"}).content.decode()
    assert page.count("data-entry=") == 1
    assert counts(page)["returned"] == 1


def test_a_kelurahan_filter_outside_the_scope_is_ignored(
    client, officer_eka_jaya, season, beringin
):
    client.force_login(officer_eka_jaya)
    page = client.get("/peserta/", {"kelurahan": beringin.pk}).content.decode()
    assert "Beringin" not in page.split('data-testid="entry-table"')[1]


def test_the_city_sees_a_per_kecamatan_table_by_category(client, pejabat, season):
    client.force_login(pejabat)
    page = client.get("/peserta/").content.decode()
    table = page[page.index('data-testid="kecamatan-table"') :]
    row = table[table.index("Paal Merah") : table.index("</tr>", table.index("Paal Merah"))]
    cells = [int(c.split("<")[0]) for c in row.split("<td>")[1:]]
    # proposed besar, sedang, kecil, total; then verified besar, sedang, kecil, total
    assert cells == [1, 1, 1, 3, 0, 1, 0, 1]


def test_the_kelurahan_export_holds_only_its_own_entries(client, officer_eka_jaya, season):
    client.force_login(officer_eka_jaya)
    response = client.get("/peserta/ekspor.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r and r[0] == "No"))
    data = [r for r in rows[header + 1 :] if r and r[0] is not None]
    assert {r[2] for r in data} == {"Eka Jaya"}
    assert [r[7] for r in data] == [120, 70, 40]  # KK counts are real numbers
    assert sheet.freeze_panes == f"A{header + 2}"


def test_the_csv_export_neutralises_formulas(client, officer_eka_jaya, open_competition, eka_jaya):
    EntryFactory(
        competition=open_competition,
        rt=RTFactory(kelurahan=eka_jaya),
        ketua_rt='=HYPERLINK("http://x")',
    )
    client.force_login(officer_eka_jaya)
    response = client.get("/peserta/ekspor.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][5] == '\'=HYPERLINK("http://x")'


def test_the_pejabat_export_carries_no_phone_numbers(client, pejabat, panitia, season):
    client.force_login(pejabat)
    content = client.get("/peserta/ekspor.csv").content.decode("utf-8-sig")
    assert "Telepon" not in content and "081234567890" not in content
    client.force_login(panitia)
    assert "081234567890" in client.get("/peserta/ekspor.csv").content.decode("utf-8-sig")


def test_an_unknown_export_format_is_404(client, panitia):
    client.force_login(panitia)
    assert client.get("/peserta/ekspor.pdf").status_code == 404


def test_jurors_have_no_entry_list(client, juror):
    client.force_login(juror)
    assert client.get("/peserta/").status_code == 403
    assert client.get("/peserta/ekspor.csv").status_code == 403


def fill(competition, count: int) -> None:
    """Exactly `count` entries spread over the kelurahan of Paal Merah."""
    Entry.objects.all().delete()
    RT.objects.all().delete()
    kelurahan = list(Kelurahan.objects.filter(kecamatan__name="Paal Merah"))
    for index in range(count):
        EntryFactory(
            competition=competition,
            rt=RTFactory(
                kelurahan=kelurahan[index % len(kelurahan)], number=index // len(kelurahan) + 1
            ),
            kk_count=30 + index % 150,
            status=("proposed", "verified", "returned")[index % 3],
        )


PAGES_BY_PERSONA = [
    (persona, url)
    for persona in ("officer_eka_jaya", "officer_paal_merah", "panitia", "pejabat")
    for url in ("/", "/peserta/", "/peserta/ekspor.xlsx", "/peserta/ekspor.csv")
] + [("officer_paal_merah", "/verifikasi/")]


@pytest.mark.parametrize(("persona", "url"), PAGES_BY_PERSONA)
def test_pages_run_as_many_queries_for_500_entries_as_for_5(
    client, request, persona, url, open_competition
):
    client.force_login(request.getfixturevalue(persona))
    fill(open_competition, 5)
    few = count_queries(client, url)
    fill(open_competition, 500)
    assert Entry.objects.count() == 500
    assert count_queries(client, url) == few
