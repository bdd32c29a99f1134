"""Issue 19 in a real browser: the pages made lighter for city scale, at phone, tablet and
desktop. The documents page and the participants report page one page of RTs at a time;
the juror's list stays whole, a submitted RT on two lines, an open one with its contacts.
None of them scrolls sideways; screenshots are kept."""

from __future__ import annotations

import pytest

from bantar.models import Role
from competitions.models import CompetitionStatus
from competitions.services import competition_create
from scoring import services
from scoring.result_services import competition_finalise, competition_publish
from tests.browser.conftest import log_in, save_screenshot
from tests.browser.fieldkit import KIT_READY
from tests.conftest import PASSWORD, make_user
from tests.scoring.seasons import build_season

SIZES = {"phone": (390, 844), "tablet": (800, 1280), "desktop": (1366, 900)}


def _fits(page, width: int) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"{page.url} is {wide}px wide"


@pytest.mark.parametrize("size", list(SIZES))
def test_the_documents_page_and_the_participants_report_page_their_rts(new_page, settings, size):
    settings.BANTAR_PAGE_SIZE = 3
    panitia = make_user("panitia.dokumen", Role.PANITIA)
    competition = competition_create(year=2025)
    build_season(competition)
    competition_finalise(competition=competition, by=panitia)
    competition_publish(competition=competition, by=panitia)
    width, height = SIZES[size]
    page = new_page(viewport={"width": width, "height": height}, has_touch=size != "desktop")
    log_in(page, "panitia.dokumen", PASSWORD)
    page.goto(f"/kompetisi/{competition.pk}/dokumen/")
    assert page.get_by_test_id("row-total").first.inner_text() == "1–3 dari 7"
    page.get_by_label("Kecamatan", exact=True).select_option(label="Paal Merah")
    page.get_by_role("button", name="Saring").click()
    page.wait_for_url("**kecamatan=**")
    assert page.get_by_test_id("row-total").first.inner_text() == "1–3 dari 3"
    _fits(page, width)
    save_screenshot(page, f"documents-kecamatan-{size}")
    page.goto(f"/kompetisi/{competition.pk}/laporan/peserta/?halaman=3")
    assert page.get_by_test_id("row-total").first.inner_text() == "7–7 dari 7"
    _fits(page, width)
    save_screenshot(page, f"report-peserta-page-3-{size}")


@pytest.mark.parametrize("size", list(SIZES))
def test_the_jurors_list_keeps_every_rt_with_the_submitted_ones_short(new_page, size):
    competition = competition_create(year=2026)
    season = build_season(competition, submit=False)
    competition.status = CompetitionStatus.ASSESSMENT  # contacts show while it is open
    competition.save()
    juror = season["A"].assignment.team.members.order_by("pk").first().user
    for name in ("A", "B"):
        services.sheet_submit(entry=season[name], juror=juror)
    width, height = SIZES[size]
    page = new_page(viewport={"width": width, "height": height}, has_touch=size != "desktop")
    log_in(page, juror.username, PASSWORD)
    page.goto("/penilaian/")
    items = page.get_by_test_id("rt-item")
    assert items.count() == 7
    assert page.locator(".rt-item[data-done]").count() == 2
    assert page.locator(".rt-item:not([data-done]) [data-testid='call']").count() == 5
    _fits(page, width)
    save_screenshot(page, f"juror-list-compact-{size}")
    # The list starts preparing the offline kit (a fetch per RT): let it finish, so that no
    # request of this test is still reading the database when the next test empties it.
    page.wait_for_function(KIT_READY, timeout=180_000)
