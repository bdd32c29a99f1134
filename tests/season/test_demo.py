"""The demo season: the 2020 recap comes out of the seeded scores, and everyone has work."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import F
from openpyxl import load_workbook

from bantar.models import User
from competitions.models import Competition, Entry, EntryStatus
from scoring.models import Evidence, Result, ResultSet, Score

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)


def test_the_2020_rekap_computed_from_the_seeded_scores_matches_the_citys(client, demo):
    competition = Competition.objects.get(year=2020, period=1)
    assert competition.status == "published"
    client.force_login(User.objects.get(username="pejabat"))
    response = client.get(f"/kompetisi/{competition.pk}/laporan/rekap.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row[0] == "No")
    exported = {row[1]: row[2:9] for row in rows[start + 1 :] if row[1]}
    with (settings.BASE_DIR / "fixtures" / "rekap_2020.csv").open(encoding="utf-8") as handle:
        expected = list(csv.DictReader(handle))
    for row in expected:
        assert exported[row["kecamatan"]] == tuple(
            int(row[key])
            for key in (
                "jumlah_kelurahan",
                "jumlah_rt",
                "rt_diusulkan",
                "pemenang_besar",
                "pemenang_sedang",
                "pemenang_kecil",
                "jumlah_pemenang",
            )
        ), row["kecamatan"]
    assert exported["Jumlah"] == (62, 1635, 158, 52, 36, 24, 112)
    assert any(row[0] == "Jumlah hadiah: Rp 892.000.000" for row in rows)
    result_set = ResultSet.objects.current().get(competition=competition)
    assert result_set.total_prize == 892_000_000
    assert Result.objects.filter(result_set=result_set, is_winner=True).count() == 112


def test_the_2020_season_has_real_sheets_notes_and_photos(demo, settings):
    competition = Competition.objects.get(year=2020, period=1)
    scores = Score.objects.filter(sheet__entry__competition=competition)
    assert scores.count() == 158 * 3 * 21
    assert scores.exclude(note="").exists()
    photos = Evidence.objects.filter(entry__competition=competition)
    assert photos.count() == 158 * 2
    first = photos.first()
    assert (settings.MEDIA_ROOT / first.thumb.name).read_bytes()[:2] == b"\xff\xd8"
    assert len(set(photos.values_list("phash", flat=True))) == photos.count()


def test_seeding_twice_changes_nothing(demo):
    counts = (
        Entry.objects.count(),
        Score.objects.count(),
        Evidence.objects.count(),
        ResultSet.objects.count(),
    )
    call_command("seed_demo", verbosity=0)
    assert (
        Entry.objects.count(),
        Score.objects.count(),
        Evidence.objects.count(),
        ResultSet.objects.count(),
    ) == counts


def test_every_demo_account_has_something_to_do(client, demo):
    year = Competition.objects.exclude(year=2020).order_by("-period").first().year
    registration = Competition.objects.get(year=year, period=2)
    assessment = Competition.objects.get(year=year, period=1)
    assert registration.status == "registration" and assessment.status == "assessment"
    eka_jaya = Entry.objects.filter(competition=registration, rt__kelurahan__name="Eka Jaya")
    assert set(eka_jaya.values_list("status", flat=True)) == {
        EntryStatus.DRAFT,
        EntryStatus.PROPOSED,
        EntryStatus.RETURNED,
    }
    assert Entry.objects.filter(
        competition=registration, rt__kelurahan__name="Beringin", status="draft"
    ).exists()
    expectations = {
        "juri1": "/penilaian/",  # two RTs submitted, one started, more waiting
        "juri2": "/penilaian/",
        "kecamatan.paalmerah": "/verifikasi/",
        "kelurahan.ekajaya": "/",
        "panitia": f"/kompetisi/{assessment.pk}/tim/",
        "pejabat": f"/kompetisi/{Competition.objects.get(year=2020, period=1).pk}/laporan/pemenang/",
    }
    for username, url in expectations.items():
        client.force_login(User.objects.get(username=username))
        page = client.get(url).content.decode()
        assert client.get(url).status_code == 200, username
        if username == "juri1":
            assert "21/21 dinilai" in page and "9/21 dinilai" in page
        if username == "kecamatan.paalmerah":
            assert page.count('data-entry="') >= 2
        if username == "kelurahan.ekajaya":
            assert "Jumlah KK berbeda dengan data kelurahan" in page
        if username == "pejabat":
            assert "Rp 892.000.000" in page
    client.force_login(User.objects.get(username="juri3"))
    assert "Tidak Anda nilai" in client.get("/penilaian/").content.decode()


def test_the_score_history_credits_each_level_to_the_juror_of_its_sheet(demo):
    history = Score.history.all()
    assert history.count() == Score.objects.count()
    assert not history.exclude(history_user=F("sheet__juror")).exists()
    # juri2 began one sheet this season: its levels are juri2's, not juri1's.
    assert history.filter(sheet__juror__username="juri2", history_user__username="juri2").exists()


def test_the_demo_re_visits_2020_winners_some_kept_and_some_dropped(client, demo):
    from coaching.models import RevisitRound, Verdict
    from coaching.revisits import draw_repeated

    source = Competition.objects.get(year=2020, period=1)
    (revisit,) = RevisitRound.objects.filter(source=source)
    verdicts = list(revisit.outcomes.values_list("verdict", flat=True))
    assert len(verdicts) == len(revisit.chosen) == 8
    assert Verdict.KEPT in verdicts and Verdict.DROPPED in verdicts
    assert draw_repeated(revisit) is True
    # Information beside the 2020 results, never a result of its own.
    assert not ResultSet.objects.filter(competition=revisit.competition).exists()
    client.force_login(User.objects.get(username="panitia"))
    assert client.get(f"/kunjungan-ulang/{revisit.pk}/").status_code == 200
