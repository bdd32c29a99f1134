"""The portal killed (SIGKILL, arbiter and workers) in the middle of a photo upload or a save.

Each test stops one request at a precise point it can observe from outside the
server (socket queues, database locks), kills the server there, starts it
again on the same database and MEDIA_ROOT, and checks what a power cut must
not leave behind:

- no half-saved row: nothing of the killed request in the database, since it
  never committed;
- no orphan: every file under MEDIA_ROOT belongs to an Evidence row and every
  Evidence row has its three files;
- the tablet's retry (the same client id, as its outbox sends it again)
  succeeds and is applied exactly once; a second retry changes nothing.
"""

from __future__ import annotations

from tests.faults.portal import socket_drained, wait_for


def test_a_photo_upload_killed_mid_body_leaves_nothing_and_its_retry_is_stored_once(portal):
    """The middle of the transfer: a worker has parsed the headers and read the first
    half of the multipart body (the server's receive queue and the client's send
    queue are both empty) and Django waits for the rest. No byte of the photo has
    been decoded, no file written, no row begun."""
    change = portal.photo()
    upload = portal.tablet.open(change, share=0.5)
    wait_for(lambda: socket_drained(portal.server.port, upload), "the first half read by a worker")
    total = len(portal.tablet.encode(change)[0])
    sent = total // 2
    portal.server.kill()
    upload.close()
    portal.server.restart()

    assert portal.db.photos() == []
    assert portal.files() == set()

    retry = portal.tablet.send(change)
    assert retry.status == 201, retry.body
    again = portal.tablet.send(change)
    assert (again.status, again.body["id"]) == (200, retry.body["id"])
    assert [row.client_id for row in portal.db.photos()] == [change.client_id]
    assert len(portal.files()) == 3
    assert portal.orphans() == (set(), set())
    print(
        f"killed with {sent:,} of {total:,} body bytes read; after restart 0 rows, 0 files; "
        f"retry {retry.status}, again {again.status}: 1 row, 3 files, no orphan"
    )


def test_a_photo_upload_killed_before_its_row_commits_leaves_no_row_and_its_retry_no_orphan(
    portal,
):
    """The middle of the save: the photo has been checked and re-encoded and its three
    files are written under MEDIA_ROOT; the Evidence row's transaction is open and
    not committed (PostgreSQL: its INSERT waits for the table lock the test holds;
    SQLite: the INSERT is done and COMMIT waits for the test's read lock).

    A file system and a database cannot commit together, so the files of an upload
    killed here stay on disk until the upload is sent again; they carry its client
    id, and the retry that stores the photo removes them."""
    change = portal.photo()
    with portal.db.writes_held("scoring_evidence") as hold:
        upload = portal.tablet.open(change)
        blocked = hold.wait_for_writer()
        written = portal.files()
        portal.server.kill()
    portal.db.wait_until_gone(blocked)
    upload.close()
    portal.server.restart()

    assert len(written) == 3, written
    assert portal.db.photos() == []
    assert portal.files() == written
    assert all(change.client_id.replace("-", "") in name for name in written)

    retry = portal.tablet.send(change)
    assert retry.status == 201, retry.body
    again = portal.tablet.send(change)
    assert (again.status, again.body["id"]) == (200, retry.body["id"])
    assert [row.client_id for row in portal.db.photos()] == [change.client_id]
    assert portal.orphans() == (set(), set())
    assert len(portal.files()) == 3 and not portal.files() & written
    print(
        f"killed at {blocked.statement[:42]!r}: 3 files, no row; after restart 0 rows, "
        f"{len(written)} files of the client id; retry {retry.status}, again {again.status}: "
        "1 row, its 3 files, the 3 left by the kill removed"
    )


def test_a_score_save_killed_mid_transaction_leaves_the_old_level_and_its_retry_applies_once(
    portal,
):
    """The middle of the save: the juror's sheet is locked and the Score row already
    changed inside the open transaction; what is left is its history record and
    the commit (PostgreSQL: the backend holds ROW EXCLUSIVE on scoring_score and
    its INSERT into the history waits for the test's table lock; SQLite: both rows
    are written and COMMIT waits for the test's read lock)."""
    earlier = portal.score("B1", 2)
    assert portal.tablet.send(earlier).body["applied"] is True
    change = portal.score("B1", 5)
    with portal.db.writes_held("scoring_historicalscore") as hold:
        save = portal.tablet.open(change)
        blocked = hold.wait_for_writer()
        if not portal.db.is_sqlite:
            assert "scoring_score" in hold.transaction_writes(blocked)
        portal.server.kill()
    portal.db.wait_until_gone(blocked)
    save.close()
    portal.server.restart()

    assert portal.db.score("B1") == 2
    assert [record.client_id for record in portal.db.history()] == [earlier.client_id]

    retry = portal.tablet.send(change)
    assert (retry.status, retry.body["applied"], retry.body["value"]) == (200, True, 5)
    again = portal.tablet.send(change)
    assert (again.status, again.body["applied"], again.body["value"]) == (200, False, 5)
    assert portal.db.score("B1") == 5
    assert [(r.client_id, r.value) for r in portal.db.history()] == [
        (earlier.client_id, 2),
        (change.client_id, 5),
    ]
    print(
        f"killed at {blocked.statement[:42]!r}: after restart B1 = 2 and 1 history record; "
        "retry applied once (B1 = 5, 2 records), again not applied"
    )
