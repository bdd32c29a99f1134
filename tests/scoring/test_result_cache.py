"""The result tables kept between requests (scoring.result_cache, issue 19) are never stale.

Each kind of write that can change a result is made as a user makes it (the service, or the
admin's plain save), with the table and the plenary already kept: the next read must give
what a fresh computation gives, and the write must have changed it (else a stale table
would pass). A property test interleaves random writes and reads. The plenary, once kept,
reads the same few queries whatever the city's size.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bantar.models import Role, User
from competitions.models import RT, Competition, CompetitionStatus, Entry, Kelurahan, SizeCategory
from indicators.models import Pillar
from scoring.models import Assignment, JuryMember, Score, ScoreSheet, SheetStatus
from scoring.result_cache import result_version, result_version_bump
from scoring.result_selectors import ResultTable, computed_result_table, result_table
from scoring.result_services import competition_finalise, competition_reopen_results
from scoring.services import (
    entry_assign,
    member_set_remit,
    recusal_record,
    sheet_excuse,
    sheet_excuse_undo,
    sheet_reopen,
    sheet_submit,
    team_add_member,
    team_create,
)
from scoring.severity_services import competition_severity_settings
from tests.conftest import make_user
from tests.factories import EntryFactory
from tests.scoring.seasons import build_season

pytestmark = pytest.mark.django_db


def facts(table: ResultTable) -> tuple[Any, ...]:
    """Everything a results page reads of a table, in plain values."""
    rows = tuple(
        (
            row.entry.pk,
            row.category,
            tuple(row.pillars.items()),
            row.final,
            row.rank,
            row.passed,
            row.is_winner,
            row.prize,
            row.held_back,
            tuple(row.tied_with),
            row.frozen_result is not None,
            row.sheets_in,
            row.sheets_expected,
            tuple(row.missing),
            row.complete,
            row.scored,
            row.undecided,
            row.entry.kk_count,
            row.entry.category.prize,
            row.entry.rt.kelurahan.name,
        )
        for row in sorted(table.rows, key=lambda r: r.entry.pk)
    )
    head = (table.frozen, tuple(table.warnings), tuple(table.category_order))
    return (head, tuple(table.pillars.items()), rows)


def fresh(competition: Competition) -> tuple[Any, ...]:
    return facts(computed_result_table(Competition.objects.get(pk=competition.pk)))


def kept(competition: Competition) -> tuple[Any, ...]:
    return facts(result_table(Competition.objects.get(pk=competition.pk)))


def plenary_finals(client, competition: Competition) -> dict[int, tuple[str, ...]]:
    """Entry -> the final score, status and sheets as the plenary's first page shows them."""
    page = client.get(f"/kompetisi/{competition.pk}/pleno/").content.decode()
    found = {}
    for entry, body in re.findall(r'<tr data-entry="(\d+)"(.*?)</tr>', page, re.S):
        final = re.search(r'data-testid="final">([^<]*)<', body)
        status = re.search(r'data-testid="status">(.*?)</span>', body, re.S)
        sheets = re.search(r'data-testid="sheets">([^<]*)<', body)
        found[int(entry)] = tuple(m.group(1) if m else "" for m in (final, status, sheets))
    return found


@pytest.fixture
def season(open_competition, panitia):
    return build_season(open_competition)


def juror(name: str) -> User:
    return User.objects.get(username=name)


def _sheet(entry: Entry, name: str) -> ScoreSheet:
    return ScoreSheet.objects.get(entry=entry, juror__username=name)


# --- Each kind of write: (setup before the table is kept, the write) ------------------------


def _score_on_submitted_sheet(s: dict, c: Competition, by) -> None:
    score = Score.objects.filter(sheet=_sheet(s["A"], "juri.satu")).first()
    score.value = 1  # the admin's correction of a submitted sheet
    score.save()


def _reopen(s: dict, c: Competition, by) -> None:
    sheet_reopen(sheet=_sheet(s["A"], "juri.dua"), by=by, reason="Salah isi")


def _reopen_first(s: dict, c: Competition, by) -> None:
    _reopen(s, c, by)


def _submit(s: dict, c: Competition, by) -> None:
    sheet_submit(entry=s["A"], juror=juror("juri.dua"))


def _excuse(s: dict, c: Competition, by) -> None:
    sheet_excuse(entry=s["A"], juror=juror("juri.dua"), reason="Sakit", by=by)


def _excuse_first(s: dict, c: Competition, by) -> None:
    _reopen(s, c, by)
    _excuse(s, c, by)


def _excuse_undo(s: dict, c: Competition, by) -> None:
    sheet_excuse_undo(entry=s["A"], juror=juror("juri.dua"), by=by)


def _recusal(s: dict, c: Competition, by) -> None:
    recusal_record(entry=s["B"], juror=juror("juri.satu"), reason="Kerabat", by=by)


def _remit(s: dict, c: Competition, by) -> None:
    member = JuryMember.objects.get(user__username="juri.satu", team__competition=c)
    member_set_remit(member=member, pillars=Pillar.objects.filter(code="B"), by=by, reason="Ahli")


def _member(s: dict, c: Competition, by) -> None:
    team = s["A"].assignment.team
    team_add_member(team=team, user=make_user("juri.baru", Role.JURI), agency="DLH")


def _assessment(s: dict, c: Competition, by) -> None:
    Competition.objects.filter(pk=c.pk).update(status=CompetitionStatus.ASSESSMENT)
    result_version_bump([c.pk])  # a plain update() bypasses the signals


def _assignment(s: dict, c: Competition, by) -> None:
    competition = Competition.objects.get(pk=c.pk)
    team = team_create(competition=competition, name="Tim Baru")
    team_add_member(team=team, user=make_user("juri.baru", Role.JURI), agency="DLH")
    entry_assign(entry=Entry.objects.get(pk=s["B"].pk), team=team, by=by)


def _entry_kk(s: dict, c: Competition, by) -> None:
    entry = Entry.objects.get(pk=s["B"].pk)
    small = SizeCategory.objects.filter(competition=c).order_by("min_kk").first()
    entry.kk_count, entry.category = small.min_kk, small
    entry.save()


def _entry_status(s: dict, c: Competition, by) -> None:
    entry = Entry.objects.get(pk=s["B"].pk)
    entry.status = "withdrawn"
    entry.save()


def _pass_mark(s: dict, c: Competition, by) -> None:
    competition = Competition.objects.get(pk=c.pk)
    competition.pass_mark = Decimal("99")
    competition.save()


def _weights(s: dict, c: Competition, by) -> None:
    competition = Competition.objects.get(pk=c.pk)
    codes = list(competition.pillar_weights)
    competition.pillar_weights = {code: (3 if i == 0 else 1) for i, code in enumerate(codes)}
    competition.save()


def _prize(s: dict, c: Competition, by) -> None:
    category = SizeCategory.objects.get(pk=s["B"].category_id)
    category.prize = 123_000
    category.save()


def _normalise(s: dict, c: Competition, by) -> None:
    competition = Competition.objects.get(pk=c.pk)
    competition_severity_settings(
        competition=competition,
        threshold=competition.severity_threshold,
        normalise=True,
        by=by,
    )


def _pillar_name(s: dict, c: Competition, by) -> None:
    pillar = Pillar.objects.filter(instrument=c.instrument_id).order_by("order").first()
    pillar.name = "Pilar yang dinamai ulang"
    pillar.save()


def _kelurahan_name(s: dict, c: Competition, by) -> None:
    kelurahan = Kelurahan.objects.get(pk=s["B"].rt.kelurahan_id)
    kelurahan.name = "Kelurahan Baru"
    kelurahan.save()


def _finalise(s: dict, c: Competition, by) -> None:
    competition_finalise(competition=Competition.objects.get(pk=c.pk), by=by)


def _reopen_results(s: dict, c: Competition, by) -> None:
    competition_reopen_results(competition=Competition.objects.get(pk=c.pk), by=by, reason="Ralat")


def _nothing(s: dict, c: Competition, by) -> None:
    return None


Write = Callable[[dict, Competition, Any], None]
WRITES: dict[str, tuple[Write, Write]] = {
    "score on a submitted sheet": (_nothing, _score_on_submitted_sheet),
    "sheet reopened": (_nothing, _reopen),
    "sheet submitted": (_reopen_first, _submit),
    "sheet excused": (_reopen_first, _excuse),
    "excuse undone": (_excuse_first, _excuse_undo),
    "recusal": (_nothing, _recusal),
    "remit": (_nothing, _remit),
    "team member added": (_nothing, _member),
    "assignment": (_assessment, _assignment),
    "entry KK and category": (_nothing, _entry_kk),
    "entry status": (_nothing, _entry_status),
    "pass mark": (_nothing, _pass_mark),
    "pillar weights": (_nothing, _weights),
    "prize": (_nothing, _prize),
    "normalisation": (_nothing, _normalise),
    "instrument's pillar": (_nothing, _pillar_name),
    "region name": (_nothing, _kelurahan_name),
    "finalisation": (_nothing, _finalise),
    "results reopened": (_finalise, _reopen_results),
}


@pytest.mark.parametrize("kind", list(WRITES))
def test_after_each_kind_of_write_the_pages_show_the_new_result(
    kind, client, panitia, season, open_competition
):
    setup, write = WRITES[kind]
    setup(season, open_competition, panitia)
    client.force_login(panitia)
    shown = plenary_finals(client, open_competition)  # computes and keeps table and page
    before = kept(open_competition)
    token = result_version(open_competition)
    assert before == fresh(open_competition)

    write(season, open_competition, panitia)

    assert result_version(open_competition) != token
    after = kept(open_competition)
    assert after == fresh(open_competition)
    assert after != before  # the write changed the result: a stale table would differ
    # The plenary's page too: the same as when nothing was kept at all.
    now = plenary_finals(client, open_competition)
    caches["results"].clear()
    assert now == plenary_finals(client, open_competition)
    if kind in ("score on a submitted sheet", "sheet reopened", "sheet excused", "recusal"):
        assert now != shown


def test_a_juror_renamed_is_named_on_the_kept_plenary(client, panitia, season, open_competition):
    sheet_reopen(sheet=_sheet(season["A"], "juri.dua"), by=panitia, reason="Salah isi")
    client.force_login(panitia)
    url = f"/kompetisi/{open_competition.pk}/pleno/"
    assert "Dua Lama" not in client.get(url).content.decode()
    dua = juror("juri.dua")
    dua.first_name, dua.last_name = "Dua", "Lama"
    dua.save()
    assert "Dua Lama" in client.get(url).content.decode()  # the blockers name the sheet


def test_a_draft_score_keeps_the_table(client, panitia, season, open_competition):
    """A juror's autosave on a draft changes no result: the kept table stays (no recompute)."""
    sheet = _sheet(season["A"], "juri.dua")
    sheet_reopen(sheet=sheet, by=panitia, reason="Salah isi")
    result_table(open_competition)
    token = result_version(open_competition)
    score = Score.objects.filter(sheet=sheet).first()
    score.value = 1
    score.save()
    assert result_version(open_competition) == token
    assert kept(open_competition) == fresh(open_competition)


# --- Random writes interleaved with reads -------------------------------------------------

actions = st.lists(
    st.tuples(
        st.sampled_from(
            ["level", "reopen", "submit", "excuse", "undo", "recuse", "kk", "pass", "read"]
        ),
        st.integers(0, 6),  # which RT
        st.integers(1, 5),  # a level or a pass mark's tens
    ),
    min_size=1,
    max_size=8,
)


def _act(action: str, entry: Entry, value: int, competition: Competition, by) -> None:
    dua = juror("juri.dua")
    sheet = _sheet(entry, "juri.dua")
    if action == "level" and sheet.status == SheetStatus.SUBMITTED:
        score = Score.objects.filter(sheet=sheet).order_by("pk").first()
        score.value = value
        score.save()
    elif action == "reopen" and sheet.status == SheetStatus.SUBMITTED:
        sheet_reopen(sheet=sheet, by=by, reason="Ralat")
    elif action in ("submit", "excuse", "undo", "recuse"):
        # A refusal (excused or recused meanwhile, nothing to undo) saves nothing.
        with contextlib.suppress(ValidationError, PermissionDenied):
            if action == "submit" and sheet.status == SheetStatus.DRAFT:
                sheet_submit(entry=entry, juror=dua)
            elif action == "excuse" and sheet.status == SheetStatus.DRAFT:
                sheet_excuse(entry=entry, juror=dua, reason="Sakit", by=by)
            elif action == "undo":
                sheet_excuse_undo(entry=entry, juror=dua, by=by)
            elif action == "recuse":
                recusal_record(entry=entry, juror=juror("juri.satu"), reason="Kerabat", by=by)
    elif action == "kk":
        entry = Entry.objects.get(pk=entry.pk)
        entry.kk_count += value
        entry.save()
    elif action == "pass":
        competition = Competition.objects.get(pk=competition.pk)
        competition.pass_mark = Decimal(40 + 10 * value)
        competition.save()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=actions)
def test_random_writes_and_reads_always_give_a_fresh_table(
    steps, panitia, season, open_competition
):
    by = panitia
    entries = list(season.values())
    with transaction.atomic():
        result_table(open_competition)
        for action, which, value in steps:
            if action != "read":
                _act(action, entries[which], value, open_competition, by)
            assert kept(open_competition) == fresh(open_competition), (action, which, value)
        transaction.set_rollback(True)


# --- The kept plenary reads a fixed number of queries ------------------------------------


def _warm_queries(client, competition: Competition) -> int:
    url = f"/kompetisi/{competition.pk}/pleno/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_kept_plenary_reads_the_same_queries_for_more_rts(
    client, panitia, season, open_competition
):
    client.force_login(panitia)
    few = _warm_queries(client, open_competition)
    kelurahan = Kelurahan.objects.order_by("code")[:20]
    team = season["A"].assignment.team
    for number, place in enumerate(kelurahan, start=50):
        entry = EntryFactory(
            competition=open_competition,
            rt=RT.objects.create(kelurahan=place, number=number),
            kk_count=70,
            status="verified",
        )
        Assignment.objects.create(entry=entry, team=team)
        for name in ("juri.satu", "juri.dua"):
            sheet = ScoreSheet.objects.create(
                entry=entry, juror=juror(name), status=SheetStatus.SUBMITTED
            )
            Score.objects.bulk_create(
                Score(
                    sheet=sheet, indicator_id=s.indicator_id, value=s.value, client_id=uuid.uuid4()
                )
                for s in Score.objects.filter(sheet=_sheet(season["A"], name))
            )
    result_version_bump([open_competition.pk])  # the bulk writes above bypass the signals
    assert len(kept(open_competition)[2]) == len(season) + 20
    assert _warm_queries(client, open_competition) == few


def test_the_kept_matrix_and_explain_pages_follow_a_write(
    client, panitia, season, open_competition
):
    client.force_login(panitia)
    entry = season["B"]
    matrix = f"/kompetisi/{open_competition.pk}/laporan/matriks/"
    explain = f"/kompetisi/{open_competition.pk}/pleno/rt/{entry.pk}/"
    before = (client.get(matrix).content.decode(), client.get(explain).content.decode())
    again = (client.get(matrix).content.decode(), client.get(explain).content.decode())
    assert _without_times(before) == _without_times(again)  # the kept pages
    sheet_reopen(sheet=_sheet(entry, "juri.dua"), by=panitia, reason="Salah isi")
    after = (client.get(matrix).content.decode(), client.get(explain).content.decode())
    caches["results"].clear()
    fresh_pages = (client.get(matrix).content.decode(), client.get(explain).content.decode())
    assert after[0] != before[0] and after[1] != before[1]  # 1 of 2 sheets in, on both
    assert "1 dari 2" in after[1] and "1 dari 2" not in before[1]
    assert _without_times(after) == _without_times(fresh_pages)


def _without_times(pages: tuple[str, ...]) -> tuple[str, ...]:
    """The pages without what changes by the minute or request (print time, CSRF token)."""
    return tuple(
        re.sub(r"dicetak [^<·]*WIB|csrfmiddlewaretoken\" value=\"[^\"]*\"", "", page)
        for page in pages
    )


def _cells(report) -> list[list[list[Any]]]:
    return [
        [[column.value(row) for column in sheet.columns] for row in sheet.rows]
        + [list(sheet.total or [])]
        for sheet in report.sheets
    ]


@pytest.mark.parametrize("name", ["pemenang", "rekap", "kelurahan"])
@pytest.mark.parametrize("stage", ["plenary", "published", "incomplete"])
def test_the_kept_report_rows_give_the_whole_tables_report(
    name, stage, rf, panitia, season, open_competition
):
    """The winners list and the rekaps from the rows they name equal those from every row."""
    from scoring.result_services import competition_publish
    from scoring.result_views import _report, _report_filter

    if stage == "published":
        competition_finalise(
            competition=Competition.objects.get(pk=open_competition.pk), by=panitia
        )
        competition_publish(competition=Competition.objects.get(pk=open_competition.pk), by=panitia)
    elif stage == "incomplete":
        sheet_reopen(sheet=_sheet(season["B"], "juri.dua"), by=panitia, reason="Salah isi")
    competition = Competition.objects.get(pk=open_competition.pk)
    request = rf.get("/")
    request.user = panitia
    filters = _report_filter(request, competition, name)
    kept_report = _report(request, competition, name, filters, kept=True)
    whole = _report(request, competition, name, filters)
    assert len(result_table(competition).rows) > sum(
        1 for row in result_table(competition).rows if row.is_winner
    )  # some rows are left out of the kept ones
    assert _cells(kept_report) == _cells(whole)
    assert kept_report.notes == whole.notes


def test_the_code_digest_covers_every_module_that_keeps_a_value():
    """A deploy renews every kept value: each module that keeps one is in the digest's apps
    (a module outside them could change a kept value's shape and read the old one)."""
    from pathlib import Path

    from scoring import result_cache

    root = Path(result_cache.__file__).resolve().parent.parent
    served = [
        folder
        for folder in root.iterdir()
        if folder.is_dir()
        and (folder / "__init__.py").exists()
        and folder.name not in {"tests", "benchmarks"}
    ]
    keepers = {
        folder.name
        for folder in served
        for path in folder.rglob("*.py")
        if "migrations" not in path.parts and "result_cache" in path.read_text(encoding="utf-8")
    }
    assert "scoring" in keepers and "season" in keepers  # the scan finds the known keepers
    assert keepers <= set(result_cache._APPS), keepers - set(result_cache._APPS)
