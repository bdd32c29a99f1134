"""Issue 14: a backup holds the instruments, their versions and which competition uses which."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from competitions.models import Competition
from competitions.services import competition_create
from indicators.models import Indicator, Instrument, Level, Pillar
from tests.indicators.instruments import make_instrument

pytestmark = pytest.mark.django_db(transaction=True)


def catalogue() -> dict[str, list]:
    return {
        "instruments": list(Instrument.objects.order_by("pk").values()),
        "pillars": list(Pillar.objects.order_by("pk").values()),
        "indicators": list(Indicator.objects.order_by("pk").values()),
        "levels": list(Level.objects.order_by("pk").values()),
        "competitions": list(Competition.objects.order_by("pk").values_list("pk", "instrument")),
    }


def test_instruments_versions_and_their_competitions_come_back_from_a_backup(
    master_data, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    perwali = Instrument.objects.get()
    version_2 = make_instrument(name=perwali.name, version=2, parent=perwali, scale=(0, 4))
    on_it = competition_create(year=2031, instrument=version_2)
    before = catalogue()
    assert len(before["instruments"]) == 2

    output = tmp_path / "cadangan"
    call_command("backup", output=output, stdout=io.StringIO())
    [archive] = output.glob("bantar-backup-*.tar.gz")
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(Path(settings.MEDIA_ROOT), ignore_errors=True)
    assert not Instrument.objects.exists()
    stdout = io.StringIO()
    call_command("restore", str(archive), stdout=stdout)

    assert catalogue() == before
    assert Instrument.objects.get(version=2).parent == perwali
    assert Competition.objects.get(pk=on_it.pk).instrument.scale == range(0, 5)
    assert "indicators.instrument: 2" in stdout.getvalue()
