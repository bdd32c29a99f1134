"""Re-visits of past winners (issue 16.3): the seeded draw, the round on the scoring machinery,
a sheet sent offline through the field kit's sync, the outcomes, and that no published result
changes. The city is tests/coaching/city.py: 2021's winners are Eka Jaya RT 01 (95.24), RT 04
(71.43) and Beringin RT 02 (75.00)."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bantar.models import Role
from coaching.models import RevisitOutcome, RevisitRound, Selection, Verdict
from coaching.revisits import (
    ERROR_NOT_A_WINNER,
    ERROR_REVISIT_NO_PLENARY,
    ERROR_SAMPLE_SIZE,
    draw,
    draw_repeated,
    published_winners,
    revisit_conclude,
    revisit_create,
    revisit_page,
    rt_revisits,
)
from competitions.models import Competition, CompetitionStatus, Entry, EntryStatus
from competitions.stages import ERROR_REVISIT_CONCLUDE_STAGE, ERROR_REVISIT_NOT_PUBLISHED
from indicators.models import Indicator
from indicators.selectors import pillar_codes
from scoring import results
from scoring.models import AppliedChange, Result, ResultSet, Score, ScoreSheet, SheetStatus
from scoring.result_selectors import results_inputs
from scoring.services import entry_assign, team_add_member, team_create
from tests.coaching.city import build_city
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(panitia):
    return build_city(panitia)


@pytest.fixture
def edition_2021(city) -> Competition:
    return Competition.objects.get(year=2021, period=1)


def published_state() -> tuple[list, list]:
    """Every result set's hash and publication, and every result row, as stored."""
    sets = list(
        ResultSet.objects.order_by("pk").values_list(
            "pk", "competition_id", "inputs_hash", "published_at", "superseded_at"
        )
    )
    rows = list(
        Result.objects.order_by("pk").values_list(
            "pk", "entry_id", "pillar_scores", "final", "rank", "is_winner", "prize"
        )
    )
    return sets, rows


def live_hash(competition: Competition) -> str:
    rules, inputs, _panel, _levels = results_inputs(competition)
    return results.inputs_hash(inputs, rules)


def test_the_draw_repeats_exactly_with_its_seed_and_differs_with_another():
    keys = [(f"15.71.0{k % 9}.100{k % 7}", n) for k in range(9) for n in range(1, 6)]
    first = draw(keys, seed=20210417, size=10)
    assert draw(keys, seed=20210417, size=10) == first
    # The order the winners arrive in does not matter: they are sorted before the draw.
    assert draw(list(reversed(keys)), seed=20210417, size=10) == first
    assert draw(keys, seed=20210418, size=10) != first
    assert len(set(first)) == 10 and set(first) <= set(keys)


def test_a_round_draws_from_the_published_winners_and_records_its_seed(edition_2021, city, panitia):
    winners = published_winners(edition_2021)
    assert {str(w.rt) for w in winners} == {"RT 01 Eka Jaya", "RT 04 Eka Jaya", "RT 02 Beringin"}
    assert [w.key for w in winners] == sorted(w.key for w in winners)
    before = published_state()
    revisit = revisit_create(source=edition_2021, by=panitia, size=2, seed=777)
    assert revisit.selection == Selection.DRAW and revisit.seed == 777
    expected = draw([w.key for w in winners], seed=777, size=2)
    by_key = {w.key: w.rt.pk for w in winners}
    assert revisit.chosen == [by_key[key] for key in expected]
    assert draw_repeated(revisit) is True
    # The round is a competition of its own, in the field stage, with one verified entry per RT
    # (the same RT, the award's KK count and head of RT), never a result of its own.
    round_competition = revisit.competition
    assert round_competition.status == CompetitionStatus.ASSESSMENT
    assert round_competition.year == 2021 and round_competition.period == 2
    entries = Entry.objects.filter(competition=round_competition)
    assert sorted(entries.values_list("rt_id", flat=True)) == sorted(revisit.chosen)
    assert set(entries.values_list("status", flat=True)) == {EntryStatus.VERIFIED}
    for entry in entries:
        award = Entry.objects.get(competition=edition_2021, rt=entry.rt)
        assert (entry.kk_count, entry.ketua_rt) == (award.kk_count, award.ketua_rt)
        assert entry.category.code == award.category.code
    assert published_state() == before
    # The same seed again, in a second round: the same RTs in the same order.
    again = revisit_create(source=edition_2021, by=panitia, size=2, seed=777)
    assert again.chosen == revisit.chosen and again.competition.period == 3
    # An audit after the list was altered says so.
    revisit.chosen = list(reversed(revisit.chosen))
    assert draw_repeated(revisit) is False


def test_a_round_by_hand_takes_winners_only(edition_2021, city, panitia):
    revisit = revisit_create(source=edition_2021, by=panitia, rt_ids=[city["B2"].pk, city["E1"].pk])
    assert revisit.selection == Selection.HAND and revisit.seed is None
    assert revisit.chosen == [city["B2"].pk, city["E1"].pk]  # kelurahan code (Beringin first)
    assert draw_repeated(revisit) is None
    with pytest.raises(ValidationError) as refused:
        revisit_create(source=edition_2021, by=panitia, rt_ids=[city["E7"].pk])  # lost in 2021
    assert refused.value.messages == [
        ERROR_NOT_A_WINNER % {"rt": "RT 07 Eka Jaya", "competition": edition_2021.title}
    ]
    with pytest.raises(ValidationError) as refused:
        revisit_create(source=edition_2021, by=panitia, size=4)
    assert refused.value.messages == [ERROR_SAMPLE_SIZE % {"winners": 3}]


def test_only_a_published_competition_is_revisited(city, panitia):
    unpublished = Competition.objects.get(year=2024)
    count = Competition.objects.count()
    with pytest.raises(ValidationError) as refused:
        revisit_create(source=unpublished, by=panitia, size=1)
    assert refused.value.messages == [
        ERROR_REVISIT_NOT_PUBLISHED
        % {"competition": unpublished.title, "status": unpublished.get_status_display()}
    ]
    assert Competition.objects.count() == count


def score_sheet(entry: Entry, juror, levels: dict[str, int]) -> None:
    sheet = ScoreSheet.objects.create(entry=entry, juror=juror, status=SheetStatus.SUBMITTED)
    Score.objects.bulk_create(
        Score(
            sheet=sheet,
            indicator=indicator,
            value=levels.get(indicator.code, levels[indicator.pillar.code]),
            client_id=uuid.uuid4(),
        )
        for indicator in Indicator.objects.select_related("pillar")
    )


@pytest.fixture
def scored_round(edition_2021, city, panitia):
    """Every 2021 winner re-visited by one juror: RT 01 as in 2021 (B3 at 1), RT 04 all 2s
    (25.00, a drop of 46.43); Beringin RT 02 (75.00 in 2021) has no sheet yet."""
    revisit = revisit_create(
        source=edition_2021,
        by=panitia,
        rt_ids=[city["E1"].pk, city["E4"].pk, city["B2"].pk],
        threshold=Decimal("5.00"),
    )
    juror = make_user("juri.ulang", Role.JURI)
    team = team_create(competition=revisit.competition, name="Tim ulang")
    team_add_member(team=team, user=juror, agency="DLH")
    entries = {e.rt_id: e for e in Entry.objects.filter(competition=revisit.competition)}
    for entry in entries.values():
        entry_assign(entry=entry, team=team, by=panitia)
    score_sheet(entries[city["E1"].pk], juror, {"B": 5, "A": 5, "P": 5, "B3": 1})
    score_sheet(entries[city["E4"].pk], juror, {"B": 2, "A": 2, "P": 2})
    return revisit, juror, entries


def test_outcomes_compare_the_re_visit_to_the_award_and_change_no_published_result(
    scored_round, city, panitia, edition_2021
):
    revisit, juror, entries = scored_round
    before, hashes = published_state(), {c.pk: live_hash(c) for c in published()}
    outcomes = {o.rt_id: o for o in revisit_conclude(revisit=revisit, by=panitia)}
    # Beringin RT 02 has no sheet yet: no outcome until it is complete.
    assert set(outcomes) == {city["E1"].pk, city["E4"].pk}
    kept, dropped = outcomes[city["E1"].pk], outcomes[city["E4"].pk]
    assert (kept.award_final, kept.revisit_final, kept.verdict) == (
        Decimal("95.2381"),
        Decimal("95.2381"),
        Verdict.KEPT,
    )
    assert (dropped.award_final, dropped.revisit_final, dropped.verdict) == (
        Decimal("71.4286"),
        Decimal("25.0000"),
        Verdict.DROPPED,
    )
    assert dropped.change == Decimal("-46.4286")
    # Its pillar scores are keyed by the round's instrument's pillars (read back from the database).
    stored = RevisitOutcome.objects.get(pk=dropped.pk).pillar_scores
    assert set(stored) == set(pillar_codes(revisit.competition.instrument_id))
    assert all(Decimal(value).as_tuple().exponent == -4 for value in stored.values())
    # Beringin's sheet arrives; concluding again replaces the outcomes.
    score_sheet(entries[city["B2"].pk], juror, {"B": 4, "A": 4, "P": 3})
    outcomes = {o.rt_id: o for o in revisit_conclude(revisit=revisit, by=panitia)}
    b2 = outcomes[city["B2"].pk]
    assert (b2.award_final, b2.revisit_final) == (Decimal("75.0000"), Decimal("66.6667"))
    assert b2.verdict == Verdict.DROPPED  # 8.33 > 5
    assert RevisitOutcome.objects.filter(round=revisit).count() == 3
    # A looser threshold keeps it.
    outcomes = {
        o.rt_id: o for o in revisit_conclude(revisit=revisit, by=panitia, threshold=Decimal("8.34"))
    }
    assert outcomes[city["B2"].pk].verdict == Verdict.KEPT
    assert published_state() == before
    assert {c.pk: live_hash(c) for c in published()} == hashes
    assert not ResultSet.objects.filter(competition=revisit.competition).exists()
    page = revisit_page(revisit)
    assert [row.rt.pk for row in page.rows] == revisit.chosen
    assert (page.kept, page.dropped) == (2, 1)
    assert [r.title for r in rt_revisits(city["E4"])] == [revisit.competition.title]
    assert rt_revisits(city["E7"]) == []


def published() -> list[Competition]:
    return list(Competition.objects.filter(status=CompetitionStatus.PUBLISHED))


def test_concluding_needs_the_round_in_the_field_or_plenary(scored_round, panitia):
    revisit, _juror, _entries = scored_round
    Competition.objects.filter(pk=revisit.competition_id).update(status=CompetitionStatus.FINAL)
    revisit.competition.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        revisit_conclude(revisit=revisit, by=panitia)
    assert refused.value.messages == [
        ERROR_REVISIT_CONCLUDE_STAGE % {"competition": revisit.competition.title, "status": "Final"}
    ]
    assert not RevisitOutcome.objects.exists()


def test_a_re_visit_sheet_sent_offline_arrives_once_and_changes_no_published_result(
    client, edition_2021, city, panitia
):
    revisit = revisit_create(source=edition_2021, by=panitia, rt_ids=[city["E4"].pk])
    juror = make_user("juri.lapangan", Role.JURI)
    team = team_create(competition=revisit.competition, name="Tim lapangan")
    team_add_member(team=team, user=juror, agency="Satpol PP")
    entry = Entry.objects.get(competition=revisit.competition)
    entry_assign(entry=entry, team=team, by=panitia)
    before, hashes = published_state(), {c.pk: live_hash(c) for c in published()}
    # What the tablet's outbox holds after a day offline: 21 levels and the submission.
    changes = [
        {
            "client_id": str(uuid.uuid4()),
            "kind": "score",
            "entry": entry.pk,
            "indicator": code,
            "value": 4,
            "note": "",
        }
        for code in Indicator.objects.values_list("code", flat=True)
    ]
    changes.append({"client_id": str(uuid.uuid4()), "kind": "submit", "entry": entry.pk})
    body = json.dumps({"device": str(uuid.uuid4()), "outbox": len(changes), "changes": changes})
    client.force_login(juror)
    first = client.post("/penilaian/sinkron/", body, content_type="application/json")
    assert [r["status"] for r in first.json()["results"]] == ["applied"] * 22
    # The connection dropped before the answer: the tablet sends the same batch again.
    again = client.post("/penilaian/sinkron/", body, content_type="application/json")
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * 22
    sheet = ScoreSheet.objects.get(entry=entry, juror=juror)
    assert sheet.status == SheetStatus.SUBMITTED
    assert Score.objects.filter(sheet=sheet).count() == 21
    assert Score.history.filter(sheet_id=sheet.pk).count() == 21
    assert AppliedChange.objects.filter(entry=entry).count() == 1
    (outcome,) = revisit_conclude(revisit=revisit, by=panitia)
    assert (outcome.revisit_final, outcome.verdict) == (Decimal("75.0000"), Verdict.KEPT)
    assert published_state() == before
    assert {c.pk: live_hash(c) for c in published()} == hashes


def test_the_panitia_creates_a_round_by_hand_through_the_page(client, edition_2021, city, panitia):
    client.force_login(panitia)
    url = f"/kunjungan-ulang/baru/{edition_2021.pk}/"
    page = client.get(url).content.decode()
    assert "RT 01 Eka Jaya · 95,24" in page
    # A draw without its size comes back with the reason, nothing saved.
    refused = client.post(url, {"selection": "draw", "threshold": "5,00"})
    assert refused.status_code == 200
    assert "Isi jumlah RT yang diundi." in refused.content.decode()
    assert not RevisitRound.objects.exists()
    done = client.post(
        url, {"selection": "hand", "rts": [city["E4"].pk], "threshold": "7,50"}, follow=True
    )
    revisit = RevisitRound.objects.get()
    assert done.redirect_chain[-1][0] == f"/kunjungan-ulang/{revisit.pk}/"
    assert revisit.threshold == Decimal("7.50") and revisit.chosen == [city["E4"].pk]
    assert "RT dipilih oleh panitia." in done.content.decode()
    # The unpublished 2024 edition has no page to start a round from.
    assert (
        client.get(f"/kunjungan-ulang/baru/{Competition.objects.get(year=2024).pk}/").status_code
        == 404
    )


def test_the_round_page_reads_in_the_same_queries_whatever_its_size(
    client, edition_2021, city, panitia
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(panitia)
    small = revisit_create(source=edition_2021, by=panitia, rt_ids=[city["E1"].pk])
    large = revisit_create(
        source=edition_2021, by=panitia, rt_ids=[city["E1"].pk, city["E4"].pk, city["B2"].pk]
    )
    client.get(f"/kunjungan-ulang/{small.pk}/")  # the session and per-process caches, once
    counts = []
    for revisit in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/kunjungan-ulang/{revisit.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_round_never_enters_the_plenary_so_it_is_never_ranked_or_published(scored_round, panitia):
    from competitions.services import advance_blockers, competition_advance

    revisit, _juror, _entries = scored_round
    competition = revisit.competition
    assert str(ERROR_REVISIT_NO_PLENARY) in advance_blockers(competition)
    with pytest.raises(ValidationError) as refused:
        competition_advance(competition=competition, to_status="plenary", by=panitia)
    assert str(ERROR_REVISIT_NO_PLENARY) in refused.value.messages
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.ASSESSMENT


def test_the_rekap_xlsx_has_a_row_per_rt_in_the_draw_s_order(client, scored_round, panitia, city):
    import io

    from openpyxl import load_workbook

    revisit, _juror, _entries = scored_round
    revisit_conclude(revisit=revisit, by=panitia)
    client.force_login(panitia)
    response = client.get(f"/kunjungan-ulang/{revisit.pk}/unduh.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "Urutan")
    body = [row for row in rows[header + 1 :] if row[0] is not None]
    assert [(row[2], row[3]) for row in body] == [
        ("Beringin", "RT 02"),
        ("Eka Jaya", "RT 01"),
        ("Eka Jaya", "RT 04"),
    ]
    verdicts = {row[3]: (row[6], row[7], row[9]) for row in body}
    assert verdicts["RT 01"] == (95.24, 95.24, "Terjaga")
    assert verdicts["RT 04"] == (71.43, 25.0, "Menurun")
    assert verdicts["RT 02"] == (75.0, None, "Belum disimpulkan")
