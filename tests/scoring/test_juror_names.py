"""After publication, officers see their RTs' levels and the jurors' notes, not whose they were."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from scoring.models import Score
from scoring.result_services import competition_finalise, competition_publish
from tests.scoring.seasons import build_season

pytestmark = pytest.mark.django_db

NOTE = "Selokan di gang 3 tersumbat sampah plastik"


@pytest.fixture
def published(open_competition, panitia):
    season = build_season(open_competition)
    Score.objects.filter(
        sheet__entry=season["A"], sheet__juror__username="juri.dua", indicator__code="B2"
    ).update(note=NOTE)
    competition_finalise(competition=open_competition, by=panitia)
    competition_publish(competition=open_competition, by=panitia)
    open_competition.refresh_from_db()
    return season


def explain_page(client, user, competition, entry) -> str:
    client.force_login(user)
    response = client.get(f"/kompetisi/{competition.pk}/pleno/rt/{entry.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_officer_sees_levels_and_notes_with_jurors_by_number(
    client, officer_eka_jaya, published, open_competition
):
    page = explain_page(client, officer_eka_jaya, open_competition, published["A"])
    assert NOTE in page
    assert "Juri 1: 5" in page and "Juri 2: 5" in page
    assert "Juri.Satu" not in page and "Juri.Dua" not in page
    assert "Juri 2:</span> " + NOTE in page  # the note keeps its juror's number


def test_the_competition_may_name_the_jurors_to_officers(
    client, officer_eka_jaya, published, open_competition
):
    open_competition.jurors_named_to_officers = True
    open_competition.save()
    page = explain_page(client, officer_eka_jaya, open_competition, published["A"])
    assert "Juri.Satu: 5" in page and "Juri.Dua:</span> " + NOTE in page


def test_the_panitia_always_sees_whose_levels_they_are(
    client, panitia, published, open_competition
):
    page = explain_page(client, panitia, open_competition, published["A"])
    assert "Juri.Satu: 5" in page and "Juri 1" not in page


def test_the_officers_score_matrix_numbers_the_jurors_per_rt(
    client, officer_eka_jaya, panitia, published, open_competition
):
    def juror_column(user) -> set[str]:
        client.force_login(user)
        response = client.get(f"/kompetisi/{open_competition.pk}/laporan/matriks.xlsx")
        sheet = load_workbook(io.BytesIO(response.content)).active
        header = next(row for row in sheet.iter_rows(values_only=True) if "Juri" in row)
        column = header.index("Juri")
        return {str(row[column]) for row in sheet.iter_rows(values_only=True) if row[column]}

    assert {"Juri 1", "Juri 2"} <= juror_column(officer_eka_jaya)
    assert not {"Juri.Satu", "Juri.Dua"} & juror_column(officer_eka_jaya)
    assert {"Juri.Satu", "Juri.Dua"} <= juror_column(panitia)
