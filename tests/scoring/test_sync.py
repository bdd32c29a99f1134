"""The field kit's batch sync: many changes per request, each applied once and answered alone."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from competitions.models import CompetitionStatus
from competitions.services import competition_create
from competitions.stages import ERROR_SCORING_CLOSED
from indicators.models import Indicator
from scoring.evidence import evidence_add
from scoring.models import AppliedChange, Evidence, Score, ScoreSheet, SheetStatus
from scoring.panel import ERROR_CONFLICT, ERROR_NOT_IN_REMIT
from scoring.services import (
    ERROR_SHEET_INCOMPLETE,
    ERROR_SHEET_LOCKED,
    entry_assign,
    sheet_reopen,
    team_add_member,
    team_create,
)
from scoring.sync import (
    ERROR_BATCH_NOT_JSON,
    ERROR_BATCH_SHAPE,
    ERROR_BATCH_TOO_LARGE,
    ERROR_BATCH_TOO_MANY,
    ERROR_CHANGE_KIND,
    ERROR_CHANGE_NO_ID,
    ERROR_NOT_ASSIGNED,
    ERROR_PHOTO_NOT_FOUND,
)
from scoring.sync_views import ERROR_NOT_JUROR, ERROR_SESSION_ENDED
from tests.conftest import note_visit
from tests.factories import EntryFactory, RTFactory
from tests.scoring.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db

URL = "/penilaian/sinkron/"


def codes() -> list[str]:
    return list(Indicator.objects.values_list("code", flat=True))


def score(entry, code: str, value: int | None, note: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "client_id": str(uuid.uuid4()),
        "kind": "score",
        "entry": entry.pk,
        "indicator": code,
        "value": value,
        "note": note,
        **extra,
    }


def submit(entry) -> dict[str, Any]:
    return {"client_id": str(uuid.uuid4()), "kind": "submit", "entry": entry.pk}


def photo_delete(photo_pk: int) -> dict[str, Any]:
    return {"client_id": str(uuid.uuid4()), "kind": "photo_delete", "photo": photo_pk}


def sync(client, changes: list[Any], **envelope: Any):
    body = {"device": str(uuid.uuid4()), "outbox": len(changes), "changes": changes, **envelope}
    return client.post(URL, json.dumps(body), content_type="application/json")


def statuses(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [result["status"] for result in response.json()["results"]]


def add_photo(entry, juror, code: str = "B3") -> Evidence:
    photo, _created = evidence_add(
        entry=entry,
        juror=juror,
        indicator=Indicator.objects.get(code=code),
        data=jpeg_bytes(800, 600),
        client_id=uuid.uuid4(),
    )
    return photo


@pytest.fixture
def as_juror(client, juror, team1):
    client.force_login(juror)
    return client


@pytest.fixture
def second_entry(assessment, eka_jaya, team1, panitia):
    entry = EntryFactory(
        competition=assessment, rt=RTFactory(kelurahan=eka_jaya, number=9), status="verified"
    )
    entry_assign(entry=entry, team=team1, by=panitia)
    return entry


def test_a_day_of_changes_is_applied_once_and_a_replay_changes_nothing(
    as_juror, entry_eka_jaya, juror, panitia
):
    photo = add_photo(entry_eka_jaya, juror)
    changes = [score(entry_eka_jaya, code, 4, note=f"catatan {code}") for code in codes()]
    changes += [photo_delete(photo.pk), submit(entry_eka_jaya)]
    response = sync(as_juror, changes)
    assert statuses(response) == ["applied"] * 23
    results = response.json()["results"]
    assert [r["client_id"] for r in results] == [c["client_id"] for c in changes]
    assert results[0] == {
        "client_id": changes[0]["client_id"],
        "status": "applied",
        "error": None,
        "entry": entry_eka_jaya.pk,
        "indicator": "B1",
        "scored": 21,
        "sheet_status": "submitted",
    }
    assert results[21]["photo"] == photo.pk and results[21]["entry"] == entry_eka_jaya.pk
    sheet = ScoreSheet.objects.get(entry=entry_eka_jaya, juror=juror)
    assert sheet.status == SheetStatus.SUBMITTED
    assert Score.objects.filter(sheet=sheet, value=4).count() == 21
    assert Score.history.filter(sheet_id=sheet.pk).count() == 21
    assert not Evidence.objects.exists()
    assert AppliedChange.objects.count() == 2

    again = sync(as_juror, changes)
    assert statuses(again) == ["duplicate"] * 23
    assert Score.history.filter(sheet_id=sheet.pk).count() == 21
    assert sheet.history.count() == 2  # created, submitted
    # Replayed after the panitia reopened the sheet, the old submission does not lock it again.
    sheet_reopen(sheet=sheet, by=panitia, reason="Koreksi B1")
    assert statuses(sync(as_juror, changes)) == ["duplicate"] * 23
    assert ScoreSheet.objects.get(pk=sheet.pk).status == SheetStatus.DRAFT


def test_the_same_change_twice_in_one_batch_is_applied_once(as_juror, entry_eka_jaya):
    change = score(entry_eka_jaya, "B1", 3)
    done = submit(entry_eka_jaya)
    response = sync(as_juror, [change, dict(change), dict(done), dict(done)])
    assert statuses(response) == ["applied", "duplicate", "refused", "refused"]
    assert Score.history.count() == 1
    # A refused submission is not recorded: sent again once the sheet is complete, it applies.
    assert not AppliedChange.objects.exists()


def test_a_change_out_of_remit_is_refused_and_the_others_are_applied(
    client, juror_polri, team1, entry_eka_jaya
):
    client.force_login(juror_polri)
    changes = [score(entry_eka_jaya, "B1", 4), score(entry_eka_jaya, "A1", 4)]
    changes.append(score(entry_eka_jaya, "A2", 5))
    response = sync(client, changes)
    assert statuses(response) == ["refused", "applied", "applied"]
    refused = response.json()["results"][0]
    assert refused["error"] == ERROR_NOT_IN_REMIT % {"code": "B1"}
    assert refused["code"] == "forbidden" and refused["scored"] == 2
    assert sorted(Score.objects.values_list("indicator__code", flat=True)) == ["A1", "A2"]


def test_a_change_to_a_locked_sheet_is_refused_and_another_sheet_is_applied(
    as_juror, entry_eka_jaya, second_entry
):
    everything = [score(entry_eka_jaya, code, 3) for code in codes()] + [submit(entry_eka_jaya)]
    assert set(statuses(sync(as_juror, everything))) == {"applied"}
    response = sync(as_juror, [score(entry_eka_jaya, "B1", 5), score(second_entry, "B1", 5)])
    assert statuses(response) == ["refused", "applied"]
    locked = response.json()["results"][0]
    assert (locked["error"], locked["code"]) == (str(ERROR_SHEET_LOCKED), "locked")
    assert locked["sheet_status"] == "submitted"
    assert Score.objects.get(sheet__entry=entry_eka_jaya, indicator__code="B1").value == 3


def test_changes_after_scoring_closed_are_refused_and_another_competitions_apply(
    as_juror, assessment, entry_eka_jaya, juror, panitia, eka_jaya
):
    # Last year's competition still in its field assessment, the juror in one of its teams.
    other = competition_create(year=assessment.year - 1)
    other.status = CompetitionStatus.ASSESSMENT
    other.save()
    last_year = EntryFactory(
        competition=other, rt=RTFactory(kelurahan=eka_jaya, number=20), status="verified"
    )
    team = team_create(competition=other, name="Tim Lalu")
    team_add_member(team=team, user=juror, agency="DLH")
    entry_assign(entry=last_year, team=team, by=panitia)
    photo = add_photo(entry_eka_jaya, juror)
    assessment.status = CompetitionStatus.VERIFICATION
    assessment.save()
    changes = [score(entry_eka_jaya, "B1", 4), score(last_year, "B1", 4), photo_delete(photo.pk)]
    response = sync(as_juror, changes)
    assert statuses(response) == ["refused", "applied", "refused"]
    expected = ERROR_SCORING_CLOSED % {
        "competition": assessment.title,
        "status": assessment.get_status_display(),
    }
    for closed in (response.json()["results"][0], response.json()["results"][2]):
        assert (closed["code"], closed["error"]) == ("scoring_closed", expected)
    assert list(Score.objects.values_list("sheet__entry", flat=True)) == [last_year.pk]
    assert Evidence.objects.filter(pk=photo.pk).exists()


def test_a_juror_with_a_conflict_of_interest_is_refused_per_change(
    client, juror_local, team1, entry_eka_jaya, eka_jaya
):
    client.force_login(juror_local)
    response = sync(client, [score(entry_eka_jaya, "B1", 4), submit(entry_eka_jaya)])
    assert statuses(response) == ["refused", "refused"]
    expected = ERROR_CONFLICT % {"kelurahan": eka_jaya.name}
    assert [r["error"] for r in response.json()["results"]] == [expected, expected]
    assert not Score.objects.exists() and not ScoreSheet.objects.exists()


def test_a_submit_sent_before_its_scores_is_applied_after_them(as_juror, entry_eka_jaya, juror):
    changes = [submit(entry_eka_jaya)] + [score(entry_eka_jaya, code, 5) for code in codes()]
    response = sync(as_juror, changes)
    assert statuses(response) == ["applied"] * 22
    assert response.json()["results"][0]["sheet_status"] == "submitted"
    sheet = ScoreSheet.objects.get(entry=entry_eka_jaya, juror=juror)
    assert sheet.status == SheetStatus.SUBMITTED
    assert sheet.scores.filter(value=5).count() == 21


def test_a_submit_with_a_missing_indicator_is_refused_with_the_codes(
    as_juror, entry_eka_jaya, juror
):
    all_codes = codes()
    changes = [score(entry_eka_jaya, code, 4) for code in all_codes[:-2]]
    changes.append(score(entry_eka_jaya, all_codes[-2], None, note="belum terlihat"))
    changes.append(submit(entry_eka_jaya))
    response = sync(as_juror, changes)
    assert statuses(response) == ["applied"] * 20 + ["refused"]
    refused = response.json()["results"][-1]
    missing = all_codes[-2:]
    assert refused["code"] == "incomplete"
    assert refused["missing"] == missing
    assert refused["error"] == ERROR_SHEET_INCOMPLETE % {"count": 2, "codes": ", ".join(missing)}
    assert (refused["scored"], refused["sheet_status"]) == (19, "draft")
    assert ScoreSheet.objects.get(entry=entry_eka_jaya, juror=juror).status == SheetStatus.DRAFT


def test_an_expired_session_answers_401_and_applies_nothing(client, team1, entry_eka_jaya):
    response = sync(client, [score(entry_eka_jaya, "B1", 4)])
    assert response.status_code == 401
    assert response.json()["error"] == str(ERROR_SESSION_ENDED)
    assert not Score.objects.exists()


@pytest.mark.parametrize("persona", ["panitia", "officer_eka_jaya"])
def test_a_user_who_is_not_a_juror_is_refused_403(client, request, persona, team1, entry_eka_jaya):
    client.force_login(request.getfixturevalue(persona))
    response = sync(client, [score(entry_eka_jaya, "B1", 4)])
    assert response.status_code == 403
    assert response.json()["error"] == str(ERROR_NOT_JUROR)
    assert not Score.objects.exists()


def test_a_juror_of_another_team_is_refused_per_change_without_learning_anything(
    client, juror, juror_team2, team1, team2, entry_eka_jaya, entry_beringin
):
    photo = add_photo(entry_eka_jaya, juror)
    client.force_login(juror_team2)
    changes = [
        score(entry_eka_jaya, "B1", 4),
        score(entry_beringin, "B1", 4),
        submit(entry_eka_jaya),
        photo_delete(photo.pk),
        score(entry_eka_jaya.__class__(pk=999_999), "B1", 4),
        photo_delete(999_999),
    ]
    response = sync(client, changes)
    assert statuses(response) == ["refused", "applied", "refused", "refused", "refused", "refused"]
    results = response.json()["results"]
    # Another team's RT answers like one that does not exist; another juror's photo likewise.
    assert results[0]["error"] == results[2]["error"] == results[4]["error"]
    assert results[0]["error"] == str(ERROR_NOT_ASSIGNED)
    assert results[3]["error"] == results[5]["error"] == str(ERROR_PHOTO_NOT_FOUND)
    for result in (results[0], results[2], results[3], results[4], results[5]):
        assert (result["scored"], result["sheet_status"], result["code"]) == (
            None,
            None,
            "not_found",
        )
    assert results[3]["entry"] is None
    assert Evidence.objects.filter(pk=photo.pk).exists()
    assert list(Score.objects.values_list("sheet__entry", flat=True)) == [entry_beringin.pk]


def test_a_malformed_change_is_refused_alone(as_juror, entry_eka_jaya):
    changes = [
        "bukan perubahan",
        {"kind": "score", "entry": entry_eka_jaya.pk, "indicator": "B1", "value": 4},
        {"client_id": str(uuid.uuid4()), "kind": "hapus_semua", "entry": entry_eka_jaya.pk},
        score(entry_eka_jaya, "B1", 9),
        score(entry_eka_jaya, "Z9", 3),
        score(entry_eka_jaya, "B2", "empat"),
        {"client_id": str(uuid.uuid4()), "kind": "score", "indicator": "B1", "value": 2},
        score(entry_eka_jaya, "B3", 2),
    ]
    response = sync(as_juror, changes)
    assert statuses(response) == ["refused"] * 7 + ["applied"]
    errors = [r["error"] for r in response.json()["results"]]
    assert errors[1] == str(ERROR_CHANGE_NO_ID)
    assert errors[2] == ERROR_CHANGE_KIND % {"kind": "hapus_semua"}
    assert errors[3] == "Nilai harus bilangan bulat 1 sampai 5."
    assert errors[4] == "Indikator tidak dikenal."
    assert "bilangan bulat" in errors[5]
    assert list(Score.objects.values_list("indicator__code", "value")) == [("B3", 2)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"bukan json", ERROR_BATCH_NOT_JSON),
        (b"[]", ERROR_BATCH_SHAPE),
        (b'{"changes": "semua"}', ERROR_BATCH_SHAPE),
        (b"\xff\xfe", ERROR_BATCH_NOT_JSON),
    ],
)
def test_a_malformed_batch_is_refused_whole_with_400(as_juror, body, message):
    response = as_juror.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": str(message)}


def test_too_many_changes_are_refused_whole_with_an_indonesian_message(
    as_juror, entry_eka_jaya, settings
):
    settings.BANTAR_SYNC_MAX_CHANGES = 3
    response = sync(as_juror, [score(entry_eka_jaya, code, 4) for code in codes()[:4]])
    assert response.status_code == 413
    assert response.json()["error"] == ERROR_BATCH_TOO_MANY % {"count": 4, "max": 3}
    assert response.json()["max_changes"] == 3
    assert not Score.objects.exists()


def test_a_body_too_large_is_refused_before_it_is_read(as_juror, entry_eka_jaya, settings):
    settings.BANTAR_SYNC_MAX_BYTES = 2048
    changes = [score(entry_eka_jaya, "B1", 4, note="x" * 1500) for _ in range(3)]
    response = sync(as_juror, changes)
    assert response.status_code == 413
    assert response.json()["error"] == ERROR_BATCH_TOO_LARGE % {"max": 2}
    assert response.json()["max_bytes"] == 2048
    assert not Score.objects.exists()
    # The default limits take 500 changes of a day's size in one request.
    settings.BANTAR_SYNC_MAX_BYTES = 1024 * 1024
    day = [score(entry_eka_jaya, codes()[i % 21], i % 5 + 1, note="x" * 200) for i in range(500)]
    assert len(json.dumps({"changes": day})) < 1024 * 1024
    assert statuses(sync(as_juror, day)) == ["applied"] * 500


def batch_queries(client, changes: list[dict[str, Any]]) -> int:
    note_visit(client)
    with CaptureQueriesContext(connection) as context:
        assert set(statuses(sync(client, changes))) == {"applied"}
    return len(context.captured_queries)


def test_queries_per_change_are_bounded(as_juror, entry_eka_jaya, second_entry, capsys):
    all_codes = codes()
    warm = [score(second_entry, "B1", 1)]
    batch_queries(as_juror, warm)
    small = batch_queries(as_juror, [score(entry_eka_jaya, "B1", 2)])
    fifty = [score(entry_eka_jaya, all_codes[i % 21], i % 5 + 1, note="n") for i in range(50)]
    large = batch_queries(as_juror, fifty)
    per_change = (large - small) / 49
    with capsys.disabled():
        print(
            f"\nbatch sync: 1 change {small} queries, 50 changes {large} ({per_change:.1f}/change)"
        )
    assert large <= 12 * 50
    assert per_change <= 11


def test_a_change_claimed_by_a_request_running_alongside_answers_duplicate(
    as_juror, entry_eka_jaya, juror
):
    """The other request committed its claim after this one read the applied ids (the race)."""
    from scoring import sync as batch_sync

    change = batch_sync.change_parse(0, submit(entry_eka_jaya))
    AppliedChange.objects.create(
        client_id=change.client_id, kind="submit", user=juror, entry=entry_eka_jaya
    )
    entries = {entry_eka_jaya.pk: entry_eka_jaya}
    outcome = batch_sync.Outcome(client_id=str(change.client_id))
    assert batch_sync._apply_submit(change, outcome, juror, entries) == "duplicate"
    assert not ScoreSheet.objects.exists()  # not even the refusal's empty sheet


@pytest.mark.django_db(transaction=True)
def test_the_same_batch_sent_twice_at_once_is_applied_once(
    master_data, client, juror, team1, entry_eka_jaya
):
    """A tablet that timed out and sent its batch again while the first was still running."""
    import threading

    from django.db import connections
    from django.test import Client

    photo = add_photo(entry_eka_jaya, juror)
    changes = [score(entry_eka_jaya, code, 4) for code in codes()]
    changes += [photo_delete(photo.pk), submit(entry_eka_jaya)]
    barrier = threading.Barrier(2, timeout=30)
    answers: list[list[str]] = []

    def send() -> None:
        tablet = Client()
        tablet.force_login(juror)
        barrier.wait()
        try:
            answers.append(statuses(sync(tablet, changes)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 2
    for first, second in zip(*answers, strict=True):
        assert sorted([first, second]) == ["applied", "duplicate"]
    sheet = ScoreSheet.objects.get(entry=entry_eka_jaya, juror=juror)
    assert sheet.status == SheetStatus.SUBMITTED
    assert Score.history.filter(sheet_id=sheet.pk).count() == 21
    assert AppliedChange.objects.count() == 2 and not Evidence.objects.exists()


def test_a_reopening_reason_of_300_characters_is_kept_whole_in_the_history(
    as_juror, entry_eka_jaya, juror, panitia
):
    # django-simple-history's change reason was 100 characters: on PostgreSQL a longer reason
    # (the form allows 300) failed with DataError and an error page.
    sync(as_juror, [score(entry_eka_jaya, code, 4) for code in codes()] + [submit(entry_eka_jaya)])
    sheet = ScoreSheet.objects.get(entry=entry_eka_jaya, juror=juror)
    assert sheet.status == SheetStatus.SUBMITTED
    reason = "Foto B3 tidak sesuai dengan kunjungan; " * 7 + "mohon dinilai ulang."
    assert 250 < len(reason) <= 300
    sheet_reopen(sheet=sheet, by=panitia, reason=reason)
    assert reason in sheet.history.latest().history_change_reason
