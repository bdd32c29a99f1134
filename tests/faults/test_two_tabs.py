"""One juror, two tabs of the scoring page, saving at the same time against the real server.

Both tabs share the browser's session; each change has its own client id.
"Last" is the change that committed last: the final level must be the one in
the last history record (ordered as scoring.selectors.score_history orders
them), and history keeps every change, so nothing a tab saved is lost.

To be sure both requests are at the server together, tab 1's save is held in
the middle of its transaction (see tests.faults.database.writes_held) until
tab 2's request has been read by another worker. Tab 2 cannot overtake: on
PostgreSQL tab 1 holds the sheet's row lock (select_for_update) until it
commits; on SQLite tab 1 holds the PENDING lock, so tab 2 cannot even read
until tab 1's commit is through. Then the hold ends and both finish.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.faults.portal import Answer, Change, socket_drained, wait_for

RACES = 8


def save_together(portal, first: Change, second: Change) -> list[Answer]:
    """Tab 1's save held mid-transaction while tab 2's reaches the server; then both finish."""
    with portal.db.writes_held("scoring_historicalscore") as hold:
        tab1 = portal.tablet.open(first)
        hold.wait_for_writer()
        tab2 = portal.tablet.open(second)
        wait_for(lambda: socket_drained(portal.server.port, tab2), "tab 2 read by a worker")
    return [portal.tablet.answer(tab1), portal.tablet.answer(tab2)]


def test_two_tabs_saving_one_indicator_keep_the_last_commit_and_both_changes(portal):
    tab1, tab2 = portal.score("B1", 2), portal.score("B1", 5)

    answers = save_together(portal, tab1, tab2)

    assert [(a.status, a.body["applied"], a.body["value"]) for a in answers] == [
        (200, True, 2),
        (200, True, 5),
    ]
    history = portal.db.history()
    assert [(r.client_id, r.indicator, r.value) for r in history] == [
        (tab1.client_id, "B1", 2),
        (tab2.client_id, "B1", 5),
    ]
    assert portal.db.score("B1") == history[-1].value == 5


def test_two_tabs_saving_different_indicators_keep_both(portal):
    tab1, tab2 = portal.score("B1", 3), portal.score("B2", 4)

    answers = save_together(portal, tab1, tab2)

    assert [(a.status, a.body["applied"], a.body["indicator"]) for a in answers] == [
        (200, True, "B1"),
        (200, True, "B2"),
    ]
    assert (portal.db.score("B1"), portal.db.score("B2")) == (3, 4)
    assert Counter(r.client_id for r in portal.db.history()) == {
        tab1.client_id: 1,
        tab2.client_id: 1,
    }


def test_two_tabs_racing_freely_lose_no_change(portal):
    """No hold: the two saves start at the same instant, RACES times over, and each tab
    sends again after a 5xx or no answer, as the page's outbox does. Whatever order the
    server commits them in, the final level is the last history record's and every
    change is recorded exactly once."""
    barrier = threading.Barrier(2)

    def send(change: Change) -> Answer:
        barrier.wait(timeout=10)
        return portal.tablet.send(change)

    sent, retries = [], 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        for race in range(RACES):
            pair = [portal.score("B3", 1 + race % 5), portal.score("B3", 5 - race % 5)]
            answers = list(pool.map(send, pair))
            assert [answer.status for answer in answers] == [200, 200]
            retries += sum(answer.attempts - 1 for answer in answers)
            history = portal.db.history()
            assert portal.db.score("B3") == history[-1].value
            assert {r.client_id for r in history[-2:]} == {c.client_id for c in pair}
            sent += pair
    recorded = Counter(r.client_id for r in portal.db.history())
    assert recorded == Counter(change.client_id for change in sent)
    assert sum(recorded.values()) == 2 * RACES
    print(f"{RACES} races, {retries} change(s) sent again after a 5xx or no answer")
