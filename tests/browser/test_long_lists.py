"""Issue 19 in a real browser: a kecamatan officer verifies several proposals at once, and the
long lists (participants, queue, teams and assignments) read on a phone without sideways
scrolling, with screenshots at phone, tablet and desktop."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from competitions.models import Competition, CompetitionStatus, Entry, EntryStatus, Kelurahan
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import log_in, save_screenshot
from tests.factories import EntryFactory, RTFactory

SIZES = {"phone": (390, 844), "tablet": (800, 1280), "desktop": (1366, 900)}


def _season() -> tuple[Competition, list[Entry]]:
    call_command("seed_demo", "--minimal", verbosity=0)
    competition = Competition.objects.get(status=CompetitionStatus.REGISTRATION)
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    other = Kelurahan.objects.filter(kecamatan=eka_jaya.kecamatan).exclude(pk=eka_jaya.pk).first()
    proposals = [
        EntryFactory(
            competition=competition,
            rt=RTFactory(kelurahan=kelurahan, number=number),
            kampung_name=f"Kampung Sungai Putri {number}",
            ketua_rt=f"Bapak Ketua Rukun Tetangga {number}",
            kk_count=40 + number * 9,
        )
        for kelurahan, number in ((eka_jaya, 1), (eka_jaya, 2), (eka_jaya, 3), (other, 4))
    ]
    for number in range(5, 9):  # already verified: on the teams page, not to tick
        EntryFactory(
            competition=competition,
            rt=RTFactory(kelurahan=eka_jaya, number=number),
            status=EntryStatus.VERIFIED,
        )
    return competition, proposals


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def test_a_kecamatan_officer_verifies_several_proposals_at_once(new_page):
    _competition, proposals = _season()
    page = new_page(viewport={"width": 800, "height": 1280}, has_touch=True)
    log_in(page, "kecamatan.paalmerah", DEMO_PASSWORD)
    page.goto("/verifikasi/?status=proposed")
    assert page.get_by_test_id("row-total").first.inner_text() == "1–4 dari 4"
    page.get_by_label("Pilih semua usulan di halaman ini").check()
    ticked = page.locator('input[name="entry"][form="bulk-verify"]:checked')
    assert ticked.count() == 4
    page.get_by_label(f"Pilih {proposals[3].rt.label}").uncheck()  # not this one yet
    # Meanwhile the kelurahan withdraws RT 02: the bulk verify must name it and go on.
    Entry.objects.filter(pk=proposals[1].pk).update(status=EntryStatus.WITHDRAWN)
    save_screenshot(page, "bulk-verify-ticked-tablet")
    page.get_by_test_id("bulk-verify-button").click()
    page.wait_for_url("**/verifikasi/?status=proposed")
    text = page.locator("main").inner_text() if page.locator("main").count() else page.content()
    assert "2 usulan terverifikasi" in text
    assert f"{proposals[1].rt}: " in text  # the refusal names the withdrawn RT
    status = dict(
        Entry.objects.filter(pk__in=[e.pk for e in proposals]).values_list("pk", "status")
    )
    assert status == {
        proposals[0].pk: EntryStatus.VERIFIED,
        proposals[1].pk: EntryStatus.WITHDRAWN,
        proposals[2].pk: EntryStatus.VERIFIED,
        proposals[3].pk: EntryStatus.PROPOSED,
    }
    # The filtered queue now holds only the one left, and says so.
    assert page.get_by_test_id("row-total").first.inner_text() == "1–1 dari 1"
    save_screenshot(page, "bulk-verify-done-tablet")


@pytest.mark.parametrize("size", list(SIZES))
def test_the_long_lists_fit_the_screen(new_page, size):
    competition, _proposals = _season()
    width, height = SIZES[size]
    for username, url, name in (
        ("kelurahan.ekajaya", "/peserta/", "entry-list-kelurahan"),
        ("panitia", "/peserta/?q=sungai", "entry-list-panitia"),
        ("kecamatan.paalmerah", "/verifikasi/", "verification-queue"),
        ("panitia", f"/kompetisi/{competition.pk}/tim/?tim=belum", "teams"),
    ):
        page = new_page(viewport={"width": width, "height": height}, has_touch=size != "desktop")
        log_in(page, username, DEMO_PASSWORD)
        page.goto(url)
        assert page.get_by_test_id("row-total").count() >= 1
        _no_sideways_scroll(page)
        save_screenshot(page, f"{name}-{size}")
