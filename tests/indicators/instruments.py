"""Test instruments other than the shipped Perwali one (issue 14): any pillar count and scale."""

from __future__ import annotations

from collections.abc import Sequence

from indicators.models import Indicator, Instrument, Level, Pillar


def make_instrument(
    *,
    name: str = "Instrumen Lomba Kampung Uji",
    version: int = 1,
    pillars: Sequence[str] = ("LH", "SO", "EK", "KS"),
    indicators: int = 10,
    scale: tuple[int, int] = (1, 4),
    parent: Instrument | None = None,
    ready: bool = True,
) -> Instrument:
    """An instrument with `pillars` (in this order), `indicators` spread over them round robin
    (codes <pillar><n>), a descriptor for every level and a name per level; marked ready
    (siap dipakai) unless `ready=False`, so a competition may be created on it."""
    low, high = scale
    instrument = Instrument(
        name=name,
        legal_basis="Keputusan Uji No. 1 Tahun 2026",
        version=version,
        scale_min=low,
        scale_max=high,
        level_names={str(value): f"Tingkat {value}" for value in range(low, high + 1)},
        parent=parent,
        ready=ready,
    )
    instrument.full_clean()
    instrument.save()
    made = []
    for order, code in enumerate(pillars, start=1):
        pillar = Pillar(instrument=instrument, code=code, name=f"Pilar {code}", order=order)
        pillar.full_clean()
        pillar.save()
        made.append(pillar)
    for index in range(indicators):
        pillar = made[index % len(made)]
        number = index // len(made) + 1
        indicator = Indicator(
            pillar=pillar, code=f"{pillar.code}{number}", number=number, text=f"Uji {index}"
        )
        indicator.full_clean()
        indicator.save()
        for value in range(low, high + 1):
            level = Level(indicator=indicator, value=value, descriptor=f"{indicator.code}={value}")
            level.full_clean()
            level.save()
    return instrument
