"""Pause after taking part (issue 15): an RT that took part the year before is allowed
(the default), allowed with a warning, or refused, per the competition's `repeat_entry`."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from competitions.models import RT, Entry, EntryStatus, RepeatEntry
from competitions.services import ERROR_REPEAT_REFUSED, WARNING_REPEAT, competition_create
from tests.competitions.conftest import entry_form
from tests.factories import EntryFactory, xlsx_upload

pytestmark = pytest.mark.django_db
HEADER = ["kode_kelurahan", "nomor_rt", "nama_kampung", "ketua_rt", "jumlah_kk"]


@pytest.fixture
def last_year_rt(open_competition, eka_jaya) -> RT:
    """Eka Jaya RT 03 took part (verified) in last year's competition."""
    rt = RT.objects.create(kelurahan=eka_jaya, number=3, name_kampung="Kampung Lama")
    before = competition_create(year=open_competition.year - 1)
    EntryFactory(competition=before, rt=rt, kk_count=70, status=EntryStatus.VERIFIED)
    return rt


def set_mode(competition, mode: str) -> None:
    competition.repeat_entry = mode
    competition.full_clean()
    competition.save()


def message(template, competition, rt) -> str:
    return str(template % {"rt": str(rt), "year": competition.year - 1})


def propose(client, officer, competition, rt):
    client.force_login(officer)
    return client.post(
        f"/kompetisi/{competition.pk}/peserta/baru/",
        entry_form(rt=str(rt.pk), new_rt_number=""),
        follow=True,
    )


def test_allowed_by_default_without_a_word(
    client, officer_eka_jaya, open_competition, last_year_rt
):
    assert open_competition.repeat_entry == RepeatEntry.ALLOW
    page = propose(client, officer_eka_jaya, open_competition, last_year_rt).content.decode()
    assert Entry.objects.filter(competition=open_competition, rt=last_year_rt).exists()
    assert "sudah ikut lomba tahun" not in page


def test_warn_saves_the_entry_and_says_so(client, officer_eka_jaya, open_competition, last_year_rt):
    set_mode(open_competition, RepeatEntry.WARN)
    client.force_login(officer_eka_jaya)
    form = client.get(f"/kompetisi/{open_competition.pk}/peserta/baru/").content.decode()
    notes = json.loads(re.search(r'id="rt-notes" type="application/json">(.*?)<', form).group(1))
    expected = message(WARNING_REPEAT, open_competition, last_year_rt)
    assert notes[str(last_year_rt.pk)] == {"repeat": expected, "refused": False}
    page = propose(client, officer_eka_jaya, open_competition, last_year_rt).content.decode()
    assert Entry.objects.filter(competition=open_competition, rt=last_year_rt).exists()
    assert expected in page


def test_refuse_saves_nothing_and_says_why(
    client, officer_eka_jaya, open_competition, last_year_rt
):
    set_mode(open_competition, RepeatEntry.REFUSE)
    response = propose(client, officer_eka_jaya, open_competition, last_year_rt)
    assert response.status_code == 200
    assert (
        message(ERROR_REPEAT_REFUSED, open_competition, last_year_rt) in response.content.decode()
    )
    assert not Entry.objects.filter(competition=open_competition).exists()


def test_refuse_counts_only_last_years_verified_entries(
    client, officer_eka_jaya, open_competition, eka_jaya
):
    set_mode(open_competition, RepeatEntry.REFUSE)
    two_years_ago = RT.objects.create(kelurahan=eka_jaya, number=4)
    withdrawn = RT.objects.create(kelurahan=eka_jaya, number=5)
    older = competition_create(year=open_competition.year - 2)
    before = competition_create(year=open_competition.year - 1)
    EntryFactory(competition=older, rt=two_years_ago, status=EntryStatus.VERIFIED)
    EntryFactory(competition=before, rt=withdrawn, status=EntryStatus.WITHDRAWN)
    for rt in (two_years_ago, withdrawn):
        propose(client, officer_eka_jaya, open_competition, rt)
    assert Entry.objects.filter(competition=open_competition).count() == 2


def import_rows(client, panitia, competition, rt):
    client.force_login(panitia)
    upload = xlsx_upload(HEADER, [[rt.kelurahan.code, rt.number, "Kampung Lama", "Pak RT", 70]])
    return client.post(
        f"/kompetisi/{competition.pk}/impor/", {"import_file": upload, "status": "proposed"}
    )


def test_import_refuses_the_row(client, panitia, open_competition, last_year_rt):
    set_mode(open_competition, RepeatEntry.REFUSE)
    page = import_rows(client, panitia, open_competition, last_year_rt).content.decode()
    assert 'data-testid="import-errors"' in page
    assert message(ERROR_REPEAT_REFUSED, open_competition, last_year_rt) in page


def test_import_warns_and_imports(client, panitia, open_competition, last_year_rt):
    set_mode(open_competition, RepeatEntry.WARN)
    response = import_rows(client, panitia, open_competition, last_year_rt)
    page = response.content.decode()
    assert 'data-testid="import-warnings"' in page
    assert "Baris 2: " + message(WARNING_REPEAT, open_competition, last_year_rt) in page
    token = response.context["preview"].token
    client.post(f"/kompetisi/{open_competition.pk}/impor/", {"confirm": "1", "token": token})
    assert Entry.objects.filter(competition=open_competition, rt=last_year_rt).exists()


def test_import_allows_without_a_warning(client, panitia, open_competition, last_year_rt):
    page = import_rows(client, panitia, open_competition, last_year_rt).content.decode()
    assert 'data-testid="import-warnings"' not in page and "1 RT siap diimpor" in page


def test_the_form_reads_last_year_in_fixed_queries(
    client,
    officer_eka_jaya,
    open_competition,
    last_year_rt,
    eka_jaya,
    django_assert_max_num_queries,
):
    set_mode(open_competition, RepeatEntry.WARN)
    client.force_login(officer_eka_jaya)
    url = f"/kompetisi/{open_competition.pk}/peserta/baru/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    before = competition_create(year=open_competition.year - 1, period=2)
    for number in range(10, 20):  # ten more RTs that took part last year
        rt = RT.objects.create(kelurahan=eka_jaya, number=number)
        EntryFactory(competition=before, rt=rt, status=EntryStatus.VERIFIED)
    with CaptureQueriesContext(connection) as eleven:
        client.get(url)
    assert len(eleven.captured_queries) == len(one.captured_queries)
