"""A small city with three published editions (2021-2023) and a fourth not yet published.

Built with the real services (tests/scoring/seasons.py build_season, then the results
services' finalise and publish). In Eka Jaya every juror gives indicator B3 the lowest level,
so B3 is the kelurahan's weakest indicator. Figures worked out by hand (build_season sets a
pillar minimum of 50, pass mark 70, no cap: every passing RT wins):

    levels (B, A, P)  with B3 = 1:  B          A       P       final
    5, 5, 5                         85.71      100     100     95.24  won
    4, 4, 4                         64.29      75      75      71.43  won
    3, 3, 3                         42.86 (<50) 50     50      47.62  gated
    2, 2, 2                         21.43      25      25      23.81

Eka Jaya (kecamatan Paal Merah): RT 01 won 2021, 2022, 2023 (95.24, 95.24, 71.43: dropped);
RT 04 won 2021 and never came back (2024 is not published); RT 07 lost 2021 and 2022 (47.62,
23.81: dropped); RT 09 only in 2024: never took part in a published edition; RT 10 won 2023.
Beringin (kecamatan Pasar Jambi): RT 02 won 2021 (75, no B3 change) and did not come back;
RT 03 never; RT 05 lost 2022 (25) and 2023 (50): rose, no drop.
"""

from __future__ import annotations

from django.test import TestCase

from bantar.models import User
from coaching.kept import coaching_keep
from competitions.models import RT, Competition, Kelurahan
from competitions.services import competition_create
from scoring.models import Score
from scoring.result_services import competition_finalise, competition_publish
from tests.scoring.seasons import Plan, build_season

FIVES, FOURS, THREES, TWOS = (5, 5, 5), (4, 4, 4), (3, 3, 3), (2, 2, 2)

EDITIONS: dict[int, list[Plan]] = {
    2021: [
        Plan("E1", "Eka Jaya", 1, 120, FIVES, FIVES),
        Plan("E4", "Eka Jaya", 4, 70, FOURS, FOURS),
        Plan("E7", "Eka Jaya", 7, 45, THREES, THREES),
        Plan("B2", "Beringin", 2, 150, FOURS, FOURS),
    ],
    2022: [
        Plan("E1", "Eka Jaya", 1, 120, FIVES, FIVES),
        Plan("E7", "Eka Jaya", 7, 45, TWOS, TWOS),
        Plan("B5", "Beringin", 5, 80, TWOS, TWOS),
    ],
    2023: [
        Plan("E1", "Eka Jaya", 1, 120, FOURS, FOURS),
        Plan("E10", "Eka Jaya", 10, 90, FIVES, FIVES),
        Plan("B5", "Beringin", 5, 80, THREES, THREES),
    ],
    # Finalised, not published: counts nowhere.
    2024: [
        Plan("E4", "Eka Jaya", 4, 70, TWOS, TWOS),
        Plan("E9", "Eka Jaya", 9, 60, FIVES, FIVES),
    ],
}


def publish(competition: Competition, panitia: User) -> None:
    """Published as the panitia does it: what runs after the commit runs (the coaching page's
    figures kept, coaching.kept; pytest-django's test transaction never commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        competition_publish(competition=competition, by=panitia)


def build_city(panitia: User) -> dict[str, RT]:
    """The RTs by name (E1, B3, ...), after the four editions."""
    rts: dict[str, RT] = {}
    for year, plans in EDITIONS.items():
        competition = competition_create(year=year)
        entries = build_season(competition, plans=plans)
        eka_jaya = [entry for name, entry in entries.items() if name.startswith("E")]
        Score.objects.filter(sheet__entry__in=eka_jaya, indicator__code="B3").update(value=1)
        competition_finalise(competition=competition, by=panitia)
        if year < 2024:
            publish(competition, panitia)
        rts.update({name: entry.rt for name, entry in entries.items()})
    rts["B3"] = RT.objects.create(kelurahan=Kelurahan.objects.get(name="Beringin"), number=3)
    coaching_keep()  # the master data changed since the publication: kept again, as by
    return rts  # `manage.py coaching_keep`
