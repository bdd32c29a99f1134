"""Which writes each stage of a competition allows: one table, asked by every write service.

Every service that changes an entry, a team, a sheet, a photo or the results of a
competition calls `check_stage(competition, Write.X)` first; a refusal names the
stage. tests/competitions/test_stages.py runs every write service at every stage
against this table, and fails when a write service has no row.

Deadlines (the registration's closing time) are time, not stage: the services that
need them check them after the stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from competitions.models import Competition, CompetitionStatus

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as LazyText

S = CompetitionStatus

ERROR_REGISTRATION_CLOSED = gettext_lazy(
    "Pendaftaran %(competition)s tidak sedang dibuka (tahap: %(status)s)."
)
ERROR_VERIFICATION_CLOSED = gettext_lazy(
    "Tahap verifikasi %(competition)s sudah selesai (tahap: %(status)s)."
)
ERROR_IMPORT_STAGE = gettext_lazy(
    "Impor peserta hanya dapat dilakukan selama tahap Pendaftaran atau Verifikasi; "
    "%(competition)s sedang dalam tahap %(stage)s."
)
ERROR_TEAMS_STAGE = gettext_lazy(
    "Tim juri tidak dapat diubah pada tahap %(status)s: hasilnya sudah final."
)
ERROR_ASSIGN_STAGE = gettext_lazy(
    "Penugasan hanya dapat diatur pada tahap Verifikasi atau Penilaian lapangan."
)
ERROR_RECUSAL_STAGE = gettext_lazy("Pengunduran diri juri tidak dapat dicatat setelah hasil final.")
ERROR_EXCUSE_STAGE = gettext_lazy(
    "Lembar nilai hanya dapat dimaafkan, atau maafnya dibatalkan, selama Penilaian lapangan "
    "atau Rapat pleno (tahap sekarang: %(status)s)."
)
ERROR_SCORING_CLOSED = gettext_lazy(
    "Penilaian %(competition)s tidak sedang dibuka (tahap: %(status)s)."
)
ERROR_NOT_PLENARY = gettext_lazy(
    "Finalisasi hanya dari tahap Rapat pleno (tahap sekarang: %(status)s)."
)
ERROR_NOT_FINAL = gettext_lazy(
    "Hanya hasil yang sudah final yang dapat diumumkan (tahap sekarang: %(status)s)."
)
ERROR_REOPEN_RESULTS_STAGE = gettext_lazy(
    "Hanya hasil final atau yang sudah diumumkan yang dapat dibuka kembali."
)
ERROR_SEVERITY_STAGE = gettext_lazy(
    "Pengaturan keseragaman penilaian dan normalisasi tidak dapat diubah pada tahap "
    "%(status)s: hasilnya sudah final."
)
ERROR_CALIBRATION_STAGE = gettext_lazy(
    "RT kalibrasi hanya dapat ditandai pada tahap Verifikasi, Penilaian lapangan atau "
    "Rapat pleno (tahap sekarang: %(status)s)."
)
ERROR_REVISIT_NOT_PUBLISHED = gettext_lazy(
    "Kunjungan ulang hanya untuk lomba yang hasilnya sudah diumumkan "
    "(%(competition)s: tahap %(status)s)."
)
ERROR_REVISIT_CONCLUDE_STAGE = gettext_lazy(
    "Hasil kunjungan ulang disimpulkan selama tahap Penilaian lapangan atau Rapat pleno "
    "(%(competition)s: tahap %(status)s)."
)
ERROR_INSTRUMENT_LOCKED = gettext_lazy(
    "Instrumen ini dipakai oleh %(competition)s yang sudah melewati pendaftaran (tahap: "
    "%(status)s): juri menilai dengannya, jadi tidak dapat diubah lagi. Salin ke versi baru."
)


class Write(StrEnum):
    """Every kind of change a service makes to a competition's data."""

    ENTRY_SAVE = "entry_save"  # a kelurahan's new, draft or proposed entry
    ENTRY_FIX_RETURNED = "entry_fix_returned"  # a returned entry, fixed and proposed again
    ENTRY_CHECK = "entry_check"  # the kecamatan verifies or returns
    ENTRY_IMPORT = "entry_import"
    TEAM_CHANGE = "team_change"  # teams, members, leaders
    ASSIGN = "assign"  # assignments and visit plans
    RECUSAL = "recusal"
    EXCUSE = "excuse"  # a missing or unfinished sheet excused by the panitia, or the excuse undone
    SCORE = "score"  # levels, notes, photos added or deleted, sheets submitted or reopened
    FINALISE = "finalise"
    PUBLISH = "publish"
    REOPEN_RESULTS = "reopen_results"
    SEVERITY_SETTINGS = "severity_settings"  # the severity threshold and the normalisation rule
    CALIBRATION = "calibration"  # which RTs every team scores
    REVISIT_CREATE = "revisit_create"  # a re-visit round of this (published) competition
    REVISIT_CONCLUDE = "revisit_conclude"  # the round's outcomes frozen (its own competition)
    # Issue 14: the competition's instrument edited (indicators.services, every edit).
    INSTRUMENT_EDIT = "instrument_edit"


@dataclass(frozen=True)
class StageRule:
    stages: frozenset[CompetitionStatus]
    refusal: LazyText  # with %(competition)s and %(status)s (or %(stage)s) available
    code: str


def _rule(refusal: LazyText, code: str, *stages: CompetitionStatus) -> StageRule:
    return StageRule(frozenset(stages), refusal, code)


STAGE_TABLE: dict[Write, StageRule] = {
    Write.ENTRY_SAVE: _rule(ERROR_REGISTRATION_CLOSED, "registration_closed", S.REGISTRATION),
    # Decision (README): a late return never strands an RT; it may be fixed until verification ends.
    Write.ENTRY_FIX_RETURNED: _rule(
        ERROR_VERIFICATION_CLOSED, "verification_closed", S.REGISTRATION, S.VERIFICATION
    ),
    Write.ENTRY_CHECK: _rule(
        ERROR_VERIFICATION_CLOSED, "verification_closed", S.REGISTRATION, S.VERIFICATION
    ),
    Write.ENTRY_IMPORT: _rule(ERROR_IMPORT_STAGE, "import_stage", S.REGISTRATION, S.VERIFICATION),
    # Until the results are final: the plenary may still need a juror added to a team.
    Write.TEAM_CHANGE: _rule(
        ERROR_TEAMS_STAGE,
        "teams_stage",
        S.DRAFT,
        S.REGISTRATION,
        S.VERIFICATION,
        S.ASSESSMENT,
        S.PLENARY,
    ),
    Write.ASSIGN: _rule(ERROR_ASSIGN_STAGE, "assign_stage", S.VERIFICATION, S.ASSESSMENT),
    Write.RECUSAL: _rule(
        ERROR_RECUSAL_STAGE, "recusal_stage", S.VERIFICATION, S.ASSESSMENT, S.PLENARY
    ),
    # While sheets are awaited, and until the results are final (the plenary decides).
    Write.EXCUSE: _rule(ERROR_EXCUSE_STAGE, "excuse_stage", S.ASSESSMENT, S.PLENARY),
    Write.SCORE: _rule(ERROR_SCORING_CLOSED, "scoring_closed", S.ASSESSMENT, S.PLENARY),
    Write.FINALISE: _rule(ERROR_NOT_PLENARY, "not_plenary", S.PLENARY),
    # Published again: a second click answers the same result set and changes nothing.
    Write.PUBLISH: _rule(ERROR_NOT_FINAL, "not_final", S.FINAL, S.PUBLISHED),
    Write.REOPEN_RESULTS: _rule(ERROR_REOPEN_RESULTS_STAGE, "reopen_stage", S.FINAL, S.PUBLISHED),
    # Issue 12.5: normalisation changes the results, so only before they are final.
    Write.SEVERITY_SETTINGS: _rule(
        ERROR_SEVERITY_STAGE,
        "severity_stage",
        S.DRAFT,
        S.REGISTRATION,
        S.VERIFICATION,
        S.ASSESSMENT,
        S.PLENARY,
    ),
    # Teams score calibration RTs in the field: marked once entries are verified, until final.
    Write.CALIBRATION: _rule(
        ERROR_CALIBRATION_STAGE, "calibration_stage", S.VERIFICATION, S.ASSESSMENT, S.PLENARY
    ),
    # Issue 16.3: winners are known only once published; the re-visit's own competition is
    # scored in the assessment stage and concluded while its sheets may still be read.
    Write.REVISIT_CREATE: _rule(ERROR_REVISIT_NOT_PUBLISHED, "revisit_not_published", S.PUBLISHED),
    Write.REVISIT_CONCLUDE: _rule(
        ERROR_REVISIT_CONCLUDE_STAGE, "revisit_conclude_stage", S.ASSESSMENT, S.PLENARY
    ),
    # Issue 14: until registration ends nobody has judged with the instrument; after that it
    # is what juries score against, and a revision is a new version.
    Write.INSTRUMENT_EDIT: _rule(
        ERROR_INSTRUMENT_LOCKED, "instrument_locked", S.DRAFT, S.REGISTRATION
    ),
}


def stage_allows(competition: Competition, write: Write) -> bool:
    return CompetitionStatus(competition.status) in STAGE_TABLE[write].stages


def check_stage(competition: Competition, write: Write) -> None:
    """Refuse, naming the stage, a write that the competition's stage does not allow."""
    if stage_allows(competition, write):
        return
    rule = STAGE_TABLE[write]
    raise ValidationError(
        rule.refusal,
        code=rule.code,
        params={
            "competition": competition.title,
            "status": competition.get_status_display(),
            "stage": competition.get_status_display(),
        },
    )
