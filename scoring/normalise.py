"""Optional normalisation of the jurors' levels (issue 12.5): pure functions, no ORM.

When a competition switches it on (`Competition.normalise_levels`, off by default),
each juror's counted levels are standardised and rescaled to the competition's scale
before the usual means, as Evalato does:

    z = (level - the juror's mean) / the juror's spread
    normalised = the competition's mean + z x the competition's spread,
                 clipped to the scale's lowest and highest level

Means and spreads are over every counted level of the competition (the juror's own,
or everybody's); the spread is the population standard deviation. A juror whose
levels are all the same has no spread: his z is 0, so each of his levels becomes the
competition's mean (he told the panel nothing about differences between RTs).

Square roots are taken in Decimal with 30 digits and every normalised level is rounded
to 6 decimal places, so that the results are exact fractions the same on every run and
every database, whatever the order of the levels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Context, Decimal
from fractions import Fraction

PLACES = 10**6  # a normalised level is a whole number of millionths
_SQRT = Context(prec=30)

Level = tuple[int, int, str, int]  # (entry id, juror id, indicator code, level)


def mean_and_spread(values: Sequence[Fraction | int]) -> tuple[Fraction, Fraction]:
    """The mean and the population standard deviation (exact mean, 30-digit root)."""
    count = len(values)
    mean = sum((Fraction(v) for v in values), Fraction(0)) / count
    variance = sum(((Fraction(v) - mean) ** 2 for v in values), Fraction(0)) / count
    if variance == 0:
        return mean, Fraction(0)
    root = _SQRT.sqrt(_SQRT.divide(Decimal(variance.numerator), Decimal(variance.denominator)))
    return mean, Fraction(root)


def _rounded(value: Fraction) -> Fraction:
    # Half up on the millionths, the same rounding as every score the portal shows.
    whole = (2 * abs(value.numerator) * PLACES + value.denominator) // (2 * value.denominator)
    return Fraction(whole if value >= 0 else -whole, PLACES)


def normalised_values(levels: Sequence[Level], scale_min: int, scale_max: int) -> list[Fraction]:
    """Each counted level normalised, in the order given (see the module's docstring)."""
    if not levels:
        return []
    overall_mean, overall_spread = mean_and_spread([level for *_, level in levels])
    per_juror: dict[int, list[int]] = defaultdict(list)
    for _entry, juror, _code, level in levels:
        per_juror[juror].append(level)
    stats = {juror: mean_and_spread(values) for juror, values in per_juror.items()}
    low, high = Fraction(scale_min), Fraction(scale_max)
    normalised = []
    for _entry, juror, _code, level in levels:
        juror_mean, juror_spread = stats[juror]
        z = (level - juror_mean) / juror_spread if juror_spread else Fraction(0)
        value = _rounded(overall_mean + z * overall_spread)
        normalised.append(min(high, max(low, value)))
    return normalised
