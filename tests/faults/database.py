"""The portal's database as the fault tests see it: reads, and a lock that stops a request midway.

The server owns this database (a copy of the template tests.faults.world built);
the test reads it through a Django connection alias of its own, so the ORM
queries are the portal's own, and holds locks through a raw DB-API connection,
so that it decides exactly when a transaction begins and ends.

`writes_held(table)` lets the portal's request run until its transaction has
written what comes before `table`, then holds it there, uncommitted:

- PostgreSQL: the test's transaction takes `table` in EXCLUSIVE mode. Reads
  (ACCESS SHARE) pass; the request's INSERT or UPDATE of `table` waits for the
  lock, with every earlier write of its transaction done and not committed.
  `pg_stat_activity` shows the waiting statement.
- SQLite (rollback journal): the test holds an open read transaction, a
  SHARED lock. The request writes everything, then waits at COMMIT: it holds
  the PENDING lock (visible in /proc/locks) until the readers are gone.
  Python's sqlite3 gives up after 5 s, so a test acts well within that.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg2
from django.db import DEFAULT_DB_ALIAS, connections

from scoring.models import Assignment, Evidence, Score
from tests.faults.portal import wait_for

ALIAS = "faults_portal"
PENDING_BYTE = 0x40000000  # SQLite's lock byte for a writer waiting to commit


@dataclass(frozen=True)
class Blocked:
    """A server process (SQLite) or its database backend (PostgreSQL), stopped mid-transaction."""

    pid: int
    statement: str


@dataclass(frozen=True)
class ScoreRecord:
    client_id: str
    indicator: str
    value: int | None


@dataclass(frozen=True)
class PhotoRow:
    client_id: str
    files: tuple[str, str, str]  # full, web, thumb, relative to MEDIA_ROOT


class PortalDatabase:
    def __init__(self, url: str, blocker: Any) -> None:
        self.url = url
        self.config = dj_database_url.parse(url)
        self.is_sqlite = self.config["ENGINE"].endswith("sqlite3")
        self.blocker = blocker
        # configure_settings() fills in Django's defaults; it insists on seeing 'default'.
        configured = connections.configure_settings(
            {
                DEFAULT_DB_ALIAS: dict(connections.settings[DEFAULT_DB_ALIAS]),
                ALIAS: dict(self.config),
            }
        )
        connections.settings[ALIAS] = configured[ALIAS]

    def close(self) -> None:
        with self.blocker.unblock():
            connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]

    # --- reads, through the portal's models ------------------------------------------------

    @contextlib.contextmanager
    def _orm(self) -> Iterator[str]:
        with self.blocker.unblock():
            yield ALIAS

    def entry_pk(self) -> int:
        with self._orm() as alias:
            return Assignment.objects.using(alias).get().entry_id

    def score(self, indicator: str) -> int | None:
        """The level on the juror's sheet now; None when there is no Score row."""
        with self._orm() as alias:
            score = Score.objects.using(alias).filter(indicator__code=indicator).first()
            return score.value if score else None

    def history(self) -> list[ScoreRecord]:
        """Every recorded change, oldest first, ordered as scoring.selectors.score_history does."""
        with self._orm() as alias:
            records = (
                Score.history.using(alias)
                .order_by("history_date", "history_id")
                .values_list("client_id", "indicator__code", "value")
            )
            return [ScoreRecord(str(client_id), code, value) for client_id, code, value in records]

    def photos(self) -> list[PhotoRow]:
        with self._orm() as alias:
            return [
                PhotoRow(str(row.client_id), (row.image.name, row.web.name, row.thumb.name))
                for row in Evidence.objects.using(alias).order_by("pk")
            ]

    # --- holding a request midway ----------------------------------------------------------

    @contextlib.contextmanager
    def writes_held(self, table: str) -> Iterator[Hold]:
        if self.is_sqlite:
            reader = sqlite3.connect(self.config["NAME"], isolation_level=None)
            try:
                mode = reader.execute("PRAGMA journal_mode").fetchone()[0]
                assert mode == "delete", f"rollback journal expected, found {mode}"
                reader.execute("BEGIN")
                reader.execute(f'SELECT count(*) FROM "{table}"').fetchone()  # SHARED from here
                yield SqliteHold(Path(self.config["NAME"]))
            finally:
                reader.execute("ROLLBACK")
                reader.close()
        else:
            holder = psycopg2.connect(self.url)
            watcher = psycopg2.connect(self.url)
            watcher.autocommit = True  # pg_stat_activity is read afresh by each statement
            try:
                with holder.cursor() as cursor:
                    cursor.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')
                yield PostgresHold(watcher, table)
            finally:
                holder.rollback()
                holder.close()
                watcher.close()

    def wait_until_gone(self, blocked: Blocked) -> None:
        """PostgreSQL: the killed request's backend has noticed its client is gone and rolled back."""
        if self.is_sqlite:
            return  # the lock holder was the killed process itself
        watcher = psycopg2.connect(self.url)
        watcher.autocommit = True

        def gone() -> bool:
            with watcher.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [blocked.pid])
                return cursor.fetchone() is None

        try:
            wait_for(gone, f"backend {blocked.pid} of the killed request to end", 15)
        finally:
            watcher.close()


class Hold:
    def blocked(self) -> Blocked | None:
        raise NotImplementedError

    def wait_for_writer(self) -> Blocked:
        """Wait until the portal's request is stopped at the held write; return who it is."""
        return wait_for(self.blocked, "a request stopped at the held write")


class SqliteHold(Hold):
    def __init__(self, path: Path) -> None:
        status = path.stat()
        self.device = f"{os.major(status.st_dev):02x}:{os.minor(status.st_dev):02x}"
        self.inode = status.st_ino

    def blocked(self) -> Blocked | None:
        """Another process holds the PENDING byte: it has written and waits to commit."""
        for line in Path("/proc/locks").read_text().splitlines():
            fields = line.split()
            if len(fields) < 8 or fields[1] != "POSIX" or fields[3] != "WRITE":
                continue
            pid, file, start, end = int(fields[4]), fields[5], fields[6], fields[7]
            if pid == os.getpid() or file != f"{self.device}:{self.inode}":
                continue
            if int(start) <= PENDING_BYTE <= (PENDING_BYTE if end == "EOF" else int(end)):
                return Blocked(pid, "COMMIT (holds PENDING, waits for readers)")
        return None


class PostgresHold(Hold):
    def __init__(self, watcher: Any, table: str) -> None:
        self.watcher = watcher
        self.table = table

    def blocked(self) -> Blocked | None:
        with self.watcher.cursor() as cursor:
            cursor.execute(
                "SELECT pid, query FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND query LIKE %s",
                [f'%"{self.table}"%'],
            )
            row = cursor.fetchone()
        return Blocked(row[0], row[1]) if row else None

    def transaction_writes(self, blocked: Blocked) -> set[str]:
        """Tables the blocked backend's open transaction has written (holds ROW EXCLUSIVE on)."""
        with self.watcher.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                " WHERE l.pid = %s AND l.granted AND l.mode = 'RowExclusiveLock'"
                " AND c.relkind = 'r'",
                [blocked.pid],
            )
            return {name for (name,) in cursor.fetchall()}
