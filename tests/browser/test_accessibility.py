"""WCAG 2.1 AA (axe-core) over the main pages of every role and the public pages.

Every other browser test also has its last page checked (tests/browser/conftest.py,
new_page's teardown); this one walks the pages each role works in, on the demo season,
and lists every violation of every page at once.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from competitions.models import Competition, Entry
from scoring.models import ScoreSheet
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import axe_violations, log_in, save_screenshot


@pytest.fixture
def season(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)


def role_pages() -> dict[str, list[str]]:
    """The pages each persona of the demo works in (None: a visitor, not logged in)."""
    published = Competition.objects.get(year=2020, period=1)
    current = Competition.objects.order_by("-year", "-period").first()
    assert current is not None
    winner = Entry.objects.filter(competition=published).order_by("pk").first()
    assert winner is not None
    own_entry = Entry.objects.filter(rt__kelurahan__name="Eka Jaya").order_by("-pk").first()
    assert own_entry is not None
    sheet = ScoreSheet.objects.filter(juror__username="juri1").order_by("-pk").first()
    juror_pages = ["/", "/penilaian/"]
    if sheet is not None:
        juror_pages.append(f"/penilaian/{sheet.entry_id}/")
    return {
        "": [
            "/accounts/login/",
            "/hasil/",
            f"/hasil/{published.pk}/",
            f"/rt/{winner.rt_id}/",
            "/panduan/",
        ],
        "kelurahan.ekajaya": [
            "/",
            "/peserta/",
            f"/peserta/{own_entry.pk}/",
            f"/kompetisi/{current.pk}/peserta/baru/",
        ],
        "kecamatan.paalmerah": ["/", "/verifikasi/", "/peserta/"],
        "juri1": juror_pages,
        "panitia": [
            "/",
            "/kompetisi/",
            f"/kompetisi/{current.pk}/",
            f"/kompetisi/{current.pk}/tim/",
            f"/kompetisi/{published.pk}/pleno/",
            f"/peserta/{winner.pk}/",
        ],
        "pejabat": ["/", f"/hasil/{published.pk}/", f"/kompetisi/{published.pk}/pleno/"],
    }


def test_every_role_page_passes_wcag_21_aa(new_page, season) -> None:
    failures: dict[str, list[dict[str, Any]]] = {}
    checked = 0
    for username, urls in role_pages().items():
        page = new_page()
        if username:
            log_in(page, username, DEMO_PASSWORD)
        for url in urls:
            response = page.goto(url)
            assert response is not None and response.ok, f"{username or 'visitor'} {url}"
            checked += 1
            violations = axe_violations(page)
            if violations:
                failures[f"{username or 'visitor'} {url}"] = violations
    assert checked >= 20
    report = [
        f"{where}: {v['id']} x{len(v['nodes'])}: {v['nodes'][:3]}"
        for where, violations in failures.items()
        for v in violations
    ]
    assert not failures, f"{len(failures)} of {checked} pages fail:\n" + "\n".join(report)


def test_the_check_finds_a_contrast_failure(page, live_server) -> None:
    """The check can fail: pale grey on white is refused (and no page is left to check)."""
    page.goto("/accounts/login/")
    page.evaluate(
        "() => { const p = document.createElement('p'); p.textContent = 'Abu-abu pucat';"
        " p.style.color = '#cccccc'; p.style.background = '#ffffff';"
        " document.querySelector('main').appendChild(p); }"
    )
    ids = [violation["id"] for violation in axe_violations(page)]
    assert "color-contrast" in ids
    page.goto("about:blank")


SIZES = {"phone": (390, 844), "tablet": (800, 1280), "desktop": (1366, 900)}


def test_the_pages_issue_18_changed_pass_on_every_screen(new_page, season) -> None:
    """The plenary's winner rows, the verification queue, the entry form, the teams and an
    entry's sheets, at the three sizes (the phone's collapsed menu included), kept as
    screenshots."""
    published = Competition.objects.get(year=2020, period=1)
    current = Competition.objects.order_by("-year", "-period").first()
    assert current is not None
    assigned = Entry.objects.filter(competition__status="assessment", assignment__isnull=False)
    sheets_of = assigned.order_by("pk").first()
    assert sheets_of is not None
    visits = {
        "panitia": [
            ("plenary-2020", f"/kompetisi/{published.pk}/pleno/"),
            ("teams", f"/kompetisi/{sheets_of.competition_id}/tim/"),
            ("entry-sheets", f"/peserta/{sheets_of.pk}/lembar-nilai/"),
        ],
        "kecamatan.paalmerah": [("verification-queue", "/verifikasi/")],
        "kelurahan.ekajaya": [("entry-form", f"/kompetisi/{current.pk}/peserta/baru/")],
    }
    failures = []
    for username, pages in visits.items():
        for size, (width, height) in SIZES.items():
            page = new_page(viewport={"width": width, "height": height})
            log_in(page, username, DEMO_PASSWORD)
            for name, url in pages:
                assert page.goto(url).ok, url
                failures += [
                    f"{name} {size}: {v['id']} {v['nodes'][:2]}" for v in axe_violations(page)
                ]
                save_screenshot(page, f"a11y-{name}-{size}")
            page.close()
    assert failures == []
