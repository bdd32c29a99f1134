"""A backup made by an older portal still restores.

fixtures/backup-before-season-app.tar.gz was written by `manage.py backup` at commit
1a1cbbb, before the demo, backup and home pages moved from `bantar` into `season`:
`seed_demo --minimal`, the master data, and a finalised 2021 season of seven RTs
scored by two jurors, with one evidence photo. The models kept their app labels, so
its rows load into the tables of today's code.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command

from competitions.models import Competition
from indicators.models import Indicator, Instrument, Pillar
from scoring.models import Result, ResultSet
from scoring.result_freeze import results_to_freeze
from season.backup import MANIFEST_MEMBER, backed_up_models
from tests.scoring.seasons import TOTAL_PRIZE, WINNERS

pytestmark = pytest.mark.django_db(transaction=True)

ARCHIVE = Path(__file__).parent / "fixtures" / "backup-before-season-app.tar.gz"
# What the archive holds, read off its manifest when it was made.
EXPECTED = {
    "bantar.user": 11,
    "competitions.competition": 3,
    "competitions.entry": 7,
    "competitions.historicalentry": 7,
    "competitions.kelurahan": 68,
    "indicators.indicator": 21,
    "scoring.score": 294,
    "scoring.scoresheet": 14,
    "scoring.result": 7,
    "scoring.resultset": 1,
    "scoring.evidence": 1,
}


def archived_manifest() -> dict:
    with tarfile.open(ARCHIVE, "r:gz") as tar:
        return json.load(tar.extractfile(MANIFEST_MEMBER))


def test_an_archive_from_before_the_move_restores_every_row(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("flush", interactive=False, verbosity=0)
    manifest = archived_manifest()
    assert {label: manifest["counts"][label] for label in EXPECTED} == EXPECTED

    output = io.StringIO()
    call_command("restore", str(ARCHIVE), stdout=output)

    counts = {model._meta.label_lower: model._base_manager.count() for model in backed_up_models()}
    # Made before instruments (issue 14): the restore adds the Perwali instrument, as migrate did.
    assert {label: count for label, count in counts.items() if count} == {
        **{label: count for label, count in manifest["counts"].items() if count},
        "indicators.instrument": 1,
    }
    perwali = Instrument.objects.get()
    assert perwali.legal_basis == "Perwali Jambi No. 11 Tahun 2019"
    assert perwali.ready  # ready to choose, as indicators 0003 makes it (not a draft)
    assert set(Competition.objects.values_list("instrument", flat=True)) == {perwali.pk}
    assert set(Pillar.objects.values_list("instrument", flat=True)) == {perwali.pk}
    assert set(Indicator.objects.values_list("instrument", flat=True)) == {perwali.pk}
    assert sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == sorted(
        Path(name).name for name in manifest["members"] if name.startswith("media/")
    )
    assert "3 berkas media" in output.getvalue()
    # The frozen results of the 2021 season (tests/scoring/seasons.py's plans) came back.
    restored = Result.objects.filter(result_set__competition__year=2021)
    winners = {r.entry.ketua_rt.removeprefix("Ketua ") for r in restored if r.is_winner}
    assert winners == WINNERS
    assert sum(r.prize for r in restored) == TOTAL_PRIZE
    assert restored.get(entry__ketua_rt="Ketua A").final == 100
    # and today's code, on the instrument the restore attached, still computes their hash.
    frozen = ResultSet.objects.get(competition__year=2021)
    assert results_to_freeze(frozen.competition).inputs_hash == frozen.inputs_hash
