"""A real portal process per test, on its own copy of a seeded database.

The server owns the data, so these tests use no pytest-django database: once
per run a subprocess builds a template database (tests.faults.world), and each
test gets a copy of it, a fresh MEDIA_ROOT, a gunicorn on a free port and the
demo juror logged in through the login form.

- SQLite (no DATABASE_URL): the template is a file; a copy is a file copy. The
  in-memory database pytest-django uses elsewhere cannot be shared with another
  process.
- PostgreSQL (DATABASE_URL set, as in CI): the template is a database on that
  cluster, each copy `CREATE DATABASE ... TEMPLATE ...`; all are dropped at the end.

gunicorn and Linux's /proc are required; without them the tests are skipped
locally and fail under CI.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.faults.database import PortalDatabase
from tests.faults.portal import GUNICORN, ROOT, Change, Server, Tablet, jpeg
from tests.faults.world import JUROR, PASSWORD

_copies = itertools.count(1)


def require(condition: bool, message: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _build(url: str) -> None:
    env = dict(
        os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bantar.settings", PYTHONPATH=str(ROOT)
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.faults.world"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"building the portal's database failed:\n{done.stderr[-3000:]}"


def _with_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def _postgres(url: str, statement: str) -> None:
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


@pytest.fixture(scope="session")
def portal_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a migrated and seeded database, never used by a server itself."""
    require(GUNICORN.exists(), f"gunicorn not found at {GUNICORN}")
    require(Path("/proc/net/tcp").exists() and Path("/proc/locks").exists(), "needs Linux /proc")
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith("postgres"):
        path = tmp_path_factory.mktemp("faults") / "template.sqlite3"
        _build(f"sqlite:///{path}")
        yield f"sqlite:///{path}"
        return
    name = f"bantar_faults_{os.getpid()}"
    _postgres(server_url, f'CREATE DATABASE "{name}"')
    try:
        _build(_with_database(server_url, name))
        yield _with_database(server_url, name)
    finally:
        _postgres(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _copy(template: str, directory: Path) -> tuple[str, str | None]:
    """A copy of the template for one test: its URL, and the database to drop afterwards."""
    if template.startswith("sqlite:"):
        path = directory / "portal.sqlite3"
        shutil.copyfile(urlsplit(template).path, path)
        return f"sqlite:///{path}", None
    source = urlsplit(template).path.lstrip("/")
    name = f"{source}_{next(_copies)}"
    _postgres(template, f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    return _with_database(template, name), name


@dataclass
class Portal:
    """One test's portal: the server process, its database and media, the juror's tablet."""

    server: Server
    db: PortalDatabase
    tablet: Tablet
    entry: int
    media_root: Path

    def score(self, indicator: str, value: int | None) -> Change:
        return Change("score", f"/penilaian/{self.entry}/nilai/", indicator=indicator, value=value)

    def photo(self, indicator: str = "B3") -> Change:
        return Change("photo", f"/penilaian/{self.entry}/foto/", indicator=indicator, photo=jpeg())

    def files(self) -> set[str]:
        """Every file under MEDIA_ROOT, as a path relative to it (how a FileField names it)."""
        return {
            path.relative_to(self.media_root).as_posix()
            for path in self.media_root.rglob("*")
            if path.is_file()
        }

    def orphans(self) -> tuple[set[str], set[str]]:
        """Files no Evidence row names, and files Evidence rows name that are not on disk."""
        named = {name for row in self.db.photos() for name in row.files}
        on_disk = self.files()
        return on_disk - named, named - on_disk


@pytest.fixture
def portal(portal_template: str, tmp_path: Path, django_db_blocker: object) -> Iterator[Portal]:
    url, dropped = _copy(portal_template, tmp_path)
    db = PortalDatabase(url, django_db_blocker)
    media_root = tmp_path / "media"
    media_root.mkdir()
    server = Server(database_url=url, media_root=media_root, log=tmp_path / "gunicorn.log")
    try:
        server.start()
        tablet = Tablet(server.port)
        tablet.log_in(JUROR, PASSWORD)
        entry = db.entry_pk()
        status, _page = tablet.request("GET", f"/penilaian/{entry}/")  # opens the juror's sheet
        assert status == 200, f"scoring page answered {status}\n{server.log_tail()}"
        yield Portal(server, db, tablet, entry, media_root)
    finally:
        server.stop()
        db.close()
        if dropped:
            _postgres(portal_template, f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')
