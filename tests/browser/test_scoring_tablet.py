"""A juror scores an RT on a 10" tablet, loses the connection midway, and loses nothing."""

from __future__ import annotations

import gzip

from django.core.management import call_command
from PIL import Image, ImageDraw

from bantar.models import User
from competitions.models import Competition, CompetitionStatus, Kelurahan
from scoring.models import Evidence, Score, ScoreSheet, SheetStatus
from scoring.services import entry_assign, team_add_member, team_create
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import ALL_SAVED, log_in, save_screenshot
from tests.factories import EntryFactory, RTFactory

FIRST_LOAD_BUDGET = 150 * 1024
LATER_LOAD_BUDGET = 20 * 1024
UPLOAD_BUDGET = 500 * 1024


def season_in_assessment():
    call_command("seed_demo", "--minimal", verbosity=0)
    competition = Competition.objects.exclude(year=2020).get()
    competition.status = CompetitionStatus.ASSESSMENT
    competition.save()
    entry = EntryFactory(
        competition=competition,
        rt=RTFactory(
            kelurahan=Kelurahan.objects.get(name="Eka Jaya"),
            number=8,
            name_kampung="Kampung Bunga Tanjung",
        ),
        status="verified",
    )
    team = team_create(competition=competition, name="Tim 1")
    juror = User.objects.get(username="juri1")
    team_add_member(
        team=team, user=juror, agency="DLH", home_kelurahan=Kelurahan.objects.get(name="Beringin")
    )
    entry_assign(entry=entry, team=team, by=User.objects.get(username="panitia"))
    return entry


def camera_photo(path) -> None:
    """A 4000x3000 (12 MP) picture with the detail of a street scene, as a phone saves it."""
    image = Image.new("RGB", (4000, 3000))
    draw = ImageDraw.Draw(image)
    for y in range(0, 3000, 6):
        draw.line([(0, y), (4000, y)], fill=(60 + y % 120, 110 + (y // 7) % 90, 70 + (y // 3) % 60))
    for index in range(120):
        x, y = (index * 331) % 3800, (index * 197) % 2800
        draw.rectangle(
            [x, y, x + 160, y + 110],
            fill=((index * 53) % 255, (index * 91) % 255, (index * 17) % 255),
        )
    image.save(path, "JPEG", quality=92)


def tap_level(page, code: str, value: int) -> None:
    page.locator(f'.score-card[data-indicator="{code}"] .level-option[data-value="{value}"]').tap()


def state(page) -> str:
    return page.locator("#sync-state").get_attribute("data-state")


def test_a_juror_scores_all_21_indicators_on_a_tablet_through_a_lost_connection(new_page, tmp_path):
    entry = season_in_assessment()
    page = new_page(viewport={"width": 800, "height": 1280}, has_touch=True)
    weights: dict[str, int] = {}
    page.on("response", lambda response: weights.__setitem__(response.url, response))
    log_in(page, "juri1", DEMO_PASSWORD)
    page.get_by_role("link", name="RT 08").first.click()
    page.wait_for_url(f"**/penilaian/{entry.pk}/")

    # What a tablet downloads on its first visit, compressed as the server would send it.
    first_load = sum(
        len(gzip.compress(r.body()))
        for r in weights.values()
        if f"/penilaian/{entry.pk}/" in r.url or "/static/" in r.url
    )
    html = sum(
        len(gzip.compress(r.body()))
        for r in weights.values()
        if r.url.endswith(f"/penilaian/{entry.pk}/")
    )
    print(f"scoring page: first load {first_load} B gzip, later loads {html} B gzip")
    assert first_load <= FIRST_LOAD_BUDGET, f"first load {first_load} B"
    assert html <= LATER_LOAD_BUDGET, f"later loads (page only, assets cached) {html} B"
    assert page.evaluate("document.documentElement.scrollWidth") <= 800
    small_targets = page.evaluate(
        """[...document.querySelectorAll('.level-option, .pillar-tab, .photo-button')]
           .filter(e => e.offsetParent && e.getBoundingClientRect().height < 44).length"""
    )
    assert small_targets == 0

    codes = {pillar: [f"{pillar}{n}" for n in range(1, 8)] for pillar in "BAP"}
    # Bersih with a good connection.
    for index, code in enumerate(codes["B"]):
        tap_level(page, code, index % 5 + 1)
    page.locator('.score-card[data-indicator="B1"] .score-note').fill(
        "Rumah warga tertata, ada taman kecil."
    )
    page.wait_for_function(ALL_SAVED)
    save_screenshot(page, "scoring-tablet-portrait", full_page=False)

    # The signal drops while scoring Aman and taking a photo.
    page.context.set_offline(True)
    page.locator('.pillar-tab[data-pillar="A"]').tap()
    for code in codes["A"]:
        tap_level(page, code, 4)
    photo = tmp_path / "kamera.jpg"
    camera_photo(photo)
    page.locator('.photo-input[data-indicator="A2"]').set_input_files(str(photo))
    pending = page.wait_for_selector('.photos[data-indicator="A2"] .photo-thumb.pending')
    upload_bytes = int(pending.get_attribute("data-bytes"))
    # A retry may show "Mengirim..." for a moment: wait for the whole condition at once.
    page.wait_for_function(
        """document.getElementById('sync-state').dataset.state === 'waiting'
           && document.getElementById('sync-state').textContent.includes('Menunggu koneksi')"""
    )
    save_screenshot(page, "scoring-tablet-offline", full_page=False)
    assert Score.objects.filter(indicator__code__startswith="A").count() == 0

    page.context.set_offline(False)
    page.wait_for_function(ALL_SAVED, timeout=30_000)
    page.wait_for_selector('.photos[data-indicator="A2"] .photo-thumb[data-photo]')

    page.locator('.pillar-tab[data-pillar="P"]').tap()
    for code in codes["P"]:
        tap_level(page, code, 5)
    tap_level(page, "P7", 3)  # a change of mind
    page.wait_for_function(ALL_SAVED)
    assert page.locator("#scored-count").inner_text() == "21"

    sheet = ScoreSheet.objects.get(entry=entry)
    values = dict(Score.objects.filter(sheet=sheet).values_list("indicator__code", "value"))
    assert len(values) == 21
    assert [values[code] for code in codes["B"]] == [1, 2, 3, 4, 5, 1, 2]
    assert {values[code] for code in codes["A"]} == {4}
    assert values["P7"] == 3 and values["P1"] == 5
    # Every tap and the note arrived exactly once: 7 + 1 note + 7 + 7 + 1 change.
    assert Score.history.filter(sheet_id=sheet.pk).count() == 23
    evidence = Evidence.objects.get()
    assert (evidence.indicator.code, max(evidence.width, evidence.height)) == ("A2", 2048)
    print(
        f"photo upload after browser downscaling: {upload_bytes} B (source {photo.stat().st_size} B)"
    )
    assert 0 < upload_bytes <= UPLOAD_BUDGET

    page.set_viewport_size({"width": 1280, "height": 800})
    save_screenshot(page, "scoring-tablet-landscape", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.get_by_role("button", name="Kirim lembar nilai").click()
    page.wait_for_selector('[data-testid="sheet-locked"]')
    assert page.locator(".level-option:not([disabled])").count() == 0
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
