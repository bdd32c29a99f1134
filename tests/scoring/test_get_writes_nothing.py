"""Opening a juror's page writes nothing: the sheet is made by the first change, not by a look."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.models import ScoreSheet
from tests.conftest import note_visit
from tests.scoring.conftest import post_score, score_all

pytestmark = pytest.mark.django_db

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


def writes_of(client, url: str) -> tuple[list[str], str]:
    """The writing SQL of one GET (after the session's once-a-minute visit note) and the page."""
    note_visit(client)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    sql = [query["sql"] for query in context.captured_queries]
    return [statement for statement in sql if WRITES.match(statement)], response.content.decode()


@pytest.fixture
def as_juror(client, juror, team1):
    client.force_login(juror)
    client.get("/penilaian/")  # the session's first visit note is written here, not measured
    return client


def test_opening_a_scoring_page_before_any_change_writes_nothing(as_juror, entry_eka_jaya, juror):
    writes, html = writes_of(as_juror, f"/penilaian/{entry_eka_jaya.pk}/")
    assert writes == []
    assert not ScoreSheet.objects.exists()
    assert 'data-locked="0"' in html and "sheet-locked" not in html.replace("sheet-locked-box", "")
    assert re.search(r'id="scored-count">0<', html)


def test_the_first_change_makes_the_sheet_and_the_page_shows_it_without_writing(
    as_juror, entry_eka_jaya, juror
):
    assert post_score(as_juror, entry_eka_jaya, "B1", 4).status_code == 200
    writes, html = writes_of(as_juror, f"/penilaian/{entry_eka_jaya.pk}/")
    assert writes == []
    assert re.search(r'id="scored-count">1<', html)
    assert ScoreSheet.objects.get().juror == juror


def test_a_submitted_sheet_opens_locked_without_writing(as_juror, entry_eka_jaya):
    score_all(as_juror, entry_eka_jaya)
    assert as_juror.post(f"/penilaian/{entry_eka_jaya.pk}/kirim/").status_code == 302
    as_juror.get(f"/penilaian/{entry_eka_jaya.pk}/")  # shows (and removes) the flash message
    writes, html = writes_of(as_juror, f"/penilaian/{entry_eka_jaya.pk}/")
    assert writes == []
    assert 'data-locked="1"' in html and 'data-testid="sheet-locked"' in html


def test_the_jurors_list_writes_nothing(as_juror, entry_eka_jaya):
    writes, _html = writes_of(as_juror, "/penilaian/")
    assert writes == []
