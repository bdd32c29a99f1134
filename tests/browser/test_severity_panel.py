"""The panitia opens "Keseragaman penilaian" from the plenary: four teams scored two
calibration RTs, one of them a level more lenient, and that team is flagged; the settings
page sets the threshold. Screenshots at tablet, phone and desktop."""

from __future__ import annotations

import uuid

from django.core.management import call_command

from bantar.models import Role
from competitions.models import RT, Competition, CompetitionStatus, EntryStatus, Kelurahan
from indicators.models import Indicator
from scoring.models import Assignment, JuryMember, JuryTeam, Score, ScoreSheet, SheetStatus
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, log_in, save_screenshot
from tests.conftest import PASSWORD, make_user
from tests.factories import EntryFactory

SIZES = {"tablet": (800, 1280), "phone": (390, 844), "desktop": (1366, 900)}


def four_teams_on_two_calibration_rts(competition: Competition) -> None:
    """Tim Kota 1-4, one juror each; Tim Kota 3 gives one level more on both RTs."""
    kelurahan = Kelurahan.objects.get(name="Beringin")
    indicators = list(Indicator.objects.all())
    teams = []
    for number in range(1, 5):
        team = JuryTeam.objects.create(competition=competition, name=f"Tim Kota {number}")
        juror = make_user(f"juri.kota{number}", Role.JURI)
        JuryMember.objects.create(team=team, user=juror, agency="DLH")
        teams.append((team, juror))
    scores = []
    for number in (31, 32):
        entry = EntryFactory(
            competition=competition,
            rt=RT.objects.create(kelurahan=kelurahan, number=number),
            kk_count=70,
            status=EntryStatus.VERIFIED,
            is_calibration=True,
        )
        Assignment.objects.create(entry=entry, team=teams[0][0])
        for team_number, (_team, juror) in enumerate(teams, start=1):
            sheet = ScoreSheet.objects.create(
                entry=entry, juror=juror, status=SheetStatus.SUBMITTED
            )
            scores += [
                Score(
                    sheet=sheet,
                    indicator=indicator,
                    value=2 + (indicator.pk + number) % 3 + (1 if team_number == 3 else 0),
                    client_id=uuid.uuid4(),
                )
                for indicator in indicators
            ]
    Score.objects.bulk_create(scores)
    Competition.objects.filter(pk=competition.pk).update(status=CompetitionStatus.PLENARY)


def test_the_panel_flags_the_lenient_team(new_page):
    call_command("seed_demo", "--minimal", verbosity=0)
    competition = Competition.objects.exclude(year=2020).get()
    four_teams_on_two_calibration_rts(competition)
    for size, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        log_in(page, "panitia", DEMO_PASSWORD)
        page.goto(f"/kompetisi/{competition.pk}/pleno/")
        page.get_by_role("link", name="Keseragaman penilaian antar tim").click()
        page.wait_for_url(f"**/kompetisi/{competition.pk}/pleno/keseragaman/")
        assert page.get_by_test_id("severity-basis").get_attribute("data-basis") == "calibration"
        assert "2 RT kalibrasi" in page.get_by_test_id("severity-basis").inner_text()
        flagged = page.locator('tbody[data-flagged="1"]')
        assert flagged.count() == 1
        assert flagged.get_attribute("data-team") == "Tim Kota 3"
        assert flagged.get_by_test_id("team-difference").inner_text() == "+1,00"
        assert flagged.get_by_test_id("severity-flag").inner_text() == "lebih murah"
        save_screenshot(page, f"severity-panel-{size}")
        page.get_by_role("link", name="Atur batas, RT kalibrasi dan normalisasi").click()
        page.get_by_label("Batas selisih rata-rata tim (level)").fill("1,5")
        page.get_by_role("button", name="Simpan").click()
        page.wait_for_url(f"**/kompetisi/{competition.pk}/pleno/keseragaman/")
        assert page.locator('tbody[data-flagged="1"]').count() == 0
        assert "1,50" in page.get_by_test_id("severity-threshold").inner_text()
        page.get_by_role("link", name="Atur batas, RT kalibrasi dan normalisasi").click()
        save_screenshot(page, f"severity-settings-{size}")
        assert_accessible(page)
        page.get_by_label("Batas selisih rata-rata tim (level)").fill("0,5")
        page.get_by_role("button", name="Simpan").click()
        page.wait_for_url(f"**/kompetisi/{competition.pk}/pleno/keseragaman/")


def test_the_explain_page_shows_raw_and_normalised_levels(new_page):
    call_command("seed_demo", "--minimal", verbosity=0)
    competition = Competition.objects.exclude(year=2020).get()
    four_teams_on_two_calibration_rts(competition)
    Competition.objects.filter(pk=competition.pk).update(normalise_levels=True)
    entry = competition.entries.order_by("rt__number").first()
    for size, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        log_in(page, "panitia", DEMO_PASSWORD)
        page.goto(f"/kompetisi/{competition.pk}/pleno/rt/{entry.pk}/")
        assert page.get_by_test_id("normalised-note").is_visible()
        assert page.get_by_test_id("normalised-level").count() == Indicator.objects.count()
        assert "nilai setiap juri dinormalisasi" in page.get_by_test_id("method").inner_text()
        save_screenshot(page, f"explain-normalised-{size}")


def test_a_juror_of_another_team_sees_the_calibration_rts_marked(new_page):
    call_command("seed_demo", "--minimal", verbosity=0)
    competition = Competition.objects.exclude(year=2020).get()
    four_teams_on_two_calibration_rts(competition)
    ScoreSheet.objects.filter(juror__username="juri.kota2").update(status=SheetStatus.DRAFT)
    Competition.objects.filter(pk=competition.pk).update(status=CompetitionStatus.ASSESSMENT)
    for size, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        log_in(page, "juri.kota2", PASSWORD)
        page.goto("/penilaian/")
        notes = page.get_by_test_id("calibration")
        assert notes.count() == 2
        assert "nilai Tim Kota 1 yang dihitung" in notes.first.inner_text()
        save_screenshot(page, f"juror-calibration-{size}")


def test_the_panitia_chooses_a_calibration_rt_through_the_search(new_page):
    """Issue 19: the settings page lists the chosen RTs and a search, not 1,650 check boxes.
    The panitia narrows the search to Beringin's kecamatan and "RT 33", adds that RT, and
    the choice stays when the search is cleared; removing it leaves the other two."""
    call_command("seed_demo", "--minimal", verbosity=0)
    competition = Competition.objects.exclude(year=2020).get()
    four_teams_on_two_calibration_rts(competition)
    beringin = Kelurahan.objects.select_related("kecamatan").get(name="Beringin")
    spare = EntryFactory(
        competition=competition,
        rt=RT.objects.create(kelurahan=beringin, number=33, name_kampung="Kampung Tiga Tiga"),
        kk_count=70,
        status=EntryStatus.VERIFIED,
    )
    Assignment.objects.create(entry=spare, team=JuryTeam.objects.get(name="Tim Kota 2"))
    for size, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        log_in(page, "panitia", DEMO_PASSWORD)
        page.goto(f"/kompetisi/{competition.pk}/pleno/keseragaman/atur/")
        chosen = page.get_by_test_id("calibration-chosen")
        assert chosen.locator("[data-entry]").count() == 2
        filters = page.get_by_test_id("calibration-filters")
        filters.get_by_label("Kecamatan", exact=True).select_option(label=beringin.kecamatan.name)
        filters.get_by_label("Cari").fill("RT 33")
        filters.get_by_role("button", name="Saring").click()
        page.wait_for_url("**q=RT+33**")
        candidates = page.get_by_test_id("calibration-candidates").locator("[data-entry]")
        assert candidates.count() == 1
        assert "Kampung Tiga Tiga" in candidates.first.inner_text()
        candidates.first.get_by_role("button", name="Jadikan RT 33 Beringin RT kalibrasi").click()
        page.wait_for_load_state()
        assert "RT 33 Beringin menjadi RT kalibrasi." in page.get_by_role("alert").inner_text()
        assert "q=RT+33" in page.url  # the search is kept
        assert chosen.locator(f'[data-entry="{spare.pk}"]').count() == 1
        assert page.get_by_test_id("calibration-count").inner_text() == "3"
        save_screenshot(page, f"severity-settings-search-{size}")
        assert_accessible(page)
        page.get_by_role("link", name="Hapus saringan").click()
        page.wait_for_load_state()
        assert chosen.locator("[data-entry]").count() == 3  # nothing lost with the filter
        chosen.get_by_role("button", name="Hapus RT 33 Beringin dari RT kalibrasi").click()
        page.wait_for_load_state()
        assert chosen.locator("[data-entry]").count() == 2
        save_screenshot(page, f"severity-settings-{size}-after-removal", full_page=False)


def test_the_sheet_page_of_a_calibration_rt_compares_the_teams(new_page):
    """Issue 12: on RT 31's sheet page the panitia reads the four teams' levels side by side,
    Tim Kota 1's marked as the one that counts and Tim Kota 3's a level higher."""
    call_command("seed_demo", "--minimal", verbosity=0)
    competition = Competition.objects.exclude(year=2020).get()
    four_teams_on_two_calibration_rts(competition)
    entry = competition.entries.get(rt__number=31, is_calibration=True)
    for size, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        log_in(page, "panitia", DEMO_PASSWORD)
        page.goto(f"/peserta/{entry.pk}/lembar-nilai/")
        comparison = page.get_by_test_id("calibration-comparison")
        heads = comparison.get_by_test_id("calibration-sheet")
        assert heads.count() == 4
        assert "dihitung" in heads.first.inner_text() and "Tim Kota 1" in heads.first.inner_text()
        first_row = comparison.locator("tbody tr").first
        levels = [
            int(text) for text in first_row.get_by_test_id("calibration-level").all_inner_texts()
        ]
        assert levels[2] == levels[0] + 1 and levels[0] == levels[1] == levels[3]
        comparison.scroll_into_view_if_needed()
        save_screenshot(page, f"calibration-sheets-{size}", full_page=False)
        assert_accessible(page)
