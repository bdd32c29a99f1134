# ruff: noqa: F811  (the fixtures imported from the lists' own tests are parameters here)
"""Issue 19: a filter value a list does not understand is named on the page, never a silent
"0 RT", and never widens what the user sees (bantar.filters, templates/bantar/_filter_notice.html).

One test per kind of list using ScopedFilterSet: the participants list and the verification
queue (EntryFilter), the teams page (AssignmentFilter), the score matrix (MatrixFilter).
"""

from __future__ import annotations

import html

import pytest

from bantar.filters import (
    ERROR_FILTER_FORM,
    ERROR_FILTER_NOT_HERE,
    ERROR_FILTER_VALUE,
    ERROR_PAGE_NUMBER,
)
from tests.competitions.test_long_lists import (  # noqa: F401 (fixtures)
    get,
    ids,
    other_paal_merah_kelurahan,
    rows,
    season,
    small_pages,
)
from tests.scoring.test_assignment_lists import rows as team_rows
from tests.scoring.test_assignment_lists import teams, verified  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def notice(page: str) -> str:
    start = page.find('data-testid="filter-invalid"')
    return html.unescape(page[start : page.index("</div>", start)]) if start != -1 else ""


def test_the_participants_list_names_the_value_it_did_not_understand(
    client, officer_eka_jaya, season, beringin
):
    client.force_login(officer_eka_jaya)
    forged = get(client, f"/peserta/?kelurahan={beringin.pk}")
    said = notice(forged)
    assert str(ERROR_FILTER_FORM) in said
    assert str(ERROR_FILTER_VALUE) % {"label": "Kelurahan", "value": beringin.pk} in said
    assert rows(forged) == set()  # never Beringin's rows, nor a widened list
    assert "Durian Beringin" not in forged
    # The link drops only that filter: the officer's own list, still in its scope.
    assert 'href="?"' in forged
    category = get(client, "/peserta/?category=xyz&q=Durian")
    assert str(ERROR_FILTER_VALUE) % {"label": "Kategori", "value": "xyz"} in notice(category)
    assert 'href="?q=Durian"' in category
    assert rows(category) == set()
    # A good filter says nothing.
    assert notice(get(client, "/peserta/?q=Durian")) == ""
    assert rows(get(client, "/peserta/?q=Durian")) == ids(season["eka1"])


def test_an_officer_s_kecamatan_filter_is_said_to_be_ignored_and_shows_its_own_rows_only(
    client, officer_eka_jaya, season, beringin
):
    client.force_login(officer_eka_jaya)
    mine = ids(season["eka1"], season["eka2"], season["eka3"], season["eka12"])
    page = get(client, f"/peserta/?kecamatan={beringin.kecamatan_id}")
    said = notice(page)
    expected = {"label": "Kecamatan", "value": beringin.kecamatan_id}
    assert str(ERROR_FILTER_NOT_HERE) % expected in said
    assert str(ERROR_FILTER_FORM) not in said  # nothing refused: the rows are the officer's
    assert rows(page) == mine and season["beringin"].pk not in rows(page)
    assert "Durian Beringin" not in page
    assert notice(get(client, "/peserta/?kecamatan=")) == ""  # an empty choice is no filter


def test_a_page_number_that_is_not_one_is_said(client, officer_eka_jaya, season, small_pages):
    client.force_login(officer_eka_jaya)
    page = get(client, "/peserta/?halaman=-3")
    assert str(ERROR_PAGE_NUMBER) % {"value": "-3", "number": 2} in notice(page)
    assert str(ERROR_PAGE_NUMBER) % {"value": "abc", "number": 1} in notice(
        get(client, "/peserta/?halaman=abc")
    )
    assert notice(get(client, "/peserta/?halaman=2")) == ""


def test_the_notice_is_in_english_when_the_user_chose_english(
    client, officer_eka_jaya, season, beringin
):
    client.force_login(officer_eka_jaya)
    client.post("/i18n/setlang/", {"language": "en", "next": "/peserta/"})
    said = notice(get(client, f"/peserta/?kelurahan={beringin.pk}&halaman=-3"))
    from django.utils import translation

    with translation.override("en"):
        english = str(ERROR_FILTER_VALUE) % {"label": "Kelurahan", "value": beringin.pk}
        assert english in said
    client.post("/i18n/setlang/", {"language": "id", "next": "/peserta/"})


def test_the_verification_queue_says_it_too(client, officer_paal_merah, season, beringin):
    client.force_login(officer_paal_merah)
    queue = get(client, f"/verifikasi/?kelurahan={beringin.pk}")
    assert str(ERROR_FILTER_VALUE) % {"label": "Kelurahan", "value": beringin.pk} in notice(queue)
    assert rows(queue) == set()
    assert season["beringin"].pk not in rows(queue)


def test_the_teams_page_says_it_and_its_bulk_assign_reaches_nothing(
    client, panitia, assessment, teams, verified
):
    client.force_login(panitia)
    page = get(client, f"/kompetisi/{assessment.pk}/tim/?kelurahan=999999&tim=entah")
    said = notice(page)
    assert str(ERROR_FILTER_VALUE) % {"label": "Kelurahan", "value": "999999"} in said
    assert str(ERROR_FILTER_VALUE) % {"label": "Tim", "value": "entah"} in said
    assert team_rows(page) == set()


def test_the_score_matrix_says_it(client, panitia, open_competition, season):
    client.force_login(panitia)
    page = get(client, f"/kompetisi/{open_competition.pk}/laporan/matriks/?category=raksasa")
    assert str(ERROR_FILTER_VALUE) % {"label": "Kategori", "value": "raksasa"} in notice(page)
    assert "Kampung Durian" not in page  # no row of any region


def test_the_search_box_is_one_search_input(client, officer_eka_jaya, season):
    """The search field's `type` is the widget's own: given as an attribute too, the input
    had two `type`s (the first, "text", wins in a browser: no search keyboard, no clear)."""
    client.force_login(officer_eka_jaya)
    page = get(client, "/peserta/")
    start = page.index('name="q"')
    tag = page[page.rindex("<input", 0, start) : page.index(">", start)]
    assert tag.count("type=") == 1, tag
    assert 'type="search"' in tag
