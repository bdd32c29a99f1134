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
def new_page(browser, live_server, master_data) -> Iterator[Callable[..., Any]]:
    """Opens a page in a fresh browser context: one per person at the table."""
    contexts = []

    def open_page(**options: Any) -> Any:
        # Playwright's wait_for_function compiles a bare expression with eval, which the
        # portal's Content-Security-Policy refuses (no 'unsafe-eval'); an arrow function
        # ("() => ...") works under it. Pages run without the policy unless a test asks for
        # it: test_content_security_policy.py passes bypass_csp=False.
        options.setdefault("bypass_csp", True)
        context = browser.new_context(base_url=live_server.url, locale="id-ID", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Any:
    return new_page()


def save_screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Kept under tests/browser/screenshots/ (git-ignored) as CI artifacts."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
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
