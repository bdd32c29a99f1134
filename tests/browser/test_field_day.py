"""A juror's whole day in the RTs with the network off after the morning's preparation.

Tablet 800x1280 with touch, Debian's chromium, the real service worker and IndexedDB.
Online, the juror opens the list and the day is prepared. From then on the network is
off: the juror opens an RT never opened before, scores all 21 indicators, adds a
12-megapixel photo, reloads, closes the tab, opens a new one, submits the sheet, and
opens a second RT. Back online, everything arrives once.
"""

from __future__ import annotations

from competitions.models import CompetitionStatus
from competitions.stages import ERROR_SCORING_CLOSED
from scoring.models import AppliedChange, Evidence, Score, ScoreSheet, SheetStatus
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import save_screenshot
from tests.browser.fieldkit import (
    CODES,
    TABLET,
    all_items,
    assign_another,
    field_season,
    js,
    prepare_day,
    sign_in,
    tap_level,
    wait_until,
    waiting_items,
)
from tests.browser.test_scoring_tablet import camera_photo

LEVELS = {code: index % 5 + 1 for index, code in enumerate(CODES)}


def checked(page, code: str) -> str | None:
    return page.locator(f'.score-card[data-indicator="{code}"]').get_attribute("data-value")


def test_a_day_in_the_field_with_the_network_off_arrives_once(new_page, tmp_path):
    first, second, _third = field_season(rts=3)
    page = new_page(**TABLET)
    sign_in(page, "juri1", DEMO_PASSWORD)

    state = prepare_day(page)
    assert state["complete"] and len(state["order"]) == 3
    assert page.locator('.rt-item[data-ready="ready"]').count() == 3
    assert page.locator('[data-testid="call"]').first.get_attribute("href") == "tel:081234567801"
    assert page.locator('[data-testid="whatsapp"]').first.get_attribute("href") == (
        "https://wa.me/6281234567801"
    )
    assert page.locator('[data-testid="geo"]').first.get_attribute("href") == "geo:-1.631,103.611"
    assert "urutan ke-1" in page.locator('[data-testid="visit"]').first.inner_text()
    save_screenshot(page, "field-list-tablet")
    late = assign_another([first], number=40)  # assigned after the preparation

    # --- from here on, no network at all ------------------------------------------------
    page.context.set_offline(True)
    page.goto(f"/penilaian/{first.pk}/")  # never opened before: from the prepared kit
    assert page.locator("#scoring").get_attribute("data-entry") == str(first.pk)
    page.wait_for_function(js("document.getElementById('sync-state').dataset.state === 'offline'"))
    assert page.locator("#sync-state").inner_text() == "Offline"

    for code in CODES[:14]:
        tap_level(page, code, LEVELS[code])
    page.locator('.pillar-tab[data-pillar="B"]').tap()
    page.locator('.score-card[data-indicator="B1"] .score-note').fill("Got sampah tertutup rapi.")
    photo = tmp_path / "kamera.jpg"
    camera_photo(photo)
    page.locator('.pillar-tab[data-pillar="A"]').tap()
    page.locator('.photo-input[data-indicator="A2"]').set_input_files(str(photo))
    page.wait_for_selector('.photos[data-indicator="A2"] .photo-thumb.pending')
    # A second photo, taken by mistake, deleted before it was ever sent.
    page.locator('.photo-input[data-indicator="A3"]').set_input_files(str(photo))
    page.wait_for_function(js("document.getElementById('scoring').dataset.queued === '17'"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator('.photos[data-indicator="A3"] .photo-thumb.pending .photo-delete').tap()
    page.wait_for_function(
        js("document.getElementById('scoring').dataset.queued === '16'")
    )  # 14 levels, 1 note, 1 photo
    assert page.locator('.photos[data-indicator="A3"] .photo-thumb').count() == 0
    save_screenshot(page, "field-scoring-offline-tablet", full_page=False)

    # A reload brings the sheet back as the juror left it.
    page.reload()
    page.wait_for_function(js("document.getElementById('scoring').dataset.queued === '16'"))
    assert [checked(page, code) for code in CODES[:14]] == [
        str(LEVELS[code]) for code in CODES[:14]
    ]
    assert page.locator('.score-card[data-indicator="B1"] .score-note').input_value() == (
        "Got sampah tertutup rapi."
    )
    assert page.locator('.photos[data-indicator="A2"] .photo-thumb.pending').count() == 1

    # The tab is closed; a new one opens the same RT, still offline.
    context = page.context
    page.close()
    page = context.new_page()
    page.goto(f"/penilaian/{first.pk}/")
    page.wait_for_function(js("document.getElementById('scoring').dataset.queued === '16'"))
    for code in CODES[14:]:
        tap_level(page, code, LEVELS[code])
    assert page.locator("#scored-count").inner_text() == "21"
    assert page.locator("#missing").is_hidden()
    page.locator("#submit-sheet").tap()
    page.wait_for_selector('[data-testid="submit-waiting"]:not([hidden])')
    assert page.locator(".level-option:not([disabled])").count() == 0
    page.wait_for_function(
        js(
            """document.getElementById('sync-state').dataset.state === 'waiting'
           && document.getElementById('sync-state').textContent.includes('Menunggu koneksi · 24')"""
        )
    )
    save_screenshot(page, "field-submit-waiting-tablet", full_page=False)

    # The second RT, also never opened, and an RT assigned after the preparation.
    page.locator("#next-rt").tap()
    page.wait_for_url(f"**/penilaian/{second.pk}/")
    assert page.locator("#scoring").get_attribute("data-entry") == str(second.pk)
    tap_level(page, "B1", 5)
    page.goto(f"/penilaian/{late.pk}/")
    assert page.locator('[data-testid="field-offline"]').count() == 1  # honest: not prepared

    page.goto("/penilaian/kotak-keluar/")
    page.wait_for_function(js("document.getElementById('outbox').dataset.waiting === '25'"))
    assert page.locator(".outbox-item[data-kind=submit]").count() == 1
    save_screenshot(page, "field-outbox-offline-tablet")
    assert Score.objects.count() == 0 and Evidence.objects.count() == 0  # nothing got out

    # --- back online: everything arrives, once ----------------------------------------------
    page.context.set_offline(False)
    wait_until(lambda: waiting_items(page) == 0, message=f"still waiting: {all_items(page)}")
    assert [item for item in all_items(page) if item["state"] == "refused"] == []

    sheet = ScoreSheet.objects.get(entry=first)
    values = dict(Score.objects.filter(sheet=sheet).values_list("indicator__code", "value"))
    assert values == LEVELS
    assert Score.objects.get(sheet=sheet, indicator__code="B1").note == "Got sampah tertutup rapi."
    assert sheet.status == SheetStatus.SUBMITTED
    # One record per change: 21 levels and one note.
    assert Score.history.filter(sheet_id=sheet.pk).count() == 22
    evidence = Evidence.objects.get()
    assert (evidence.entry_id, evidence.indicator.code) == (first.pk, "A2")
    assert max(evidence.width, evidence.height) <= 2048
    assert AppliedChange.objects.filter(kind="submit").count() == 1
    assert dict(
        Score.objects.filter(sheet__entry=second).values_list("indicator__code", "value")
    ) == {"B1": 5}

    page.goto(f"/penilaian/{first.pk}/")
    page.wait_for_selector('[data-testid="sheet-locked"]')
    page.wait_for_function(js("document.getElementById('sync-state').dataset.state === 'saved'"))
    assert page.locator('.photos[data-indicator="A2"] figure[data-photo]').count() == 1


def test_a_sheet_the_server_refuses_after_the_field_stays_open_with_the_reason(new_page):
    (entry,) = field_season(rts=1)
    page = new_page(**TABLET)
    sign_in(page, "juri1", DEMO_PASSWORD)
    prepare_day(page)
    page.context.set_offline(True)
    page.goto(f"/penilaian/{entry.pk}/")
    for code in CODES:
        tap_level(page, code, 4)
    page.locator("#submit-sheet").tap()
    page.wait_for_selector('[data-testid="submit-waiting"]:not([hidden])')

    # While the tablet is offline, the panitia closes the field assessment.
    competition = entry.competition
    competition.status = CompetitionStatus.FINAL
    competition.save(update_fields=["status"])
    page.context.set_offline(False)
    wait_until(lambda: waiting_items(page) == 0)
    refused = [item for item in all_items(page) if item["state"] == "refused"]
    assert len(refused) == 22  # 21 levels and the submission, each with the server's reason
    closed = str(ERROR_SCORING_CLOSED).split("%(competition)s")[1].split("(")[0].strip()
    assert closed == "tidak sedang dibuka"
    assert all(closed in item["error"] for item in refused), refused[0]["error"]
    # The sheet is open again, not locked, and says why.
    page.wait_for_selector('[data-testid="submit-waiting"]', state="hidden")
    assert page.locator('[data-testid="sheet-locked"]').count() == 0
    messages = page.locator("#scoring-messages").inner_text()
    assert "Lembar nilai belum diterima server" in messages and closed in messages
    assert closed in page.locator('.score-card[data-indicator="P7"] .card-error').inner_text()
    page.wait_for_function(js("document.getElementById('sync-state').dataset.state === 'refused'"))
    assert "Ditolak server · 22" in page.locator("#sync-state").inner_text()
    assert ScoreSheet.objects.filter(entry=entry, status=SheetStatus.SUBMITTED).count() == 0
    save_screenshot(page, "field-submit-refused-tablet", full_page=False)

    # Kotak keluar keeps every refused item with its message until the juror dismisses it.
    page.goto("/penilaian/kotak-keluar/")
    page.wait_for_function(js("document.getElementById('outbox').dataset.refused === '22'"))
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator('.outbox-item[data-kind="submit"] button').click()
    page.wait_for_function(js("document.getElementById('outbox').dataset.refused === '21'"))
    save_screenshot(page, "field-outbox-refused-tablet")
