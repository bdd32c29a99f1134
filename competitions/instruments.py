"""Competitions and their instruments (issue 14): the editor's lock, and a new competition
on a chosen instrument with weights for its own pillars.

The lock is the stage table's (Write.INSTRUMENT_EDIT): an instrument is editable while
every competition holding it is in draft or registration. indicators.services asks it
through LOCK_CHECKS, registered in CompetitionsConfig.ready (indicators stands below
this app and may not import it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError

from competitions.models import Competition, CompetitionStatus
from competitions.stages import Write, check_stage
from indicators.models import Instrument
from indicators.selectors import InstrumentLock, pillar_codes


def instrument_locks(instruments: Sequence[Instrument]) -> dict[int, list[InstrumentLock]]:
    """The competitions past registration by instrument pk, each with the stage table's
    refusal (the editor's pages list them: no template restates which stages lock).

    One query, whatever the number of instruments.
    """
    locks: dict[int, list[InstrumentLock]] = defaultdict(list)
    competitions = (
        Competition.objects.filter(instrument__in=list(instruments))
        .select_related("instrument")
        .order_by("year", "period")
    )
    for competition in competitions:
        try:
            check_stage(competition, Write.INSTRUMENT_EDIT)
        except ValidationError as error:
            locks[competition.instrument.pk].extend(
                InstrumentLock(competition, message) for message in error.messages
            )
    return dict(locks)


def follow_instrument(instrument: Instrument) -> None:
    """A draft or registering competition keeps the scale and weight keys of its instrument.

    A weight stays for a pillar that stays; a new pillar weighs 1; a removed one is dropped.
    Only unlocked instruments are edited, so no competition past registration changes here.
    """
    codes = pillar_codes(instrument)
    for competition in Competition.objects.filter(
        instrument=instrument,
        status__in=[CompetitionStatus.DRAFT, CompetitionStatus.REGISTRATION],
    ):
        weights = competition.pillar_weights or {}
        competition.pillar_weights = {code: str(weights.get(code, "1")) for code in codes}
        if codes and sum(Decimal(value) for value in competition.pillar_weights.values()) <= 0:
            competition.pillar_weights = {code: "1" for code in codes}
        competition.scale_min = instrument.scale_min
        competition.scale_max = instrument.scale_max
        competition.full_clean()
        competition.save()
