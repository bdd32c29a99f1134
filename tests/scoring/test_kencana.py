"""Kencana at registration (issue 15): an RT that won `kencana_wins` years in a row, over its
published results, enters the Kencana category instead of its KK band, with that category's
own prize, ranking and pass mark."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from competitions.imports import entry_import
from competitions.models import KENCANA_CODE, RT, CompetitionStatus, Entry, SizeCategory
from competitions.services import (
    ERROR_CATEGORIES_OVERLAP,
    competition_create,
    validate_size_categories,
)
from scoring import results
from scoring.result_selectors import result_table
from scoring.result_services import competition_finalise, competition_publish
from tests.competitions.conftest import entry_form
from tests.factories import xlsx_upload
from tests.scoring.seasons import PLANS, Plan, build_season

pytestmark = pytest.mark.django_db

WIN = PLANS[0]  # Eka Jaya RT 01, 120 KK, all fives: besar, rank 1
LOSS = Plan("A", "Eka Jaya", 1, 120, (2, 2, 2), (2, 2, 2))  # the same RT, 25: not passed
YEAR = 2026


def published(year: int, plan: Plan, panitia, *, period: int = 1):
    competition = competition_create(year=year, period=period)
    rt = build_season(competition, plans=[plan])["A"].rt
    competition_finalise(competition=competition, by=panitia)
    competition_publish(competition=competition, by=panitia)
    return rt


def registration(year: int = YEAR, **settings):
    competition = competition_create(
        year=year, registration_closes=timezone.now() + timedelta(days=30)
    )
    competition.status = CompetitionStatus.REGISTRATION
    for name, value in settings.items():
        setattr(competition, name, value)
    competition.save()
    return competition


def register(client, officer, competition, rt) -> Entry:
    client.force_login(officer)
    response = client.post(
        f"/kompetisi/{competition.pk}/peserta/baru/",
        entry_form(rt=str(rt.pk), new_rt_number="", kk_count="120"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Entry.objects.get(competition=competition, rt=rt)


def form_notes(client, competition) -> dict:
    html = client.get(f"/kompetisi/{competition.pk}/peserta/baru/").content.decode()
    found = re.search(r'<script id="rt-notes" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the form carries the RT notes for the live preview"
    return json.loads(found.group(1))


def test_three_won_years_make_the_rt_kencana_at_registration(client, panitia, officer_eka_jaya):
    for year in (2023, 2024, 2025):
        rt = published(year, WIN, panitia)
    competition = registration()
    client.force_login(officer_eka_jaya)
    notes = form_notes(client, competition)
    assert notes[str(rt.pk)]["category"] == "Kencana"
    assert "Menang 3 tahun berturut-turut (2023-2025)" in notes[str(rt.pk)]["reason"]
    entry = register(client, officer_eka_jaya, competition, rt)
    assert entry.category.code == KENCANA_CODE
    assert entry.category.prize == 15_000_000  # BANTAR_DEFAULT_KENCANA_PRIZE
    page = client.get(f"/peserta/{entry.pk}/").content.decode()
    assert 'data-testid="kencana-reason"' in page and "2023-2025" in page
    # Another RT of the same kelurahan, without a streak, stays in its KK band.
    other = register(client, officer_eka_jaya, competition, build_rt(rt.kelurahan, 9))
    assert other.category.code == "besar"
    assert SizeCategory.objects.filter(competition=competition, code=KENCANA_CODE).count() == 1


def build_rt(kelurahan, number):
    return RT.objects.create(kelurahan=kelurahan, number=number)


def test_a_loss_breaks_the_streak(client, panitia, officer_eka_jaya):
    for year, plan in ((2022, WIN), (2023, WIN), (2024, LOSS), (2025, WIN)):
        rt = published(year, plan, panitia)
    entry = register(client, officer_eka_jaya, registration(), rt)
    assert entry.category.code == "besar"


def test_a_year_without_taking_part_breaks_the_streak(client, panitia, officer_eka_jaya):
    for year in (2021, 2022, 2023, 2025):  # 2024: not entered
        rt = published(year, WIN, panitia)
    entry = register(client, officer_eka_jaya, registration(), rt)
    assert entry.category.code == "besar"


def test_a_year_with_two_periods_counts_once_won_if_either_was(client, panitia, officer_eka_jaya):
    rt = published(2023, WIN, panitia)
    published(2024, LOSS, panitia, period=1)
    published(2024, WIN, panitia, period=2)  # 2024 is won
    published(2025, WIN, panitia)
    entry = register(client, officer_eka_jaya, registration(), rt)
    assert entry.category.code == KENCANA_CODE


def test_two_won_periods_of_one_year_are_not_two_years(client, panitia, officer_eka_jaya):
    rt = published(2024, WIN, panitia, period=1)
    published(2024, WIN, panitia, period=2)
    published(2025, WIN, panitia)
    entry = register(client, officer_eka_jaya, registration(), rt)
    assert entry.category.code == "besar"  # a streak of two years, not three


def test_the_registration_year_own_earlier_period_does_not_count(client, panitia, officer_eka_jaya):
    for year in (2024, 2025):
        rt = published(year, WIN, panitia)
    published(YEAR, WIN, panitia, period=1)  # this year's first period: not a year before
    competition = competition_create(
        year=YEAR, period=2, registration_closes=timezone.now() + timedelta(days=30)
    )
    competition.status = CompetitionStatus.REGISTRATION
    competition.save()
    assert register(client, officer_eka_jaya, competition, rt).category.code == "besar"


@pytest.mark.parametrize("wins", [None, 0])
def test_kencana_switched_off(client, panitia, officer_eka_jaya, wins):
    for year in (2023, 2024, 2025):
        rt = published(year, WIN, panitia)
    competition = registration(kencana_wins=wins)
    client.force_login(officer_eka_jaya)
    assert str(rt.pk) not in form_notes(client, competition)
    assert register(client, officer_eka_jaya, competition, rt).category.code == "besar"


def test_the_number_of_wins_is_a_setting(client, panitia, officer_eka_jaya):
    for year in (2024, 2025):
        rt = published(year, WIN, panitia)
    entry = register(client, officer_eka_jaya, registration(kencana_wins=2), rt)
    assert entry.category.code == KENCANA_CODE


def test_the_import_places_a_kencana_rt_and_the_preview_writes_nothing(panitia):
    for year in (2023, 2024, 2025):
        rt = published(year, WIN, panitia)
    competition = registration()
    upload = xlsx_upload(
        ["kode_kelurahan", "nomor_rt", "nama_kampung", "ketua_rt", "jumlah_kk"],
        [[rt.kelurahan.code, rt.number, "Kampung Emas", "Pak Ketua", 120]],
    )
    content = upload.read()
    args = dict(competition=competition, by=panitia, status="proposed", file_format="xlsx")
    preview = entry_import(content=content, confirm=False, **args)
    assert not preview.has_errors
    assert not SizeCategory.objects.filter(competition=competition, code=KENCANA_CODE).exists()
    saved = entry_import(content=content, confirm=True, **args)
    assert saved.saved
    assert Entry.objects.get(competition=competition, rt=rt).category.code == KENCANA_CODE


def test_the_kencana_category_is_not_a_kk_band():
    competition = competition_create(year=YEAR)
    bands = list(competition.size_categories.all())
    kencana = SizeCategory(
        competition=competition, code=KENCANA_CODE, name="Kencana", min_kk=0, prize=1
    )
    validate_size_categories([*bands, kencana])  # no overlap with 0 KK and up
    assert not kencana.contains(120)
    overlapping = SizeCategory(competition=competition, code="x", name="X", min_kk=50, prize=1)
    with pytest.raises(ValidationError) as error:
        validate_size_categories([*bands, kencana, overlapping])
    assert str(ERROR_CATEGORIES_OVERLAP).split("%")[0] in str(error.value)


def test_kencana_ranks_on_its_own_with_its_own_pass_mark():
    rules = results.Rules(
        scale_min=1,
        scale_max=5,
        pass_mark=Decimal("70"),
        weights={"B": Decimal(1), "A": Decimal(1), "P": Decimal(1)},
        indicators={"B1": "B", "A1": "A", "P1": "P"},
        pillar_order=("B", "A", "P"),
        prizes={"besar": 10, KENCANA_CODE: 15},
        pass_marks={KENCANA_CODE: Decimal("80")},
    )
    levels = {"B1": [4], "A1": [4], "P1": [4]}  # 75: passes 70, not 80
    entries = [
        results.EntryInput(1, "besar", levels),
        results.EntryInput(2, KENCANA_CODE, levels),
        results.EntryInput(3, KENCANA_CODE, {"B1": [5], "A1": [5], "P1": [5]}),
    ]
    outcome = results.compute(entries, rules)
    by_id = outcome.by_entry()
    assert (by_id[1].passed, by_id[1].rank, by_id[1].prize) == (True, 1, 10)
    assert (by_id[2].passed, by_id[2].prize) == (False, 0)
    assert (by_id[3].rank, by_id[3].prize) == (1, 15)
    assert results.explain(by_id[2], rules, {})["pass_mark"] == "80"
    plain = results.Rules(**{**rules.__dict__, "pass_marks": {}})
    assert results.inputs_hash(entries, plain) != results.inputs_hash(entries, rules)


def test_a_kencana_entry_is_ranked_and_paid_in_its_own_category(client, panitia):
    from competitions.services import category_saved, kencana_category

    competition = competition_create(year=YEAR)
    entries = build_season(competition)  # A 100 and B, C 75 in besar; E 75 in sedang
    # After the season is built: build_season saves its own copy of the competition.
    type(competition).objects.filter(pk=competition.pk).update(kencana_pass_mark=Decimal("80"))
    competition.refresh_from_db()
    kencana = category_saved(kencana_category(competition))
    Entry.objects.filter(pk__in=[entries["A"].pk, entries["E"].pk]).update(category=kencana)
    competition_finalise(competition=competition, by=panitia)
    competition_publish(competition=competition, by=panitia)
    rows = {row.entry.pk: row for row in result_table(competition).rows}
    a, b, e = rows[entries["A"].pk], rows[entries["B"].pk], rows[entries["E"].pk]
    assert (a.category, a.rank, a.is_winner, a.prize) == (KENCANA_CODE, 1, True, 15_000_000)
    assert (e.category, e.passed, e.prize) == (KENCANA_CODE, False, 0)  # 75 < Kencana's 80
    assert (b.rank, b.is_winner) == (1, True)  # besar ranks without A
    html = client.get(f"/hasil/{competition.pk}/").content.decode()
    section = html.split('data-category="Kencana"')[1].split("</section>")[0]
    assert "RT 01" in section and "Rp 15.000.000" in section
