"""Issue 14 follow-up: an instrument is a draft until the panitia marks it ready (siap
dipakai); only a ready one may be chosen for a new competition and serve as the default."""

from __future__ import annotations

import json
from importlib import import_module

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bantar.models import Role
from competitions.models import Competition, default_instrument
from competitions.services import competition_create
from indicators import services
from indicators.models import Instrument, Level
from indicators.selectors import newest_instrument, ready_instruments
from indicators.services import (
    ERROR_NOT_READY,
    ERROR_READY_DESCRIPTORS,
    ERROR_READY_EMPTY_PILLAR,
    ERROR_READY_NO_PILLAR,
    ERROR_READY_SCALE,
)
from indicators.views import guide_instrument
from tests.conftest import make_user
from tests.indicators.instruments import make_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def perwali() -> Instrument:
    return Instrument.objects.get(legal_basis="Perwali Jambi No. 11 Tahun 2019")


def refusals(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [str(m) for m in error.value.messages]


def test_the_shipped_instrument_is_ready(perwali):
    assert perwali.ready
    assert newest_instrument() == perwali


def test_a_copy_is_a_draft_and_never_the_default(perwali):
    copy = services.instrument_copy(instrument=perwali)
    assert not copy.ready
    # Newer, but a draft: new competitions, the model default and the guide keep the Perwali.
    assert newest_instrument() == perwali
    assert default_instrument() == perwali.pk
    assert list(ready_instruments()) == [perwali]
    assert competition_create(year=2031).instrument == perwali
    assert guide_instrument(None) == perwali


def test_a_draft_cannot_be_chosen_for_a_competition(perwali):
    copy = services.instrument_copy(instrument=perwali)
    with pytest.raises(ValidationError) as refused:
        competition_create(year=2031, instrument=copy)
    assert refusals(refused) == [str(ERROR_NOT_READY) % {"instrument": str(copy)}]
    assert not Competition.objects.filter(year=2031).exists()


def test_marked_ready_the_copy_is_the_default(perwali):
    copy = services.instrument_copy(instrument=perwali)
    services.instrument_mark_ready(instrument=copy)
    copy.refresh_from_db()
    assert copy.ready
    assert newest_instrument() == copy
    assert competition_create(year=2031).instrument == copy
    assert competition_create(year=2032, instrument=perwali).instrument == perwali


def test_an_instrument_without_indicators_is_refused():
    empty = make_instrument(name="Kosong", indicators=0, ready=False)
    with pytest.raises(ValidationError) as refused:
        services.instrument_mark_ready(instrument=empty)
    assert refusals(refused) == [str(ERROR_READY_NO_PILLAR)]
    empty.refresh_from_db()
    assert not empty.ready


def test_a_scale_without_its_level_names_is_refused():
    broken = make_instrument(name="Skala", ready=False)
    # Only a database edit can leave a name missing (the editor's form refuses it).
    Instrument.objects.filter(pk=broken.pk).update(level_names={"1": "Satu"})
    broken.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.instrument_mark_ready(instrument=broken)
    [message] = refusals(refused)
    assert message.startswith(str(ERROR_READY_SCALE).split("%")[0])
    assert "Nama tingkat harus ada untuk setiap nilai 1 sampai 4" in message
    broken.refresh_from_db()
    assert not broken.ready


def test_indicators_without_every_descriptor_are_refused():
    partial = make_instrument(name="Uraian", ready=False)
    Level.objects.filter(indicator__instrument=partial, indicator__code="LH1", value=4).delete()
    Level.objects.filter(indicator__instrument=partial, indicator__code="EK2", value=1).update(
        descriptor="  "
    )
    with pytest.raises(ValidationError) as refused:
        services.instrument_mark_ready(instrument=partial)
    assert refusals(refused) == [str(ERROR_READY_DESCRIPTORS) % {"codes": "LH1, EK2"}]


def test_a_ready_instrument_edited_into_an_unscorable_one_makes_no_competition():
    ready = make_instrument(name="Siap")
    Level.objects.filter(indicator__instrument=ready, indicator__code="SO1", value=2).delete()
    with pytest.raises(ValidationError) as refused:
        competition_create(year=2031, instrument=ready)
    assert refusals(refused) == [str(ERROR_READY_DESCRIPTORS) % {"codes": "SO1"}]
    assert not Competition.objects.filter(year=2031).exists()


@pytest.mark.parametrize(
    ("has_parent", "held", "ready"),
    [(False, False, True), (False, True, True), (True, True, True), (True, False, False)],
)
def test_the_migration_keeps_what_was_in_use(has_parent: bool, held: bool, ready: bool):
    # Before the flag: the shipped instrument and any a competition holds were in use.
    migration = import_module("indicators.migrations.0003_instrument_ready")
    assert migration.was_ready(has_parent=has_parent, held=held) is ready


def test_the_editor_marks_a_copy_ready(client, perwali):
    client.force_login(make_user("panitia", Role.PANITIA))
    copy = services.instrument_copy(instrument=perwali)
    page = client.get(reverse("instrument-detail", args=[copy.pk])).content.decode()
    assert 'data-testid="instrument-draft"' in page
    assert 'data-testid="competition-new"' not in page
    response = client.post(reverse("instrument-ready", args=[copy.pk]), follow=True)
    page = response.content.decode()
    assert "Instrumen ditandai siap dipakai" in page
    assert 'data-testid="instrument-draft"' not in page
    assert 'data-testid="competition-new"' in page
    copy.refresh_from_db()
    assert copy.ready


def test_the_editor_says_why_it_refuses(client):
    client.force_login(make_user("panitia", Role.PANITIA))
    empty = make_instrument(name="Kosong", indicators=0, ready=False)
    response = client.post(reverse("instrument-ready", args=[empty.pk]), follow=True)
    assert str(ERROR_READY_NO_PILLAR) in response.content.decode()
    empty.refresh_from_db()
    assert not empty.ready


def test_other_roles_may_not_mark_ready(client, perwali):
    copy = services.instrument_copy(instrument=perwali)
    client.force_login(make_user("juri", Role.JURI))
    assert client.post(reverse("instrument-ready", args=[copy.pk])).status_code == 403
    copy.refresh_from_db()
    assert not copy.ready


def test_a_backup_from_before_the_flag_restores_ready_as_the_migration_does(tmp_path):
    from season.backup import READY_MIGRATION, _upgrade_before_ready

    def instrument(pk: int, parent: int | None) -> dict:
        return {"model": "indicators.instrument", "pk": pk, "fields": {"parent": parent}}

    rows = [
        instrument(1, None),  # the shipped Perwali
        instrument(2, 1),  # a copy a competition holds
        instrument(3, 1),  # a copy nobody uses yet
        {"model": "competitions.competition", "pk": 7, "fields": {"instrument": 2}},
    ]
    dump = tmp_path / "database.jsonl"
    dump.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    _upgrade_before_ready(dump, {"migrations": ["indicators.0002_instrument"]})
    upgraded = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
    assert [row["fields"].get("ready") for row in upgraded] == [True, True, False, None]
    # An archive made with the flag is restored as it is.
    dump.write_text(json.dumps(instrument(4, 1)) + "\n", encoding="utf-8")
    _upgrade_before_ready(dump, {"migrations": [READY_MIGRATION]})
    assert "ready" not in json.loads(dump.read_text(encoding="utf-8"))["fields"]


def test_a_pillar_without_indicators_is_refused(client):
    """A pillar with no indicator has a weight and nothing to score: its pillar total would
    be empty in every result. Refused by name, beside the pillars that are fine."""
    client.force_login(make_user("panitia", Role.PANITIA))
    # Four pillars, three indicators round robin: KS gets none.
    gap = make_instrument(name="Pilar kosong", indicators=3, ready=False)
    with pytest.raises(ValidationError) as refused:
        services.instrument_mark_ready(instrument=gap)
    assert refusals(refused) == [str(ERROR_READY_EMPTY_PILLAR) % {"codes": "KS"}]
    gap.refresh_from_db()
    assert not gap.ready
    # The editor's button says the same, and a competition on it (made ready behind the
    # editor's back) is refused too.
    response = client.post(reverse("instrument-ready", args=[gap.pk]), follow=True)
    assert str(ERROR_READY_EMPTY_PILLAR) % {"codes": "KS"} in response.content.decode()
    Instrument.objects.filter(pk=gap.pk).update(ready=True)
    gap.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        competition_create(year=2031, instrument=gap)
    assert refusals(refused) == [str(ERROR_READY_EMPTY_PILLAR) % {"codes": "KS"}]
    assert not Competition.objects.filter(year=2031).exists()
