"""Every write service against every stage of a competition, as `competitions.stages` says.

One world is built; for each stage the competition is moved there and each write is
tried inside a savepoint that is rolled back. A write the stage refuses must answer
the table's refusal and change nothing (every row of the portal is counted before
and after); a write the stage allows must not be refused for the stage. A public
function of a service module that is neither a case here nor named as no write
fails the first test, so a new write service cannot miss its row.
"""

from __future__ import annotations

import inspect
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from PIL import Image

import coaching.revisits
import competitions.imports
import competitions.services
import indicators.services
import scoring.evidence
import scoring.result_services
import scoring.services
import scoring.severity_services
from bantar.models import Role, User
from coaching.models import RevisitRound
from competitions.models import RT, Competition, CompetitionStatus, Entry, EntryStatus, Kelurahan
from competitions.services import EntryData
from competitions.stages import STAGE_TABLE, Write, stage_allows
from indicators.models import Indicator
from scoring.models import (
    Assignment,
    Evidence,
    Excusal,
    JuryMember,
    JuryTeam,
    Score,
    ScoreSheet,
    SheetStatus,
)
from tests.conftest import make_user
from tests.factories import EntryFactory, xlsx_upload

pytestmark = pytest.mark.django_db

SERVICE_MODULES: list[ModuleType] = [
    coaching.revisits,
    competitions.services,
    competitions.imports,
    scoring.services,
    scoring.evidence,
    scoring.result_services,
    scoring.severity_services,
    indicators.services,
]
# Public functions of those modules that write nothing a stage governs, and why.
NOT_WRITES = {
    "published_winners": "a read",
    "draw": "a pure function of the seed and the winners",
    "new_seed": "a random number",
    "draw_repeated": "a read: the draw's audit",
    "draw_audit": "a read: the draw's audit, kept in the results cache (no stage governs it)",
    "winner_keys": "a read: the draw's keys of the winners",
    "winner_order": "a read: the winners' RTs in the draw's order, kept in the results cache",
    "winner_search": "a read: the new round page's search of the winners",
    "chosen_winners": "a read: the ticked winners",
    "chosen_awards": "a read: the chosen RTs' awards",
    "verdict_for": "a comparison, no database",
    "revisit_page": "a read",
    "rt_revisits": "a read",
    "revisit_title": "words: a round's title in the reader's language, no write",
    "revisit_earlier_photos": "a read: the award photos beside a re-visit's",
    "refuse_revisit_plenary": "a step check into the plenary (a read)",
    "size_category_for": "a read",
    "near_band_boundary": "a read",
    "category_overrides": "a read (Kencana: the RTs' published results)",
    "kencana_category": "a read (an unsaved category when there is none yet)",
    "category_saved": "inside entry_save and the import, after their stage check",
    "took_part_last_year": "a read",
    "repeat_entry_message": "a read",
    "repeat_entry_text": "words, no database",
    "entry_check": "a read: entry_save's refusals gathered for the form, nothing saved",
    "kk_minimum": "a read of the size bands",
    "advance_blockers": "a read of what the next step would refuse",
    "advance_warnings": "a read of what the next step goes ahead without, to confirm",
    "plenary_warnings": "a read: the sheets still missing when the plenary starts",
    "validate_size_categories": "a check",
    "validate_pillar_weights": "a check",
    "check_registration_open": "the stage check of entry_save itself",
    "check_entry_editable": "the stage check of entry edits itself",
    "check_import_open": "the stage check of imports itself",
    "check_import_status": "a check of the chosen status",
    "check_ready_for_plenary": "the step check into the plenary",
    "load_dataset": "a read of an uploaded file",
    "competition_create": "a new competition has no stage yet",
    "competition_advance": "the stage machine itself (its own steps and checks)",
    "competition_move": "the one writer of the stage, called by the checked services",
    "import_preview_discard": "removes the panitia's own preview: always allowed",
    "sheet_for": "inside score writes, after their stage check",
    "evidence_orphans": "a read of the media folder",
    "evidence_remove_orphans": "maintenance of files no row names",
    "entry_photo_groups": "a read: the photos of the sheet and explain pages",
    "entry_photo_page": "a read: one page of an RT's photos",
    "instrument_copy": "a new version: the original is only read",
    "instrument_readiness_problems": "a read: what keeps an instrument from being ready",
    "check_instrument_ready": "a check of the instrument a new competition is made on",
    "instrument_mark_ready": "a draft becomes choosable: nothing juries score against changes",
    "default_competition_title": "words, no database",
    "instrument_locks": "a read: the competitions the stage table says lock the instrument",
    "instruments_locks": "a read: the same for several instruments at once",
    "check_instrument_editable": "the stage check of the instrument edits itself",
}


@dataclass
class World:
    competition: Competition
    panitia: User
    officer: User
    kecamatan_officer: User
    juror: User
    other_juror: User
    team: JuryTeam
    draft: Entry
    returned: Entry
    proposed: Entry
    verified: Entry  # assigned to the team; the juror's sheet has every level but one
    spare: Entry  # verified, not assigned
    submitted_sheet: ScoreSheet  # the other juror's, on `verified`
    photo: Evidence
    pks: dict[str, int] = field(default_factory=dict)


def build_world(competition: Competition) -> World:
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    officer = make_user("kel.ekajaya", Role.KELURAHAN, kelurahan=eka_jaya)
    kecamatan_officer = make_user("kec.paalmerah", Role.KECAMATAN, kecamatan=eka_jaya.kecamatan)
    panitia, juror = make_user("panitia", Role.PANITIA), make_user("juri.satu", Role.JURI)
    other_juror = make_user("juri.dua", Role.JURI)
    team = JuryTeam.objects.create(competition=competition, name="Tim 1")
    for user in (juror, other_juror):
        JuryMember.objects.create(team=team, user=user, agency="DLH")

    def entry(number: int, status: str) -> Entry:
        rt = RT.objects.create(kelurahan=eka_jaya, number=number)
        return EntryFactory(competition=competition, rt=rt, kk_count=70, status=status)

    draft, proposed = entry(1, EntryStatus.DRAFT), entry(2, EntryStatus.PROPOSED)
    returned, verified = entry(3, EntryStatus.RETURNED), entry(4, EntryStatus.VERIFIED)
    spare = entry(5, EntryStatus.VERIFIED)
    Assignment.objects.create(entry=verified, team=team)
    indicators = list(Indicator.objects.all())
    own = ScoreSheet.objects.create(entry=verified, juror=juror)
    Score.objects.bulk_create(
        Score(sheet=own, indicator=i, value=4, client_id=uuid.uuid4()) for i in indicators[:-1]
    )
    submitted = ScoreSheet.objects.create(
        entry=verified, juror=other_juror, status=SheetStatus.SUBMITTED
    )
    Score.objects.bulk_create(
        Score(sheet=submitted, indicator=i, value=4, client_id=uuid.uuid4()) for i in indicators
    )
    # The photo goes through the real pipeline, which the assessment stage allows.
    Competition.objects.filter(pk=competition.pk).update(status=CompetitionStatus.ASSESSMENT)
    competition.refresh_from_db()
    photo = scoring.evidence.evidence_add(
        entry=verified, juror=juror, indicator=indicators[0], data=jpeg(), client_id=uuid.uuid4()
    )[0]
    world = World(
        competition,
        panitia,
        officer,
        kecamatan_officer,
        juror,
        other_juror,
        team,
        draft,
        returned,
        proposed,
        verified,
        spare,
        submitted,
        photo,
    )
    world.pks = {name: value.pk for name, value in vars(world).items() if isinstance(value, Model)}
    return world


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def import_file() -> bytes:
    header = ["kode_kelurahan", "nomor_rt", "nama_kampung", "ketua_rt", "jumlah_kk"]
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    return xlsx_upload(header, [[eka_jaya.code, 40, "Kampung Baru", "Pak Amin", 75]]).read()


def entry_data(kk: int = 75) -> EntryData:
    return EntryData(
        kampung_name="Kampung Uji", ketua_rt="Bu Sari", phone="081234567890", kk_count=kk
    )


def last_indicator() -> Indicator:
    return Indicator.objects.order_by("pillar__order", "number").last()


# service name -> (the write it is, the call)
CASES: dict[str, tuple[Write, Callable[[World], Any]]] = {
    "entry_save": (
        Write.ENTRY_SAVE,
        lambda w: competitions.services.entry_save(
            competition=w.competition, officer=w.officer, new_rt_number=30, data=entry_data()
        ),
    ),
    "entry_propose": (
        Write.ENTRY_SAVE,
        lambda w: competitions.services.entry_propose(entry=w.draft, by=w.officer),
    ),
    "entry_withdraw": (
        Write.ENTRY_SAVE,
        lambda w: competitions.services.entry_withdraw(entry=w.proposed, by=w.officer),
    ),
    "entry_propose (returned)": (
        Write.ENTRY_FIX_RETURNED,
        lambda w: competitions.services.entry_propose(entry=w.returned, by=w.officer),
    ),
    "entry_verify": (
        Write.ENTRY_CHECK,
        lambda w: competitions.services.entry_verify(entry=w.proposed, by=w.kecamatan_officer),
    ),
    "entry_return": (
        Write.ENTRY_CHECK,
        lambda w: competitions.services.entry_return(
            entry=w.proposed, by=w.kecamatan_officer, note="KK belum sesuai"
        ),
    ),
    "entry_import": (
        Write.ENTRY_IMPORT,
        lambda w: competitions.imports.entry_import(
            competition=w.competition,
            by=w.panitia,
            status=EntryStatus.PROPOSED,
            content=import_file(),
            file_format="xlsx",
            confirm=True,
        ),
    ),
    "import_preview_create": (
        Write.ENTRY_IMPORT,
        lambda w: competitions.imports.import_preview_create(
            competition=w.competition,
            by=w.panitia,
            file_name="daftar.xlsx",
            file_format="xlsx",
            status=EntryStatus.PROPOSED,
            reason="",
            content=import_file(),
        ),
    ),
    "import_preview_confirm": (
        Write.ENTRY_IMPORT,
        lambda w: competitions.imports.import_preview_confirm(
            token="tidak-ada", competition=w.competition, by=w.panitia
        ),
    ),
    "team_create": (
        Write.TEAM_CHANGE,
        lambda w: scoring.services.team_create(competition=w.competition, name="Tim 9"),
    ),
    "team_add_member": (
        Write.TEAM_CHANGE,
        lambda w: scoring.services.team_add_member(
            team=w.team, user=make_user("juri.baru", Role.JURI), agency="PMI"
        ),
    ),
    "member_set_remit": (
        Write.TEAM_CHANGE,
        lambda w: scoring.services.member_set_remit(
            member=w.team.members.get(user=w.juror), pillars=[], by=w.panitia, reason="Koreksi"
        ),
    ),
    "team_set_leader": (
        Write.TEAM_CHANGE,
        lambda w: scoring.services.team_set_leader(team=w.team, user=w.juror),
    ),
    "entry_assign": (
        Write.ASSIGN,
        lambda w: scoring.services.entry_assign(entry=w.spare, team=w.team, by=w.panitia),
    ),
    "entries_assign_balanced": (
        Write.ASSIGN,
        lambda w: scoring.services.entries_assign_balanced(
            competition=w.competition, entries=[w.spare], by=w.panitia
        ),
    ),
    "assignment_plan_visit": (
        Write.ASSIGN,
        lambda w: scoring.services.assignment_plan_visit(
            entry=w.verified, visit_date=date(2026, 10, 1), visit_order=1, by=w.panitia
        ),
    ),
    "recusal_record": (
        Write.RECUSAL,
        lambda w: scoring.services.recusal_record(
            entry=w.verified, juror=w.other_juror, reason="Kerabat", by=w.panitia
        ),
    ),
    "sheet_excuse": (
        Write.EXCUSE,
        lambda w: scoring.services.sheet_excuse(
            entry=w.verified, juror=w.juror, reason="Juri sakit", by=w.panitia
        ),
    ),
    "sheet_excuse_undo": (
        Write.EXCUSE,
        lambda w: (
            Excusal.objects.create(
                entry=w.verified, juror=w.juror, reason="Juri sakit", recorded_by=w.panitia
            ),
            scoring.services.sheet_excuse_undo(entry=w.verified, juror=w.juror, by=w.panitia),
        ),
    ),
    "score_save": (
        Write.SCORE,
        lambda w: scoring.services.score_save(
            entry=w.verified,
            juror=w.juror,
            indicator=last_indicator(),
            value=3,
            note="",
            client_id=uuid.uuid4(),
        ),
    ),
    "sheet_submit": (
        Write.SCORE,
        lambda w: (
            Score.objects.create(
                sheet=ScoreSheet.objects.get(entry=w.verified, juror=w.juror),
                indicator=last_indicator(),
                value=3,
                client_id=uuid.uuid4(),
            ),
            scoring.services.sheet_submit(entry=w.verified, juror=w.juror),
        ),
    ),
    "sheet_reopen": (
        Write.SCORE,
        lambda w: scoring.services.sheet_reopen(
            sheet=w.submitted_sheet, by=w.panitia, reason="Salah input"
        ),
    ),
    "evidence_add": (
        Write.SCORE,
        lambda w: scoring.evidence.evidence_add(
            entry=w.verified,
            juror=w.juror,
            indicator=last_indicator(),
            data=jpeg(),
            client_id=uuid.uuid4(),
        ),
    ),
    "evidence_delete": (
        Write.SCORE,
        lambda w: scoring.evidence.evidence_delete(evidence=w.photo, by=w.juror),
    ),
    "competition_finalise": (
        Write.FINALISE,
        lambda w: scoring.result_services.competition_finalise(
            competition=w.competition, by=w.panitia
        ),
    ),
    "competition_publish": (
        Write.PUBLISH,
        lambda w: scoring.result_services.competition_publish(
            competition=w.competition, by=w.panitia
        ),
    ),
    "competition_reopen_results": (
        Write.REOPEN_RESULTS,
        lambda w: scoring.result_services.competition_reopen_results(
            competition=w.competition, by=w.panitia, reason="Koreksi"
        ),
    ),
    "competition_severity_settings": (
        Write.SEVERITY_SETTINGS,
        lambda w: scoring.severity_services.competition_severity_settings(
            competition=w.competition, threshold=Decimal("0.7"), normalise=True, by=w.panitia
        ),
    ),
    "entry_calibration_set": (
        Write.CALIBRATION,
        lambda w: scoring.severity_services.entry_calibration_set(
            competition=w.competition, entry_ids=[w.verified.pk], by=w.panitia
        ),
    ),
    "entry_calibration_mark": (
        Write.CALIBRATION,
        lambda w: scoring.severity_services.entry_calibration_mark(
            competition=w.competition, entry_id=w.verified.pk, calibration=True, by=w.panitia
        ),
    ),
    # Published, the world's competition has no result set: "no winners", not the stage.
    "revisit_create": (
        Write.REVISIT_CREATE,
        lambda w: coaching.revisits.revisit_create(source=w.competition, by=w.panitia, size=1),
    ),
    # Issue 14: the competition's instrument, edited in place (allowed until registration ends).
    "instrument_update": (
        Write.INSTRUMENT_EDIT,
        lambda w: indicators.services.instrument_update(
            instrument=w.competition.instrument,
            name="Instrumen uji",
            legal_basis="",
            scale_min=1,
            scale_max=5,
            level_names={v: f"Tingkat {v}" for v in range(1, 6)},
        ),
    ),
    "pillar_add": (
        Write.INSTRUMENT_EDIT,
        lambda w: indicators.services.pillar_add(
            instrument=w.competition.instrument, code="K", name="Kesehatan"
        ),
    ),
    "pillar_update": (
        Write.INSTRUMENT_EDIT,
        lambda w: indicators.services.pillar_update(
            pillar=last_indicator().pillar, name="Baru", description=""
        ),
    ),
    "pillar_move": (
        Write.INSTRUMENT_EDIT,
        lambda w: indicators.services.pillar_move(pillar=last_indicator().pillar, up=True),
    ),
    "pillar_remove": (
        Write.INSTRUMENT_EDIT,
        lambda w: indicators.services.pillar_remove(pillar=last_indicator().pillar),
    ),
    "indicator_add": (
        Write.INSTRUMENT_EDIT,
        lambda w: indicators.services.indicator_add(
            pillar=last_indicator().pillar, code="Z9", text="Baru"
        ),
    ),
    "indicator_update": (
        Write.INSTRUMENT_EDIT,
        lambda w: indicators.services.indicator_update(
            indicator=last_indicator(),
            text="Baru",
            guidance="",
            descriptors=dict.fromkeys(range(1, 6), "Baru"),
        ),
    ),
    "indicator_remove": (
        Write.INSTRUMENT_EDIT,
        lambda w: indicators.services.indicator_remove(indicator=last_indicator()),
    ),
    # The world's competition as a round's own (unsaved: the stage check comes first).
    "revisit_conclude": (
        Write.REVISIT_CONCLUDE,
        lambda w: coaching.revisits.revisit_conclude(
            revisit=RevisitRound(competition=w.competition, source=w.competition), by=w.panitia
        ),
    ),
}


def public_functions(module: ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if inspect.isfunction(value)
        and not name.startswith("_")
        and getattr(value, "__module__", "") == module.__name__
    }


def test_every_write_service_has_a_row():
    services = set().union(*(public_functions(module) for module in SERVICE_MODULES))
    cased = {name.split(" ")[0] for name in CASES}
    assert services - cased - set(NOT_WRITES) == set(), "a write service without a stage row"
    assert (cased | set(NOT_WRITES)) - services == set(), "rows for services that are gone"
    assert {write for write, _call in CASES.values()} == set(Write), "a Write nobody exercises"


def fresh(world: World) -> None:
    """Every object of the world read again (a rolled-back delete leaves its instance without pk)."""
    for name, pk in world.pks.items():
        setattr(world, name, type(getattr(world, name))._default_manager.get(pk=pk))


def fingerprint() -> dict[str, int]:
    """Rows of every table of the portal, history included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def attempt(call: Callable[[], Any]) -> ValidationError | None:
    """Run a write in a savepoint that is rolled back; the ValidationError it raised, if any.

    Other refusals (a missing result set to publish, a sheet locked) are not the stage's:
    they count as "not refused for the stage".
    """
    with transaction.atomic():
        try:
            call()
        except ValidationError as error:
            return error
        except Exception:
            pass
        finally:
            transaction.set_rollback(True)
    return None


STAGE_CODES = {rule.code for rule in STAGE_TABLE.values()}


@pytest.mark.parametrize("stage", list(CompetitionStatus), ids=str)
def test_each_write_is_allowed_or_refused_by_the_stage_table(
    stage, open_competition, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    world = build_world(open_competition)
    Competition.objects.filter(pk=open_competition.pk).update(status=stage)
    wrong = []
    for name, (write, call) in CASES.items():
        fresh(world)
        before = fingerprint()
        error = attempt(lambda call=call: call(world))
        codes = {getattr(e, "code", None) for e in error.error_list} if error else set()
        if stage_allows(world.competition, write):
            if codes & STAGE_CODES:
                wrong.append(f"{name} at {stage}: refused for the stage ({error.messages})")
        else:
            if STAGE_TABLE[write].code not in codes:
                wrong.append(f"{name} at {stage}: not refused for the stage ({error})")
            elif str(world.competition.get_status_display()) not in " ".join(error.messages) and (
                "%(status)s" in str(STAGE_TABLE[write].refusal)
            ):
                wrong.append(f"{name} at {stage}: the refusal does not name the stage")
        if fingerprint() != before:
            wrong.append(f"{name} at {stage}: the rollback left rows behind")
    assert wrong == []


def test_a_refused_write_saves_nothing_and_leaves_no_file(open_competition, settings, tmp_path):
    """Outside a rolled-back savepoint: the services' own transactions leave nothing."""
    settings.MEDIA_ROOT = tmp_path
    world = build_world(open_competition)
    files = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    refused = 0
    for stage in CompetitionStatus:
        Competition.objects.filter(pk=open_competition.pk).update(status=stage)
        fresh(world)
        for name, (write, call) in CASES.items():
            if stage_allows(world.competition, write) or name in HELPER_ROWS:
                continue
            before = fingerprint()
            with pytest.raises(ValidationError):
                call(world)
            assert fingerprint() == before, f"{name} at {stage} saved something"
            refused += 1
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == files
    assert refused > 60


# Cases that make a row of their own before the service runs (a new juror, a last level).
HELPER_ROWS = {"team_add_member", "sheet_submit", "sheet_excuse_undo"}
