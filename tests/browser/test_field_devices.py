"""The panitia's tablet page in a browser: which juror's tablet still holds unsent changes."""

from __future__ import annotations

import json
import uuid

from django.test import Client

from bantar.models import User
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import save_screenshot
from tests.browser.fieldkit import PHONE, TABLET, field_season, sign_in

DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def tablet_sync(username: str, entry, codes: list[str], *, outbox: int) -> None:
    """A juror's tablet sends a batch, reporting how many items it holds (this batch's included)."""
    tablet = Client()
    tablet.force_login(User.objects.get(username=username))
    changes = [
        {"client_id": str(uuid.uuid4()), "kind": "score", "entry": entry.pk, "indicator": code,
         "value": 4, "note": ""}
        for code in codes
    ]  # fmt: skip
    body = {"device": str(uuid.uuid4()), "outbox": outbox, "changes": changes}
    response = tablet.post("/penilaian/sinkron/", json.dumps(body), content_type="application/json")
    assert response.status_code == 200


def test_the_panitia_finds_the_tablet_holding_unsent_changes(new_page):
    entries = field_season(rts=2, jurors=("juri1", "juri2"))
    User.objects.filter(username="juri1").update(phone="081234500001")
    tablet_sync("juri1", entries[0], ["B1", "B2"], outbox=16)
    tablet_sync("juri2", entries[1], ["B1", "B2", "B3"], outbox=3)
    competition = entries[0].competition
    for name, options in (("tablet", TABLET), ("phone", PHONE), ("desktop", DESKTOP)):
        page = new_page(**options)
        sign_in(page, "panitia", DEMO_PASSWORD)
        page.goto(f"/kompetisi/{competition.pk}/tim/")
        row = page.locator(f'tr[data-entry="{entries[1].pk}"]')
        assert row.locator('input[name="visit_order"]').input_value() == "2"
        save_screenshot(page, f"teams-visits-{name}")
        page.get_by_test_id("field-devices-link").click()
        page.wait_for_url(f"**/kompetisi/{competition.pk}/tablet/")
        summary = page.get_by_test_id("devices-holding")
        assert "1 juri masih menyimpan 14 perubahan yang belum terkirim" in summary.inner_text()
        holding = page.locator('article[data-juror="juri1"]')
        assert holding.get_attribute("data-waiting") == "14"
        assert "⚠ 14" in holding.locator("[data-waiting]").inner_text()
        assert holding.locator('a[href="tel:081234500001"]').is_visible()
        assert page.locator('article[data-juror="juri2"] [data-waiting]').inner_text() == "0"
        assert page.locator('article[data-juror="juri2"] [data-applied]').inner_text() == "3"
        save_screenshot(page, f"field-devices-{name}")
