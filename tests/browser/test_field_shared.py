"""One tablet, two jurors: A logs out with changes still waiting, B logs in.

B sees none of A's RTs or heads of RT (the page and the browser's caches), nothing of A's
is ever sent under B's session (not even by a tab A left open), and A's changes arrive
once after A logs in again.
"""

from __future__ import annotations

import json
import re
import time

from bantar.models import User
from competitions.models import Kelurahan
from scoring.models import Score
from scoring.services import entry_assign, team_add_member, team_create
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.fieldkit import (
    TABLET,
    all_items,
    cached_paths,
    cached_text,
    field_season,
    js,
    prepare_day,
    sign_in,
    tap_level,
    wait_until,
)
from tests.factories import EntryFactory, RTFactory


def log_out(page) -> None:
    """The navbar's "Keluar", as a juror taps it on a tablet (the menu is folded)."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        # Bootstrap unfolds the menu in 0.35 s; a tap in the meantime lands on the unfolding
        # menu itself (div.navbar-collapse.collapsing), not on the button, and logs nobody
        # out (seen in CI under load: the test then waited 30 s for a logout never sent).
        page.locator(".navbar-collapse.collapse.show").wait_for()
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(re.compile(r"://[^/]+/$"), timeout=30_000)
    page.wait_for_load_state()


def sync_outcome(page) -> str:
    """What this tab's `BantarField.sync()` does, once no other tab holds the sync lock.

    The lock ("bantar-sync") is one for every tab of the origin: "busy" says only that another
    tab's round is running (the tab A left open retries on its own backoff timer, and under
    load its round lasts long enough to meet this call), not what this tab would send. Asked
    again until the answer is this tab's own; any other answer is returned as it is.
    """
    deadline = time.monotonic() + 60
    while (outcome := page.evaluate("BantarField.sync()")) == "busy":
        assert time.monotonic() < deadline, "another tab held the sync lock for 60 s"
        page.wait_for_timeout(250)
    return outcome


def other_team_entry(competition):
    """An RT of another team, with its own head of RT, for juror B."""
    team = team_create(competition=competition, name="Tim Kedua")
    team_add_member(
        team=team,
        user=User.objects.get(username="juri2"),
        agency="Polri",
        home_kelurahan=Kelurahan.objects.get(name="Eka Jaya"),
    )
    entry = EntryFactory(
        competition=competition,
        rt=RTFactory(kelurahan=Kelurahan.objects.get(name="Beringin"), number=30),
        status="verified",
        ketua_rt="Ibu Ketua Beringin",
        phone="081299990000",
    )
    entry_assign(entry=entry, team=team, by=User.objects.get(username="panitia"))
    return entry


def test_the_next_juror_on_a_shared_tablet_sees_and_sends_nothing_of_the_first(new_page):
    first, second = field_season(rts=2)
    theirs = other_team_entry(first.competition)
    page = new_page(**TABLET)
    sent: list[dict] = []
    page.context.on(
        "request",
        lambda request: (
            sent.append(json.loads(request.post_data or "{}"))
            if request.url.endswith("/penilaian/sinkron/") and request.method == "POST"
            else None
        ),
    )

    # Juror A prepares the day and scores; the sync endpoint cannot be reached.
    sign_in(page, "juri1", DEMO_PASSWORD)
    prepare_day(page)
    page.context.route("**/penilaian/sinkron/", lambda route: route.abort("internetdisconnected"))
    page.goto(f"/penilaian/{first.pk}/")
    for code, value in (("B1", 2), ("B2", 3), ("B3", 4)):
        tap_level(page, code, value)
    page.wait_for_function(js("document.getElementById('scoring').dataset.queued === '3'"))
    a_ids = {item["client_id"] for item in all_items(page)}
    assert len(a_ids) == 3
    left_open = page.context.new_page()  # a tab A forgets on the tablet
    left_open.goto(f"/penilaian/{second.pk}/")
    assert "Bapak Ketua 1" in cached_text(page)

    log_out(page)
    assert not [name for name in page.evaluate("caches.keys()") if "-u" in name]
    text = cached_text(page)
    assert "Bapak Ketua" not in text and "08123456780" not in text

    # Juror B on the same browser profile.
    page.context.unroute("**/penilaian/sinkron/")
    sign_in(page, "juri2", DEMO_PASSWORD)
    sent.clear()  # from here on, every sync request is made under B's session
    prepare_day(page)
    assert page.locator(".rt-item").count() == 1
    assert page.locator(".rt-item").get_attribute("data-entry") == str(theirs.pk)
    text = cached_text(page)
    assert "Ibu Ketua Beringin" in text  # B's own kit
    assert "Bapak Ketua" not in text and "08123456780" not in text and "RT 11" not in text
    paths = cached_paths(page)
    assert f"/penilaian/{first.pk}/" not in paths and f"/penilaian/{second.pk}/" not in paths

    # B's outbox page shows A's changes only as waiting for their owner; nobody sends them.
    page.goto("/penilaian/kotak-keluar/")
    page.wait_for_function(js("document.getElementById('outbox').dataset.foreign === '3'"))
    assert (
        "menunggu pemiliknya, juri1" in page.locator('[data-testid="foreign-items"]').inner_text()
    )
    assert page.locator("#outbox-list section").count() == 0
    page.locator("#outbox-send").click()
    assert sync_outcome(page) == "empty"
    # The tab A left open still believes it is A's: it must not send under B's session.
    assert sync_outcome(left_open) == "foreign"
    page.wait_for_timeout(2500)
    assert Score.objects.count() == 0
    assert not a_ids & {c["client_id"] for body in sent for c in body.get("changes", [])}

    # A again: the changes arrive, once.
    left_open.close()
    log_out(page)
    sign_in(page, "juri1", DEMO_PASSWORD)
    page.goto(f"/penilaian/{first.pk}/")
    wait_until(lambda: Score.objects.count() == 3)
    wait_until(
        lambda: not [i for i in all_items(page) if i["owner"] == page.evaluate("BantarField.user")]
    )
    assert dict(Score.objects.values_list("indicator__code", "value")) == {
        "B1": 2,
        "B2": 3,
        "B3": 4,
    }
    assert Score.history.count() == 3
    assert {item["client_id"] for item in all_items(page)} == set()
