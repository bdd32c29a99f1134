"""A juror scores on the four-pillar, 1-4 instrument in chromium (issue 14, proof of generality).

The scoring page must come from the competition's instrument: 4 pillar tabs (LH, SO, EK,
KS in order), levels 1-4 only with that instrument's level names and descriptors, and a
sheet that can be submitted once its 10 indicators are scored.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bantar.models import Role
from competitions.models import CompetitionStatus, Kelurahan
from competitions.services import competition_create
from scoring.models import Score, ScoreSheet, SheetStatus
from scoring.services import entry_assign, team_add_member, team_create
from tests.browser.conftest import ALL_SAVED, log_in, save_screenshot
from tests.conftest import PASSWORD, make_user
from tests.factories import (
    FOUR_LEVEL_NAMES,
    FOUR_PILLARS,
    EntryFactory,
    RTFactory,
    four_pillar_descriptor,
    four_pillar_instrument,
)

# The level the juror gives each pillar's indicators: every level of the scale is used.
LEVELS = {"LH": 4, "SO": 3, "EK": 2, "KS": 1}


def assessment_on_four_pillars():
    instrument = four_pillar_instrument()
    competition = competition_create(
        year=timezone.localdate().year,
        title="Lomba Kampung Empat Pilar",
        registration_closes=timezone.now() + timedelta(days=30),
        instrument=instrument,
    )
    competition.status = CompetitionStatus.ASSESSMENT
    competition.save()
    entry = EntryFactory(
        competition=competition,
        rt=RTFactory(
            kelurahan=Kelurahan.objects.get(name="Eka Jaya"),
            number=9,
            name_kampung="Kampung Empat Pilar",
        ),
        status="verified",
    )
    panitia = make_user("panitia.empat", Role.PANITIA)
    juror = make_user("juri.empat", Role.JURI)
    team = team_create(competition=competition, name="Tim Empat")
    team_add_member(team=team, user=juror, agency="DLH")
    entry_assign(entry=entry, team=team, by=panitia)
    return entry, juror


def test_a_juror_scores_the_four_pillar_instrument_on_its_1_to_4_scale(new_page):
    entry, juror = assessment_on_four_pillars()
    page = new_page(viewport={"width": 800, "height": 1280}, has_touch=True)
    log_in(page, juror.username, PASSWORD)
    page.goto(f"/penilaian/{entry.pk}/")

    tabs = page.locator(".pillar-tab")
    names = [name for _code, name, _count in FOUR_PILLARS]
    texts = tabs.all_inner_texts()
    assert len(texts) == 4
    assert all(text.strip().startswith(name) for text, name in zip(texts, names, strict=True))
    assert page.locator(".pillar-section").evaluate_all(
        "sections => sections.map(s => s.dataset.pillar)"
    ) == [code for code, _name, _count in FOUR_PILLARS]
    assert page.locator(".score-card").count() == 10
    assert page.locator('.level-option[data-value="5"], .level-option[data-value="0"]').count() == 0
    assert "Bersih" not in page.locator("main").inner_text()
    # Colours by place in the 1-4 scale: lowest red, highest the full green (as 5 is on 1-5),
    # every level its own colour (they were tied to the values 1-5: 4 was the pale green).
    dots = page.locator('.score-card[data-indicator="LH1"] .level-dot')
    colours = dots.evaluate_all("ds => ds.map(d => getComputedStyle(d).backgroundColor)")
    assert colours == [
        "rgb(220, 53, 69)",
        "rgb(241, 174, 181)",
        "rgb(117, 183, 152)",
        "rgb(25, 135, 84)",
    ]

    for index, (code, _name, count) in enumerate(FOUR_PILLARS):
        tabs.nth(index).click()
        section = page.locator(f'.pillar-section[data-pillar="{code}"]')
        assert section.is_visible()
        for number in range(1, count + 1):
            indicator = f"{code}{number}"
            card = section.locator(f'.score-card[data-indicator="{indicator}"]')
            options = card.locator(".level-option")
            assert options.evaluate_all("o => o.map(b => b.dataset.value)") == ["1", "2", "3", "4"]
            assert [n.strip() for n in card.locator(".level-name").all_inner_texts()] == list(
                FOUR_LEVEL_NAMES.values()
            )
            texts = [t.strip() for t in card.locator(".level-text").all_inner_texts()]
            assert texts == [four_pillar_descriptor(indicator, v) for v in range(1, 5)]
            card.locator(f'.level-option[data-value="{LEVELS[code]}"]').tap()
        if index == 1:
            save_screenshot(page, "generality-scoring-tablet")
    page.wait_for_function(ALL_SAVED)

    page.set_viewport_size({"width": 390, "height": 844})
    save_screenshot(page, "generality-scoring-phone")
    # Four pillar tabs fit a phone's width: the page never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 900})
    save_screenshot(page, "generality-scoring-desktop")
    page.set_viewport_size({"width": 800, "height": 1280})

    page.get_by_role("button", name="Kirim lembar nilai").click()
    page.wait_for_selector('[data-testid="sheet-locked"]')
    sheet = ScoreSheet.objects.get(entry=entry, juror=juror)
    assert sheet.status == SheetStatus.SUBMITTED
    given = dict(
        Score.objects.filter(sheet=sheet).values_list("indicator__code", "value").order_by()
    )
    assert given == {
        f"{code}{n}": LEVELS[code]
        for code, _name, count in FOUR_PILLARS
        for n in range(1, count + 1)
    }
