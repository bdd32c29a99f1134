"""Re-visits in chromium (issue 16.3/16.4): the panitia draws a round with a seed, the juror's
scoring page shows the award photo beside the indicator, the panitia concludes, and the public
RT page shows the outcome and its pillar chart. Screenshots at tablet, phone and desktop."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from bantar.models import Role
from coaching.models import RevisitRound, Verdict
from coaching.revisits import draw, published_winners, revisit_create
from competitions.models import Competition, Entry
from indicators.models import Indicator
from scoring.services import entry_assign, team_add_member, team_create
from season.demo import make_photos
from tests.browser.conftest import log_in, save_screenshot
from tests.coaching.city import build_city
from tests.coaching.test_revisit import score_sheet
from tests.conftest import PASSWORD, make_user

DEVICES = {
    "tablet": {"width": 800, "height": 1280},
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 900},
}


def shoot_everywhere(page, name: str) -> None:
    for device, size in DEVICES.items():
        page.set_viewport_size(size)
        page.reload()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name} scrolls sideways on the {device}: {width}px"
        save_screenshot(page, f"{name}-{device}")


@pytest.fixture
def city(master_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    panitia = make_user("panitia", Role.PANITIA)
    return panitia, build_city(panitia)


def test_a_round_from_draw_to_the_rt_page(new_page, city):
    panitia, rts = city
    source = Competition.objects.get(year=2021, period=1)
    # The award photo of Eka Jaya RT 01's B3, taken where the juror stood in 2021.
    award = Entry.objects.get(competition=source, rt=rts["E1"])
    (photo,) = make_photos(
        award, award.assignment.team.members.first().user, [Indicator.objects.get(code="B3")],
        random.Random(3), count=1,
    )  # fmt: skip
    photo.latitude, photo.longitude = Decimal("-1.620000"), Decimal("103.590000")
    photo.save()

    page = new_page(viewport=DEVICES["desktop"])
    log_in(page, "panitia", PASSWORD)
    page.goto("/kunjungan-ulang/")
    page.get_by_test_id(f"new-{source.pk}").click()
    page.get_by_test_id("size").fill("2")
    page.get_by_test_id("seed").fill("4242")
    shoot_everywhere(page, "revisit-new")
    page.get_by_test_id("size").fill("2")
    page.get_by_test_id("seed").fill("4242")
    page.get_by_test_id("create").click()
    page.wait_for_url("**/kunjungan-ulang/*/")
    revisit = RevisitRound.objects.get()
    assert page.get_by_test_id("seed").inner_text() == "4242"
    assert "memberi daftar yang sama" in page.get_by_test_id("repeated").inner_text()
    winners = published_winners(source)
    by_key = {w.key: w.rt.pk for w in winners}
    expected = [by_key[k] for k in draw(list(by_key), seed=4242, size=2)]
    rows = page.get_by_test_id("outcomes").locator("tbody tr")
    assert [int(rows.nth(i).get_attribute("data-rt")) for i in range(2)] == expected
    assert revisit.chosen == expected

    # A second round chosen by hand (the draw may not hold RT 01, which has the photo).
    chosen = revisit_create(
        source=source, by=panitia, rt_ids=[rts["E1"].pk, rts["E4"].pk, rts["B2"].pk]
    )
    juror = make_user("juri.ulang", Role.JURI)
    team = team_create(competition=chosen.competition, name="Tim Ulang")
    team_add_member(team=team, user=juror, agency="DLH")
    entries = {e.rt_id: e for e in Entry.objects.filter(competition=chosen.competition)}
    for entry in entries.values():
        entry_assign(entry=entry, team=team, by=panitia)

    tablet = new_page(viewport=DEVICES["tablet"], has_touch=True, is_mobile=True)
    log_in(tablet, "juri.ulang", PASSWORD)
    tablet.goto(f"/penilaian/{entries[rts['E1'].pk].pk}/")
    earlier = tablet.get_by_test_id("earlier-B3")
    earlier.scroll_into_view_if_needed()
    assert earlier.is_visible()
    assert "Foto lomba 2021" in earlier.inner_text()
    assert (
        tablet.evaluate("() => document.querySelector('[data-testid=earlier-B3] img').naturalWidth")
        > 0
    )  # the award photo itself, served to this juror
    save_screenshot(tablet, "revisit-scoring-tablet", full_page=False)
    tablet.set_viewport_size(DEVICES["phone"])
    earlier.scroll_into_view_if_needed()
    save_screenshot(tablet, "revisit-scoring-phone", full_page=False)

    score_sheet(entries[rts["E1"].pk], juror, {"B": 5, "A": 5, "P": 5, "B3": 1})
    score_sheet(entries[rts["E4"].pk], juror, {"B": 2, "A": 2, "P": 2})
    score_sheet(entries[rts["B2"].pk], juror, {"B": 4, "A": 4, "P": 4})
    page.goto(f"/kunjungan-ulang/{chosen.pk}/")
    page.get_by_test_id("conclude").click()
    page.wait_for_url(f"**/kunjungan-ulang/{chosen.pk}/")
    assert page.get_by_test_id(f"verdict-{rts['E1'].pk}").inner_text() == "Terjaga"
    assert page.get_by_test_id(f"verdict-{rts['E4'].pk}").inner_text() == "Menurun"
    assert page.get_by_test_id(f"verdict-{rts['B2'].pk}").inner_text() == "Terjaga"
    assert {o.verdict for o in chosen.outcomes.all()} == {Verdict.KEPT, Verdict.DROPPED}
    shoot_everywhere(page, "revisit-detail")
    with page.expect_download() as download:
        page.get_by_test_id("revisit-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    public = new_page(viewport=DEVICES["phone"])
    public.goto(f"/rt/{rts['E4'].pk}/")
    outcome = public.get_by_test_id("revisit-outcome")
    assert "Menurun" in outcome.inner_text()
    public.goto(f"/rt/{rts['E1'].pk}/")
    chart = public.get_by_test_id("rt-chart-svg")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 300  # as wide as the phone's card
    assert public.locator("[data-testid=rt-chart-svg] circle").count() == 9
    public.get_by_test_id("focus-selfcheck").click()
    public.wait_for_url("**/panduan/cek-mandiri/#l=*")
    assert public.locator(
        'label.selfcheck-level:has([data-testid="level-B3-1"]) input'
    ).is_checked()
    public.goto(f"/rt/{rts['E1'].pk}/")
    shoot_everywhere(public, "rt-page")
