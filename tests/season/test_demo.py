"""The demo season: the 2020 recap comes out of the seeded scores, and everyone has work."""

from __future__ import annotations

import csv
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import F
from openpyxl import load_workbook

from bantar.models import User
from competitions.models import Competition, Entry, EntryStatus
from scoring.models import Evidence, JuryMember, Result, ResultSet, Score, ScoreSheet
from scoring.streaks import rt_won_years

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)


@pytest.mark.real_seed  # computed here, never written back (tests/seed_replay.py)
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
    sheets = ScoreSheet.objects.filter(entry__competition=competition)
    team_sizes = Counter(
        JuryMember.objects.filter(team__competition=competition).values_list("team_id", flat=True)
    )
    expected = sum(
        team_sizes[team]
        for team in Entry.objects.filter(competition=competition).values_list(
            "assignment__team_id", flat=True
        )
    )
    assert sorted(team_sizes.values()) == [3, 3, 3, 3, 3, 5]  # Tim 6: five jurors
    assert sheets.filter(status="submitted").count() == sheets.count() == expected
    assert scores.count() == expected * 21
    assert scores.exclude(note="").exists()
    photos = Evidence.objects.filter(entry__competition=competition)
    assert photos.count() == 158 * 2
    first = photos.first()
    assert (settings.MEDIA_ROOT / first.thumb.name).read_bytes()[:2] == b"\xff\xd8"
    assert len(set(photos.values_list("phash", flat=True))) == photos.count()


@pytest.mark.real_seed
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


def test_the_2020_scores_spread_like_a_real_contest(demo):
    """Just under the pass mark, exactly on it, ties, the KK edges, a phone per head of RT."""
    competition = Competition.objects.get(year=2020, period=1)
    results = list(
        Result.objects.filter(result_set__competition=competition).select_related("entry")
    )
    finals = [r.final for r in results]
    assert min(finals) < 50 and max(finals) > 90  # a spread, not two clusters
    just_under = [r for r in results if Decimal("69") < r.final < 70]
    at_the_mark = [r for r in results if r.final == 70]
    assert len(just_under) >= 6 and not any(r.passed for r in just_under)
    assert len(at_the_mark) >= 2 and all(r.passed and r.is_winner for r in at_the_mark)
    # Ties: two RTs of one category share a rank, each naming the other; one at 70,00.
    tied = [r for r in results if r.explanation["tied_with"]]
    assert len(tied) >= 6 and {r.category_code for r in tied} == {"besar", "sedang", "kecil"}
    assert any(r.final == 70 for r in tied)
    for result in tied:
        partner = next(r for r in results if r.entry_id in result.explanation["tied_with"])
        assert (partner.rank, partner.final, partner.category_code) == (
            result.rank,
            result.final,
            result.category_code,
        )
    # Each size category's first KK: 100 is besar, 60 sedang, 30 kecil (the domain's bands).
    edges = {
        r.entry.kk_count: r.category_code for r in results if r.entry.kk_count in (30, 60, 100)
    }
    assert edges == {30: "kecil", 60: "sedang", 100: "besar"}
    # One phone per head of RT, whichever season he is in.
    phones: dict[str, set[int]] = {}
    for rt_id, phone in Entry.objects.values_list("rt_id", "phone"):
        phones.setdefault(phone, set()).add(rt_id)
    assert all(len(rts) == 1 for rts in phones.values())
    assert len({p for p, _rt in [(e.phone, e.rt_id) for r in results for e in [r.entry]]}) == 158


def test_the_2020_finals_come_from_the_jurors_levels(demo):
    """Independently of the results code: 25 x (mean level - 1) over each RT's 21 x jurors."""
    competition = Competition.objects.get(year=2020, period=1)
    levels: dict[int, list[int]] = {}
    for entry_id, value in Score.objects.filter(sheet__entry__competition=competition).values_list(
        "sheet__entry_id", "value"
    ):
        levels.setdefault(entry_id, []).append(value)
    for result in Result.objects.filter(result_set__competition=competition):
        values = levels[result.entry_id]
        exact = Decimal(25) * (Decimal(sum(values)) / len(values) - 1)
        assert abs(result.final - exact) < Decimal("0.0001"), result.entry_id


def test_this_years_registration_has_one_kencana_rt_from_its_published_streak(client, demo):
    year = Competition.objects.exclude(year=2020).order_by("-year").first().year
    registration = Competition.objects.get(year=year, period=2)
    (kencana,) = Entry.objects.filter(competition=registration, category__code="kencana")
    assert (kencana.rt.kelurahan.name, kencana.rt.number) == ("Eka Jaya", 7)
    assert kencana.status == EntryStatus.PROPOSED and kencana.kk_count >= 100
    # The streak is read from published results of the three years before: won each year.
    assert rt_won_years(kencana.rt) == {year - 3: True, year - 2: True, year - 1: True}
    for past in (year - 3, year - 2, year - 1):
        competition = Competition.objects.get(year=past, period=1)
        assert competition.status == "published"
        result = Result.objects.get(
            result_set__competition=competition,
            result_set__superseded_at__isnull=True,
            entry__rt=kencana.rt,
        )
        assert result.is_winner and result.category_code != "kencana"
    client.force_login(User.objects.get(username="kelurahan.ekajaya"))
    page = client.get(f"/peserta/{kencana.pk}/").content.decode()
    assert f"Menang 3 tahun berturut-turut ({year - 3}-{year - 1})" in page
