"""Issue 19: a page of the juror's list stays within 300 KB with the longest rows.

The list is paged by path (BANTAR_JUROR_PAGE_SIZE RTs a page, tests/scoring/
test_juror_list_pages.py); the offline kit keeps every page. A full page of open RTs with
long names and addresses must fit 300 KB. A submitted RT is two lines (its visit is over);
an open one keeps its contacts, address and map link. The queries do not grow with the RTs.
"""

from __future__ import annotations

import pytest

from scoring import services
from scoring.services import entry_assign
from tests.conftest import count_queries
from tests.factories import EntryFactory, RTFactory
from tests.scoring.conftest import score_all

pytestmark = pytest.mark.django_db

BUDGET = 300 * 1024  # bytes of HTML


def item(page: str, entry_pk: int) -> str:
    """The markup of one RT of the list."""
    start = page.index(f'data-entry="{entry_pk}"')
    end = page.find('<div class="list-group-item', start)
    return page[start : end if end != -1 else len(page)]


def open_entry(assessment, eka_jaya, team, panitia, number: int):
    entry = EntryFactory(
        competition=assessment,
        rt=RTFactory(kelurahan=eka_jaya, number=number),
        status="verified",
        kampung_name=f"Kampung Durian Runtuh {number}",
        ketua_rt=f"Bapak Ketua Rukun Tetangga {number}",
        phone=f"0812345{number:05d}",
        address=f"Jalan Kapten Pattimura Lorong Bantar {number}, Eka Jaya",
        latitude="-1.631",
        longitude="103.611",
    )
    entry_assign(entry=entry, team=team, by=panitia)
    return entry


def test_a_submitted_rt_is_two_lines_and_an_open_one_keeps_its_contacts(
    client, juror, team1, entry_eka_jaya, assessment, eka_jaya, panitia
):
    other = open_entry(assessment, eka_jaya, team1, panitia, 40)
    client.force_login(juror)
    score_all(client, entry_eka_jaya)
    services.sheet_submit(entry=entry_eka_jaya, juror=juror)
    page = client.get("/penilaian/").content.decode()
    done, still_open = item(page, entry_eka_jaya.pk), item(page, other.pk)
    assert "data-done" in done and "terkirim" in done
    assert 'data-testid="call"' not in done and 'data-testid="geo"' not in done
    assert 'data-testid="call"' in still_open and 'data-testid="geo"' in still_open
    assert other.address in still_open and "data-done" not in still_open
    # Both stay in the offline kit's list: its readiness and outbox labels are on each.
    for markup, entry in ((done, entry_eka_jaya), (still_open, other)):
        assert 'data-testid="rt-item"' in markup
        assert f'data-ready-for="{entry.pk}"' in markup
        assert f'data-waiting-for="{entry.pk}"' in markup


def test_a_full_page_of_open_rts_fits_300_kb_with_no_query_per_rt(
    client, juror, team1, assessment, eka_jaya, panitia, settings
):
    client.force_login(juror)
    for number in (41, 42):
        open_entry(assessment, eka_jaya, team1, panitia, number)
    few = count_queries(client, "/penilaian/")
    small = len(client.get("/penilaian/").content)
    for number in range(43, 73):
        open_entry(assessment, eka_jaya, team1, panitia, number)
    page = client.get("/penilaian/").content
    assert page.count(b'data-testid="call"') == 33  # with team1's own entry
    per_rt = (len(page) - small) / 30
    assert small + (settings.BANTAR_JUROR_PAGE_SIZE - 3) * per_rt <= BUDGET, per_rt
    assert count_queries(client, "/penilaian/") == few
