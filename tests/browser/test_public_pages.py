"""An anonymous visitor reads the published winners and an RT's history."""

from __future__ import annotations

from django.core.management import call_command

from competitions.models import Competition
from scoring.models import Result
from tests.browser.conftest import save_screenshot


def test_a_visitor_reads_the_winners_and_an_rts_history(new_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)
    competition = Competition.objects.get(year=2020, period=1)
    page = new_page(viewport={"width": 1024, "height": 1366})
    page.goto("/")
    page.get_by_role("link", name="Hasil dan pemenang").click()
    page.get_by_role("link", name=competition.title).click()
    assert (
        "112 RT meraih predikat Kampung BANTAR, dengan hadiah seluruhnya Rp 892.000.000."
        in page.content()
    )
    assert page.locator('[data-testid="chart"] rect').count() >= 11
    paal_merah = page.locator('[data-testid="chart"] [data-kecamatan="Paal Merah"] .bar-total')
    assert paal_merah.text_content() == "25"
    save_screenshot(page, "public-winners-2020")

    winner = (
        Result.objects.filter(result_set__competition=competition, is_winner=True)
        .select_related("entry__rt")
        .first()
    )
    page.goto(f"/rt/{winner.entry.rt.pk}/")
    assert "Kampung BANTAR" in page.content()
    assert page.get_by_text("Yang paling perlu ditingkatkan").is_visible()
    assert "Ketua RT" not in page.content()
    save_screenshot(page, "public-rt-history")
