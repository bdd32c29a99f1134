"""The plenary, finalisation, publication and corrections, on a small real season."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from competitions.models import CompetitionStatus
from scoring.models import Result, ResultSet, ScoreSheet, SheetStatus
from scoring.result_selectors import frozen_explanation
from scoring.result_services import (
    competition_finalise,
    competition_publish,
    competition_reopen_results,
)
from tests.scoring.conftest import post_score
from tests.scoring.seasons import TOTAL_PRIZE, WINNERS, build_season

pytestmark = pytest.mark.django_db


@pytest.fixture
def season(open_competition):
    return build_season(open_competition)


def by_name(season, results) -> dict[str, Result]:
    ids = {entry.pk: name for name, entry in season.items()}
    return {ids[result.entry_id]: result for result in results}


def test_finalising_freezes_the_expected_results(season, open_competition, panitia):
    result_set = competition_finalise(competition=open_competition, by=panitia)
    results = by_name(season, result_set.results.all())
    assert {name for name, r in results.items() if r.is_winner} == WINNERS
    assert result_set.total_prize == TOTAL_PRIZE == sum(r.prize for r in results.values())
    assert (results["A"].rank, results["B"].rank, results["C"].rank) == (1, 2, 2)
    assert (str(results["B"].final), str(results["G"].final)) == ("75.0000", "87.5000")
    assert results["D"].passed is False and results["D"].explanation["pillars"][2]["gated"] is True
    assert (results["D"].rank, results["E"].rank) == (1, 2)  # D wins the tie-break on Bersih
    assert results["F"].passed is False and results["F"].prize == 0
    assert len(result_set.inputs_hash) == 64
    open_competition.refresh_from_db()
    assert open_competition.status == CompetitionStatus.FINAL


def test_finalising_with_a_missing_sheet_is_refused_and_names_it(season, open_competition, panitia):
    ScoreSheet.objects.filter(entry=season["E"], juror__username="juri.dua").update(
        status=SheetStatus.DRAFT
    )
    with pytest.raises(ValidationError) as error:
        competition_finalise(competition=open_competition, by=panitia)
    assert "RT 05 Beringin: lembar nilai Juri.Dua belum dikirim" in error.value.messages[0]
    assert not ResultSet.objects.exists()
    open_competition.refresh_from_db()
    assert open_competition.status == CompetitionStatus.PLENARY


def test_an_excused_juror_does_not_block_finalisation(client, season, open_competition, panitia):
    ScoreSheet.objects.filter(entry=season["E"], juror__username="juri.dua").update(
        status=SheetStatus.DRAFT
    )
    client.force_login(panitia)
    juror = ScoreSheet.objects.get(entry=season["E"], juror__username="juri.dua").juror
    client.post(
        f"/peserta/{season['E'].pk}/lembar-nilai/",
        {"action": "recuse", "juror": juror.pk, "reason": "Sakit pada hari penilaian"},
    )
    result_set = competition_finalise(competition=open_competition, by=panitia)
    stored = by_name(season, result_set.results.all())["E"].explanation
    # Stored compactly (each counted juror's levels as one string of digits), named on reading.
    assert stored["jurors"] == ["Juri.Satu"]
    assert stored["levels"][0][0] == "4"
    assert frozen_explanation(stored)["pillars"][0]["indicators"][0]["levels"] == [["Juri.Satu", 4]]


def test_a_score_cannot_change_after_finalisation(client, season, open_competition, panitia):
    competition_finalise(competition=open_competition, by=panitia)
    sheet = ScoreSheet.objects.filter(entry=season["F"]).first()
    sheet.status = SheetStatus.DRAFT  # even a sheet forced open by hand
    sheet.save()
    client.force_login(sheet.juror)
    response = post_score(client, season["F"], "B1", 5)
    assert response.status_code in (400, 404, 403)
    assert sheet.scores.get(indicator__code="B1").value == 3
    result = Result.objects.get(entry=season["F"])
    with pytest.raises(ValueError, match="tidak dapat diubah"):
        result.save()


def test_a_correction_reopens_with_a_reason_and_keeps_the_trail(
    client, season, open_competition, panitia
):
    first = competition_finalise(competition=open_competition, by=panitia)
    with pytest.raises(ValidationError):
        competition_reopen_results(competition=open_competition, by=panitia, reason="  ")
    competition_reopen_results(
        competition=open_competition, by=panitia, reason="Salah input nilai RT 06"
    )
    open_competition.refresh_from_db()
    assert open_competition.status == CompetitionStatus.PLENARY
    first.refresh_from_db()
    assert (first.superseded_reason, first.superseded_by) == ("Salah input nilai RT 06", panitia)
    second = competition_finalise(competition=open_competition, by=panitia)
    assert second.inputs_hash == first.inputs_hash  # nothing changed in between
    assert ResultSet.objects.count() == 2 and ResultSet.objects.current().get() == second
    client.force_login(panitia)
    page = client.get(f"/kompetisi/{open_competition.pk}/pleno/").content.decode()
    assert "Salah input nilai RT 06" in page
    assert open_competition.history.filter(
        history_change_reason="Hasil dibuka kembali: Salah input nilai RT 06"
    ).exists()


def test_publishing_marks_the_results_public(season, open_competition, panitia):
    with pytest.raises(ValidationError):
        competition_publish(competition=open_competition, by=panitia)
    result_set = competition_finalise(competition=open_competition, by=panitia)
    competition_publish(competition=open_competition, by=panitia)
    result_set.refresh_from_db()
    open_competition.refresh_from_db()
    assert (
        open_competition.status == CompetitionStatus.PUBLISHED
        and result_set.published_at is not None
    )


def test_the_generic_stage_button_cannot_skip_the_plenary_checks(
    client, season, open_competition, panitia
):
    client.force_login(panitia)
    response = client.post(
        f"/kompetisi/{open_competition.pk}/lanjut/",
        {"to_status": "final", "confirm": "on"},
        follow=True,
    )
    assert "halaman Rapat pleno" in response.content.decode()
    assert not ResultSet.objects.exists()


def test_the_plenary_page_shows_rankings_flags_and_progress(
    client, season, open_competition, panitia
):
    client.force_login(panitia)
    page = client.get(f"/kompetisi/{open_competition.pk}/pleno/").content.decode()
    assert "hasil sementara" in page
    assert 'data-testid="total-prize">Rp 42.000.000' in page
    # The category sections (the summary table above them also names each category).
    besar = page[
        page.index('<section class="mb-4" data-category="besar"') : page.index(
            '<section class="mb-4" data-category="sedang"'
        )
    ]
    assert besar.index(f'data-entry="{season["A"].pk}"') < besar.index(
        f'data-entry="{season["B"].pk}"'
    )
    disagreements = page[page.index('data-testid="disagreements"') :]
    assert "RT 07 Eka Jaya" not in disagreements  # G's jurors differ by 1 only
    assert "Juri.Satu 2/7" not in page and "7/7" in page


def test_a_two_level_disagreement_is_flagged(client, season, open_competition, panitia):
    sheet = ScoreSheet.objects.get(entry=season["G"], juror__username="juri.satu")
    sheet.scores.filter(indicator__code="P3").update(value=2)
    client.force_login(panitia)
    page = client.get(f"/kompetisi/{open_competition.pk}/pleno/").content.decode()
    flagged = page[page.index('data-testid="disagreements"') :]
    assert (
        "RT 07 Eka Jaya</a> · P3: Juri.Dua 5, Juri.Satu 2" in flagged
        or "RT 07 Eka Jaya</a> · P3: Juri.Satu 2, Juri.Dua 5" in flagged
    )


def test_the_explain_page_shows_every_step(client, season, open_competition, panitia):
    client.force_login(panitia)
    page = client.get(
        f"/kompetisi/{open_competition.pk}/pleno/rt/{season['D'].pk}/"
    ).content.decode()
    assert 'data-testid="final">75,00' in page
    assert "di bawah minimum 50" in page
    assert "Juri.Satu: 2 · Juri.Dua: 2" in page
    assert 'data-testid="rank">1' in page


def test_a_cap_that_splits_a_tie_is_reported(client, season, open_competition, panitia):
    open_competition.cap_per_category = 2
    open_competition.save()
    client.force_login(panitia)
    page = client.get(f"/kompetisi/{open_competition.pk}/pleno/").content.decode()
    assert "Batas 2 pemenang kategori besar memisahkan 2 RT" in page
    result_set = competition_finalise(competition=open_competition, by=panitia)
    results = by_name(season, result_set.results.all())
    assert {name for name, r in results.items() if r.is_winner} == {"A", "E", "G"}
    assert (results["B"].held_back, results["C"].held_back) == ("cap", "cap")
    assert any("memisahkan" in warning for warning in result_set.warnings)


@pytest.mark.parametrize("persona", ["juror", "officer_eka_jaya", "officer_paal_merah"])
def test_only_city_roles_open_the_plenary(client, request, persona, season, open_competition):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/kompetisi/{open_competition.pk}/pleno/").status_code == 403
    assert client.post(f"/kompetisi/{open_competition.pk}/finalisasi/").status_code == 403
    assert not ResultSet.objects.exists()


def test_the_pejabat_reads_the_plenary_but_cannot_finalise(
    client, pejabat, season, open_competition
):
    client.force_login(pejabat)
    page = client.get(f"/kompetisi/{open_competition.pk}/pleno/").content.decode()
    assert "Finalisasi hasil" not in page
    assert client.post(f"/kompetisi/{open_competition.pk}/finalisasi/").status_code == 403


@pytest.mark.parametrize("missing", ["lowest", "skip"])
@pytest.mark.parametrize(
    "change",
    [{}, {"cap_per_category": 1}, {"budget": 22_000_000}, {"pillar_weights": {"B": "2"}}],
    ids=["defaults", "cap", "budget", "weights"],
)
def test_the_frozen_results_are_the_plenarys_field_by_field(
    season, open_competition, panitia, settings, missing, change
):
    """Every column of every Result, its explanation and the hash, against the live plenary
    and the reference path (every level in fractions), under each rule variant."""
    from scoring import results
    from scoring.result_selectors import explanation, result_table, results_inputs

    settings.BANTAR_MISSING_INDICATOR = missing
    # A gap (juri.satu left C's B3 empty) sends C through the level-by-level path.
    Score = ScoreSheet.scores.rel.related_model
    Score.objects.filter(
        sheet__entry=season["C"], sheet__juror__username="juri.satu", indicator__code="B3"
    ).delete()
    if "pillar_weights" in change:
        change = {"pillar_weights": {"B": "2", "A": "1", "P": "1"}}
    for name, value in change.items():
        setattr(open_competition, name, value)
    open_competition.save()
    open_competition.refresh_from_db()
    plenary = result_table(open_competition)
    shown = {row.entry.pk: row for row in plenary.rows}
    explained = {row.entry.pk: explanation(open_competition, row) for row in plenary.rows}
    rules, inputs, _panel, _levels = results_inputs(open_competition)
    result_set = competition_finalise(competition=open_competition, by=panitia)
    assert result_set.inputs_hash == results.inputs_hash(inputs, rules)
    assert result_set.warnings == plenary.warnings
    assert result_set.total_prize == plenary.total_prize
    frozen = list(result_set.results.all())
    assert {r.entry_id for r in frozen} == set(shown)
    for result in frozen:
        row = shown[result.entry_id]
        assert (
            result.category_code,
            {code: result.pillar_score(code) for code in ("B", "A", "P")},
            result.final,
            result.rank,
            result.passed,
            result.is_winner,
            result.prize,
            result.held_back,
        ) == (
            row.category,
            row.pillars,
            row.final,
            row.rank,
            row.passed,
            row.is_winner,
            row.prize,
            row.held_back,
        ), result.entry_id
        assert frozen_explanation(result.explanation) == explained[result.entry_id], result.entry_id
        assert result.explanation["tied_with"] == row.tied_with
        assert result.explanation["missing_indicators"] == row.missing
