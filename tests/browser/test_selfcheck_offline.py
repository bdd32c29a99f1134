"""The self-check offline in an anonymous visitor's phone (issue 16.1, done-when): opened once
with a connection, it opens again without one (static/js/selfcheck-sw.js), computes, keeps the
answers and shares them as a link. The page's own Content-Security-Policy is in force."""

from __future__ import annotations

from tests.browser.conftest import save_screenshot

PHONE = {"width": 390, "height": 844}


def test_an_anonymous_visitor_does_the_self_check_offline_and_shares_it(new_page, master_data):
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True, bypass_csp=False)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/panduan/cek-mandiri/")
    # The page's worker is installed once its copy of the page and its files is complete.
    state = page.evaluate("() => navigator.serviceWorker.ready.then(r => r.active.state)")
    assert state in ("activating", "activated")
    scope = page.evaluate("() => navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope.endswith("/panduan/cek-mandiri/")
    page.context.set_offline(True)
    page.reload()  # without a connection: from the visitor's own copy
    assert page.get_by_test_id("selfcheck").is_visible()
    save_screenshot(page, "selfcheck-offline-reloaded-phone")
    page.get_by_test_id("kk").fill("45")
    page.get_by_role("button", name="Bersih").tap()
    page.locator('label.selfcheck-level:has([data-testid="level-B1-5"])').tap()
    page.get_by_test_id("tab-results").tap()
    assert "Kategori Kecil" in page.get_by_test_id("category").inner_text()
    assert page.get_by_test_id("score-B").inner_text() == "14,29"  # (4 + 6 x 0) / 7 of 4 steps
    link = page.get_by_test_id("share-link").input_value()
    assert link.endswith("#l=5" + "0" * 20 + "&kk=45")
    save_screenshot(page, "selfcheck-offline-phone")
    # Another tab of the same phone, still offline, opens the shared link.
    other = page.context.new_page()
    other.goto(link)
    assert other.get_by_test_id("results").is_visible()
    assert other.get_by_test_id("score-B").inner_text() == "14,29"
    assert errors == []
    page.context.set_offline(False)
