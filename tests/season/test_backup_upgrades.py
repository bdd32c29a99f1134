"""An archive older than a migration is upgraded line by line before loaddata (season.backup):
the three upgrades share one loop, which changes only the rows its migration changed and
copies every other line byte for byte (an archive a migration does not concern restores as
it was written)."""

from __future__ import annotations

import json
from pathlib import Path

from season.backup import (
    _upgrade_before_instruments,
    _upgrade_before_ready,
    _upgrade_result_columns,
)

# Written by another serializer than json.dumps: spaces, key order, escaped and raw
# non-ASCII text. A rewrite of this line would show.
UNTOUCHED = '{"pk": 3,  "model": "competitions.kelurahan", "fields": {"name": "Tal\\u00e1ng Bakung \u2013 Jambi"}}\n'
OLD = {"migrations": ["bantar.0001_initial"]}  # before every upgrade


def dump_of(tmp_path: Path, *rows: dict) -> Path:
    dump = tmp_path / "database.jsonl"
    lines = [UNTOUCHED, "\n", *(json.dumps(row) + "\n" for row in rows)]
    dump.write_text("".join(lines), encoding="utf-8")
    return dump


def test_every_upgrade_changes_its_rows_and_copies_the_others_byte_for_byte(tmp_path):
    legacy = {"bersih": "80.0000", "aman": "70.0000", "pintar": "60.0000"}
    dump = dump_of(
        tmp_path,
        {"model": "competitions.competition", "pk": 7, "fields": {"title": "Lomba 2021"}},
        {"model": "scoring.result", "pk": 9, "fields": legacy},
    )
    added = _upgrade_before_instruments(dump, OLD)
    _upgrade_result_columns(dump, OLD)
    _upgrade_before_ready(dump, OLD)
    lines = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    assert added == {"indicators.instrument": 1}
    # The instrument the migration made comes first; the others keep their places.
    assert lines[1:3] == [UNTOUCHED, "\n"]
    instrument, competition, result = (json.loads(line) for line in (lines[0], *lines[3:]))
    assert instrument["model"] == "indicators.instrument" and instrument["fields"]["ready"]
    assert competition["fields"] == {"title": "Lomba 2021", "instrument": instrument["pk"]}
    assert set(result["fields"]) == {"pillar_scores"}
    assert list(dump.parent.iterdir()) == [dump]  # no working file left behind


def test_an_archive_no_upgrade_concerns_is_left_as_written(tmp_path):
    dump = dump_of(tmp_path, {"model": "bantar.user", "pk": 1, "fields": {"username": "a"}})
    before = dump.read_bytes()
    assert _upgrade_before_instruments(dump, OLD) == {}  # nothing on an instrument: none added
    _upgrade_result_columns(dump, OLD)
    _upgrade_before_ready(dump, OLD)
    assert dump.read_bytes() == before
    assert list(dump.parent.iterdir()) == [dump]
