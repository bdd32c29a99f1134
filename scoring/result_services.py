"""Writes of the results: finalising (freezing a snapshot), publishing, reopening for a correction.

The competition's stage is written by `competitions.services.competition_move`
only; these services check what the results need and ask it to move.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from fractions import Fraction
from itertools import chain
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bantar.models import User
from competitions.models import Competition, CompetitionStatus
from competitions.services import competition_move
from competitions.stages import Write, check_stage
from scoring import results
from scoring.models import Result, ResultSet, ScoreSheet, SheetStatus
from scoring.notifications import results_published_notify
from scoring.panel import jury_panel
from scoring.result_freeze import results_and_sheets, verified_entries
from scoring.result_selectors import Freeze, collection_paused, missing_sheets
from scoring.signals import results_published, results_reopened

ERROR_NO_SUBMITTED_SHEET = gettext_lazy(
    "Belum ada lembar nilai yang dikirim juri; pleno belum dapat dimulai."
)
ERROR_SHEETS_MISSING = gettext_lazy(
    "Belum dapat difinalisasi: %(count)s lembar nilai belum lengkap. %(items)s"
)
ERROR_REOPEN_RESULTS_REASON = gettext_lazy(
    "Tuliskan alasan koreksi; alasan ini tercatat dan terlihat."
)


def check_ready_for_plenary(competition: Competition) -> None:
    """The step into the plenary (asked by `competitions.services.competition_advance`)."""
    submitted = ScoreSheet.objects.filter(
        entry__competition=competition, status=SheetStatus.SUBMITTED
    )
    if not submitted.exists():
        raise ValidationError(ERROR_NO_SUBMITTED_SHEET)


def plenary_warnings(competition: Competition) -> list[str]:
    """What entering the plenary goes ahead without: the sheets finalising will still need.

    Shown with the stage button (`competitions.services.STEP_WARNINGS`), to be confirmed.
    """
    return missing_sheets(competition)


@transaction.atomic
def competition_finalise(*, competition: Competition, by: User) -> ResultSet:
    """Check every expected sheet is in, then freeze the results with a hash of their inputs."""
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    check_stage(competition, Write.FINALISE)
    # One pass over the counted levels: the plenary's own outcome, the explanations (as
    # JSON text) and the hash (issue 12.10: finalising in at most twice the live path's
    # time), and the submitted sheets it read them from, for the check: nothing is written
    # before it. When the pass's coverage says every expected sheet is in, no sheet is named.
    # The panel too is built with the collector paused (as the live path builds it).
    with collection_paused():
        # The verified entries read once, for the panel and the categories (as the live path).
        categories, entries = verified_entries(competition)
        panel = jury_panel(competition, entries)
        freeze, sheets, all_in = results_and_sheets(competition, panel=panel, categories=categories)
        missing = [] if all_in else missing_sheets(competition, panel=panel, sheets=sheets)
        if missing:
            shown = "; ".join(missing[:10]) + (
                _("; dan %(count)s lagi") % {"count": len(missing) - 10}
                if len(missing) > 10
                else ""
            )
            raise ValidationError(
                ERROR_SHEETS_MISSING,
                code="missing",
                params={"count": len(missing), "items": shown},
            )
        result_set = _freeze(competition, by, freeze)
        # Freed by reference counting while the collector is paused: else its first
        # collection after the pass walks every tuple of them (~1 ms at city scale).
        del freeze, sheets, panel
    return result_set


def _freeze(competition: Competition, by: User, freeze: Freeze) -> ResultSet:
    """`competition_finalise` once checked: the result set, its rows, the stage."""
    connection = connections[router.db_for_write(Result)]
    outcome = freeze.outcome
    # bulk_create: no post_save, so no bump of the result version here; `competition_move`
    # below saves the competition in this transaction, and its save bumps it (one UPDATE of
    # scoring_resultversion, not two). ResultSet has no other receiver and no history.
    (result_set,) = ResultSet.objects.bulk_create(
        [
            ResultSet(
                competition=competition,
                finalised_by=by,
                inputs_hash=freeze.inputs_hash,
                total_prize=outcome.total_prize,
                warnings=outcome.warnings,
            )
        ]
    )
    figures = _Figures(outcome, freeze.rules.pillar_order, connection)
    rows = [
        (
            result_set.pk,
            result.entry_id,
            result.category,
            figures.pillar_scores(result),
            figures.final(result),
            result.passed,
            result.rank,
            result.is_winner,
            result.held_back,
            result.prize,
            explanation,
        )
        for result, explanation in freeze.explained
    ]
    _results_insert(connection, rows)
    competition_move(
        competition=competition,
        to_status=CompetitionStatus.FINAL,
        by=by,
        reason=_("Hasil difinalisasi"),
    )
    return result_set


class _Figures:
    """The frozen figures of each row, each distinct one made once (1,650 rows share a few
    hundred): the pillar scores' JSON text with 4 places, the final for its column."""

    def __init__(
        self, outcome: results.Outcome, order: Sequence[str], connection: BaseDatabaseWrapper
    ) -> None:
        self.outcome = outcome
        self.codes = list(order)
        self.field = Result._meta.get_field("final")
        self.connection = connection
        self.pillars = _PillarTexts(outcome.scale)
        self.finals: dict[Fraction | int, Any] = {}

    def pillar_scores(self, result: results.EntryResult) -> str:
        # Mapped, not looped (3 pillars x 1,650 rows): each pillar's text by (code, score).
        codes = self.codes
        keys = zip(codes, map(result.pillar_scores.__getitem__, codes), strict=True)
        return "{" + ", ".join(map(self.pillars.__getitem__, keys)) + "}"

    def final(self, result: results.EntryResult) -> Any:
        found = self.finals.get(result.final)
        if found is None:
            found = self.finals[result.final] = self.field.get_db_prep_save(
                self.outcome.final_decimal(result), self.connection
            )
        return found


_COLUMNS = (
    "result_set",
    "entry",
    "category_code",
    "pillar_scores",
    "final",
    "passed",
    "rank",
    "is_winner",
    "held_back",
    "prize",
    "explanation",
)
_BATCH = 500  # rows per INSERT: 5,500 parameters, within every backend's limit


class _PillarTexts(dict[tuple[str, Fraction | int], str]):
    """(pillar code, score) -> '"code": "48.2143"' (4 places), each made once."""

    def __init__(self, scale: int) -> None:
        super().__init__()
        self.scale = scale

    def __missing__(self, key: tuple[str, Fraction | int]) -> str:
        code, value = key
        shown = str(results.as_decimal(value, 4, self.scale))
        found = self[key] = json.dumps(code) + ": " + json.dumps(shown)
        return found


def _results_insert(connection: BaseDatabaseWrapper, rows: list[tuple[Any, ...]]) -> None:
    """INSERT the frozen rows, their JSON columns already written as text.

    `bulk_create` would prepare 11 values per row through the fields and encode each
    explanation again (a third of finalising at city scale); these rows are plain values
    and JSON text made once (`results_to_freeze`); on PostgreSQL through COPY.
    """
    fields = {field.name: field for field in Result._meta.concrete_fields}
    names = [fields[name] for name in _COLUMNS]
    quote = connection.ops.quote_name
    # Names from the model only, values as parameters (or COPY's data).
    columns = ", ".join(quote(field.column) for field in names)
    table = quote(Result._meta.db_table)
    if connection.vendor == "postgresql":
        _results_copy(connection, f"COPY {table} ({columns}) FROM STDIN", rows)
        return
    placeholders = ", ".join("%s" for _field in names)
    head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            params = list(chain.from_iterable(batch))
            cursor.execute(head + ", ".join(f"({placeholders})" for _row in batch), params)


# COPY's text format: these characters of a value are written escaped (no column is NULL).
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_WORDS = {True: "t", False: "f"}


# One row of `_COLUMNS` in COPY's text format: numbers as they are, booleans as words,
# text escaped (`_copy_text`): one template a row, not 11 calls (4.1 -> 2.6 ms at city scale).
_COPY_ROW = "\t".join(["%s"] * len(_COLUMNS)) + "\n"


def _copy_text(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_COPY_ESCAPES)
    return text


def _copy_rows(rows: list[tuple[Any, ...]]) -> str:
    """The frozen rows (`_COLUMNS`, as `_freeze` makes them) as COPY's text data."""
    words, text = _COPY_WORDS, _copy_text
    return "".join(
        [
            _COPY_ROW
            % (
                result_set,
                entry,
                text(category),
                text(pillar_scores),
                final,
                words[passed],
                rank,
                words[is_winner],
                text(held_back),
                prize,
                text(explanation),
            )
            for (
                result_set,
                entry,
                category,
                pillar_scores,
                final,
                passed,
                rank,
                is_winner,
                held_back,
                prize,
                explanation,
            ) in rows
        ]
    )


def _results_copy(connection: BaseDatabaseWrapper, copy: str, rows: list[tuple[Any, ...]]) -> None:
    """The rows through COPY on PostgreSQL: a 3 MB INSERT (city scale) would be quoted by
    the driver and parsed again by the server (about half of the INSERT's time, measured).

    A row over TOAST's threshold (~2 KB) is compressed, with pglz by default; lz4 is several
    times faster and read back by the same server. The explanations' compact shape
    (`scoring.result_freeze`: ~1.3 KB at city scale, kept as json: `scoring.fields`) keeps
    most rows under it (COPY 50 -> 28 ms of the server's time, measured, when it was
    jsonb); lz4 still serves the larger ones (more jurors, long names). It is set for this
    transaction only, and only where the server is built with it (else nothing is set: pglz
    as before).
    """
    data = io.StringIO(_copy_rows(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('default_toast_compression', 'lz4', true) FROM pg_settings"
            " WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
        )
        cursor.cursor.copy_expert(copy, data)  # psycopg2's own cursor


@transaction.atomic
def competition_publish(*, competition: Competition, by: User) -> ResultSet:
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    check_stage(competition, Write.PUBLISH)
    if competition.status == CompetitionStatus.PUBLISHED:
        return ResultSet.objects.current().get(competition=competition)
    result_set = ResultSet.objects.current().get(competition=competition)
    result_set.published_at = timezone.now()
    result_set.save(update_fields=["published_at"])
    competition_move(
        competition=competition,
        to_status=CompetitionStatus.PUBLISHED,
        by=by,
        reason=_("Hasil diumumkan"),
    )
    results_published_notify(competition=competition)  # after the commit, to everyone concerned
    _send_on_commit(results_published, competition=competition, result_set=result_set)
    return result_set


@transaction.atomic
def competition_reopen_results(*, competition: Competition, by: User, reason: str) -> Competition:
    """Back to the plenary for a correction; the frozen results stay, marked as superseded."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(ERROR_REOPEN_RESULTS_REASON)})
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    check_stage(competition, Write.REOPEN_RESULTS)
    ResultSet.objects.current().filter(competition=competition).update(
        superseded_at=timezone.now(), superseded_by=by, superseded_reason=reason
    )
    competition_move(
        competition=competition,
        to_status=CompetitionStatus.PLENARY,
        by=by,
        reason=_("Hasil dibuka kembali: %(reason)s") % {"reason": reason},
    )
    _send_on_commit(results_reopened, competition=competition, result_set=None)
    return competition


def _send_on_commit(signal: Signal, **kwargs: Any) -> None:
    """Tells the apps above scoring (scoring.signals) once the write is committed; a
    receiver's failure is logged, never undoing what was committed (robust)."""
    transaction.on_commit(lambda: signal.send(sender=ResultSet, **kwargs), robust=True)
