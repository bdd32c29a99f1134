"""A juror's session expires in the middle of scoring: the changes wait, then arrive once."""

from __future__ import annotations

from scoring.models import Score
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import ALL_SAVED, log_in, save_screenshot
from tests.browser.test_scoring_tablet import season_in_assessment, tap_level


def test_changes_made_after_the_session_expired_are_sent_after_logging_in_again(new_page):
    entry = season_in_assessment()
    page = new_page(viewport={"width": 800, "height": 1280}, has_touch=True)
    log_in(page, "juri1", DEMO_PASSWORD)
    page.goto(f"/penilaian/{entry.pk}/")
    with page.expect_response(
        lambda response: "/sinkron/" in response.url and response.status == 200
    ):
        tap_level(page, "B1", 4)

    # The session ends (shared tablet, 12 hours, or the server was restarted): the cookie is gone.
    page.context.clear_cookies(name="sessionid")
    tap_level(page, "B2", 5)
    tap_level(page, "B3", 3)
    # Both changes are stored on the tablet and the badge says the session ended (a retry
    # may show "Mengirim..." for a moment, so wait for the whole condition at once).
    page.wait_for_function(
        """document.getElementById('scoring').dataset.queued === '2'
           && document.getElementById('sync-state').dataset.state === 'login'
           && document.getElementById('sync-state').textContent.includes('Sesi berakhir')"""
    )
    save_screenshot(page, "scoring-session-expired", full_page=False)
    assert set(Score.objects.values_list("indicator__code", flat=True)) == {"B1"}

    # The juror closes the tab. What waits lives in the tablet's IndexedDB, not in the page.
    page.close()
    again = page.context.new_page()
    log_in(again, "juri1", DEMO_PASSWORD)
    again.goto(f"/penilaian/{entry.pk}/")
    again.wait_for_function(ALL_SAVED, timeout=30_000)
    assert (
        again.locator(
            '.score-card[data-indicator="B2"] .level-option[data-value="5"]'
        ).get_attribute("aria-checked")
        == "true"
    )
    values = dict(Score.objects.values_list("indicator__code", "value"))
    assert values == {"B1": 4, "B2": 5, "B3": 3}
    assert Score.history.count() == 3  # each change applied exactly once
