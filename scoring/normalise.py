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
    return mean, _root(variance)


def from_sums(count: int, total: int, squares: int) -> tuple[Fraction, Fraction]:
    """`mean_and_spread` of whole levels from their count, sum and sum of squares (exact)."""
    mean = Fraction(total, count)
    return mean, _root(Fraction(squares, count) - mean * mean)


def _root(variance: Fraction) -> Fraction:
    if variance == 0:
        return Fraction(0)
    root = _SQRT.sqrt(_SQRT.divide(Decimal(variance.numerator), Decimal(variance.denominator)))
    return Fraction(root)


def _rounded(value: Fraction) -> Fraction:
    # Half up on the millionths, the same rounding as every score the portal shows.
    whole = (2 * abs(value.numerator) * PLACES + value.denominator) // (2 * value.denominator)
    return Fraction(whole if value >= 0 else -whole, PLACES)


def normalised_values(levels: Sequence[Level], scale_min: int, scale_max: int) -> list[Fraction]:
    """Each counted level normalised, in the order given (see the module's docstring)."""
    if not levels:
        return []
    # Integer sums, then one value per juror and level: a juror gives at most a handful of
    # distinct levels, so a city's 100,000 levels need a few hundred fractions, not 100,000.
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for _entry, juror, _code, level in levels:
        found = sums[juror]
        found[0] += 1
        found[1] += level
        found[2] += level * level
    overall_mean, overall_spread = from_sums(
        sum(n for n, _s, _q in sums.values()),
        sum(s for _n, s, _q in sums.values()),
        sum(q for _n, _s, q in sums.values()),
    )
    stats = {juror: from_sums(*found) for juror, found in sums.items()}
    low, high = Fraction(scale_min), Fraction(scale_max)
    known: dict[tuple[int, int], Fraction] = {}

    def normalised(juror: int, level: int) -> Fraction:
        juror_mean, juror_spread = stats[juror]
        z = (level - juror_mean) / juror_spread if juror_spread else Fraction(0)
        return min(high, max(low, _rounded(overall_mean + z * overall_spread)))

    for _entry, juror, _code, level in levels:
        if (juror, level) not in known:
            known[juror, level] = normalised(juror, level)
    return [known[juror, level] for _entry, juror, _code, level in levels]
