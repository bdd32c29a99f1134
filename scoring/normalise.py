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

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Context, Decimal
from fractions import Fraction

from scoring import results

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
    # How often each juror gave each level (counted in C), then one value per juror and
    # level: a city's 100,000 levels need a few hundred fractions, not 100,000.
    known = normalised_levels(
        Counter((juror, level) for _entry, juror, _code, level in levels), scale_min, scale_max
    )
    return [known[juror, level] for _entry, juror, _code, level in levels]


def normalised_levels(
    given: Mapping[tuple[int, int], int], scale_min: int, scale_max: int
) -> dict[tuple[int, int], Fraction]:
    """(juror, level) -> its normalised value, from how many times each juror gave each level."""
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (juror, level), times in given.items():
        found = sums[juror]
        found[0] += times
        found[1] += times * level
        found[2] += times * level * level
    overall_mean, overall_spread = from_sums(
        sum(n for n, _s, _q in sums.values()),
        sum(s for _n, s, _q in sums.values()),
        sum(q for _n, _s, q in sums.values()),
    )
    stats = {juror: from_sums(*found) for juror, found in sums.items()}
    low, high = Fraction(scale_min), Fraction(scale_max)

    def normalised(juror: int, level: int) -> Fraction:
        juror_mean, juror_spread = stats[juror]
        z = (level - juror_mean) / juror_spread if juror_spread else Fraction(0)
        return min(high, max(low, _rounded(overall_mean + z * overall_spread)))

    return {pair: normalised(*pair) for pair in given}


def millionths(value: Fraction) -> int:
    """A normalised level as a whole number of millionths (it is one: `_rounded`)."""
    return value.numerator * (PLACES // value.denominator)


def scaled(rules: results.Rules) -> results.Rules:
    """The rules for levels in millionths: the same pillar scores (see `compute`)."""
    return dataclasses.replace(
        rules, scale_min=rules.scale_min * PLACES, scale_max=rules.scale_max * PLACES
    )


def normalised_sums(
    expected: Mapping[int, Mapping[int, frozenset[int]]],
    sheets: Iterable[tuple[int, int, int]],
    counts: Iterable[tuple[int, int, int, int]],
    scale_min: int,
    scale_max: int,
) -> tuple[list[tuple[int, int, int, int]], dict[tuple[int, int], Fraction]]:
    """The live path's normalised pillar sums from counts of levels, not from every level.

    `expected` is the panel (entry -> juror -> remit pillar ids; an empty remit is every
    pillar), `sheets` the submitted (sheet, entry, juror), `counts` how many times each
    sheet holds each level on each pillar (sheet, pillar id, level, how many). The counted
    ones (the panel's jurors, within their remit) give each juror's mean and spread; then
    each sheet's pillar becomes (sheet, pillar id, sum of its normalised levels in
    millionths, how many levels), the rows `result_selectors._pillar_totals` adds up.
    Returns those rows and (juror, level) -> normalised value, for the RTs with a gap.
    """
    owners: dict[int, tuple[int, frozenset[int]]] = {}
    for sheet_id, entry_id, juror in sheets:
        jurors = expected.get(entry_id)
        if jurors is not None and juror in jurors:
            owners[sheet_id] = (juror, jurors[juror])
    counted = []
    given: Counter[tuple[int, int]] = Counter()
    for sheet_id, pillar_id, level, times in counts:
        owner = owners.get(sheet_id)
        if owner is None or (owner[1] and pillar_id not in owner[1]):
            continue
        counted.append((sheet_id, pillar_id, owner[0], level, times))
        given[owner[0], level] += times
    known = normalised_levels(given, scale_min, scale_max) if given else {}
    whole = {pair: millionths(value) for pair, value in known.items()}
    sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for sheet_id, pillar_id, juror, level, times in counted:
        found = sums[sheet_id, pillar_id]
        found[0] += times * whole[juror, level]
        found[1] += times
    return [(sheet, pillar, total, n) for (sheet, pillar), (total, n) in sums.items()], known


def compute(entries: Iterable[results.EntryInput], rules: results.Rules) -> results.Outcome:
    """`results.compute` over normalised levels, in integers: the same outcome, much faster.

    The live plenary with normalisation on spent a second of Fraction arithmetic at city
    scale (104,000 levels). Every normalised level is a whole number of millionths, and
    multiplying the levels and both ends of the scale by PLACES changes no pillar score
    ((level - lowest) / (highest - lowest) is the same), so the levels become integers and
    `results.compute_totals` applies: a pillar whose indicators all have the same number of
    levels is added up at once (its mean is sum / (indicators x levels), exactly), an entry
    with any other pillar goes through `score_entry`, in integers too. A level that is not a
    whole number of millionths (none is, from `normalised_values`) takes `results.compute`.
    """
    entries = list(entries)
    codes: dict[str, list[str]] = defaultdict(list)
    for code, pillar in rules.indicators.items():
        codes[pillar].append(code)
    # By object, not by value: `normalised_values` hands out one Fraction per juror and level,
    # so a city's 104,000 levels are a few hundred objects, and hashing a Fraction is slow.
    whole: dict[int, int] = {}
    totals: list[results.EntryTotals] = []
    exact: list[results.EntryInput] = []
    for entry in entries:
        levels: dict[str, list[int]] = {}
        for code, values in entry.scores.items():
            try:
                levels[code] = [whole[id(value)] for value in values]
            except KeyError:  # a level not seen yet (a few hundred times a city)
                for value in values:
                    if PLACES % value.denominator:
                        return results.compute(entries, rules)
                    whole[id(value)] = value.numerator * (PLACES // value.denominator)
                levels[code] = [whole[id(value)] for value in values]
        pillars: dict[str, results.PillarTotal] = {}
        for pillar in rules.pillar_order:
            counts = {len(levels.get(code, ())) for code in codes[pillar]}
            if counts == {0}:
                continue  # nobody scored the pillar: as compute_totals' absent pillar
            if len(counts) > 1:
                exact.append(
                    results.EntryInput(entry.entry_id, entry.category, levels, entry.complete)
                )
                break
            pillars[pillar] = results.PillarTotal(
                sum(sum(levels[code]) for code in codes[pillar]), counts.pop()
            )
        else:
            totals.append(
                results.EntryTotals(entry.entry_id, entry.category, pillars, entry.complete)
            )
    return results.compute_totals(totals, scaled(rules), exact)
