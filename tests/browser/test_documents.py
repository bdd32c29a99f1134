"""A pejabat downloads the Lampiran SK and the piagam from the home page; a phone checks one."""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.core.management import call_command
from pypdf import PdfReader

from bantar.templatetags.bantar import rupiah
from documents.certificates import certificate_code
from scoring.models import Result
from scoring.public import published_competitions
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import log_in, save_screenshot

SIZES = {"tablet": (800, 1280), "phone": (390, 844), "desktop": (1366, 900)}


def downloaded_text(download) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = " ".join(re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages)
    return len(reader.pages), text


def test_a_pejabat_downloads_the_decree_attachment_and_the_certificates_in_one_click_each(
    new_page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)
    # The home leads with the newest published competition (the demo's 2025 edition; the
    # 2020 attachment's 112 winners and Rp 892.000.000 are read in tests/documents).
    competition = published_competitions().first()
    assert competition is not None and competition.year > 2020
    winners = Result.objects.filter(
        result_set__competition=competition, result_set__superseded_at__isnull=True, is_winner=True
    )
    count, total = winners.count(), sum(winners.values_list("prize", flat=True))
    assert count > 0
    page = new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    log_in(page, "pejabat", DEMO_PASSWORD)
    save_screenshot(page, "documents-pejabat-home")

    with page.expect_download() as decree:
        page.get_by_role("link", name="Unduh Lampiran SK (PDF)").click()  # click 1
    suffix = f"{competition.year}-{competition.period}"
    assert decree.value.suggested_filename == f"lampiran-sk-{suffix}.pdf"
    pages, text = downloaded_text(decree.value)
    assert f"Jumlah {count} {rupiah(total)}" in text

    page.goto("/")
    with page.expect_download(timeout=60_000) as certificates:
        page.get_by_role("link", name="Unduh piagam pemenang (PDF)").click()  # click 1
    assert certificates.value.suggested_filename == f"piagam-{suffix}.pdf"
    pages, text = downloaded_text(certificates.value)
    assert pages == count and text.count("PIAGAM PENGHARGAAN") == count

    # The documents page, at the three sizes the city uses.
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/kompetisi/{competition.pk}/dokumen/")
        assert page.get_by_role("link", name=re.compile("Lampiran SK")).is_visible()
        save_screenshot(page, f"documents-page-{name}", full_page=False)


def test_a_phone_scanning_a_piagam_sees_that_it_is_genuine(new_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)
    winner = Result.objects.filter(
        result_set__competition__year=2020, result_set__superseded_at__isnull=True, is_winner=True
    ).select_related("entry__rt__kelurahan")[0]
    for name, (width, height) in SIZES.items():
        page = new_page(viewport={"width": width, "height": height})
        page.goto(f"/piagam/{certificate_code(winner.pk)}/")
        assert page.get_by_text("Piagam ini asli.").is_visible()
        assert winner.entry.ketua_rt not in page.content()
        save_screenshot(page, f"documents-verify-{name}")
        page.goto(f"/piagam/{winner.pk}-{'a' * 20}/")
        assert page.get_by_test_id("certificate-unknown").is_visible()
        save_screenshot(page, f"documents-verify-unknown-{name}", full_page=False)
        page.goto(f"/rt/{winner.entry.rt.pk}/")  # the RT's page, with its winning streak
        assert page.get_by_test_id("streak").is_visible()
        save_screenshot(page, f"public-rt-streak-{name}", full_page=False)
