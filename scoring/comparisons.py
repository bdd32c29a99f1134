"""Earlier photos shown beside a juror's own, indicator by indicator (issue 16.3, re-visits).

Scoring knows nothing of re-visits: an app above it registers a finder when it loads (coaching
does, in its AppConfig.ready), as apps above competitions add their STEP_CHECKS. A finder takes
the entries a page or the field kit shows and answers, per entry, the earlier photos to show
beside the juror's new ones, with where they were taken when that is known. The distance is the
haversine distance in metres on a sphere of the Earth's mean radius: good to a few metres over
the few hundred metres of an RT, which is what the comparison asks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from competitions.models import Entry

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)


@dataclass(frozen=True)
class EarlierPhoto:
    pk: int
    indicator_id: int
    thumb_url: str  # for the juror of the entry; kept offline by the field kit
    web_url: str
    caption: str  # for example "Foto lomba 2020"
    latitude: Decimal | None
    longitude: Decimal | None

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


Finder = Callable[[list["Entry"]], dict[int, list[EarlierPhoto]]]
FINDERS: list[Finder] = []


def earlier_photos(entries: Iterable[Entry]) -> dict[int, list[EarlierPhoto]]:
    """Entry id -> the earlier photos every registered finder has for it."""
    listed = list(entries)
    found: dict[int, list[EarlierPhoto]] = {}
    if not listed:
        return found
    for finder in FINDERS:
        for entry_id, photos in finder(listed).items():
            found.setdefault(entry_id, []).extend(photos)
    return found


def haversine_m(
    lat1: Decimal | float, lon1: Decimal | float, lat2: Decimal | float, lon2: Decimal | float
) -> float:
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    dphi = phi2 - phi1
    dlambda = math.radians(float(lon2) - float(lon1))
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def distance_m(
    earlier: EarlierPhoto, latitude: Decimal | None, longitude: Decimal | None
) -> int | None:
    """Whole metres between an earlier photo and a place, or None when either is unknown."""
    if not earlier.located or latitude is None or longitude is None:
        return None
    assert earlier.latitude is not None and earlier.longitude is not None
    return round(haversine_m(earlier.latitude, earlier.longitude, latitude, longitude))
