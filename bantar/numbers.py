"""One rounding rule for every score shown or exported: half up to 2 places.

Scores are exact fractions in `scoring.results` and 4-place Decimals once stored
(`Result`, the live table's rows). Whatever comes in is first brought to those 4
places (half up, as `scoring.results.as_decimal` stores it), then rounded half up
to 2 places, so that a page reading the exact value and one reading the stored
value show the same figure (65.625 -> 65.6250 -> 65.63 everywhere). Python's
own formatting (`f"{d:.2f}"`) and `Decimal.quantize` round half to even (65.62):
never use them for a score.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

HUNDREDTH = Decimal("0.01")
STORED = Decimal("0.0001")


def hundredths(value: Decimal | Fraction | int | float | str) -> Decimal:
    """A score as shown: half up to 2 places, from the 4 places it is stored with."""
    if isinstance(value, Fraction):
        numerator, denominator = value.numerator, value.denominator
        whole = (2 * abs(numerator) * 10**4 + denominator) // (2 * denominator)
        stored = Decimal(whole if numerator >= 0 else -whole).scaleb(-4)
    else:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        stored = number.quantize(STORED, rounding=ROUND_HALF_UP)
    return stored.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def comma(value: Decimal | Fraction | int | float | str) -> str:
    """A score as an Indonesian page writes it: 65.625 -> '65,63'."""
    return f"{hundredths(value)}".replace(".", ",")
