"""What each role may do in scoring and results, named once (django-rules). Refusals answer 403."""

from __future__ import annotations

import rules

from bantar.rules import is_city_reader, is_juror, is_panitia, is_region_officer
from competitions.models import Competition, CompetitionStatus


@rules.predicate
def is_published(_user: object, competition: Competition | None) -> bool:
    return competition is not None and competition.status == CompetitionStatus.PUBLISHED


rules.add_perm("scoring.manage_teams", is_panitia)
rules.add_perm("scoring.review_sheets", is_panitia)
rules.add_perm("scoring.score", is_juror)
rules.add_perm("scoring.read_plenary", is_city_reader)
rules.add_perm("scoring.decide_results", is_panitia)
# Results of a competition: city-wide readers always; officers once published, and then only
# their region's rows (`scoring.result_selectors.result_table_for`).
rules.add_perm("scoring.read_results", is_city_reader | (is_region_officer & is_published))
rules.add_perm("scoring.read_participants", is_city_reader | is_region_officer)
