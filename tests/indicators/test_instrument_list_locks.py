"""The instruments list marks, under each instrument's "Dipakai oleh", which competitions lock
it ("mengunci"), as the instrument page does: from the same locks (services.instruments_locks,
the stage table's Write.INSTRUMENT_EDIT), in a fixed number of queries whatever the number of
instruments and competitions."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bantar.models import Role
from competitions.models import Competition, CompetitionStatus
from competitions.services import competition_create
from competitions.stages import STAGE_TABLE, Write
from indicators import services
from indicators.models import Instrument
from tests.conftest import count_queries, make_user

pytestmark = pytest.mark.django_db

PERWALI = "Instrumen Penilaian Kampung BANTAR"


def holders_of(page: str, instrument: Instrument) -> dict[str, bool]:
    """Title -> marked as locking, as the list shows them for one instrument."""
    row = page.split(f'data-instrument="{instrument.pk}"')[1].split('class="list-group-item"')[0]
    holders = row.split('data-testid="instrument-holders"')[1].split("</dd>")[0]
    shown: dict[str, bool] = {}
    for cell in holders.split("<div")[1:]:
        title = cell.split(">", 1)[1].split(" <span")[0].strip()
        locking = cell.startswith(" data-locking")
        assert locking == ("mengunci</span>" in cell), cell
        shown[title] = locking
    return shown


def make_holders(instrument: Instrument, first_year: int) -> dict[str, CompetitionStatus]:
    """One competition on the instrument in each stage."""
    made = {}
    for year, stage in enumerate(CompetitionStatus, start=first_year):
        competition = competition_create(year=year, instrument=instrument)
        Competition.objects.filter(pk=competition.pk).update(status=stage)
        made[competition.title] = stage
    return made


def test_the_list_marks_the_locking_competitions_in_a_fixed_number_of_queries(client: Any) -> None:
    client.force_login(make_user("panitia", Role.PANITIA))
    editable = STAGE_TABLE[Write.INSTRUMENT_EDIT].stages
    url = reverse("instrument-list")
    shipped = Instrument.objects.get(name=PERWALI, version=1)
    made = {shipped: make_holders(shipped, 2030)}
    few = count_queries(client, url)
    for n in range(3):
        copy = services.instrument_mark_ready(
            instrument=services.instrument_copy(instrument=shipped)
        )
        made[copy] = make_holders(copy, 2040 + 10 * n)
    services.instrument_copy(instrument=shipped)  # a draft nobody holds
    page = client.get(url).content.decode()
    for instrument, stages in made.items():
        shown = holders_of(page, instrument)
        # Every holder (the shipped one also has the seed's competition), each once.
        expected = {
            competition.title: competition.status not in editable
            for competition in Competition.objects.filter(instrument=instrument)
        }
        assert set(stages) <= set(expected)
        assert page.count(">" + next(iter(stages)) + " <span") == 1
        assert shown == expected, instrument
        # The same function as the instrument page: its locks name exactly the marked ones.
        locks = services.instrument_locks(instrument)
        titles = dict(Competition.objects.filter(instrument=instrument).values_list("pk", "title"))
        assert {titles[lock.holder.pk] for lock in locks} == {t for t, m in shown.items() if m}
        assert any(expected.values()) and not all(expected.values())
    assert count_queries(client, url) == few
