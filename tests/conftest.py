"""Shared fixtures: the city's master data and named personas.

Master data (regions, indicators, the 2020 competition) is loaded once per
test database; tests that need a fresh database (browser tests) load it again
through `master_data`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone, translation

from bantar.models import Role, User
from bantar.settings import FAST_PASSWORD_HASHERS
from competitions.models import Competition, CompetitionStatus, Kecamatan, Kelurahan
from competitions.services import competition_create

MASTER_FIXTURES = ("wilayah_kota_jambi", "indicators", "competition_2020")
PASSWORD = "kata-sandi-uji-123"

# Fixtures through which a test reaches a database: pytest-django's, and the fault tests'
# server database (tests/faults), which is a copy made on the database under test.
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
        "portal_template",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `no_database` every test that cannot touch a database.

    pytest-django refuses database access to a test without a database fixture or
    marker, so such a test gives the same result on SQLite and PostgreSQL: CI runs it
    once, on SQLite. A test that hands DATABASE_URL to a process of its own says so
    with the `database_url` marker.
    """
    for item in items:
        uses_database = (
            item.get_closest_marker("django_db") is not None
            or item.get_closest_marker("database_url") is not None
            or not DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))
        )
        if not uses_database:
            item.add_marker(pytest.mark.no_database)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing() -> Iterator[None]:
    """Test accounts' passwords hashed with one cheap round instead of PBKDF2's million.

    Hashing was most of the suite's time (every persona fixture sets a password).
    The servers the fault tests start read BANTAR_FAST_PASSWORD_HASHER from the
    environment (bantar/settings.py), so they check these hashes too; the
    production settings never accept it.
    """
    os.environ["BANTAR_FAST_PASSWORD_HASHER"] = "1"
    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture(autouse=True)
def seed_replay(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """`seed_demo` runs once per database state and process, and is written back after
    (tests/seed_replay.py); a test marked `real_seed` always runs it, and so does every test
    with BANTAR_TEST_SEED_REPLAY=0 in the environment."""
    if (
        request.node.get_closest_marker("real_seed")
        or os.environ.get("BANTAR_TEST_SEED_REPLAY") == "0"
    ):
        return
    from tests import seed_replay

    seed_replay.install(monkeypatch)


@pytest.fixture(autouse=True)
def portal_language() -> Iterator[None]:
    """Each test starts in the portal's language (Indonesian), whatever the last one chose.

    A request in English leaves English active in the test's thread (LocaleMiddleware
    activates it and nothing deactivates it), so text built outside a request afterwards,
    such as a method text, came out in English in whichever test ran next in the process.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Uploads go to a folder of this run (of this worker, under xdist), never to ./media.

    Tests that look at the files set their own MEDIA_ROOT on top (`settings` fixture).
    """
    path = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=path):
        yield path


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """SQLite tests run on a file of their own (in /dev/shm where there is one), not in memory.

    Django's in-memory test database is one shared-cache connection that the live server's
    request threads share: SQLite then answers "database table is locked" at once to a request
    made while another thread reads (the field kit's background fetches, a logout's session
    write), with no busy wait. A file in write-ahead-log mode lets readers and one writer go on
    together and makes a second writer wait its turn (settings: IMMEDIATE, 20 s), as in use.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3" or database.get("TEST", {}).get("NAME"):
        return
    shared_memory = Path("/dev/shm")
    directory = shared_memory if os.access(shared_memory, os.W_OK) else Path(tempfile.gettempdir())
    # A killed run leaves its file (and -wal, -shm) in memory: those of dead processes go.
    for stale in directory.glob("bantar-test-*-*.sqlite3*"):
        pid = stale.name.split(".sqlite3")[0].rsplit("-", 1)[-1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            stale.unlink(missing_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = directory / f"bantar-test-{worker}-{os.getpid()}.sqlite3"
    database.setdefault("TEST", {})["NAME"] = str(name)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode=WAL")
        call_command("loaddata", *MASTER_FIXTURES, verbosity=0)


@pytest.fixture
def master_data(transactional_db):
    """Reload master data for tests whose database is flushed between tests."""
    call_command("loaddata", *MASTER_FIXTURES, verbosity=0)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd), and the portal sending to it over SMTP."""
    from tests.smtp import SMTPServer

    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.BANTAR_SITE_URL = "https://bantar.example"
    yield server
    server.stop()


def make_user(username: str, role: str, **extra) -> User:
    extra.setdefault("email", f"{username}@bantar.example")
    user = User(username=username, role=role, first_name=username.title(), **extra)
    user.set_password(PASSWORD)
    user.full_clean()
    user.save()
    return user


@pytest.fixture
def eka_jaya(db) -> Kelurahan:
    return Kelurahan.objects.get(name="Eka Jaya")


@pytest.fixture
def beringin(db) -> Kelurahan:
    return Kelurahan.objects.get(name="Beringin")


@pytest.fixture
def paal_merah(db) -> Kecamatan:
    return Kecamatan.objects.get(name="Paal Merah")


@pytest.fixture
def officer_eka_jaya(eka_jaya) -> User:
    """A petugas kelurahan of Eka Jaya (kecamatan Paal Merah)."""
    return make_user("kelurahan.ekajaya", Role.KELURAHAN, kelurahan=eka_jaya)


@pytest.fixture
def officer_beringin(beringin) -> User:
    """A petugas kelurahan of Beringin (kecamatan Pasar Jambi)."""
    return make_user("kelurahan.beringin", Role.KELURAHAN, kelurahan=beringin)


@pytest.fixture
def officer_paal_merah(paal_merah) -> User:
    """A petugas kecamatan of Paal Merah."""
    return make_user("kecamatan.paalmerah", Role.KECAMATAN, kecamatan=paal_merah)


@pytest.fixture
def juror(db) -> User:
    return make_user("juri1", Role.JURI)


@pytest.fixture
def panitia(db) -> User:
    return make_user("panitia", Role.PANITIA)


@pytest.fixture
def pejabat(db) -> User:
    return make_user("pejabat", Role.PEJABAT)


@pytest.fixture
def admin_user(db) -> User:
    return make_user("admin", Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def open_competition(db) -> Competition:
    """This year's competition with default rules, open for registration."""
    competition = competition_create(
        year=timezone.localdate().year, registration_closes=timezone.now() + timedelta(days=30)
    )
    competition.status = CompetitionStatus.REGISTRATION
    competition.save()
    return competition


def count_queries(client, url: str) -> int:
    """SQL queries of one page view, without the session-activity write.

    The session middleware notes a visit at most once a minute; a slow test can
    cross that minute inside the measured request, so the visit is noted just before.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200
    note_visit(client)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def note_visit(client) -> None:
    """Record the session's last activity now, so the next request does not write it."""
    import time

    from bantar.session_timeout import SESSION_LAST_SEEN

    session = client.session
    if SESSION_LAST_SEEN in session:
        session[SESSION_LAST_SEEN] = int(time.time())
        session.save()
