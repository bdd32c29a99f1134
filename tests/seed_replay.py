"""The demo season, seeded for real once per test process and written back after.

`seed_demo` takes 10 s on a quiet machine and 15-45 s under CI's load (158 RTs of 2020 scored
by three jurors, 318 photos processed by Pillow), and about 110 tests seed it. The first
seed of a process on a given database state runs the command; what it changed is kept: every
table whose rows differ afterwards, the sequences, the files it wrote under MEDIA_ROOT and the
lines it printed. A later seed on the same state (every table's rows identical, content types
and permissions by what they hold since a flush remakes them with new ids; the same options,
settings and day; the same transaction mode) writes exactly that back in one transaction
instead of computing it again. Anything else (other rows before the seed, a file of the seed
already in MEDIA_ROOT, a table the seed would create) runs the command. Sequences only move
forward: on PostgreSQL, whose sequences no rollback resets, the ids are the kept seed's, as a
computed seed's ids there depend on what ran before it anyway.

Tests about running the seed carry the `real_seed` marker and always run it (the 2020 recap
computed from the seeded scores, seeding twice, the mail test); BANTAR_TEST_SEED_REPLAY=0 turns
the write-back off for a whole run. tests/season/test_seed_replay.py compares a written-back
seed with a computed one, row for row and file for file.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation


@dataclass
class Snapshot:
    # table -> its rows after the seed (SQLite: tuples; PostgreSQL: COPY text)
    tables: dict[str, Any]
    sequences: list[tuple[str, int | None]]  # PostgreSQL: sequence -> last value
    files: Path  # a copy of what the seed wrote under MEDIA_ROOT
    names: list[str] = field(default_factory=list)  # those files, relative to MEDIA_ROOT
    output: list[tuple[str, Any, Any]] = field(default_factory=list)  # stdout.write calls


_SNAPSHOTS: dict[str, Snapshot] = {}
# The key of each seed written back, in order (tests/season/test_seed_replay.py).
WRITTEN_BACK: list[str] = []
_STORE = Path(tempfile.mkdtemp(prefix="bantar-seed-replay-"))  # 12 MB of photos per kept seed
atexit.register(shutil.rmtree, _STORE, ignore_errors=True)


def _tables() -> list[str]:
    names = sorted(connection.introspection.table_names(include_views=False))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
            if cursor.fetchone():
                names.append("sqlite_sequence")
    return names


def _rows(table: str) -> Any:
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            cursor.cursor.copy_expert(f"COPY (SELECT * FROM {quoted} ORDER BY 1) TO STDOUT", buffer)
            return buffer.getvalue()
        cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")
        return cursor.fetchall()


def _state() -> dict[str, Any]:
    return {table: _rows(table) for table in _tables()}


def _sequences() -> list[tuple[str, int | None]]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value"
            " FROM pg_sequences WHERE schemaname = current_schema() ORDER BY 1"
        )
        return list(cursor.fetchall())


def _files(root: Path) -> set[str]:
    if not root.exists():
        return set()
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


# Remade with new ids after every flush of a transactional test (Django's post_migrate), and
# read by no row the seed writes: compared by what they hold, not by id.
_BY_NATURAL_KEY = {"django_content_type", "auth_permission"}
# sqlite_sequence grows with every insert of the process (a flush leaves it); the seed's own
# inserts move it on, and writing back raises it to at least the kept seed's values.
_SEQUENCES = "sqlite_sequence"


def _results_cache() -> str:
    """The results cache's table (no flush empties it): what other tests computed, neither
    compared nor kept; a written-back seed gets new result tokens instead, so nothing kept
    under the kept seed's tokens, by this test or an earlier one, is ever read
    (`result_version_bump`)."""
    from scoring.result_cache import CACHE_ALIAS

    return str(settings.CACHES[CACHE_ALIAS]["LOCATION"])


def _natural_keys() -> list[tuple[str, ...]]:
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    types = ContentType.objects.values_list("app_label", "model")
    permissions = Permission.objects.values_list(
        "content_type__app_label", "content_type__model", "codename", "name"
    )
    return sorted(types) + sorted(permissions)


def _key(state: dict[str, Any], options: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    for table, rows in state.items():
        if table in _BY_NATURAL_KEY | {_SEQUENCES, _results_cache()}:
            continue
        digest.update(table.encode())
        digest.update(repr(rows).encode())
    digest.update(repr(_natural_keys()).encode())
    bantar = sorted(
        (name, repr(getattr(settings, name)))
        for name in dir(settings)
        if name.startswith("BANTAR_")
    )
    context = (
        connection.vendor,
        connection.in_atomic_block,
        sorted((name, repr(value)) for name, value in options.items() if name in {"minimal"}),
        bantar,
        translation.get_language(),
        settings.TIME_ZONE,
        timezone.localdate().isoformat(),
    )
    digest.update(repr(context).encode())
    return digest.hexdigest()


class _Recorder:
    """Writes through to the command's stdout and keeps each call, to print them again."""

    def __init__(self, stdout: Any, calls: list[tuple[str, Any, Any]]) -> None:
        self._stdout, self._calls = stdout, calls

    def write(self, msg: str = "", style_func: Any = None, ending: Any = None) -> None:
        self._calls.append((msg, style_func, ending))
        self._stdout.write(msg, style_func, ending)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stdout, name)


def _write_back(snapshot: Snapshot, root: Path) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for table, rows in snapshot.tables.items():
            if table == _SEQUENCES:
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"DELETE FROM {quoted}")
            if connection.vendor == "postgresql":
                cursor.cursor.copy_expert(f"COPY {quoted} FROM STDIN", io.StringIO(rows))
            elif rows:
                marks = ", ".join(["%s"] * len(rows[0]))
                cursor.executemany(f"INSERT INTO {quoted} VALUES ({marks})", rows)
        for name, seq in snapshot.tables.get(_SEQUENCES, ()):
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [seq, name]
            )
        from scoring.result_cache import result_version_bump

        result_version_bump()
        # Never back: an id the process gave out since stays given.
        now = dict(_sequences())
        for sequence, value in snapshot.sequences:
            if value is not None and value > (now.get(sequence) or 0):
                cursor.execute("SELECT setval(%s, %s, true)", [sequence, value])
    for name in snapshot.names:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(snapshot.files / name, target)


def seed(command: Any, compute: Any, options: dict[str, Any]) -> None:
    """`Command._seed`, replayed where the same seed on the same state was kept."""
    root = Path(settings.MEDIA_ROOT)
    before = _state()
    key = _key(before, options)
    snapshot = _SNAPSHOTS.get(key)
    existing = _files(root)
    if snapshot is not None and not existing.intersection(snapshot.names):
        _write_back(snapshot, root)
        WRITTEN_BACK.append(key)
        for msg, style_func, ending in snapshot.output:
            command.stdout.write(msg, style_func, ending)
        return
    output: list[tuple[str, Any, Any]] = []
    stdout = command.stdout
    command.stdout = _Recorder(stdout, output)
    try:
        compute(command, options)
    finally:
        command.stdout = stdout
    after = _state()
    if set(after) != set(before) or connection.needs_rollback:
        return  # the seed made a table (or failed): nothing to write back
    names = sorted(_files(root) - existing)
    store = _STORE / key[:16]
    for name in names:
        (store / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, store / name)
    changed = {
        table: rows
        for table, rows in after.items()
        if table != _results_cache() and rows != before[table]
    }
    _SNAPSHOTS[key] = Snapshot(changed, _sequences(), store, names, output)


def install(monkeypatch: Any) -> None:
    """`seed_demo`'s `Command._seed` through `seed` for the rest of the test (once)."""
    from season.management.commands import seed_demo

    original = getattr(seed_demo.Command._seed, "computed", seed_demo.Command._seed)

    def replayed(command: Any, options: dict[str, Any]) -> None:
        seed(command, original, options)

    replayed.computed = original  # type: ignore[attr-defined]
    monkeypatch.setattr(seed_demo.Command, "_seed", replayed)
