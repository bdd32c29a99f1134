"""Issue 14, done-when: as the panitia, copy the instrument, edit one descriptor in the copy,
create a competition on it with a changed weight, and the juror's scoring page of that
competition shows the new text while the 2020 pages still show the old.

The 2020 season is the full demo (seed_demo): its published competition holds the Perwali
instrument, which is therefore locked. The 2020 pages read are the public guide (by default
the latest published competition's instrument, i.e. 2020's) and the 2020 instrument's own
preview. Screenshots of the editor's pages at tablet, phone and desktop.
"""

from __future__ import annotations

from django.core.management import call_command

from bantar.models import User
from competitions.models import Competition, CompetitionStatus, Kelurahan
from indicators.models import Indicator, Instrument, Level
from indicators.selectors import default_weights_for, newest_instrument
from scoring.services import entry_assign, team_add_member, team_create
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, log_in, save_screenshot
from tests.factories import EntryFactory, RTFactory

NEW_DESCRIPTOR = "Revisi 2027: bank sampah aktif, ditimbang dan dicatat setiap pekan"
VIEWPORTS = {"tablet": (800, 1280), "phone": (390, 844), "desktop": (1366, 900)}


def descriptor_card(page, code: str, value: int):
    return page.locator(
        f'.score-card[data-indicator="{code}"] .level-option[data-value="{value}"] .level-text'
    )


def test_a_new_version_reaches_the_juror_and_2020_keeps_the_old(new_page):
    call_command("seed_demo", verbosity=0)
    season_2020 = Competition.objects.get(year=2020, period=1)
    perwali = season_2020.instrument
    b1 = Indicator.objects.get(instrument=perwali, code="B1")
    old_descriptor = Level.objects.get(indicator=b1, value=3).descriptor
    assert old_descriptor != NEW_DESCRIPTOR

    page = new_page(viewport={"width": 1366, "height": 900})
    log_in(page, "panitia", DEMO_PASSWORD)
    page.goto("/kompetisi/")
    page.get_by_test_id("instruments-link").click()
    page.wait_for_url("**/instrumen/")
    page.locator(f'[data-instrument="{perwali.pk}"] a').first.click()
    # Locked: 2020 is past registration, and the page marks it among the holders.
    assert page.get_by_test_id("instrument-locked").is_visible()
    holders = page.get_by_test_id("instrument-holders")
    assert season_2020.title in " ".join(holders.locator("[data-locking]").all_inner_texts())
    assert page.get_by_test_id("instrument-edit").count() == 0

    page.get_by_test_id("instrument-copy").click()
    copy = Instrument.objects.get(parent=perwali)
    page.wait_for_url(f"**/instrumen/{copy.pk}/")
    assert f"v{copy.version}" in page.get_by_test_id("instrument-title").inner_text()
    page.get_by_test_id("indicator-edit-B1").click()
    page.get_by_label("Uraian nilai 3").fill(NEW_DESCRIPTOR)
    page.get_by_role("button", name="Simpan indikator").click()
    page.wait_for_url(f"**/instrumen/{copy.pk}/")

    # The copy is a draft: no new competition on it, and it is not the default yet.
    assert page.get_by_test_id("instrument-state").inner_text().strip() == "draf"
    assert page.get_by_test_id("competition-new").count() == 0
    assert newest_instrument() == perwali
    page.get_by_test_id("instrument-ready").click()
    page.wait_for_url(f"**/instrumen/{copy.pk}/")
    assert "ditandai siap dipakai" in page.locator(".alert-success").inner_text()
    assert page.get_by_test_id("instrument-state").inner_text().strip() == "siap dipakai"
    assert page.get_by_test_id("instrument-draft").count() == 0
    assert newest_instrument() == copy

    # A competition on the copy, with a weight of its own.
    page.get_by_test_id("competition-new").click()
    page.get_by_label("Tahun").fill("2035")
    page.get_by_label("Judul").fill("Lomba Kampung BANTAR 2035 (instrumen revisi)")
    page.get_by_label("Bobot pilar Bersih").fill("50")
    page.get_by_role("button", name="Buat kompetisi").click()
    page.wait_for_url("**/kompetisi/*/")
    competition = Competition.objects.get(year=2035)
    assert "B 50" in page.get_by_test_id("competition-weights").inner_text()
    assert f"v{copy.version}" in page.get_by_test_id("competition-instrument").inner_text()
    assert competition.instrument_id == copy.pk
    assert competition.pillar_weights == {**default_weights_for(copy), "B": "50"}

    # The competition goes to the field with one RT assigned to juri1.
    competition.status = CompetitionStatus.ASSESSMENT
    competition.save()
    entry = EntryFactory(
        competition=competition,
        rt=RTFactory(kelurahan=Kelurahan.objects.get(name="Eka Jaya"), number=97),
        status="verified",
    )
    team = team_create(competition=competition, name="Tim Revisi")
    juror = User.objects.get(username="juri1")
    team_add_member(
        team=team, user=juror, agency="DLH", home_kelurahan=Kelurahan.objects.get(name="Beringin")
    )
    entry_assign(entry=entry, team=team, by=User.objects.get(username="panitia"))

    # The copy is now locked too: its competition is past registration.
    page.goto(f"/instrumen/{copy.pk}/")
    assert page.get_by_test_id("instrument-locked").is_visible()
    locking = page.get_by_test_id("instrument-holders").locator("[data-locking]")
    assert competition.title in locking.inner_text()

    # What the issue asks across pages, gathered so that one run says every part that fails.
    problems: list[str] = []

    # 2020's pages: the 2020 instrument's preview and the public guide keep the old text.
    page.goto(f"/instrumen/{perwali.pk}/pratinjau/")
    if descriptor_card(page, "B1", 3).inner_text().strip() != old_descriptor:
        problems.append("the 2020 instrument's preview lost its B1 level 3 descriptor")
    guide = new_page(viewport={"width": 1366, "height": 900})
    guide.goto("/panduan/")
    guide_text = guide.locator("main").inner_text()
    if old_descriptor not in guide_text:
        problems.append("the guide (2020's instrument by default) lacks the old descriptor")
    if NEW_DESCRIPTOR in guide_text:
        problems.append("the guide (2020's instrument by default) shows the new version's text")
    guide.goto(f"/panduan/?kompetisi={season_2020.pk}")
    guide_text = guide.locator("main").inner_text()
    if old_descriptor not in guide_text or NEW_DESCRIPTOR in guide_text:
        problems.append("the guide for 2020 (?kompetisi=) does not show only the old descriptor")
    guide.goto(f"/panduan/?kompetisi={competition.pk}")
    if NEW_DESCRIPTOR not in guide.locator("main").inner_text():
        problems.append("the guide for the new competition lacks the new descriptor")

    # The juror's scoring page of the new competition shows the new descriptor, not the old.
    tablet = new_page(viewport={"width": 800, "height": 1280}, has_touch=True)
    log_in(tablet, "juri1", DEMO_PASSWORD)
    tablet.goto(f"/penilaian/{entry.pk}/")
    b1_card = tablet.locator(".score-card[data-indicator='B1']")
    if b1_card.count() != 1:
        problems.append(f"the scoring page has {b1_card.count()} B1 cards, not 1")
    elif descriptor_card(tablet, "B1", 3).inner_text().strip() != NEW_DESCRIPTOR:
        problems.append("the scoring page does not show the new B1 level 3 descriptor")
    if old_descriptor in tablet.locator("main").inner_text():
        problems.append("the scoring page still shows the old B1 level 3 descriptor")
    save_screenshot(tablet, "instrument-editor-scoring-page-tablet", full_page=False)
    assert problems == []


def test_the_editor_pages_at_three_sizes(new_page):
    """Screenshots of the list, a draft and a ready editable version, the indicator form, the
    preview and the new competition form."""
    call_command("seed_demo", "--minimal", verbosity=0)
    from indicators.services import instrument_copy, instrument_mark_ready

    perwali = Instrument.objects.get(version=1)
    draft = instrument_copy(instrument=perwali)
    copy = instrument_mark_ready(instrument=instrument_copy(instrument=perwali))
    b1 = Indicator.objects.get(instrument=copy, code="B1")
    pages = {
        "list": "/instrumen/",
        "detail-draft": f"/instrumen/{draft.pk}/",
        "detail": f"/instrumen/{copy.pk}/",
        "edit": f"/instrumen/{copy.pk}/ubah/",
        "indicator": f"/instrumen/indikator/{b1.pk}/",
        "preview": f"/instrumen/{copy.pk}/pratinjau/",
        "competition-new": f"/instrumen/{copy.pk}/kompetisi-baru/",
    }
    for size, (width, height) in VIEWPORTS.items():
        page = new_page(viewport={"width": width, "height": height})
        log_in(page, "panitia", DEMO_PASSWORD)
        for name, url in pages.items():
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            # Nothing wider than the screen: a clerk on a phone scrolls only down.
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} at {size} scrolls sideways by {overflow}px"
            save_screenshot(page, f"instrument-{name}-{size}", full_page=name != "preview")
            if size == "phone":
                assert_accessible(page)
