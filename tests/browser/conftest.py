"""Playwright for Python driving Debian's chromium against Django's live server.

No browser is downloaded: the tests use /usr/bin/chromium (apt package
`chromium`). In CI a missing chromium fails the run instead of skipping.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in
# test set-up happen outside any request and are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("BANTAR_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
# axe-core from the npm registry (package.json; `make install` runs npm ci), never a CDN.
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 level AA: what the city's public-service websites are held to.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Kept on the item so new_page's teardown skips the accessibility check of a test
    # that already failed (one failure to read, not two).
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


CALL_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, master_data, request) -> Iterator[Callable[..., Any]]:
    """Opens a page in a fresh browser context: one per person at the table."""
    contexts = []
    kept_policy = []

    def open_page(**options: Any) -> Any:
        # Playwright's wait_for_function compiles a bare expression with eval, which the
        # portal's Content-Security-Policy refuses (no 'unsafe-eval'); an arrow function
        # ("() => ...") works under it. Pages run without the policy unless a test asks for
        # it: test_content_security_policy.py passes bypass_csp=False.
        options.setdefault("bypass_csp", True)
        context = browser.new_context(base_url=live_server.url, locale="id-ID", **options)
        contexts.append(context)
        if not options["bypass_csp"]:
            # The policy refuses the injected axe script: that test checks the policy.
            kept_policy.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    try:
        if request.node.stash.get(CALL_FAILED, True):
            return
        # Whatever page a test leaves open is checked too, so every browser test keeps
        # the pages it reaches accessible (test_accessibility.py visits each role's pages).
        for context in contexts:
            for open_ in context.pages if context not in kept_policy else ():
                if not open_.is_closed() and _checkable(open_):
                    assert_accessible(open_)
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page(new_page) -> Any:
    return new_page()


def _checkable(page: Any) -> bool:
    """An HTML page of the portal (not a blank tab, a PDF or a download)."""
    if not page.url.startswith("http"):
        return False
    return bool(page.evaluate("document.contentType === 'text/html'"))


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 AA violations on the page as it stands now."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make install` (npm ci installs axe-core)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    # The page as the user sees it once it settles: a button still fading into its pressed
    # colour (Bootstrap's 0.15 s transition) is not what anyone reads.
    page.evaluate(
        "Promise.all(document.getAnimations()"
        ".filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)"
        ".map(a => a.finished.catch(() => null)))"
    )
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(result => result.violations.map(v => ({id: v.id, impact: v.impact,"
        " help: v.help, nodes: v.nodes.map(n => n.target.join(' ') + ' ' +"
        " (n.failureSummary || '').split('\\n').slice(1).join(' '))})))",
        AXE_TAGS,
    )


def assert_accessible(page: Any) -> None:
    """No WCAG 2.1 AA violation on the page (axe-core); the message lists each element."""
    violations = axe_violations(page)
    lines = [
        f"{v['id']} ({v['impact']}): {v['help']}: {len(v['nodes'])} element(s)\n    "
        + "\n    ".join(v["nodes"][:5])
        for v in violations
    ]
    assert not violations, f"{page.url} fails WCAG 2.1 AA:\n" + "\n".join(lines)


def save_screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Kept under tests/browser/screenshots/ (git-ignored) as CI artifacts."""
    from playwright.sync_api import Error as PlaywrightError

    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Chromium answers "Unable to capture screenshot" when its compositor has no frame to copy
    # yet (seen once in CI under load, in the documents test after its two PDF downloads): the
    # picture is asked for again a second later, twice at most. Any other error, or a third
    # miss, fails the test as before.
    for attempt in range(3):
        try:
            page.screenshot(path=str(path), full_page=full_page)
            return path
        except PlaywrightError as error:
            if "Unable to capture screenshot" not in str(error) or attempt == 2:
                raise
            page.wait_for_timeout(1000)
    return path


@pytest.fixture
def screenshot(page) -> Callable[[str], Path]:
    return lambda name: save_screenshot(page, name)


# Every change the juror made has been answered by the server.
ALL_SAVED = (
    "document.getElementById('scoring').dataset.pending === '0'"
    " && document.getElementById('sync-state').dataset.state === 'saved'"
)


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/")
