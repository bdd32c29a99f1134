"""A ready instrument keeps its pillars and indicators, as the panitia sees it: a tab opened on
the draft copy still shows "Tambah pilar"; the copy is marked ready meanwhile; the pillar sent
from that tab is refused with the reason (copy it), and nothing is added. The ready page then
offers no add or remove and says why. Screenshots at phone, tablet and desktop; axe."""

from __future__ import annotations

from typing import Any

from bantar.models import Role
from indicators import services
from indicators.models import Instrument, Pillar
from tests.browser.conftest import assert_accessible, log_in, save_screenshot
from tests.browser.test_revisit_list_phone import DEVICES, PHONE, fits
from tests.conftest import PASSWORD, make_user


def test_a_pillar_sent_to_a_ready_instrument_is_refused(new_page: Any, master_data: None) -> None:
    make_user("panitia", Role.PANITIA)
    copy = services.instrument_copy(instrument=Instrument.objects.get(version=1))
    pillars = Pillar.objects.filter(instrument=copy).count()
    page = new_page(viewport=PHONE)
    log_in(page, "panitia", PASSWORD)
    page.goto(f"/instrumen/{copy.pk}/")
    page.locator("#new-pillar-code").fill("K")
    page.locator("#new-pillar-name").fill("Kesehatan")
    services.instrument_mark_ready(instrument=copy)  # in another tab, meanwhile
    page.get_by_role("button", name="Tambah pilar").click()
    alert = page.locator(".alert-danger, .alert-error, [role=alert]").filter(
        has_text="sudah ditandai siap dipakai"
    )
    assert alert.is_visible()
    assert "Salin ke versi baru" in alert.inner_text()
    assert Pillar.objects.filter(instrument=copy).count() == pillars
    assert not Pillar.objects.filter(instrument=copy, code="K").exists()
    assert_accessible(page)
    save_screenshot(page, "instrument-ready-structure-refused-phone")
    for device, size in DEVICES.items():
        page.set_viewport_size(size)
        page.reload()
        assert page.get_by_test_id("instrument-ready-structure").is_visible()
        assert page.get_by_role("button", name="Tambah pilar").count() == 0
        assert page.get_by_role("button", name="Hapus").count() == 0
        # Nor a move: the order is its competitions' tie-break order (ERROR_READY_ORDER).
        assert page.get_by_role("button", name="Naikkan").count() == 0
        assert page.get_by_role("button", name="Turunkan").count() == 0
        fits(page, f"ready instrument on the {device}")
        assert_accessible(page)
        save_screenshot(page, f"instrument-ready-structure-{device}")
