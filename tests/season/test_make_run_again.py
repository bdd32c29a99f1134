"""README, "The two commands": `make run` a second time keeps the existing data.

`make setup` (which `make run` runs each time) loads the master-data fixtures before
`seed_demo`. The fixtures name their rows by primary key, so plain `loaddata` would write
those rows back as the fixture has them; `loaddata_once` leaves out a fixture whose tables
hold rows. The test runs the Makefile's own line on a database where the 2020 competition
was published and an RT count was corrected, and expects both to stay.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from django.core.management import call_command

from competitions.models import Competition, CompetitionStatus, Kelurahan

pytestmark = pytest.mark.django_db

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def _setup_loaddata() -> list[str]:
    """The command and arguments of the fixture line in the Makefile's setup recipe."""
    recipe = MAKEFILE.read_text().split("\nsetup:", 1)[1].split("\n\n", 1)[0]
    line = re.search(r"manage\.py (loaddata\S*) (.+)", recipe)
    assert line, "make setup no longer loads fixtures: update this test"
    return [line.group(1), *shlex.split(line.group(2))]


def test_a_second_make_setup_keeps_a_published_2020_and_the_master_data(db: None) -> None:
    competition = Competition.objects.get(year=2020, period=1)
    Competition.objects.filter(pk=competition.pk).update(status=CompetitionStatus.PUBLISHED)
    kelurahan = Kelurahan.objects.get(name="Eka Jaya")
    corrected = (kelurahan.rt_count or 0) + 7
    Kelurahan.objects.filter(pk=kelurahan.pk).update(rt_count=corrected)
    call_command(*_setup_loaddata(), verbosity=0)
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.PUBLISHED
    assert Kelurahan.objects.get(pk=kelurahan.pk).rt_count == corrected


def test_the_same_line_fills_tables_that_are_still_empty(db: None) -> None:
    """A new database gets the fixtures: a table emptied loads again, the others stay."""
    Competition.objects.all().delete()
    kelurahan = Kelurahan.objects.get(name="Eka Jaya")
    corrected = (kelurahan.rt_count or 0) + 7
    Kelurahan.objects.filter(pk=kelurahan.pk).update(rt_count=corrected)
    call_command(*_setup_loaddata(), verbosity=0)
    assert Competition.objects.get(year=2020, period=1).status == CompetitionStatus.DRAFT
    assert Kelurahan.objects.get(pk=kelurahan.pk).rt_count == corrected
