"""What the field-kit browser tests share: a season in the field, a juror's tablet, waits.

The service worker needs a secure context: Django's live server on http://localhost is
one (pytest-django's live server listens on localhost).
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bantar.models import User
from competitions.models import Competition, CompetitionStatus, Entry, Kelurahan
from scoring.services import assignment_plan_visit, entry_assign, team_add_member, team_create
from tests.factories import EntryFactory, RTFactory

TABLET = {"viewport": {"width": 800, "height": 1280}, "has_touch": True, "is_mobile": True}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
CODES = [f"{pillar}{number}" for pillar in "BAP" for number in range(1, 8)]
# Arrow functions, not bare expressions: Playwright evaluates a bare expression with eval(),
# which the portal's Content-Security-Policy (script-src 'self') refuses.
KIT_READY = "() => document.querySelector('[data-testid=kit-status]').dataset.state === 'ready'"


def js(expression: str) -> str:
    """A wait_for_function predicate that the page's CSP allows."""
    return f"() => ({expression})"


def field_season(rts: int = 3, jurors: tuple[str, ...] = ("juri1",)) -> list[Entry]:
    """This year's competition in the field stage, `rts` RTs of Eka Jaya assigned to one team."""
    call_command("seed_demo", "--minimal", verbosity=0)
    competition = Competition.objects.exclude(year=2020).get()
    competition.status = CompetitionStatus.ASSESSMENT
    competition.save()
    panitia = User.objects.get(username="panitia")
    team = team_create(competition=competition, name="Tim Lapangan")
    for username in jurors:
        team_add_member(
            team=team,
            user=User.objects.get(username=username),
            agency="DLH",
            home_kelurahan=Kelurahan.objects.get(name="Beringin"),
        )
    entries = []
    for number in range(1, rts + 1):
        entry = EntryFactory(
            competition=competition,
            rt=RTFactory(
                kelurahan=Kelurahan.objects.get(name="Eka Jaya"),
                number=10 + number,
                name_kampung=f"Kampung Uji {number}",
            ),
            status="verified",
            ketua_rt=f"Bapak Ketua {number}",
            phone=f"0812345678{number:02d}",
            address=f"Jl. Kenari No. {number}, Eka Jaya",
            latitude=Decimal("-1.6300") - Decimal(number) / 1000,
            longitude=Decimal("103.6100") + Decimal(number) / 1000,
        )
        entry_assign(entry=entry, team=team, by=panitia)
        assignment_plan_visit(entry=entry, visit_date=date.today(), visit_order=number, by=panitia)
        entries.append(entry)
    return entries


def assign_another(entries: list[Entry], number: int) -> Entry:
    """One more RT for the same team, assigned after the juror prepared the day."""
    first = entries[0]
    entry = EntryFactory(
        competition=first.competition,
        rt=RTFactory(kelurahan=first.rt.kelurahan, number=number, name_kampung="Kampung Baru"),
        status="verified",
    )
    entry_assign(entry=entry, team=first.assignment.team, by=User.objects.get(username="panitia"))
    return entry


def sign_in(page: Any, username: str, password: str) -> None:
    """conftest's log_in, waiting for the page after the login (not the login page itself)."""
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()
    page.wait_for_selector('[data-testid="whoami"]', state="attached")


def kit_diagnosis(page: Any) -> str:
    """What the list and the worker say about the kit, for a test that waited in vain."""
    box = page.locator('[data-testid="kit-status"]')
    state = (
        page.evaluate(
            "BantarField.sw({type: 'status', user: BantarField.user}, 5000)"
            ".then(a => a.state, e => ({error: String(e)}))"
        )
        or {}
    )
    failures = {
        key: value.get("error")
        for key, value in (state.get("entries") or {}).items()
        if not value.get("ok")
    }
    return (
        f"the list shows {box.get_attribute('data-state')!r} ({box.inner_text()!r}); "
        f"entries not ready: {failures}; failed: {state.get('failed')}; "
        f"worker: {state.get('error', 'answered')}"
    )


def prepare_day(page: Any) -> dict[str, Any]:
    """Open the list with a connection and wait until every assigned RT is ready offline."""
    page.goto("/penilaian/")
    try:
        page.wait_for_function(KIT_READY, timeout=180_000)
    except PlaywrightTimeout:
        raise AssertionError(f"the kit never got ready: {kit_diagnosis(page)}") from None
    return page.evaluate(
        "BantarField.sw({type: 'status', user: BantarField.user}).then(a => a.state)"
    )


def press(page: Any, locator: Any) -> None:
    """A tap on a touch screen, a click with a mouse."""
    if page.evaluate("navigator.maxTouchPoints > 0"):
        locator.tap()
    else:
        locator.click()


def tap_level(page: Any, code: str, value: int) -> None:
    card = page.locator(f'.score-card[data-indicator="{code}"]')
    if card.is_hidden():
        press(page, page.locator(f'.pillar-tab[data-pillar="{code[0]}"]'))
    press(page, card.locator(f'.level-option[data-value="{value}"]'))


def waiting_items(page: Any) -> int:
    return page.evaluate("BantarField.waiting().then(items => items.length)")


def all_items(page: Any) -> list[dict[str, Any]]:
    """The whole outbox of this browser profile (every owner), without the photo Blobs."""
    return page.evaluate(
        """BantarField.items().then(items => items.map(item => ({
             client_id: item.client_id, kind: item.kind, owner: item.owner, entry: item.entry,
             state: item.state, error: item.error || '', indicator: item.indicator || null})))"""
    )


def wait_until(predicate: Any, timeout: float = 60, message: str = "") -> None:
    """Polls a Python condition (a database query, a page read) until it holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(message or "condition not met in time")


def cache_names(page: Any) -> list[str]:
    return page.evaluate("caches.keys()")


def cached_paths(page: Any) -> list[str]:
    """Every path held in this origin's caches, over all cache names."""
    return page.evaluate(
        """caches.keys().then(names => Promise.all(names.map(name => caches.open(name)
             .then(cache => cache.keys()).then(keys => keys.map(r => new URL(r.url).pathname)))))
           .then(lists => [].concat(...lists))"""
    )


def cached_text(page: Any) -> str:
    """The text of every cached HTML page and JSON document, to look for personal data."""
    return page.evaluate(
        """caches.keys().then(names => Promise.all(names.map(name => caches.open(name)
             .then(cache => cache.keys().then(keys => Promise.all(keys.map(request =>
               cache.match(request).then(response => {
                 const type = response.headers.get('Content-Type') || '';
                 return /html|json/.test(type) ? response.text() : '';
               }))))))))
           .then(lists => [].concat(...lists.flat()).join('\\n'))"""
    )
