"""What each role may do in scoring and results, named once (django-rules). Refusals answer 403."""

from __future__ import annotations

import rules

from bantar.models import User
from bantar.rules import is_city_reader, is_juror, is_panitia, is_region_officer
from competitions.models import Competition, CompetitionStatus, Entry
from competitions.rules import is_entry_kecamatan_officer, is_entry_kelurahan_officer
from competitions.stages import Write, stage_allows
from scoring.models import JuryMember


@rules.predicate
def is_published(_user: object, competition: Competition | None) -> bool:
    return competition is not None and competition.status == CompetitionStatus.PUBLISHED


# --- Personal data: heads of RT's names and phones ------------------------------------------


def juror_sees_contacts(entry: Entry) -> bool:
    """A juror of the entry's team sees its head of RT while the assessment is open, not after."""
    return stage_allows(entry.competition, Write.SCORE)


@rules.predicate
def is_entry_officer(user: User, entry: Entry | None) -> bool:
    """The officers of the entry's kelurahan and kecamatan; on a list (no entry), any officer:
    the list is already narrowed to the officer's region by `Entry.objects.for_user`."""
    if entry is None:
        return bool(is_region_officer(user))
    return bool(is_entry_kelurahan_officer(user, entry) or is_entry_kecamatan_officer(user, entry))


@rules.predicate
def is_assigned_juror_while_scoring(user: User, entry: Entry | None) -> bool:
    """A juror of the entry's team; on an assigned calibration RT, of any team (they visit it)."""
    if entry is None or not is_juror(user) or not juror_sees_contacts(entry):
        return False
    if JuryMember.objects.filter(team__assignments__entry=entry, user=user).exists():
        return True
    return (
        entry.is_calibration
        and hasattr(entry, "assignment")
        and JuryMember.objects.filter(team__competition_id=entry.competition_id, user=user).exists()
    )


# The one rule for personal data: every page, export and document asks it. Not the pejabat,
# not other jurors, not the public.
rules.add_perm(
    "scoring.see_contacts", is_panitia | is_entry_officer | is_assigned_juror_while_scoring
)


@rules.predicate
def names_jurors_to_officers(_user: User, competition: Competition | None) -> bool:
    return competition is not None and competition.jurors_named_to_officers


# Whose levels and notes they were: the city's readers; officers only where the competition says.
rules.add_perm("scoring.see_juror_names", is_city_reader | names_jurors_to_officers)

rules.add_perm("scoring.manage_teams", is_panitia)
rules.add_perm("scoring.review_sheets", is_panitia)
rules.add_perm("scoring.score", is_juror)
rules.add_perm("scoring.read_plenary", is_city_reader)
rules.add_perm("scoring.decide_results", is_panitia)
# Results of a competition: city-wide readers always; officers once published, and then only
# their region's rows (`scoring.result_selectors.result_table_for`).
rules.add_perm("scoring.read_results", is_city_reader | (is_region_officer & is_published))
rules.add_perm("scoring.read_participants", is_city_reader | is_region_officer)
