"""After the award in chromium: the self-check on a phone as an anonymous visitor (answers,
results equal to the portal's maths, a shared link that opens with the same answers) and
the coaching view as the Eka Jaya officer. Screenshots at phone, tablet and desktop."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bantar.numbers import hundredths
from competitions.models import CompetitionStatus
from competitions.services import competition_create
from indicators.models import Indicator
from scoring import results
from scoring.result_selectors import results_rules
from tests.browser.conftest import log_in, save_screenshot
from tests.coaching.city import build_city
from tests.conftest import PASSWORD

PHONE = {"width": 390, "height": 844}
DEVICES = {
    "phone": PHONE,
    "tablet": {"width": 800, "height": 1280},
    "desktop": {"width": 1366, "height": 900},
}


def levels_for(code: str) -> int:
    """Bersih 4 (B3: 2), Aman 5, Pintar 3."""
    if code == "B3":
        return 2
    return {"B": 4, "A": 5, "P": 3}[code[0]]


@pytest.fixture
def competition(master_data):
    competition = competition_create(
        year=timezone.localdate().year, registration_closes=timezone.now() + timedelta(days=30)
    )
    competition.status = CompetitionStatus.REGISTRATION
    competition.pillar_minimum = Decimal(50)
    competition.pillar_weights = {"B": "2", "A": "1", "P": "1"}
    competition.save()
    return competition


def expected(competition) -> tuple[dict[str, str], str]:
    """The portal's own figures for these levels (one juror), shown with a decimal comma."""
    codes = list(Indicator.objects.values_list("code", flat=True))
    entry = results.EntryInput(1, "sedang", {code: [levels_for(code)] for code in codes})
    scored = results.score_entry(entry, results_rules(competition))
    comma = lambda value: str(hundredths(value)).replace(".", ",")  # noqa: E731
    return {p: comma(s) for p, s in scored.pillar_scores.items()}, comma(scored.final)


def shoot_everywhere(page, name: str) -> None:
    for device, size in DEVICES.items():
        page.set_viewport_size(size)
        page.reload()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name} scrolls sideways on the {device}: {width}px"
        save_screenshot(page, f"{name}-{device}")


def test_a_head_of_rt_does_the_self_check_on_a_phone_and_shares_it(new_page, competition):
    page = new_page(viewport=PHONE, bypass_csp=False, has_touch=True, is_mobile=True)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/panduan/")
    page.get_by_test_id("selfcheck-link").click()
    page.wait_for_url("**/panduan/cek-mandiri/")
    page.get_by_test_id("kk").fill("70")
    for pillar in ("B", "A", "P"):
        section = page.locator(f'section[data-pillar="{pillar}"]')
        assert section.is_visible()
        for indicator in Indicator.objects.filter(pillar__code=pillar):
            level = levels_for(indicator.code)
            option = section.locator(
                f'label.selfcheck-level:has([data-testid="level-{indicator.code}-{level}"])'
            )
            box = option.bounding_box()
            assert box and box["height"] >= 48  # a thumb's target
            option.tap()
        section.locator("[data-next]").tap()
    results_box = page.get_by_test_id("results")
    assert results_box.is_visible()
    pillars, final = expected(competition)
    for code, value in pillars.items():
        assert page.get_by_test_id(f"score-{code}").inner_text() == value
    assert page.get_by_test_id("final").inner_text() == final
    assert "Kategori Sedang (60-99 KK)" in page.get_by_test_id("category").inner_text()
    # Pintar 50: at the minimum, not under it; the final is what decides.
    verdict = page.get_by_test_id("verdict").inner_text()
    assert ("mencapai batas lulus 70,00" in verdict) == (Decimal(final.replace(",", ".")) >= 70)
    improve = page.get_by_test_id("improve").locator("li")
    assert improve.count() == 5
    # Bersih weighs double: its weakest indicator one level up gains the most; the next
    # level's descriptor from the guide is shown with it.
    first = improve.first
    assert first.get_attribute("data-code") == "B1"
    b1_level_5 = Indicator.objects.get(code="B1").levels.get(value=5).descriptor
    assert b1_level_5 in first.inner_text()
    assert errors == []
    link = page.get_by_test_id("share-link").input_value()
    assert "#l=" in link and "&kk=70" in link
    digits = link.split("#l=")[1].split("&")[0]
    assert digits == "".join(
        str(levels_for(c)) for c in Indicator.objects.values_list("code", flat=True)
    )
    save_screenshot(page, "selfcheck-results-phone")
    # Kept in this browser: a reload without the fragment shows the same answers.
    page.goto("/panduan/cek-mandiri/")
    page.get_by_test_id("tab-results").tap()
    assert page.get_by_test_id("final").inner_text() == final

    # Someone else opens the shared link on another phone: the same answers and results.
    other = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    other.goto(link.replace(page.url.split("/panduan")[0], ""))
    assert other.get_by_test_id("results").is_visible()  # a shared link opens on the results
    assert other.get_by_test_id("final").inner_text() == final
    assert other.get_by_test_id("kk").input_value() == "70"
    other.get_by_role("button", name="Bersih").tap()
    chosen = other.locator('section[data-pillar="B"] label.selfcheck-level.chosen')
    assert chosen.count() == 7
    assert other.locator('label.selfcheck-level:has([data-testid="level-B3-2"]) input').is_checked()
    other.get_by_role("button", name="Hasil").tap()
    shoot_everywhere(other, "selfcheck")
    other.get_by_role("button", name="Bersih").tap()
    save_screenshot(other, "selfcheck-pillar-desktop")
    other.set_viewport_size(PHONE)
    save_screenshot(other, "selfcheck-pillar-phone")
    other.emulate_media(media="print")
    save_screenshot(other, "selfcheck-print")
    assert other.get_by_test_id("results").is_visible()
    assert other.locator('section[data-pillar="P"]').is_visible()  # every pillar on paper
    other.emulate_media(media="screen")


def test_the_eka_jaya_officer_opens_the_coaching_view(new_page, master_data, django_user_model):
    from bantar.models import Role
    from competitions.models import Kelurahan
    from tests.conftest import make_user

    panitia = make_user("panitia", Role.PANITIA)
    build_city(panitia)
    make_user("kelurahan.ekajaya", Role.KELURAHAN, kelurahan=Kelurahan.objects.get(name="Eka Jaya"))
    page = new_page(viewport=PHONE)
    log_in(page, "kelurahan.ekajaya", PASSWORD)
    page.goto("/pembinaan/")
    assert "Pembinaan RT · Eka Jaya" in page.content()
    assert page.get_by_test_id("count-never").inner_text() == "1"
    assert (
        page.get_by_test_id("weakest").locator("tbody tr").first.get_attribute("data-code") == "B3"
    )
    assert "Beringin" not in page.content()
    with page.expect_download() as download:
        page.get_by_test_id("coaching-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    shoot_everywhere(page, "coaching")
    page.emulate_media(media="print")
    save_screenshot(page, "coaching-print")
    page.emulate_media(media="screen")


def test_a_juror_s_tablet_keeps_the_self_check_offline_like_the_guide(new_page):
    """The field kit's service worker keeps the self-check once opened (static/js/field-sw.js).

    On a juror's device the kit's worker keeps it; an anonymous visitor's browser gets the
    self-check's own worker instead (tests/browser/test_selfcheck_offline.py).
    """
    from season.management.commands.seed_demo import DEMO_PASSWORD
    from tests.browser.fieldkit import TABLET, field_season, prepare_day, sign_in

    field_season(rts=1)
    page = new_page(**TABLET)
    sign_in(page, "juri1", DEMO_PASSWORD)
    prepare_day(page)
    page.goto("/panduan/cek-mandiri/")
    page.get_by_test_id("kk").fill("45")
    page.locator('label.selfcheck-level:has([data-testid="level-B1-5"])').tap()
    page.context.set_offline(True)
    page.goto("/panduan/")  # the guide, from the kit
    page.goto("/panduan/cek-mandiri/")  # and the self-check, from the copy kept when opened
    page.get_by_test_id("tab-results").tap()
    assert page.get_by_test_id("kk").input_value() == "45"
    assert "Kategori Kecil" in page.get_by_test_id("category").inner_text()
    assert page.get_by_test_id("score-B").inner_text() == "14,29"  # (5 + 6 x 1) / 7 -> 1/7 of 4
    page.context.set_offline(False)


def test_clearing_asks_first_and_then_forgets_the_answers(new_page, master_data):
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    page.goto("/panduan/cek-mandiri/#l=5&kk=40")
    page.get_by_test_id("tab-results").tap()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_test_id("clear").tap()
    assert page.get_by_test_id("kk").input_value() == "40"  # "Batal": nothing lost
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("clear").tap()
    assert page.get_by_test_id("kk").input_value() == ""
    page.goto("/panduan/cek-mandiri/")
    assert page.evaluate("() => window.localStorage.getItem('bantar-selfcheck')") == "l=" + "0" * 21


def test_the_city_s_coaching_lists_page_and_print_whole(
    new_page, master_data, django_user_model, settings
):
    """Issue 19: at city scale the long lists page on their own; the printable page has all."""
    from bantar.models import Role
    from tests.conftest import make_user

    settings.BANTAR_PAGE_SIZE = 1  # two RTs took part and never won: two pages of one
    panitia = make_user("panitia", Role.PANITIA)
    build_city(panitia)
    page = new_page(viewport=PHONE)
    log_in(page, "panitia", PASSWORD)
    page.goto("/pembinaan/")
    section = page.get_by_test_id("not-won")
    first = section.locator("tbody tr").get_attribute("data-rt")
    assert section.locator("tbody tr").count() == 1
    section.get_by_role("link", name="Berikutnya ›").click()
    page.wait_for_url("**halaman_ikut=2**")
    section = page.get_by_test_id("not-won")
    assert section.locator("tbody tr").count() == 1
    assert section.locator("tbody tr").get_attribute("data-rt") != first
    shoot_everywhere(page, "coaching-city-paged")
    page.get_by_test_id("coaching-print").click()
    page.wait_for_url("**cetak=1**")
    assert page.get_by_test_id("not-won").locator("tbody tr").count() == 2
    assert page.locator('[data-testid^="pager-"]').count() == 0
    page.emulate_media(media="print")
    save_screenshot(page, "coaching-city-print")
    page.emulate_media(media="screen")
