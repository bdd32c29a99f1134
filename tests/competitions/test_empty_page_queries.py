"""Issue 19, "queries per page stay constant": a filtered list costs the same queries whether
its page has rows or none (Django skips the row query of an empty page; `bantar.filters.page_of`
runs it anyway, so a filter that matches nothing is not one query cheaper)."""

from __future__ import annotations

import pytest

from tests.conftest import count_queries
from tests.factories import EntryFactory, RTFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(open_competition, eka_jaya):
    for number, status in ((1, "proposed"), (2, "verified"), (3, "proposed")):
        rt = RTFactory(kelurahan=eka_jaya, number=number, name_kampung=f"Kampung {number}")
        EntryFactory(competition=open_competition, rt=rt, kk_count=40, status=status)


def test_the_participants_list_costs_the_same_with_rows_and_without(client, panitia, entries):
    client.force_login(panitia)
    full = count_queries(client, "/peserta/?status=verified&q=RT+2")
    empty = count_queries(client, "/peserta/?status=verified&q=RT+3")  # RT 3 is proposed
    assert "Kampung 2" in client.get("/peserta/?status=verified&q=RT+2").content.decode()
    assert "Kampung 3" not in client.get("/peserta/?status=verified&q=RT+3").content.decode()
    assert full == empty


def test_the_verification_queue_costs_the_same_with_rows_and_without(
    client, officer_paal_merah, entries
):
    client.force_login(officer_paal_merah)
    full = count_queries(client, "/verifikasi/?status=proposed")
    empty = count_queries(client, "/verifikasi/?status=returned")
    assert "Kampung 1" in client.get("/verifikasi/?status=proposed").content.decode()
    assert "Kampung 1" not in client.get("/verifikasi/?status=returned").content.decode()
    assert full == empty
