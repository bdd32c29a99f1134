"""Reading an instrument: what code asks instead of Pillar.objects.all() or "B"/"A"/"P".

Every function takes the instrument (or the competition, duck-typed by its
`instrument`, so that this layer imports nothing from competitions) and answers in a
fixed number of queries. Pillars come in the instrument's order, which is also the
results' tie-break order; indicators in pillar order, then number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

from django.db import models

from indicators.models import Indicator, IndicatorQuerySet, Instrument, Level, Pillar

# An instrument or its pk. None is accepted because the stubs type Competition.instrument_id
# as int | None (its field has a default); the column is NOT NULL, so None never comes from a
# saved competition, and it selects nothing.
InstrumentRef = Instrument | int | None


# The competitions the public may know of (Competition.objects.announced: past the draft),
# registered by CompetitionsConfig.ready since this layer may not import competitions. The
# public guide chooses only among these; with none registered it hides every competition.
ANNOUNCED: list[Callable[[], models.QuerySet[Any]]] = []


def announced_competitions() -> models.QuerySet[Any] | None:
    """The competitions the public may see, or None when no app has said which."""
    return ANNOUNCED[0]() if ANNOUNCED else None


class InstrumentLock(NamedTuple):
    """One competition past registration that holds an instrument, and the stage table's
    refusal naming it (competitions.instruments answers these through
    indicators.services.LOCK_CHECKS: this layer may not ask the stage table itself)."""

    holder: models.Model  # the competition: title, get_status_display() for the pages
    reason: str


class HasInstrument(Protocol):
    """A competition (or anything else that points at an instrument)."""

    @property
    def instrument(self) -> Instrument: ...


def newest_instrument() -> Instrument | None:
    """The default for a new competition and the public guide: the most recently made
    instrument the panitia has marked ready (a copy still being edited is a draft)."""
    return Instrument.objects.filter(ready=True).order_by("-created_at", "-pk").first()


def ready_instruments() -> models.QuerySet[Instrument]:
    """The instruments a new competition may be judged by, newest first."""
    return Instrument.objects.filter(ready=True).order_by("-created_at", "-pk")


def instrument_for(competition: HasInstrument) -> Instrument:
    """The competition's instrument: one query, none once loaded (select_related works)."""
    return competition.instrument


def pillars_of(instrument: InstrumentRef) -> list[Pillar]:
    """The instrument's pillars in order (= tie-break order). One query."""
    return list(Pillar.objects.filter(instrument=instrument).order_by("order"))


def pillar_codes(instrument: InstrumentRef) -> list[str]:
    """The pillar codes in order, e.g. ["B", "A", "P"] for Perwali 11/2019. One query."""
    return list(
        Pillar.objects.filter(instrument=instrument)
        .order_by("order")
        .values_list("code", flat=True)
    )


def pillar_names(instrument: InstrumentRef) -> dict[str, str]:
    """Pillar code -> name, in order. One query."""
    return dict(
        Pillar.objects.filter(instrument=instrument).order_by("order").values_list("code", "name")
    )


def indicators_of(instrument: InstrumentRef) -> IndicatorQuerySet:
    """The instrument's indicators in guide order (pillar order, number), as a queryset so a
    caller may add .with_levels(), .values_list(...) or a filter."""
    return Indicator.objects.filter(instrument=instrument).order_by("pillar__order", "number")


def indicator_pillars(instrument: InstrumentRef) -> dict[str, str]:
    """Indicator code -> pillar code, in guide order (the results maths' `indicators`)."""
    return dict(indicators_of(instrument).values_list("code", "pillar__code"))


def levels_of(instrument: InstrumentRef) -> models.QuerySet[Level]:
    """Every level descriptor of the instrument's indicators."""
    return Level.objects.filter(indicator__instrument=instrument)


def scale_of(instrument: Instrument) -> range:
    """The levels a juror may give, lowest first (Instrument.scale)."""
    return instrument.scale


def level_names_of(instrument: Instrument) -> dict[int, str]:
    """Value -> level name (translated where the name is a known msgid), lowest first."""
    return {value: instrument.level_name(value) for value in instrument.scale}


def default_weights_for(instrument: InstrumentRef) -> dict[str, str]:
    """Weights for a new competition on this instrument: every pillar weighs 1 (as the
    Perwali 11/2019 weighs its three); the panitia sets others on the competition."""
    return dict.fromkeys(pillar_codes(instrument), "1")
