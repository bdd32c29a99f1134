"""Each role's home leads with its own work, in the competition where it has work now,
and every figure on a home is the count of the list it links to.

Most tests walk the demo season: period 1 of this year in field assessment (the jurors'
work), period 2 open for registration (the kelurahan's and kecamatan's), 2020 published.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from bantar.models import Role, User
from competitions.models import Competition, CompetitionStatus, EntryStatus
from competitions.services import ERROR_NO_PROPOSALS
from scoring.models import Result
from scoring.result_selectors import missing_sheets
from tests.factories import EntryFactory, RTFactory
from tests.scoring.seasons import build_season

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)
    year = timezone.localdate().year
    return {
        "assessment": Competition.objects.get(year=year, period=1),
        "registration": Competition.objects.get(year=year, period=2),
        "published": Competition.objects.get(year=2020, period=1),
        # The newest published: the last of the three years Eka Jaya RT 07 won (season/demo.py).
        "latest": Competition.objects.filter(status=CompetitionStatus.PUBLISHED)
        .order_by("-year", "-period")
        .first(),
    }


def page_as(client, username: str, url: str = "/") -> str:
    client.force_login(User.objects.get(username=username))
    response = client.get(url)
    assert response.status_code == 200, (username, url, response.status_code)
    return response.content.decode()


def counts_on(page: str) -> list[tuple[str, int, str]]:
    """(status, count, link) of every figure card (templates/home/_counts.html)."""
    return [
        (status, int(count), unescape(url))
        for url, status, count in re.findall(
            r'<a class="card[^"]*home-count" href="([^"]+)" data-status="(\w+)" data-count="(\d+)"',
            page,
        )
    ]


def rows_of_entry_list(page: str) -> int:
    return len(re.findall(r'<tr data-entry="\d+"', page))


def data_count(page: str, testid: str) -> int:
    return int(re.search(rf'data-testid="{testid}"[^>]*data-count="(\d+)"', page).group(1))


# --- Juror -----------------------------------------------------------------------------


def test_the_juror_home_is_about_the_competition_it_scores_in(client, demo):
    """juri1 works in period 1's field assessment, not period 2's registration."""
    page = page_as(client, "juri1")
    assert f'data-competition="{demo["assessment"].pk}"' in page
    assert "Penilaian lapangan" in page and "Tim 1" in page
    assert "Pendaftaran ditutup" not in page  # period 2's registration banner is not its work
    # Two RTs sent, one started; the four others wait. The list it leads to says the same.
    assert data_count(page, "juror-waiting") == 4
    assert data_count(page, "juror-started") == 1
    assert data_count(page, "juror-submitted") == 2
    assert 'href="/penilaian/" data-testid="open-scoring-list"' in page
    listing = page_as(client, "juri1", "/penilaian/")
    progress = re.findall(r'<span class="badge (text-bg-\w+)" data-progress>', listing)
    assert progress.count("text-bg-success") == 2  # submitted
    assert progress.count("text-bg-primary") == 4  # waiting
    # The next RTs link straight to their scoring pages.
    assert len(re.findall(r'href="/penilaian/\d+/" data-entry=', page)) == 4


def test_a_juror_living_in_eka_jaya_is_told_what_it_does_not_score(client, demo):
    page = page_as(client, "juri3")
    assert data_count(page, "juror-excluded") == 2
    assert data_count(page, "juror-waiting") == 4
    listing = page_as(client, "juri3", "/penilaian/")
    assert listing.count("Tidak Anda nilai") == 2


def test_a_juror_on_no_team_is_told_so(client, juror):
    client.force_login(juror)
    page = client.get("/").content.decode()
    assert 'data-testid="juror-unassigned"' in page


# --- Kelurahan -------------------------------------------------------------------------


def test_the_kelurahan_home_counts_match_the_entry_list_per_status(client, demo):
    page = page_as(client, "kelurahan.ekajaya")
    registration = demo["registration"]
    assert f'data-competition="{registration.pk}"' in page
    counts = counts_on(page)
    assert [status for status, _n, _url in counts] == [s.value for s in EntryStatus]
    assert {status: n for status, n, _url in counts} == {
        "draft": 1,
        "proposed": 2,  # RT 06, and RT 07 in Kencana (season/demo.py: it won 3 years in a row)
        "verified": 0,
        "returned": 1,
        "withdrawn": 0,
    }
    for status, count, url in counts:
        assert url == f"/peserta/?kompetisi={registration.pk}&status={status}"
        assert rows_of_entry_list(page_as(client, "kelurahan.ekajaya", url)) == count, status


def test_the_kelurahan_home_leads_with_the_returned_entry_and_its_note(client, demo):
    page = page_as(client, "kelurahan.ekajaya")
    returned = page.index('data-testid="returned"')
    assert returned < page.index("home-counts")  # before anything else
    assert "Dikembalikan kecamatan: 1 usulan perlu diperbaiki" in page
    assert "Jumlah KK berbeda dengan data kelurahan; mohon diperiksa" in page
    assert re.search(r'href="/peserta/\d+/ubah/">Perbaiki</a>', page)
    assert "1 draf belum diusulkan" in page


def test_a_returned_entry_of_a_competition_in_verification_still_shows(
    client, officer_eka_jaya, eka_jaya, open_competition
):
    """Registration is closed and verification runs: the entry can still be fixed."""
    entry = EntryFactory(
        competition=open_competition,
        rt=RTFactory(kelurahan=eka_jaya, number=4),
        status=EntryStatus.RETURNED,
        return_note="Foto papan nama RT belum ada.",
    )
    open_competition.status = CompetitionStatus.VERIFICATION
    open_competition.save()
    client.force_login(officer_eka_jaya)
    page = client.get("/").content.decode()
    assert f'data-competition="{open_competition.pk}"' in page
    assert "Foto papan nama RT belum ada." in page
    assert f'href="/peserta/{entry.pk}/ubah/"' in page


# --- Kecamatan -------------------------------------------------------------------------


def queue_counts(page: str) -> dict[str, int]:
    """The figures the verification queue shows (templates/home/_status_counts.html)."""
    return {s: int(n) for s, n in re.findall(r'data-status="(\w+)">(\d+)</div>', page)}


def test_the_kecamatan_home_counts_are_its_queues(client, demo):
    """Eka Jaya has a draft: the queue never shows it, and neither does the home."""
    registration = demo["registration"]
    page = page_as(client, "kecamatan.paalmerah")
    assert f'data-competition="{registration.pk}"' in page
    home = {status: (n, url) for status, n, url in counts_on(page)}
    queue_url = f"/verifikasi/?kompetisi={registration.pk}"
    queue = queue_counts(page_as(client, "kecamatan.paalmerah", queue_url))
    assert queue["draft"] == 0 and "draft" not in home
    assert home["proposed"] == (queue["proposed"], queue_url) == (2, queue_url)
    assert home["verified"][0] == queue["verified"]
    assert home["returned"][0] == queue["returned"] == 1
    for status in ("verified", "returned"):
        listed = page_as(client, "kecamatan.paalmerah", home[status][1])
        assert rows_of_entry_list(listed) == home[status][0]
    assert f'href="{queue_url}" data-testid="open-queue">Periksa 2 usulan</a>' in page
    assert len(re.findall(r'data-testid="waiting"', page)) == 1


def test_the_kecamatan_home_counts_what_it_may_check_with_a_draft_elsewhere(
    client, officer_paal_merah, eka_jaya, open_competition
):
    """The issue's case: one draft in the kecamatan, nothing proposed."""
    EntryFactory(
        competition=open_competition, rt=RTFactory(kelurahan=eka_jaya), status=EntryStatus.DRAFT
    )
    client.force_login(officer_paal_merah)
    page = client.get("/").content.decode()
    assert {s: n for s, n, _url in counts_on(page)} == {"proposed": 0, "verified": 0, "returned": 0}
    assert "Tidak ada usulan yang menunggu diperiksa." in page


# --- Panitia ---------------------------------------------------------------------------


def work_card(page: str, competition: Competition) -> str:
    start = page.index(
        f'<section class="card mb-3 competition-work" data-competition="{competition.pk}"'
    )
    return page[start : page.index("</section>", start)]


def test_the_panitia_home_shows_each_stage_its_blockers_and_the_jurors_progress(client, demo):
    page = page_as(client, "panitia")
    assessment, registration = demo["assessment"], demo["registration"]
    # Newest first: period 2's registration, then period 1's assessment; 2020 is published.
    assert page.index(f'data-competition="{registration.pk}"') < page.index(
        f'data-competition="{assessment.pk}"'
    )
    field = work_card(page, assessment)
    assert "Penilaian lapangan" in field
    assert "baru 2 dari 16 lembar nilai terkirim" in field  # may open the plenary, not finish
    # Verified RTs without a team: the teams page counts the same.
    unassigned = data_count(field, "unassigned")
    teams = page_as(client, "panitia", f"/kompetisi/{assessment.pk}/tim/")
    assert f"{unassigned} belum ditugaskan" in teams and unassigned == 4
    # The jurors' progress is the plenary's own table.
    home_progress = re.findall(
        r'data-juror="([^"]+)" data-submitted="(\d+)" data-expected="(\d+)"', field
    )
    plenary = page_as(client, "panitia", f"/kompetisi/{assessment.pk}/pleno/")
    table = plenary[plenary.index('data-testid="juror-progress"') :]
    plenary_progress = re.findall(
        r"<td>Tim 1</td><td>([^<]+)</td><td class=\"text-end\">(\d+)/(\d+)</td>", table
    )
    assert sorted(home_progress) == sorted(plenary_progress)
    assert ("Juri Satu (DLH)", "2", "6") in home_progress
    # Every figure links to the entry list that shows as many rows.
    for status, count, url in counts_on(field):
        assert rows_of_entry_list(page_as(client, "panitia", url)) == count, status


def test_the_panitia_sees_what_the_stage_button_would_refuse(client, panitia, open_competition):
    client.force_login(panitia)
    page = client.get("/").content.decode()
    card = work_card(page, open_competition)
    assert "Belum dapat lanjut ke Verifikasi" in card
    assert str(ERROR_NO_PROPOSALS) in card


def test_during_the_plenary_the_panitia_sees_the_missing_sheets(client, panitia, open_competition):
    entries = build_season(open_competition, submit=False)
    client.force_login(panitia)
    card = work_card(client.get("/").content.decode(), open_competition)
    missing = missing_sheets(open_competition)
    assert data_count(card, "blockers") == len(missing) == 2 * len(entries)
    assert f"dan {len(missing) - 10} lagi" in card
    assert unescape(missing[0]) in unescape(card)
    plenary = client.get(f"/kompetisi/{open_competition.pk}/pleno/").content.decode()
    assert unescape(missing[0]) in unescape(plenary)


def test_a_failed_mail_is_on_the_panitia_home_and_a_small_page(client, panitia):
    from bantar.models import MailKind, MailLog, MailStatus

    MailLog.objects.create(
        kind=MailKind.DIGEST,
        recipients="kecamatan@bantar.example",
        subject="1 usulan RT menunggu diperiksa",
        status=MailStatus.FAILED,
        error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    MailLog.objects.create(
        kind=MailKind.DIGEST, recipients="x@bantar.example", subject="ok", status=MailStatus.SENT
    )
    client.force_login(panitia)
    page = client.get("/").content.decode()
    assert data_count(page, "failed-mails") == 1
    assert "1 surel gagal terkirim" in page and "kecamatan@bantar.example" in page
    listing = client.get("/surel/?status=failed").content.decode()
    assert (
        len(
            re.findall(r'<li class="list-group-item" data-mail="\d+" data-status="failed"', listing)
        )
        == 1
    )
    assert "Connection refused" in listing and 'data-status="sent"' not in listing


def test_the_admin_home_is_the_panitias_work_with_the_admins_door(
    client, admin_user, open_competition
):
    client.force_login(admin_user)
    page = client.get("/").content.decode()
    assert "Administrator" in page and 'href="/admin/"' in page
    assert f'data-competition="{open_competition.pk}"' in page


# --- Pejabat ---------------------------------------------------------------------------


def test_the_pejabat_home_has_the_published_results_and_every_list_one_click_away(client, demo):
    published = demo["latest"]
    assert published.year == timezone.localdate().year - 1
    page = page_as(client, "pejabat")
    card = page[
        page.index(f'published-results border-success" data-competition="{published.pk}"') :
    ]
    winners = Result.objects.filter(result_set__competition=published, is_winner=True).count()
    prize = sum(
        Result.objects.filter(result_set__competition=published).values_list("prize", flat=True)
    )
    assert data_count(card, "winners") == winners == 3
    assert f"Rp {prize:,}".replace(",", ".") in card
    assert (
        f'href="/kompetisi/{published.pk}/laporan/pemenang.xlsx" data-testid="winners-xlsx"' in card
    )
    for name in ("pemenang", "rekap", "matriks", "peserta"):
        for url in (
            f"/kompetisi/{published.pk}/laporan/{name}/",
            f"/kompetisi/{published.pk}/laporan/{name}.xlsx",
            f"/kompetisi/{published.pk}/laporan/{name}.csv",
        ):
            assert f'href="{url}"' in card, url
            client.force_login(User.objects.get(username="pejabat"))
            assert client.get(url).status_code == 200, url
    # The winners list the figure links to has as many winners (one total row per category).
    listing = page_as(client, "pejabat", f"/kompetisi/{published.pk}/laporan/pemenang/")
    totals = [int(n) for n in re.findall(r"<td>(\d+) RT</td>", listing)]
    assert sum(totals) == winners
    # Competitions under way follow, with their stage.
    assert page.index("published-results") < page.index("Kompetisi yang sedang berjalan")


def test_a_role_without_a_region_gets_a_plain_home(client, db):
    broken = User.objects.create(username="tanpa.wilayah", role=Role.KELURAHAN)
    client.force_login(broken)
    page = client.get("/").content.decode()
    assert "Akun belum lengkap" in page


@pytest.mark.real_seed
def test_seeding_the_demo_mails_nobody(settings, tmp_path, django_capture_on_commit_callbacks):
    """The season's returns, assignments and publication are history, not hand-overs."""
    from bantar.models import MailLog

    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("seed_demo", verbosity=0)
    # The only work after a commit is scoring's own signals (the coaching view keeps its
    # figures at the 2020 publication); no mail is queued, and none was sent.
    sent_after = {callback.__qualname__.split(".")[0] for callback in callbacks}
    assert sent_after <= {"_send_on_commit"}, sent_after
    assert not MailLog.objects.exists() and mail.outbox == []
    assert User.objects.get(username="panitia").email == "panitia@bantar.example"
