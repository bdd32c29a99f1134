"""Every role's main pages pass the Content-Security-Policy: not one violation in chromium.

The policy (bantar/settings.py, CONTENT_SECURITY_POLICY) allows scripts and styles from the
portal only: an inline <script>, an onclick="..." or a style="..." attribute would be
refused by the browser, and this test would see the refusal.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from competitions.models import Competition, CompetitionStatus, Entry, EntryStatus
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import log_in, save_screenshot

# Registered before any page script: violations found while the HTML is parsed count too.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__csp.push(event.violatedDirective + " " + (event.blockedURI || "inline")
    + " at " + (event.sourceFile || location.pathname) + ":" + event.lineNumber
    + " " + (event.sample || ""));
});
"""


class Watched:
    """A page that records every CSP violation and every "Refused to" console message."""

    def __init__(self, page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Refused to" in message.text or "Content Security Policy" in message.text:
            self.console.append(f"{self.page.url}: {message.text}")

    def visit(self, path: str) -> list[str]:
        response = self.page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        policy = response.header_value("content-security-policy") or ""
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, (path, policy)
        self.page.wait_for_load_state("networkidle")
        return self.violations()

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__csp || []") + self.console


@pytest.fixture
def season(settings, tmp_path) -> dict[str, object]:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)
    published = Competition.objects.get(year=2020, period=1)
    registration = Competition.objects.filter(status=CompetitionStatus.REGISTRATION).first()
    assessing = Competition.objects.filter(status=CompetitionStatus.ASSESSMENT).first()
    own = Entry.objects.filter(
        competition=registration,
        rt__kelurahan__code="15.71.11.1003",
        status__in=[EntryStatus.DRAFT, EntryStatus.PROPOSED],
    ).first()
    winner = published.entries.first()
    return {
        "published": published,
        "registration": registration,
        "assessing": assessing,
        "own": own,
        "rt": winner.rt,
    }


def pages_for(role: str, season: dict[str, object]) -> list[str]:
    published, registration, assessing = (
        season["published"],
        season["registration"],
        season["assessing"],
    )
    own, rt = season["own"], season["rt"]
    return {
        "": [
            "/",
            "/hasil/",
            f"/hasil/{published.pk}/",
            f"/rt/{rt.pk}/",
            "/panduan/",
            "/accounts/login/",
        ],
        "panitia": [
            "/",
            "/kompetisi/",
            f"/kompetisi/{assessing.pk}/",
            f"/kompetisi/{assessing.pk}/tim/",
            f"/kompetisi/{registration.pk}/impor/",
            "/peserta/",
            f"/peserta/{own.pk}/",
            f"/kompetisi/{published.pk}/pleno/",
            f"/kompetisi/{published.pk}/laporan/pemenang/",
            f"/hasil/{published.pk}/",
            "/accounts/password/",
        ],
        "kelurahan.ekajaya": [
            "/",
            "/peserta/",
            f"/kompetisi/{registration.pk}/peserta/baru/",
            f"/peserta/{own.pk}/",
        ],
        "kecamatan.paalmerah": ["/", "/verifikasi/", "/peserta/"],
        "pejabat": ["/", f"/kompetisi/{published.pk}/laporan/rekap/", "/hasil/"],
        "juri1": ["/", "/penilaian/", "/penilaian/kotak-keluar/", "/panduan/"],
        "admin": ["/admin/", "/admin/competitions/entry/", "/admin/competitions/kecamatan/"],
    }[role]


@pytest.mark.parametrize(
    "role",
    ["", "panitia", "kelurahan.ekajaya", "kecamatan.paalmerah", "pejabat", "juri1", "admin"],
    ids=["public", "panitia", "kelurahan", "kecamatan", "pejabat", "juri", "admin"],
)
def test_the_main_pages_of_each_role_raise_no_csp_violation(new_page, season, role):
    watched = Watched(new_page(bypass_csp=False, viewport={"width": 800, "height": 1280}))
    if role:
        log_in(watched.page, role, DEMO_PASSWORD)
    paths = pages_for(role, season)
    if role == "juri1":  # the scoring page of an RT the juror is assigned to
        watched.page.goto("/penilaian/")
        link = watched.page.locator("a[href^='/penilaian/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        paths += [href for href in link if re.fullmatch(r"/penilaian/\d+/", href)][:1]
        assert paths[-1].startswith("/penilaian/") and paths[-1][11:-1].isdigit()

    found = {path: watched.visit(path) for path in paths}

    assert {path: v for path, v in found.items() if v} == {}


def test_what_the_inline_handlers_did_still_works(new_page, season, live_server):
    """The language switch, the confirmation before a withdrawal and the print button."""
    watched = Watched(new_page(bypass_csp=False, viewport={"width": 1366, "height": 900}))
    log_in(watched.page, "kelurahan.ekajaya", DEMO_PASSWORD)
    page, own = watched.page, season["own"]

    # Withdrawing asks first; "Batal" keeps the entry, and a second try can still send.
    watched.visit(f"/peserta/{own.pk}/")
    questions: list[str] = []

    def answer(dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss() if len(questions) == 1 else dialog.accept()

    page.on("dialog", answer)
    withdraw = page.get_by_role("button", name="Tarik dari lomba")
    withdraw.click()
    page.wait_for_timeout(300)
    own.refresh_from_db()
    assert questions == ["Tarik RT ini dari lomba?"]
    assert own.status != EntryStatus.WITHDRAWN
    with page.expect_navigation():
        withdraw.click()
    own.refresh_from_db()
    assert own.status == EntryStatus.WITHDRAWN
    save_screenshot(page, "csp-entry-withdrawn-desktop")

    # The language select sends its form when changed.
    with page.expect_navigation():
        page.locator("select[name=language]").select_option("en")
    assert page.evaluate("document.documentElement.lang") == "en"
    with page.expect_navigation():
        page.locator("select[name=language]").select_option("id")
    assert page.evaluate("document.documentElement.lang") == "id"
    assert watched.violations() == []


def test_the_print_button_opens_the_print_dialog(new_page, season):
    watched = Watched(new_page(bypass_csp=False, viewport={"width": 1366, "height": 900}))
    log_in(watched.page, "panitia", DEMO_PASSWORD)
    watched.visit(f"/kompetisi/{season['published'].pk}/laporan/pemenang/")
    # The browser's own dialog cannot be seen headless: record the call instead.
    watched.page.evaluate("window.print = function () { window.__printed = true; }")

    watched.page.get_by_role("button", name="Cetak").click()

    assert watched.page.evaluate("window.__printed === true")
    assert watched.violations() == []
