"""Issue 14, item 4 in the browser: a juror scores a 4-pillar, 1-4 competition on the tablet
page, and the plenary, explain page and guide show that instrument (screenshots at tablet,
phone and desktop sizes; every page left open is checked for accessibility)."""

from __future__ import annotations

import pytest

from competitions.models import Kelurahan
from tests.browser.conftest import ALL_SAVED, log_in, save_screenshot
from tests.conftest import PASSWORD, make_user
from tests.scoring.test_instrument_follow import ORDER, four_pillar_season

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"tablet": (800, 1280), "phone": (390, 844), "desktop": (1366, 900)}


def test_a_juror_scores_a_four_pillar_competition_and_the_pages_show_its_pillars(new_page):
    panitia = make_user("panitia.empat", "panitia")
    competition, entries, jurors, _indicators = four_pillar_season(
        panitia, Kelurahan.objects.get(name="Eka Jaya"), submit=False
    )
    page = new_page(viewport={"width": 800, "height": 1280}, has_touch=True)
    log_in(page, jurors[0].username, PASSWORD)
    page.goto(f"/penilaian/{entries['Z'].pk}/")
    assert page.locator(".pillar-tab").count() == 4
    assert page.locator('.score-card[data-indicator="LH1"] .level-option').count() == 4
    assert page.locator('.level-option[data-value="5"]').count() == 0
    page.locator('.score-card[data-indicator="LH1"] .level-option[data-value="4"]').tap()
    page.wait_for_function(ALL_SAVED)
    save_screenshot(page, "instrument-follow-scoring-tablet")
    officer = new_page(viewport={"width": 1366, "height": 900})
    log_in(officer, panitia.username, PASSWORD)
    for name, (width, height) in SIZES.items():
        officer.set_viewport_size({"width": width, "height": height})
        officer.goto(f"/kompetisi/{competition.pk}/pleno/")
        save_screenshot(officer, f"instrument-follow-plenary-{name}")
        officer.goto(f"/kompetisi/{competition.pk}/pleno/rt/{entries['X'].pk}/")
        assert [officer.locator(f'[data-pillar="{code}"]').count() > 0 for code in ORDER] == [
            True
        ] * 4
        save_screenshot(officer, f"instrument-follow-explain-{name}")
        officer.goto(f"/panduan/?kompetisi={competition.pk}")
        save_screenshot(officer, f"instrument-follow-guide-{name}")
    officer.set_viewport_size({"width": 1366, "height": 900})
    officer.goto(f"/kompetisi/{competition.pk}/pleno/")
    heads = officer.locator('[data-testid="pillar-head"]').all_inner_texts()
    assert heads[:4] == ["Lingkungan Hidup", "Sosial Budaya", "Ekonomi Warga", "Kesehatan"]
