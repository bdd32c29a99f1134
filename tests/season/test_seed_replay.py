"""The seed the tests write back (tests/seed_replay.py) leaves what the command leaves."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from scoring.models import ResultVersion
from tests import seed_replay

pytestmark = pytest.mark.django_db


def seeded(settings, media: Path) -> tuple[dict, dict[str, bytes], str, list[tuple[int, str]]]:
    """Every table's rows, every file under MEDIA_ROOT, what was printed and the result
    tokens, after a seed."""
    settings.MEDIA_ROOT = media
    out = io.StringIO()
    with transaction.atomic():
        call_command("seed_demo", stdout=out)
        state = seed_replay._state()
        tokens = list(
            ResultVersion.objects.order_by("competition_id").values_list("competition_id", "token")
        )
        transaction.set_rollback(True)
    files = {str(p.relative_to(media)): p.read_bytes() for p in media.rglob("*") if p.is_file()}
    printed = "\n".join(line for line in out.getvalue().splitlines() if "detik" not in line)
    return state, files, printed, tokens


def test_a_written_back_seed_is_the_computed_one_row_for_row_and_file_for_file(
    settings, tmp_path, monkeypatch
):
    seed_replay.install(monkeypatch)  # also with BANTAR_TEST_SEED_REPLAY=0
    seed_replay._SNAPSHOTS.clear()  # the first seed below is computed, whatever ran before
    before = len(seed_replay.WRITTEN_BACK)
    computed = seeded(settings, tmp_path / "computed")
    assert len(seed_replay.WRITTEN_BACK) == before
    written_back = seeded(settings, tmp_path / "written-back")
    assert len(seed_replay.WRITTEN_BACK) == before + 1

    assert written_back[0].keys() == computed[0].keys()
    # The results cache holds what other tests kept; the result tokens are new, as a computed
    # seed's would be (tests/seed_replay.py).
    tokens = "scoring_resultversion"
    differ = [
        table
        for table in computed[0]
        if table not in {"bantar_result_cache", tokens}
        and written_back[0][table] != computed[0][table]
    ]
    assert not differ, f"tables that differ: {differ}"
    assert [c for c, _ in written_back[3]] == [c for c, _ in computed[3]] != []
    assert not {t for _, t in written_back[3]} & {t for _, t in computed[3]}
    assert computed[1] and written_back[1] == computed[1]  # the 2020 photos, byte for byte
    assert "Akun demo" in computed[2] and written_back[2] == computed[2]


def test_a_seed_on_other_rows_is_computed(settings, tmp_path, panitia, monkeypatch):
    """A persona made before the seed: not the state any kept seed started from."""
    seed_replay.install(monkeypatch)
    settings.MEDIA_ROOT = tmp_path / "media"
    before = len(seed_replay.WRITTEN_BACK)
    call_command("seed_demo", "--minimal", verbosity=0)
    assert len(seed_replay.WRITTEN_BACK) == before
