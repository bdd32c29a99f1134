"""Excusing a sheet (issue 12.8): the panitia stops waiting for an expected juror's missing
or unfinished sheet, with a reason. The RT then counts as complete without it, and its
levels, if any, do not count (like a recusal); it can be undone until the results are final.

The season: build_season's seven RTs scored by juri.satu and juri.dua, with juri.dua's
sheet on A back in draft (levels 1 written into it), so A has 1 of its 2 sheets.
"""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bantar.models import User
from competitions.models import CompetitionStatus
from competitions.stages import ERROR_EXCUSE_STAGE
from indicators.models import Indicator
from scoring import panel
from scoring.models import Excusal, Recusal, Result, Score, ScoreSheet, SheetStatus
from scoring.panel import ERROR_EXCUSED
from scoring.result_selectors import finalise_blockers, result_table
from scoring.result_services import competition_finalise
from scoring.selectors import entry_excused_sheets
from scoring.services import (
    ERROR_EXCUSE_NONE,
    ERROR_EXCUSE_NOT_EXPECTED,
    ERROR_EXCUSE_REASON,
    ERROR_EXCUSE_SUBMITTED,
    score_save,
    sheet_excuse,
    sheet_excuse_undo,
    sheet_submit,
)
from tests.scoring.seasons import build_season

pytestmark = pytest.mark.django_db


@pytest.fixture
def season(open_competition):
    entries = build_season(open_competition)
    ScoreSheet.objects.filter(entry=entries["A"], juror__username="juri.dua").update(
        status=SheetStatus.DRAFT
    )
    # The draft holds levels of 1: counted, they would pull A's 100,00 down.
    Score.objects.filter(sheet__entry=entries["A"], sheet__juror__username="juri.dua").update(
        value=1
    )
    return entries


def dua() -> User:
    return User.objects.get(username="juri.dua")


def test_an_excused_sheet_completes_the_rt_and_its_levels_do_not_count(
    season, open_competition, panitia
):
    a = season["A"]
    before = result_table(open_competition).row(a.pk)
    assert (before.sheets_in, before.sheets_expected, before.complete) == (1, 2, False)
    assert not before.is_winner
    excusal = sheet_excuse(entry=a, juror=dua(), reason="Juri sakit saat kunjungan", by=panitia)
    assert (excusal.reason, excusal.recorded_by) == ("Juri sakit saat kunjungan", panitia)
    after = result_table(open_competition).row(a.pk)
    assert (after.sheets_in, after.sheets_expected, after.complete) == (1, 1, True)
    # juri.satu's fives alone: the draft's ones are not in the mean.
    assert (after.final, after.rank, after.is_winner) == (100, 1, True)
    assert all(
        juror != dua().pk
        for _e, juror, _c, _v in panel.counted_levels(
            open_competition, panel.jury_panel(open_competition)
        )
        if _e == a.pk
    )
    assert not [b for b in finalise_blockers(open_competition) if b.entry_id == a.pk]


def test_undoing_the_excuse_awaits_the_sheet_again_and_the_history_keeps_both(
    season, open_competition, panitia
):
    a = season["A"]
    sheet_excuse(entry=a, juror=dua(), reason="Juri sakit", by=panitia)
    sheet_excuse_undo(entry=a, juror=dua(), by=panitia)
    row = result_table(open_competition).row(a.pk)
    assert (row.sheets_in, row.sheets_expected, row.complete) == (1, 2, False)
    assert [b.juror_id for b in finalise_blockers(open_competition) if b.entry_id == a.pk] == [
        dua().pk
    ]
    history = list(Excusal.history.filter(entry=a).order_by("history_date", "history_id"))
    assert [(h.history_type, h.history_user, h.reason) for h in history] == [
        ("+", panitia, "Juri sakit"),
        ("-", panitia, "Juri sakit"),
    ]
    with pytest.raises(ValidationError) as refused:
        sheet_excuse_undo(entry=a, juror=dua(), by=panitia)
    assert refused.value.messages == [str(ERROR_EXCUSE_NONE % {"juror": "Juri.Dua"})]


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_excuse_needs_a_reason(season, panitia, reason):
    with pytest.raises(ValidationError) as refused:
        sheet_excuse(entry=season["A"], juror=dua(), reason=reason, by=panitia)
    assert refused.value.message_dict == {"reason": [str(ERROR_EXCUSE_REASON)]}
    assert not Excusal.objects.exists()


def test_a_submitted_sheet_or_a_juror_not_expected_is_not_excused(
    season, open_competition, panitia, juror
):
    satu = User.objects.get(username="juri.satu")
    with pytest.raises(ValidationError) as refused:
        sheet_excuse(entry=season["A"], juror=satu, reason="-", by=panitia)
    assert refused.value.messages == [str(ERROR_EXCUSE_SUBMITTED % {"juror": "Juri.Satu"})]
    outsider = juror  # a juror of no team of this competition
    with pytest.raises(ValidationError) as refused:
        sheet_excuse(entry=season["A"], juror=outsider, reason="-", by=panitia)
    assert refused.value.error_list[0].code == "not_expected"
    Recusal.objects.create(entry=season["B"], juror=dua(), reason="Kerabat", recorded_by=panitia)
    with pytest.raises(ValidationError) as refused:
        sheet_excuse(entry=season["B"], juror=dua(), reason="-", by=panitia)
    assert refused.value.messages == [str(ERROR_EXCUSE_NOT_EXPECTED % {"juror": "Juri.Dua"})]
    assert not Excusal.objects.exists()


@pytest.mark.parametrize(
    "stage", [CompetitionStatus.VERIFICATION, CompetitionStatus.FINAL, CompetitionStatus.PUBLISHED]
)
def test_the_stage_refuses_an_excuse_and_its_undo_outside_assessment_and_plenary(
    season, open_competition, panitia, stage
):
    Excusal.objects.create(entry=season["B"], juror=dua(), reason="-", recorded_by=panitia)
    open_competition.status = stage
    open_competition.save()
    for call in (
        lambda: sheet_excuse(entry=season["A"], juror=dua(), reason="Sakit", by=panitia),
        lambda: sheet_excuse_undo(entry=season["B"], juror=dua(), by=panitia),
    ):
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.error_list[0].code == "excuse_stage"
        assert str(open_competition.get_status_display()) in refused.value.messages[0]
    assert str(ERROR_EXCUSE_STAGE).split("%")[0] in refused.value.messages[0]
    assert list(Excusal.objects.values_list("entry_id", flat=True)) == [season["B"].pk]


def test_an_excused_juror_cannot_go_on_scoring_until_it_is_undone(
    season, open_competition, panitia
):
    a, indicator = season["A"], Indicator.objects.order_by("pk").first()
    sheet_excuse(entry=a, juror=dua(), reason="Juri sakit", by=panitia)
    with pytest.raises(PermissionDenied) as refused:
        score_save(
            entry=a, juror=dua(), indicator=indicator, value=4, note="", client_id=uuid.uuid4()
        )
    assert str(refused.value) == str(ERROR_EXCUSED % {"reason": "Juri sakit"})
    with pytest.raises(PermissionDenied):
        sheet_submit(entry=a, juror=dua())
    sheet_excuse_undo(entry=a, juror=dua(), by=panitia)
    sheet_submit(entry=a, juror=dua())
    assert ScoreSheet.objects.get(entry=a, juror=dua()).status == SheetStatus.SUBMITTED


def test_sql_and_python_leave_out_an_excused_sheet_even_if_it_was_submitted(
    season, open_competition, panitia
):
    """Straight to the model: an excuse recorded, then the sheet submitted by other means."""
    Excusal.objects.create(entry=season["B"], juror=dua(), reason="-", recorded_by=panitia)
    in_python = panel.counted_levels(open_competition, panel.jury_panel(open_competition))
    in_sql = list(
        panel.counted_scores(open_competition).values_list(
            "sheet__entry_id", "sheet__juror_id", "indicator__code", "value"
        )
    )
    assert sorted(in_sql) == sorted(in_python)
    assert (season["B"].pk, dua().pk) not in {(e, j) for e, j, _c, _v in in_sql}
    assert (season["C"].pk, dua().pk) in {(e, j) for e, j, _c, _v in in_sql}


def test_the_sheet_page_excuses_with_a_reason_and_undoes(client, season, open_competition, panitia):
    a = season["A"]
    client.force_login(panitia)
    url = f"/peserta/{a.pk}/lembar-nilai/"
    page = client.get(url).content.decode()
    assert f'id="juror-{dua().pk}"' in page and 'data-testid="excuse-form"' in page
    refused = client.post(url, {"action": "excuse", "juror": dua().pk, "reason": ""}, follow=True)
    assert str(ERROR_EXCUSE_REASON) in refused.content.decode()
    assert not Excusal.objects.exists()
    client.post(url, {"action": "excuse", "juror": dua().pk, "reason": "Juri dinas luar kota"})
    page = client.get(url).content.decode()
    assert "Dimaafkan</strong>: Juri dinas luar kota" in page and "nilainya tidak dihitung" in page
    assert 'data-testid="excusal-history"' in page
    client.post(url, {"action": "unexcuse", "juror": dua().pk})
    assert not Excusal.objects.exists()
    assert client.post(url, {"action": "unexcuse", "juror": "x"}).status_code == 404
    page = client.get(url).content.decode()
    assert "Maaf dibatalkan" in page


def test_with_every_missing_sheet_excused_the_competition_finalises(
    season, open_competition, panitia
):
    for blocker in finalise_blockers(open_competition):
        assert blocker.juror_id is not None
        sheet_excuse(
            entry=open_competition.entries.get(pk=blocker.entry_id),
            juror=User.objects.get(pk=blocker.juror_id),
            reason="Tidak sempat dinilai",
            by=panitia,
        )
    assert finalise_blockers(open_competition) == []
    result_set = competition_finalise(competition=open_competition, by=panitia)
    frozen = Result.objects.get(result_set=result_set, entry=season["A"])
    assert (frozen.final, frozen.rank, frozen.is_winner) == (100, 1, True)
    final = open_competition.entries.select_related("competition").get(pk=season["A"].pk)
    assert final.competition.status == CompetitionStatus.FINAL
    with pytest.raises(ValidationError):  # final now: the excuse stays
        sheet_excuse_undo(entry=final, juror=dua(), by=panitia)


def test_the_jurors_list_says_the_sheet_was_excused(client, season, open_competition, panitia):
    open_competition.status = CompetitionStatus.ASSESSMENT
    open_competition.save()
    sheet_excuse(entry=season["A"], juror=dua(), reason="Juri sakit", by=panitia)
    client.force_login(dua())
    page = client.get("/penilaian/").content.decode()
    assert "Tidak Anda nilai: Dimaafkan panitia: Juri sakit" in " ".join(page.split())
    assert page.count("Dimaafkan panitia") == 1  # only A


def test_the_explain_page_says_which_sheets_were_excused(client, season, open_competition, panitia):
    a = season["A"]
    url = f"/kompetisi/{open_competition.pk}/pleno/rt/{a.pk}/"
    client.force_login(panitia)
    assert 'data-testid="excused"' not in client.get(url).content.decode()
    sheet_excuse(entry=a, juror=dua(), reason="Juri sakit", by=panitia)
    page = client.get(url).content.decode()
    said = page[page.index('data-testid="excused"') :].split("</span>")[0]
    assert "1 lembar dimaafkan panitia" in said and "Juri.Dua (Juri sakit)" in said
    assert "Lembar nilai masuk: 1 dari 1" in page
    # A reader who may not see jurors' names gets the number only (a reason may name the juror).
    hidden = entry_excused_sheets(a.pk, names=False)
    assert [(s.juror, s.reason) for s in hidden] == [("", "")]
