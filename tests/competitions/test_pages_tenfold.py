"""Issue 19 at 10x: the entry list's kecamatan table, the competition page and the entry form
read only what they show, in as many queries for a few entries as for many, and still show
the right figures to each role (an officer never sees another region)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from competitions.models import RT, CompetitionStatus, Entry, EntryStatus, Kecamatan, Kelurahan
from competitions.selectors import kecamatan_category_table
from competitions.services import competition_create
from tests.conftest import count_queries
from tests.factories import EntryFactory, RTFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_competition(open_competition):
    """A second competition over the same RTs (last year's, say)."""
    competition = competition_create(
        year=open_competition.year - 1, registration_closes=timezone.now() + timedelta(days=3)
    )
    competition.status = CompetitionStatus.REGISTRATION
    competition.save()
    return competition


def _grow(competition, kelurahan: Kelurahan, count: int, **extra) -> list[Entry]:
    start = 100 + Entry.objects.count()
    return [
        EntryFactory(competition=competition, rt=RTFactory(kelurahan=kelurahan, number=n), **extra)
        for n in range(start, start + count)
    ]


def _row(rows, name: str):
    return next(row for row in rows if row.name == name)


def test_the_kecamatan_table_counts_this_competitions_submitted_and_verified_entries(
    panitia, open_competition, other_competition, eka_jaya, beringin
):
    besar_kk, sedang_kk = 130, 40
    _grow(open_competition, eka_jaya, 2, kk_count=besar_kk, status=EntryStatus.VERIFIED)
    _grow(open_competition, eka_jaya, 1, kk_count=sedang_kk, status=EntryStatus.RETURNED)
    _grow(open_competition, eka_jaya, 1, kk_count=sedang_kk, status=EntryStatus.DRAFT)
    _grow(open_competition, eka_jaya, 1, kk_count=sedang_kk, status=EntryStatus.WITHDRAWN)
    _grow(open_competition, beringin, 1, kk_count=sedang_kk, status=EntryStatus.PROPOSED)
    # Another competition's entries, on the same RTs too, are not this table's.
    for entry in Entry.objects.filter(competition=open_competition):
        EntryFactory(competition=other_competition, rt=entry.rt, status=EntryStatus.VERIFIED)
    names, rows = kecamatan_category_table(panitia, open_competition)
    categories = list(open_competition.size_categories.all())
    assert names == [category.name for category in categories]
    besar = next(i for i, c in enumerate(categories) if c.min_kk <= besar_kk <= (c.max_kk or 9999))
    sedang = next(
        i for i, c in enumerate(categories) if c.min_kk <= sedang_kk <= (c.max_kk or 9999)
    )
    paal_merah = _row(rows, eka_jaya.kecamatan.name)
    assert paal_merah.proposed[besar] == 2 and paal_merah.verified[besar] == 2
    # The returned entry is submitted (proposed column), the draft and the withdrawn are not.
    assert paal_merah.proposed[sedang] == 1 and paal_merah.verified[sedang] == 0
    assert paal_merah.proposed[-1] == 3 and paal_merah.verified[-1] == 2
    pasar = _row(rows, beringin.kecamatan.name)
    assert pasar.proposed[-1] == 1 and pasar.verified[-1] == 0
    total = rows[-1]
    assert total.proposed[-1] == 4 and total.verified[-1] == 2
    # Every kecamatan of the city has its row, those without entries with zeros.
    assert len(rows) == Kecamatan.objects.count() + 1


def test_the_kecamatan_table_reads_the_same_queries_for_few_and_many_entries(
    django_assert_num_queries, panitia, open_competition, other_competition, eka_jaya
):
    _grow(open_competition, eka_jaya, 3)
    with django_assert_num_queries(3):
        kecamatan_category_table(panitia, open_competition)
    _grow(open_competition, eka_jaya, 40)
    _grow(other_competition, eka_jaya, 40)
    with django_assert_num_queries(3):
        kecamatan_category_table(panitia, open_competition)


def test_the_competition_page_counts_by_status_in_as_many_queries_for_many_entries(
    client, panitia, open_competition, eka_jaya, beringin
):
    client.force_login(panitia)
    url = reverse("competition-detail", args=[open_competition.pk])
    _grow(open_competition, eka_jaya, 3)
    few = count_queries(client, url)
    _grow(open_competition, eka_jaya, 40, status=EntryStatus.VERIFIED)
    _grow(open_competition, beringin, 7, status=EntryStatus.DRAFT)
    assert count_queries(client, url) == few
    page = client.get(url).content.decode()
    assert 'data-status="proposed">3<' in page
    assert 'data-status="verified">40<' in page
    assert 'data-status="draft">7<' in page


def test_a_kecamatan_officer_counts_only_its_kecamatan_on_the_competition_page(
    client, officer_paal_merah, open_competition, eka_jaya, beringin
):
    _grow(open_competition, eka_jaya, 2)
    _grow(open_competition, beringin, 5)
    client.force_login(officer_paal_merah)
    page = client.get(reverse("competition-detail", args=[open_competition.pk])).content.decode()
    assert 'data-status="proposed">2<' in page


def test_the_entry_form_lists_the_officers_rts_escaped_in_as_many_queries_for_many(
    client, officer_eka_jaya, open_competition, eka_jaya, beringin
):
    client.force_login(officer_eka_jaya)
    url = reverse("entry-create", args=[open_competition.pk])
    taken = _grow(open_competition, eka_jaya, 2)
    free = RTFactory(kelurahan=eka_jaya, number=1, name_kampung='Kampung "<b>Duku</b>" & Co')
    elsewhere = RTFactory(kelurahan=beringin, number=2, name_kampung="Kampung Beringin")
    few = count_queries(client, url)
    _grow(open_competition, eka_jaya, 40)
    assert count_queries(client, url) == few
    page = client.get(url).content.decode()
    # The kampung's name is escaped in the attribute and in the label.
    assert (
        f'<option value="{free.pk}" data-kampung="Kampung &quot;&lt;b&gt;Duku&lt;/b&gt;&quot;'
        f' &amp; Co">RT 01 Kampung &quot;&lt;b&gt;Duku&lt;/b&gt;&quot; &amp; Co</option>'
    ) in page
    assert "<b>Duku</b>" not in page
    # An RT with an entry says so; another kelurahan's RT is not offered.
    assert f'<option value="{taken[0].rt.pk}" data-kampung=' in page
    rt = taken[0].rt
    assert f'value="{rt.pk}" data-kampung="{rt.name_kampung}" data-taken="1"' in page
    select = page[page.index('<select name="rt"') :]
    select = select[: select.index("</select>")]
    assert f'value="{elsewhere.pk}"' not in select
    # The empty choice (a new RT), then every RT of the kelurahan.
    assert select.count("<option ") == 1 + RT.objects.filter(kelurahan=eka_jaya).count()


def test_the_edit_form_chooses_the_entrys_rt_and_does_not_mark_it_taken(
    client, officer_eka_jaya, open_competition, eka_jaya
):
    entry, other = _grow(open_competition, eka_jaya, 2, status=EntryStatus.RETURNED)
    client.force_login(officer_eka_jaya)
    page = client.get(reverse("entry-edit", args=[entry.pk])).content.decode()
    rt = entry.rt
    assert f'<option value="{rt.pk}" data-kampung="{rt.name_kampung}" selected>' in page
    assert (
        f'<option value="{other.rt.pk}" data-kampung="{other.rt.name_kampung}" data-taken="1">'
        in page
    )
    assert "sudah terdaftar (Dikembalikan)" in page
