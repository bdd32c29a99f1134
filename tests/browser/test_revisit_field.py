"""A re-visit on the field kit, offline (issue 16.3): the juror prepares the day with a
connection, scores the re-visited RT without one on the same scoring page, sees the 2021 award
photo of B3 from the kit's copy, takes a photo whose distance to the award photo's place is
shown at once, submits, and on reconnecting everything arrives once. No published result moves.
"""

from __future__ import annotations

import random
from decimal import Decimal

from bantar.models import Role
from coaching.revisits import revisit_conclude, revisit_create
from competitions.models import Competition, Entry
from indicators.models import Indicator
from scoring.models import Evidence, Result, Score, ScoreSheet, SheetStatus
from scoring.services import entry_assign, team_add_member, team_create
from season.demo import make_photos
from tests.browser.conftest import save_screenshot
from tests.browser.fieldkit import (
    CODES,
    TABLET,
    all_items,
    cached_paths,
    js,
    prepare_day,
    sign_in,
    tap_level,
    wait_until,
    waiting_items,
)
from tests.browser.test_scoring_tablet import camera_photo
from tests.coaching.city import build_city
from tests.conftest import PASSWORD, make_user

# The tablet stands 0.001 degree of latitude (111 m) north of where the 2021 photo was taken.
AWARD_PLACE = (Decimal("-1.620000"), Decimal("103.590000"))
HERE = {"latitude": -1.619, "longitude": 103.59}


def test_a_re_visit_scored_offline_on_the_field_kit(new_page, master_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    panitia = make_user("panitia", Role.PANITIA)
    rts = build_city(panitia)
    source = Competition.objects.get(year=2021, period=1)
    award = Entry.objects.get(competition=source, rt=rts["E1"])
    (photo,) = make_photos(
        award, award.assignment.team.members.first().user, [Indicator.objects.get(code="B3")],
        random.Random(5), count=1,
    )  # fmt: skip
    photo.latitude, photo.longitude = AWARD_PLACE
    photo.save()
    revisit = revisit_create(source=source, by=panitia, rt_ids=[rts["E1"].pk])
    juror = make_user("juri.ulang", Role.JURI)
    team = team_create(competition=revisit.competition, name="Tim Ulang")
    team_add_member(team=team, user=juror, agency="DLH")
    entry = Entry.objects.get(competition=revisit.competition)
    entry_assign(entry=entry, team=team, by=panitia)
    published = sorted(Result.objects.values_list("pk", "final", "is_winner", "rank"))

    page = new_page(**TABLET, geolocation=HERE, permissions=["geolocation"])
    sign_in(page, "juri.ulang", PASSWORD)
    state = prepare_day(page)
    assert state["complete"]
    thumb = f"/penilaian/{entry.pk}/foto-lomba/{photo.pk}/thumb/"
    assert thumb in cached_paths(page)  # the award photo is in the kit

    # --- no network from here ---------------------------------------------------------------
    page.context.set_offline(True)
    page.goto(f"/penilaian/{entry.pk}/")
    assert page.locator("#scoring").get_attribute("data-entry") == str(entry.pk)
    page.wait_for_function(js("document.getElementById('sync-state').dataset.state === 'offline'"))
    earlier = page.get_by_test_id("earlier-B3")
    assert "Foto lomba 2021" in earlier.inner_text()
    assert page.evaluate(
        "() => document.querySelector('[data-testid=earlier-B3] img').naturalWidth"
    ) > 0  # fmt: skip
    picture = tmp_path / "kamera.jpg"
    camera_photo(picture)
    page.locator('.photo-input[data-indicator="B3"]').set_input_files(str(picture))
    page.wait_for_selector('.photos[data-indicator="B3"] .photo-thumb.pending')
    assert page.get_by_test_id("distance-B3").inner_text() == "111 m dari foto Anda"
    earlier.scroll_into_view_if_needed()
    save_screenshot(page, "revisit-field-offline-tablet", full_page=False)
    for code in CODES:
        tap_level(page, code, 1 if code == "B3" else 5)
    page.locator("#submit-sheet").tap()
    page.wait_for_selector('[data-testid="submit-waiting"]:not([hidden])')
    assert Score.objects.filter(sheet__entry=entry).count() == 0  # nothing got out yet

    # --- back online: everything arrives, once ---------------------------------------------
    page.context.set_offline(False)
    wait_until(lambda: waiting_items(page) == 0, message=f"still waiting: {all_items(page)}")
    assert [item for item in all_items(page) if item["state"] == "refused"] == []
    sheet = ScoreSheet.objects.get(entry=entry, juror=juror)
    assert sheet.status == SheetStatus.SUBMITTED
    assert Score.objects.filter(sheet=sheet).count() == 21
    assert Score.history.filter(sheet_id=sheet.pk).count() == 21
    (arrived,) = Evidence.objects.filter(entry=entry)
    assert (arrived.latitude, arrived.longitude) == (Decimal("-1.619000"), Decimal("103.590000"))
    page.reload()  # sends nothing again
    assert waiting_items(page) == 0
    assert Score.objects.filter(sheet=sheet).count() == 21
    assert Evidence.objects.filter(entry=entry).count() == 1
    (outcome,) = revisit_conclude(revisit=revisit, by=panitia)
    assert outcome.revisit_final == outcome.award_final == Decimal("95.2381")
    assert sorted(Result.objects.values_list("pk", "final", "is_winner", "rank")) == published
