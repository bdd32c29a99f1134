"""The juror's pages on a phone, a 7" tablet and a desktop: fit, thumb-sized, guided to the end.

Screenshots of the list, the scoring page (full and compact), the outbox and the offline
states are kept under tests/browser/screenshots/ for a person to look at.
"""

from __future__ import annotations

import pytest

from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import save_screenshot
from tests.browser.fieldkit import CODES, field_season, js, prepare_day, press, sign_in, tap_level

SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
    "tablet": {"viewport": {"width": 800, "height": 1280}, "has_touch": True, "is_mobile": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
# Every control a juror taps on the scoring page.
TARGETS = (
    ".level-option, .pillar-tab, .photo-button, .guidance summary, .photo-delete, .btn-tap,"
    " .next-pillar, #submit-sheet, .missing-link, .login-link"
)
SMALL_TARGETS = f"""[...document.querySelectorAll('{TARGETS}')]
    .filter(e => e.offsetParent && e.getBoundingClientRect().height < 44)
    .map(e => e.className + ' ' + Math.round(e.getBoundingClientRect().height))"""


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_scoring_page_fits_the_screen_and_leads_to_the_end(new_page, screen):
    first, second = field_season(rts=2)
    page = new_page(**SCREENS[screen])
    sign_in(page, "juri1", DEMO_PASSWORD)
    prepare_day(page)
    save_screenshot(page, f"field-list-{screen}")
    width = SCREENS[screen]["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.goto(f"/penilaian/{first.pk}/")
    page.wait_for_function(js("document.getElementById('sync-state').dataset.state === 'saved'"))
    compact = page.locator("#scoring").evaluate("root => root.classList.contains('compact')")
    assert compact == (screen == "phone")  # phones start compact, tablets full
    # The sticky header (title, badge, pillars) takes at most 12 % of the screen.
    header = page.evaluate(
        "document.querySelector('.scoring-head').getBoundingClientRect().height / innerHeight"
    )
    assert header <= 0.12, f"header {header:.1%} of the screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # The submit button is disabled and names what is missing, each a link to it.
    assert page.locator("#submit-sheet").is_disabled()
    missing = page.locator("#missing .missing-link")
    assert missing.count() == 21
    for code in CODES[:20]:
        tap_level(page, code, 3)
    assert missing.all_inner_texts() == ["P7"]
    missing.first.click()
    assert page.locator('.score-card[data-indicator="P7"]').is_visible()
    tap_level(page, "P7", 4)
    assert page.locator("#missing").is_hidden() and page.locator("#submit-sheet").is_enabled()
    # The selected level is unmistakable without colour: a check mark and a thick border.
    chosen = page.locator('.score-card[data-indicator="P7"] .level-option[aria-checked="true"]')
    assert chosen.get_attribute("data-value") == "4"
    style = chosen.evaluate(
        """e => ({border: parseFloat(getComputedStyle(e).borderTopWidth),
                  check: getComputedStyle(e.querySelector('.level-check')).color})"""
    )
    assert style["border"] >= 4 and style["check"] == "rgb(255, 255, 255)"

    # The end of a pillar leads to the next one, by name.
    press(page, page.locator('.pillar-tab[data-pillar="B"]'))
    next_pillar = page.locator('.pillar-section[data-pillar="B"] .next-pillar')
    assert next_pillar.inner_text() == "Lanjut ke Aman →"
    press(page, next_pillar)
    assert page.locator('.pillar-section[data-pillar="A"]').is_visible()
    assert page.evaluate(SMALL_TARGETS) == []
    save_screenshot(
        page, f"field-scoring-{'compact' if compact else 'full'}-{screen}", full_page=False
    )

    # The other view, by the juror's choice, which the next page keeps.
    press(page, page.locator("#view-toggle"))
    if not compact:
        press(page, page.locator('.score-card[data-indicator="A2"] .descriptors-toggle'))
        descriptors = page.locator('.score-card[data-indicator="A2"] .level-descriptors p')
        assert descriptors.count() == 3  # level 3 chosen: 3 and its neighbours 2 and 4
    assert page.evaluate(SMALL_TARGETS) == []
    save_screenshot(
        page, f"field-scoring-{'full' if compact else 'compact'}-{screen}", full_page=False
    )

    press(page, page.locator('.pillar-tab[data-pillar="P"]'))
    page.locator("#submit-sheet").scroll_into_view_if_needed()
    press(page, page.locator("#submit-sheet"))
    page.wait_for_selector('[data-testid="sheet-locked"]', timeout=30_000)
    next_rt = page.locator("#next-rt")
    assert next_rt.inner_text() == "RT berikutnya: RT 12 · Eka Jaya →"
    save_screenshot(page, f"field-submitted-{screen}", full_page=False)
    press(page, next_rt)
    page.wait_for_url(f"**/penilaian/{second.pk}/")

    # The session ends (12 hours, or the server restarted): the way back in is a thumb's size.
    page.context.clear_cookies(name="sessionid")
    tap_level(page, "A1", 3)
    page.wait_for_function(js("document.getElementById('sync-state').dataset.state === 'login'"))
    login = page.locator(".login-link")
    assert login.get_attribute("href").startswith("/accounts/login/?next=")
    assert login.bounding_box()["height"] >= 44 and login.bounding_box()["width"] >= 44
    save_screenshot(page, f"field-session-ended-{screen}", full_page=False)

    page.context.set_offline(True)
    page.goto("/penilaian/")
    save_screenshot(page, f"field-list-offline-{screen}")
    page.goto(f"/penilaian/{second.pk}/")
    tap_level(page, "B1", 2)
    page.wait_for_function(js("document.getElementById('sync-state').dataset.state === 'waiting'"))
    save_screenshot(page, f"field-scoring-offline-{screen}", full_page=False)
    page.goto("/penilaian/kotak-keluar/")
    page.wait_for_function(js("document.getElementById('outbox').dataset.waiting === '2'"))
    save_screenshot(page, f"field-outbox-offline-{screen}")
