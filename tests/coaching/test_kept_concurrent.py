"""Two keeps of the coaching view at once (two publications committed together, or
`manage.py coaching_keep` during one): the second waits for the first and both succeed,
leaving one view. Before, on PostgreSQL, the second's delete did not see the first's new
view and its insert failed on the view's unique `sets` (logged by the receiver).

Real threads, each with its own connection, on the database under test: the file-backed
SQLite test database in WAL mode (tests/conftest.py), and PostgreSQL in CI's second pass.
The first keep is held open (its transaction not committed) until the second is seen
waiting: on PostgreSQL, for a lock (pg_stat_activity); on SQLite, at its BEGIN IMMEDIATE."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from coaching.kept import coaching_keep
from coaching.models import KeptCount, KeptDrop, KeptStanding, KeptSums, KeptView
from tests.coaching.city import build_city

pytestmark = pytest.mark.django_db(transaction=True)


def kept_state() -> tuple:
    """What the page reads of the kept view, by value (not by the view's pk)."""
    view = KeptView.objects.get()
    return (
        view.sets,
        sorted(KeptStanding.objects.values_list("rt_id", "kelurahan_id", "position", "kind")),
        sorted(KeptDrop.objects.values_list("rank", "rt_id", "before_set", "after_set")),
        sorted((row.kelurahan_id, row.counts) for row in KeptCount.objects.all()),
        sorted(KeptSums.objects.values_list("result_set_id", "part")),
    )


def in_thread(run: Callable[[], object], errors: list[BaseException]) -> threading.Thread:
    def target() -> None:
        try:
            run()
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def wait_until_waiting(thread: threading.Thread) -> None:
    """Until the second keep waits for the first (never longer than 20 s)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and thread.is_alive():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    return
        else:
            time.sleep(1)  # at BEGIN IMMEDIATE, in SQLite's busy wait: nothing to query
            return
        time.sleep(0.05)
    assert thread.is_alive(), "the second keep did not wait for the first"


@pytest.mark.parametrize("sums", ["kept", "gone"])
def test_two_keeps_at_once_both_succeed_and_leave_one_view(master_data, panitia, sums):
    build_city(panitia)  # published editions, kept once already
    expected = kept_state()
    if sums == "gone":  # each keep then sums every set again too (kept_sums_unique_part)
        KeptSums.objects.all().delete()
    errors: list[BaseException] = []
    kept = threading.Event()
    release = threading.Event()

    def held_open() -> None:
        with transaction.atomic():  # as a slow keep: done, not yet committed
            coaching_keep()
            kept.set()
            assert release.wait(60)

    first = in_thread(held_open, errors)
    assert kept.wait(60), errors
    second = in_thread(coaching_keep, errors)
    wait_until_waiting(second)
    release.set()
    first.join(60)
    second.join(60)
    assert not first.is_alive() and not second.is_alive()
    assert errors == []
    assert KeptView.objects.count() == 1
    assert kept_state() == expected
