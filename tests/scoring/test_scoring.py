"""A juror's day: scores saved exactly once, remit and conflicts enforced, sheets locked."""

from __future__ import annotations

import uuid

import pytest

from competitions.models import CompetitionStatus
from competitions.stages import ERROR_SCORING_CLOSED
from scoring.models import Score, ScoreSheet, SheetStatus
from scoring.services import (
    ERROR_SCORE_RANGE,
    ERROR_SHEET_INCOMPLETE,
    ERROR_SHEET_LOCKED,
    entry_assign,
)
from tests.conftest import count_queries, note_visit
from tests.scoring.conftest import post_score, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_juror(client, juror, team1):
    client.force_login(juror)
    return client


def test_a_score_is_saved_and_a_replay_is_applied_once(as_juror, entry_eka_jaya, juror):
    change = str(uuid.uuid4())
    first = post_score(as_juror, entry_eka_jaya, "B1", 4, client_id=change, note="Rumah tertata")
    again = post_score(as_juror, entry_eka_jaya, "B1", 4, client_id=change, note="Rumah tertata")
    assert first.json() == {"ok": True, "applied": True, "indicator": "B1", "value": 4, "scored": 1}
    assert again.status_code == 200 and again.json()["applied"] is False
    score = Score.objects.get()
    assert (score.value, score.note, score.sheet.juror) == (4, "Rumah tertata", juror)
    assert score.history.count() == 1


def test_a_changed_score_keeps_the_old_value_in_the_history(as_juror, entry_eka_jaya, juror):
    post_score(as_juror, entry_eka_jaya, "B1", 2)
    post_score(as_juror, entry_eka_jaya, "B1", 5)
    values = list(
        Score.history.order_by("history_date").values_list(
            "value", "history_change_reason", "history_user"
        )
    )
    assert values == [(2, "Diisi juri", juror.pk), (5, "Diubah juri", juror.pk)]


@pytest.mark.parametrize("value", [0, 6, -1, 99])
def test_a_score_outside_1_to_5_is_refused(as_juror, entry_eka_jaya, value):
    response = post_score(as_juror, entry_eka_jaya, "B1", value)
    assert response.status_code == 400
    assert response.json()["error"] == ERROR_SCORE_RANGE % {"min": 1, "max": 5}
    assert not Score.objects.exists()


@pytest.mark.parametrize("value", ["empat", "4.5", [4]])
def test_a_score_that_is_not_a_whole_number_is_refused(as_juror, entry_eka_jaya, value):
    response = post_score(as_juror, entry_eka_jaya, "B1", value)
    assert response.status_code == 400
    assert "bilangan bulat" in response.json()["error"]
    assert not Score.objects.exists()


def test_an_unknown_indicator_and_a_missing_client_id_are_refused(as_juror, entry_eka_jaya):
    assert (
        post_score(as_juror, entry_eka_jaya, "Z9", 3).json()["error"] == "Indikator tidak dikenal."
    )
    response = as_juror.post(
        f"/penilaian/{entry_eka_jaya.pk}/nilai/",
        '{"indicator": "B1", "value": 3}',
        content_type="application/json",
    )
    assert response.status_code == 400
    response = as_juror.post(
        f"/penilaian/{entry_eka_jaya.pk}/nilai/", "bukan json", content_type="application/json"
    )
    assert response.status_code == 400
    assert not Score.objects.exists()


def test_a_juror_cannot_score_an_entry_not_assigned_to_its_team(as_juror, entry_beringin, team2):
    response = post_score(as_juror, entry_beringin, "B1", 3)
    assert response.status_code == 404
    assert as_juror.get(f"/penilaian/{entry_beringin.pk}/").status_code == 404
    assert not Score.objects.exists()


def test_a_juror_cannot_score_outside_its_remit(client, juror_polri, team1, entry_eka_jaya):
    client.force_login(juror_polri)
    response = post_score(client, entry_eka_jaya, "B1", 3)
    assert response.status_code == 403
    assert response.json()["error"] == "Indikator B1 di luar pilar yang Anda nilai."
    assert post_score(client, entry_eka_jaya, "A1", 3).status_code == 200
    page = client.get(f"/penilaian/{entry_eka_jaya.pk}/").content.decode()
    assert page.count('class="card my-3 score-card"') == 7
    assert 'data-indicator="B1"' not in page


def test_a_juror_with_a_conflict_of_interest_is_not_asked_to_score(
    client, juror_local, team1, entry_eka_jaya
):
    client.force_login(juror_local)
    page = client.get("/penilaian/").content.decode()
    assert "Tidak Anda nilai" in page and "Kelurahan tempat tinggal Anda (Eka Jaya)" in page
    assert f'href="/penilaian/{entry_eka_jaya.pk}/"' not in page
    assert client.get(f"/penilaian/{entry_eka_jaya.pk}/").status_code == 403
    response = post_score(client, entry_eka_jaya, "B1", 3)
    assert response.status_code == 403
    assert "kelurahan tempat tinggal Anda (Eka Jaya)" in response.json()["error"]
    assert not Score.objects.exists()


def test_a_recorded_recusal_keeps_a_juror_from_the_entry(
    client, panitia, juror, team1, entry_eka_jaya
):
    client.force_login(panitia)
    client.post(
        f"/peserta/{entry_eka_jaya.pk}/lembar-nilai/",
        {"action": "recuse", "juror": juror.pk, "reason": "Kerabat ketua RT"},
    )
    client.force_login(juror)
    response = post_score(client, entry_eka_jaya, "B1", 3)
    assert response.status_code == 403
    assert response.json()["error"] == "Anda tercatat tidak menilai RT ini: Kerabat ketua RT"


def test_a_juror_never_sees_another_jurors_scores(
    client, juror, juror_polri, team1, entry_eka_jaya
):
    client.force_login(juror_polri)
    post_score(client, entry_eka_jaya, "A1", 2, note="catatan rahasia polri")
    client.force_login(juror)
    page = client.get(f"/penilaian/{entry_eka_jaya.pk}/").content.decode()
    assert "catatan rahasia polri" not in page
    assert 'aria-checked="true"' not in page
    assert client.get(f"/peserta/{entry_eka_jaya.pk}/lembar-nilai/").status_code == 403
    post_score(client, entry_eka_jaya, "B1", 3)  # the juror's own sheet: opening the page made none
    visible = list(ScoreSheet.objects.for_user(juror))
    assert [sheet.juror for sheet in visible] == [juror]
    assert ScoreSheet.objects.filter(juror=juror_polri).exists()


def test_an_incomplete_sheet_cannot_be_submitted(as_juror, entry_eka_jaya):
    score_all(as_juror, entry_eka_jaya, codes=["B1", "B2"])
    response = as_juror.post(f"/penilaian/{entry_eka_jaya.pk}/kirim/", follow=True)
    missing = "B3, B4, B5, B6, B7, A1, A2, A3, A4, A5, A6, A7, P1, P2, P3, P4, P5, P6, P7"
    assert ERROR_SHEET_INCOMPLETE % {"count": 19, "codes": missing} in response.content.decode()
    assert ScoreSheet.objects.get().status == SheetStatus.DRAFT


def test_a_complete_sheet_is_submitted_and_locked(as_juror, entry_eka_jaya):
    score_all(as_juror, entry_eka_jaya)
    response = as_juror.post(f"/penilaian/{entry_eka_jaya.pk}/kirim/", follow=True)
    assert "terkirim dan terkunci" in response.content.decode()
    assert ScoreSheet.objects.get().status == SheetStatus.SUBMITTED
    refused = post_score(as_juror, entry_eka_jaya, "B1", 1)
    assert refused.status_code == 409
    assert refused.json()["error"] == str(ERROR_SHEET_LOCKED)
    assert set(Score.objects.values_list("value", flat=True)) == {4}


def test_a_juror_with_a_pillar_remit_submits_after_its_seven(
    client, juror_polri, team1, entry_eka_jaya
):
    client.force_login(juror_polri)
    score_all(client, entry_eka_jaya, codes=[f"A{n}" for n in range(1, 8)])
    client.post(f"/penilaian/{entry_eka_jaya.pk}/kirim/")
    assert ScoreSheet.objects.get().status == SheetStatus.SUBMITTED


def test_the_panitia_reopens_a_sheet_with_a_reason(client, as_juror, panitia, entry_eka_jaya):
    score_all(as_juror, entry_eka_jaya)
    as_juror.post(f"/penilaian/{entry_eka_jaya.pk}/kirim/")
    sheet = ScoreSheet.objects.get()
    client.force_login(panitia)
    response = client.post(
        f"/peserta/{entry_eka_jaya.pk}/lembar-nilai/",
        {"action": "reopen", "sheet": sheet.pk, "reason": ""},
        follow=True,
    )
    assert "Tuliskan alasan" in response.content.decode()
    client.post(
        f"/peserta/{entry_eka_jaya.pk}/lembar-nilai/",
        {"action": "reopen", "sheet": sheet.pk, "reason": "Salah ketik B3"},
    )
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    assert (
        sheet.history.latest().history_change_reason
        == "Dibuka kembali oleh panitia: Salah ketik B3"
    )
    assert sheet.history.latest().history_user == panitia


def test_scores_are_refused_outside_the_assessment_stages(as_juror, entry_eka_jaya, assessment):
    assessment.status = CompetitionStatus.FINAL
    assessment.save()
    response = post_score(as_juror, entry_eka_jaya, "B1", 3)
    assert response.status_code == 400
    assert response.json()["error"] == ERROR_SCORING_CLOSED % {
        "competition": assessment.title,
        "status": "Final",
    }


def test_an_expired_session_answers_401_so_the_tablet_keeps_its_changes(
    client, team1, entry_eka_jaya
):
    response = post_score(client, entry_eka_jaya, "B1", 3)
    assert response.status_code == 401
    assert "Masuk lagi" in response.json()["error"]
    assert not Score.objects.exists()


def test_the_panitia_reads_every_change_with_old_and_new_values(
    client, as_juror, panitia, entry_eka_jaya
):
    post_score(as_juror, entry_eka_jaya, "B3", 2)
    post_score(as_juror, entry_eka_jaya, "B3", 4, note="setelah melihat bank sampah")
    client.force_login(panitia)
    page = client.get(f"/peserta/{entry_eka_jaya.pk}/lembar-nilai/").content.decode()
    history = page[page.index('data-testid="score-history"') :]
    rows = history.split("<tr>")[2:]
    assert "B3</td><td>-</td><td>2</td>" in rows[0]
    assert "B3</td><td>2</td><td>4</td>" in rows[1] and "setelah melihat bank sampah" in rows[1]


def test_reassigning_an_entry_keeps_the_scores_already_given(
    client, as_juror, panitia, team1, team2, entry_eka_jaya, assessment
):
    post_score(as_juror, entry_eka_jaya, "B1", 5)
    entry_assign(entry=entry_eka_jaya, team=team2, by=panitia)
    assert Score.objects.filter(sheet__entry=entry_eka_jaya).count() == 1
    assert post_score(as_juror, entry_eka_jaya, "B1", 4).status_code == 404
    client.force_login(panitia)
    page = client.get(f"/peserta/{entry_eka_jaya.pk}/lembar-nilai/").content.decode()
    assert "B1</td><td>-</td><td>5</td>" in page


def test_the_juror_list_shows_progress_per_rt(as_juror, entry_eka_jaya):
    score_all(
        as_juror,
        entry_eka_jaya,
        codes=[f"B{n}" for n in range(1, 8)] + [f"A{n}" for n in range(1, 8)],
    )
    page = as_juror.get("/penilaian/").content.decode()
    assert "14/21 dinilai" in page
    assert "0 foto" in page


def test_the_juror_pages_take_the_same_queries_for_many_rts(
    client, juror, assessment, eka_jaya, panitia
):
    from scoring.services import team_add_member, team_create
    from tests.factories import EntryFactory, RTFactory

    team = team_create(competition=assessment, name="Tim Besar")
    team_add_member(team=team, user=juror, agency="DLH")
    client.force_login(juror)

    def assign(count: int) -> None:
        for _ in range(count):
            entry = EntryFactory(
                competition=assessment, rt=RTFactory(kelurahan=eka_jaya), status="verified"
            )
            entry_assign(entry=entry, team=team, by=panitia)
            score_all(client, entry, codes=["B1", "A2"])

    def queries(url: str) -> int:
        return count_queries(client, url)

    assign(2)
    few = (queries("/penilaian/"), queries("/"))
    assign(30)
    assert (queries("/penilaian/"), queries("/")) == few


def test_a_score_change_costs_the_same_few_queries_whatever_the_sheet_holds(
    client, juror, team1, entry_eka_jaya
):
    """The tablet's hottest request: first change, a change on a full sheet, and a retry."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(juror)
    assert post_score(client, entry_eka_jaya, "B1", 3).status_code == 200  # the sheet exists

    def queries(code: str, value: int, client_id: str | None = None) -> int:
        note_visit(client)
        with CaptureQueriesContext(connection) as context:
            assert post_score(client, entry_eka_jaya, code, value, client_id=client_id).json()["ok"]
        return len(context.captured_queries)

    first = queries("B2", 4)
    score_all(client, entry_eka_jaya, 4)
    full = queries("B2", 5)
    retried = queries("B2", 2, client_id=str(Score.objects.get(indicator__code="B2").client_id))
    assert first == full
    assert retried < full
    print(f"score change: {full} queries, retry: {retried}")
