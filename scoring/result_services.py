"""Writes of the results: finalising (freezing a snapshot), publishing, reopening for a correction.

The competition's stage is written by `competitions.services.competition_move`
only; these services check what the results need and ask it to move.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bantar.models import User
from competitions.models import Competition, CompetitionStatus
from competitions.services import competition_move
from competitions.stages import Write, check_stage
from scoring.models import Result, ResultSet, ScoreSheet, SheetStatus
from scoring.notifications import results_published_notify
from scoring.result_selectors import missing_sheets, results_to_freeze

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
    missing = missing_sheets(competition)
    if missing:
        shown = "; ".join(missing[:10]) + (
            f"; dan {len(missing) - 10} lagi" if len(missing) > 10 else ""
        )
        raise ValidationError(
            ERROR_SHEETS_MISSING, code="missing", params={"count": len(missing), "items": shown}
        )
    # One pass over the counted levels: the plenary's own outcome, the explanations and
    # the hash (issue 12.10: finalising in at most twice the live path's time).
    freeze = results_to_freeze(competition)
    outcome = freeze.outcome
    result_set = ResultSet.objects.create(
        competition=competition,
        finalised_by=by,
        inputs_hash=freeze.inputs_hash,
        total_prize=outcome.total_prize,
        warnings=outcome.warnings,
    )
    Result.objects.bulk_create(
        Result(
            result_set=result_set,
            entry_id=result.entry_id,
            category_code=result.category,
            pillar_scores={
                code: str(outcome.pillar_decimal(result, code))
                for code in freeze.rules.pillar_order
            },
            final=outcome.final_decimal(result),
            passed=result.passed,
            rank=result.rank,
            is_winner=result.is_winner,
            held_back=result.held_back,
            prize=result.prize,
            explanation=explanation,
        )
        for result, explanation in freeze.explained
    )
    competition_move(
        competition=competition,
        to_status=CompetitionStatus.FINAL,
        by=by,
        reason=_("Hasil difinalisasi"),
    )
    return result_set


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
    return competition
