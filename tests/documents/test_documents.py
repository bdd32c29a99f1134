"""The papers the city signs, rendered from a small season and read back from the PDF."""

from __future__ import annotations

import io
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from pyzbar.pyzbar import decode

from competitions.models import CompetitionStatus
from documents import views
from documents.certificates import certificate_code, result_pk_for
from indicators.models import Level
from scoring.models import Result, ResultSet
from scoring.result_services import (
    competition_finalise,
    competition_publish,
    competition_reopen_results,
)
from tests.conftest import make_user
from tests.documents.conftest import pdf_pages, pdf_reader
from tests.scoring.seasons import PLANS, build_season

pytestmark = pytest.mark.django_db

WIB = timezone.get_fixed_timezone(7 * 60)
A4 = (595, 842)  # points


def url(competition, name: str) -> str:
    return f"/kompetisi/{competition.pk}/dokumen/{name}"


def announce_on(competition, day: datetime) -> None:
    ResultSet.objects.current().filter(competition=competition).update(published_at=day)


def page_size(response, index: int = 0) -> tuple[int, int]:
    box = pdf_reader(response).pages[index].mediabox
    return round(float(box.width)), round(float(box.height))


# --- Lampiran SK ---------------------------------------------------------------


def test_the_lampiran_sk_lists_the_winners_per_category_with_totals_and_the_signatory(
    client, pejabat, published, open_competition, settings
):
    settings.BANTAR_SIGNATORY_NAME = "Dr. H. Budi Santoso, M.Si."
    settings.BANTAR_SIGNATORY_NIP = "19700101 199003 1 001"
    announce_on(open_competition, datetime(2020, 10, 26, 9, 0, tzinfo=WIB))
    client.force_login(pejabat)
    response = client.get(url(open_competition, "lampiran-sk.pdf"))
    text = " ".join(pdf_pages(response))
    assert page_size(response) == A4
    assert "LAMPIRAN KEPUTUSAN WALI KOTA JAMBI" in text
    assert "Tanggal : 26 Oktober 2020" in text
    # Every winner once, in its category, with kecamatan, kelurahan, RT, score, rank and prize.
    assert "1. Kategori Besar" in text and "3. Kategori Kecil" in text
    for row in [
        "1 Paal Merah Eka Jaya RT 01 100,00 1 Rp 10.000.000",
        "2 Pasar Jambi Beringin RT 02 75,00 2 Rp 10.000.000",
        "3 Telanaipura Simpang IV Sipin RT 03 75,00 2 Rp 10.000.000",
        "1 Pasar Jambi Beringin RT 05 75,00 2 Rp 7.000.000",
        "1 Paal Merah Eka Jaya RT 07 87,50 1 Rp 5.000.000",
    ]:
        assert text.count(row) == 1, row
    assert "RT 04" not in text and "RT 06" not in text  # gated, not passed
    assert "Jumlah 3 RT Rp 30.000.000" in text
    assert "Jumlah 1 RT Rp 7.000.000" in text and "Jumlah 1 RT Rp 5.000.000" in text
    assert "Jumlah 5 Rp 42.000.000" in text  # the overall total
    assert (
        "Jambi, 26 Oktober 2020 Wali Kota Jambi Dr. H. Budi Santoso, M.Si. "
        "NIP 19700101 199003 1 001" in text
    )
    assert "Ketua A" not in text  # no head of RT on the decree
    assert "SEMENTARA" not in text
    assert "Halaman 1 dari 1" in text
    assert 'filename="lampiran-sk-' in response["Content-Disposition"]


def test_a_lampiran_sk_before_final_is_watermarked_sementara(
    client, panitia, season, open_competition
):
    assert open_competition.status == CompetitionStatus.PLENARY
    client.force_login(panitia)
    response = client.get(url(open_competition, "lampiran-sk.pdf"))
    text = " ".join(pdf_pages(response))
    assert "SEMENTARA" in text and "HASIL SEMENTARA, belum final" in text
    assert "Jumlah 5 Rp 42.000.000" in text
    assert "sementara.pdf" in response["Content-Disposition"]


def test_no_lampiran_sk_before_the_plenary(client, panitia, open_competition):
    client.force_login(panitia)
    response = client.get(url(open_competition, "lampiran-sk.pdf"))
    assert response.status_code == 404
    assert str(views.ERROR_NOT_YET % {"competition": open_competition.title}) in (
        response.content.decode()
    )


def test_the_documents_are_in_indonesian_whatever_the_users_language(
    client, pejabat, published, open_competition
):
    announce_on(open_competition, datetime(2020, 10, 26, 9, 0, tzinfo=WIB))
    client.force_login(pejabat)
    client.cookies["django_language"] = "en"
    text = " ".join(pdf_pages(client.get(url(open_competition, "lampiran-sk.pdf"))))
    assert "Jambi, 26 Oktober 2020" in text and "Halaman 1 dari 1" in text


def test_the_letterhead_comes_from_the_settings_with_an_optional_logo(
    client, pejabat, published, open_competition, settings, tmp_path
):
    settings.BANTAR_KOP_LINES = ["PEMERINTAH KOTA UJI", "Dinas Percobaan"]
    client.force_login(pejabat)
    response = client.get(url(open_competition, "lampiran-sk.pdf"))
    assert " ".join(pdf_pages(response)).startswith("PEMERINTAH KOTA UJI Dinas Percobaan")
    assert not list(pdf_reader(response).pages[0].images)
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 140), "#146c43").save(logo)
    settings.BANTAR_KOP_LOGO = str(logo)
    response = client.get(url(open_competition, "lampiran-sk.pdf"))
    images = list(pdf_reader(response).pages[0].images)
    assert len(images) == 1 and images[0].image.size == (120, 140)
    settings.BANTAR_KOP_LOGO = str(tmp_path / "missing.png")  # left out, not an error page
    assert client.get(url(open_competition, "lampiran-sk.pdf")).status_code == 200


# --- Piagam --------------------------------------------------------------------


def test_one_landscape_piagam_per_winning_rt(client, panitia, published, open_competition):
    client.force_login(panitia)
    response = client.get(url(open_competition, "piagam.pdf"))
    pages = pdf_pages(response)
    assert len(pages) == 5 and page_size(response, 4) == (A4[1], A4[0])
    first = pages[0]
    for words in [
        "PIAGAM PENGHARGAAN",
        "RT 01",
        "Kelurahan Eka Jaya, Kecamatan Paal Merah",
        "KAMPUNG BANTAR · KATEGORI BESAR",
        f"dalam {open_competition.title}, tahun {open_competition.year}",
        "peringkat 1 dan nilai akhir 100,00",
        "Wali Kota Jambi",
    ]:
        assert words in first, words
    assert "KATEGORI KECIL" in pages[4] and "RT 07" in pages[4]
    assert "Ketua" not in " ".join(pages)
    assert "Halaman" not in " ".join(pages)  # a certificate carries no page number


def test_one_piagam_for_one_rt_and_none_for_an_rt_that_did_not_win(
    client, panitia, published, open_competition
):
    client.force_login(panitia)
    response = client.get(url(open_competition, f"piagam/{published['E'].pk}.pdf"))
    pages = pdf_pages(response)
    assert len(pages) == 1 and "RT 05" in pages[0] and "KATEGORI SEDANG" in pages[0]
    assert "beringin-rt-05" in response["Content-Disposition"]
    refused = client.get(url(open_competition, f"piagam/{published['F'].pk}.pdf"))
    assert refused.status_code == 404
    message = views.ERROR_NOT_A_WINNER % {"competition": open_competition.title}
    assert str(message) in refused.content.decode()


def test_no_piagam_before_the_results_are_final(client, panitia, season, open_competition):
    client.force_login(panitia)
    assert client.get(url(open_competition, "piagam.pdf")).status_code == 404


def qr_urls(response, tmp_path: Path) -> list[str]:
    """The URLs of the QR codes as a phone would read them: the pages printed at 150 dpi."""
    pdf = tmp_path / "piagam.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    found = []
    for png in sorted(tmp_path.glob("page-*.png")):
        found += [symbol.data.decode() for symbol in decode(Image.open(png))]
    return found


def test_the_qr_code_opens_the_public_page_that_confirms_the_piagam(
    client, panitia, published, open_competition, tmp_path
):
    client.force_login(panitia)
    response = client.get(url(open_competition, "piagam.pdf"))
    urls = qr_urls(response, tmp_path)
    assert len(urls) == 5 and len(set(urls)) == 5
    winner = Result.objects.get(entry=published["A"], result_set__superseded_at__isnull=True)
    assert urls[0] == f"http://testserver/piagam/{certificate_code(winner.pk)}/"
    client.logout()
    page = client.get(urls[0].removeprefix("http://testserver"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Piagam ini asli." in html
    for words in ("RT 01", "Eka Jaya", "Paal Merah", "Besar", "100,00", "Rp 10.000.000"):
        assert words in html, words
    # Nothing personal: neither the head of RT nor a phone number.
    entry = published["A"]
    assert entry.ketua_rt not in html and entry.phone not in html


def test_the_qr_code_points_to_the_public_address_when_one_is_set(
    client, panitia, published, open_competition, settings
):
    settings.BANTAR_SITE_URL = "https://bantar.jambikota.go.id"
    client.force_login(panitia)
    text = pdf_pages(client.get(url(open_competition, f"piagam/{published['A'].pk}.pdf")))[0]
    assert "https://bantar.jambikota.go.id/piagam/" in text


def test_a_wrong_or_forged_code_answers_a_clear_404(client, published, open_competition):
    winner = Result.objects.filter(result_set__competition=open_competition, is_winner=True)[0]
    loser = Result.objects.filter(result_set__competition=open_competition, is_winner=False)[0]
    code = certificate_code(winner.pk)
    forged = f"{loser.pk}-{code.partition('-')[2]}"  # another id with a real digest
    for wrong in (
        "nonsense",
        f"{winner.pk}-{'a' * 20}",
        forged,
        code[:-1],
        certificate_code(loser.pk),
    ):
        response = client.get(f"/piagam/{wrong}/")
        assert response.status_code == 404, wrong
        assert str(views.ERROR_CERTIFICATE_UNKNOWN) in response.content.decode()
    assert client.get(f"/piagam/{code.upper()}/").status_code == 200
    assert result_pk_for(code) == winner.pk and result_pk_for(forged) is None


def test_a_code_made_with_a_retired_key_still_verifies(client, published, settings):
    winner = Result.objects.filter(is_winner=True)[0]
    code = certificate_code(winner.pk)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert certificate_code(winner.pk) != code
    assert client.get(f"/piagam/{code}/").status_code == 200
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(f"/piagam/{code}/").status_code == 404


def test_the_piagam_of_corrected_results_no_longer_verifies(
    client, panitia, published, open_competition
):
    winner = Result.objects.filter(result_set__competition=open_competition, is_winner=True)[0]
    code = certificate_code(winner.pk)
    assert client.get(f"/piagam/{code}/").status_code == 200
    competition_reopen_results(competition=open_competition, by=panitia, reason="Salah hitung")
    assert client.get(f"/piagam/{code}/").status_code == 404
    open_competition.refresh_from_db()
    competition_finalise(competition=open_competition, by=panitia)
    competition_publish(competition=open_competition, by=panitia)
    assert client.get(f"/piagam/{code}/").status_code == 404  # a new Result row, a new code
    again = Result.objects.get(entry=winner.entry, result_set__superseded_at__isnull=True)
    assert client.get(f"/piagam/{certificate_code(again.pk)}/").status_code == 200


def test_a_piagam_of_final_results_verifies_only_once_published(
    client, panitia, final, open_competition
):
    winner = Result.objects.filter(result_set__competition=open_competition, is_winner=True)[0]
    assert client.get(f"/piagam/{certificate_code(winner.pk)}/").status_code == 404
    competition_publish(competition=open_competition, by=panitia)
    assert client.get(f"/piagam/{certificate_code(winner.pk)}/").status_code == 200


# --- Rekap per kecamatan ----------------------------------------------------------


def test_the_rekap_pdf_follows_the_citys_table_with_the_signatory(
    client, panitia, published, open_competition
):
    client.force_login(panitia)
    response = client.get(url(open_competition, "rekap-kecamatan.pdf"))
    text = " ".join(pdf_pages(response))
    assert page_size(response) == (A4[1], A4[0])
    assert (
        "No Kecamatan Jumlah kelurahan Jumlah RT RT diusulkan Pemenang besar Pemenang sedang "
        "Pemenang kecil Jumlah pemenang" in text
    )
    # Jumlah RT: a kelurahan without rt_count counts its RTs in the master data (the
    # test's kelurahan have none: their RTs are the fixtures'), as the rekap per kelurahan.
    assert "Paal Merah 6 3 3 1 0 1 2" in text and "Pasar Jambi 4 2 2 1 1 0 2" in text
    assert "Jumlah 68 7 7 3 1 1 5" in text
    assert "Jumlah hadiah: Rp 42.000.000" in text
    assert "Wali Kota Jambi" in text and "Jambi, " in text


def test_an_officer_gets_the_rekap_of_its_own_kecamatan_once_published(
    client, officer_eka_jaya, final, open_competition, panitia
):
    client.force_login(officer_eka_jaya)
    assert client.get(url(open_competition, "rekap-kecamatan.pdf")).status_code == 403
    competition_publish(competition=open_competition, by=panitia)
    text = " ".join(pdf_pages(client.get(url(open_competition, "rekap-kecamatan.pdf"))))
    assert "Paal Merah" in text and "Pasar Jambi" not in text


# --- Rapor RT ------------------------------------------------------------------


def test_the_rapor_shows_pillars_levels_and_what_the_next_level_takes(
    client, officer_eka_jaya, published, open_competition
):
    client.force_login(officer_eka_jaya)
    entry = published["G"]  # kecil, jurors gave 4 and 5 on every indicator: means of 4,50
    response = client.get(url(open_competition, f"rapor/{entry.pk}.pdf"))
    pages = pdf_pages(response)
    assert 1 <= len(pages) <= 2
    text = " ".join(pages)
    assert "RAPOR RT: RT 07 · EKA JAYA" in text
    assert "Bersih 87,50 dari 100" in text and "Pintar 87,50 dari 100" in text
    assert "Nilai akhir 87,50" in text and "Pemenang Kampung BANTAR (Rp 5.000.000)" in text
    b1_top = Level.objects.get(indicator__code="B1", value=5).descriptor
    assert "B1" in text and "4,50" in text
    assert f"Tingkat 5: {b1_top[:60]}" in text
    assert "Riwayat RT dalam lomba" in text and f"{open_competition.title} Kecil 87,50 1" in text
    assert entry.ketua_rt not in text


def test_an_indicator_at_the_top_needs_no_next_level(client, panitia, published, open_competition):
    client.force_login(panitia)
    text = " ".join(pdf_pages(client.get(url(open_competition, f"rapor/{published['A'].pk}.pdf"))))
    assert text.count("Sudah di tingkat tertinggi.") == 21
    assert "Tingkat 5:" not in text


def test_the_rapor_carries_the_rts_history_over_the_years(
    client, panitia, published, open_competition
):
    from competitions.services import competition_create

    earlier = competition_create(year=open_competition.year - 1)
    build_season(earlier, plans=[PLANS[0]])  # RT 01 Eka Jaya took part the year before
    competition_finalise(competition=earlier, by=panitia)
    competition_publish(competition=earlier, by=panitia)
    client.force_login(panitia)
    text = " ".join(pdf_pages(client.get(url(open_competition, f"rapor/{published['A'].pk}.pdf"))))
    history = text[text.index("Riwayat RT dalam lomba") :]
    assert history.index(earlier.title) < history.index(open_competition.title)


def test_a_kelurahan_prints_the_rapor_of_its_own_rts_only_after_publication(
    client, officer_eka_jaya, final, open_competition, panitia
):
    client.force_login(officer_eka_jaya)
    own, other = final["A"], final["B"]  # Eka Jaya, Beringin
    assert client.get(url(open_competition, f"rapor/{own.pk}.pdf")).status_code == 403
    competition_publish(competition=open_competition, by=panitia)
    assert client.get(url(open_competition, f"rapor/{own.pk}.pdf")).status_code == 200
    assert client.get(url(open_competition, f"rapor/{other.pk}.pdf")).status_code == 404
    pages = pdf_pages(client.get(url(open_competition, "rapor.pdf")))
    titles = [page for page in pages if "RAPOR RT:" in page]
    assert len(titles) == 3  # A, D and G of Eka Jaya
    assert all("EKA JAYA" in page for page in titles)
    assert "BERINGIN" not in " ".join(pages)


def test_jurors_print_nothing(client, juror, published, open_competition):
    client.force_login(juror)
    for name in ("lampiran-sk.pdf", "piagam.pdf", "rekap-kecamatan.pdf", "rapor.pdf", ""):
        assert client.get(url(open_competition, name)).status_code == 403, name


# --- The documents page ------------------------------------------------------------


def test_the_documents_page_links_what_each_role_may_print(
    client, pejabat, published, open_competition, eka_jaya
):
    client.force_login(pejabat)
    html = client.get(url(open_competition, "")).content.decode()
    for name in ("lampiran-sk.pdf", "piagam.pdf", "rekap-kecamatan.pdf", "rapor.pdf"):
        assert url(open_competition, name) in html
    assert url(open_competition, f"piagam/{published['A'].pk}.pdf") in html
    assert url(open_competition, f"piagam/{published['F'].pk}.pdf") not in html  # not a winner
    officer = make_user("kel.dokumen", "kelurahan", kelurahan=eka_jaya)
    client.force_login(officer)
    html = client.get(url(open_competition, "")).content.decode()
    assert url(open_competition, "lampiran-sk.pdf") not in html
    assert url(open_competition, "piagam.pdf") not in html
    assert url(open_competition, f"rapor/{published['A'].pk}.pdf") in html
    assert url(open_competition, f"rapor/{published['B'].pk}.pdf") not in html


def test_a_document_that_asks_for_a_file_or_the_network_fails_instead(settings, tmp_path):
    """Rendering fetches nothing: only data: URIs (the logo, inlined by the portal) load."""
    from weasyprint.urls import FatalURLFetchingError

    from documents.pdf import render_pdf

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    pixel = "data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="
    (tmp_path / "inline.html").write_text(f'<p>ok</p><img src="{pixel}">')
    assert render_pdf("inline.html", {}, request=None).startswith(b"%PDF")
    for source in ("file:///etc/hostname", "http://127.0.0.1:9/logo.png"):
        (tmp_path / "probe.html").write_text(f'<p>x</p><img src="{source}">')
        with pytest.raises(FatalURLFetchingError):
            render_pdf("probe.html", {}, request=None)


def test_a_logo_that_is_not_an_image_is_left_out(settings, tmp_path):
    from documents.pdf import kop

    fake = tmp_path / "logo.png"
    fake.write_bytes(b"<svg onload=alert(1)></svg>")
    settings.BANTAR_KOP_LOGO = str(fake)
    assert kop().logo == ""
    Image.new("RGB", (4, 4)).save(buffer := io.BytesIO(), "PNG")
    fake.write_bytes(buffer.getvalue())
    assert kop().logo.startswith("data:image/png;base64,")


def test_the_xlsx_lists_carry_the_signature_block_of_the_pdf(
    client, pejabat, published, open_competition, settings
):
    from openpyxl import load_workbook

    settings.BANTAR_SIGNATORY_NAME = "Dr. H. Budi Santoso, M.Si."
    announce_on(open_competition, datetime(2020, 10, 26, 9, 0, tzinfo=WIB))
    client.force_login(pejabat)
    block = ["Jambi, 26 Oktober 2020", "Wali Kota Jambi", "Dr. H. Budi Santoso, M.Si."]
    pdf = " ".join(pdf_pages(client.get(url(open_competition, "lampiran-sk.pdf"))))
    assert " ".join(block) in pdf
    for name in ("pemenang", "rekap"):
        response = client.get(f"/kompetisi/{open_competition.pk}/laporan/{name}.xlsx")
        book = load_workbook(io.BytesIO(response.content))
        for sheet in book.worksheets:
            texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
            assert texts[-3:] == block, (name, sheet.title)
            assert sheet.oddFooter.right.text == "Halaman &P dari &N"


def test_the_city_prints_the_rapor_per_kecamatan(client, panitia, published, open_competition):
    from competitions.models import Kecamatan

    client.force_login(panitia)
    paal_merah = Kecamatan.objects.get(name="Paal Merah")
    html = client.get(url(open_competition, "")).content.decode()
    assert f"rapor.pdf?kecamatan={paal_merah.pk}" in html
    pages = pdf_pages(client.get(url(open_competition, f"rapor.pdf?kecamatan={paal_merah.pk}")))
    titles = [page[page.index("RAPOR RT:") :][:40] for page in pages if "RAPOR RT:" in page]
    assert titles and all("EKA JAYA" in title for title in titles) and len(titles) == 3
    everything = pdf_pages(client.get(url(open_competition, "rapor.pdf")))
    assert len([page for page in everything if "RAPOR RT:" in page]) == 7


def test_the_plenary_links_the_documents(client, panitia, season, open_competition):
    client.force_login(panitia)
    html = client.get(f"/kompetisi/{open_competition.pk}/pleno/").content.decode()
    assert url(open_competition, "") in html
    page = client.get(url(open_competition, "")).content.decode()
    assert url(open_competition, "lampiran-sk.pdf") in page  # provisional, from the plenary
    assert url(open_competition, "piagam.pdf") not in page  # not before final


def test_rendering_a_pdf_leaves_pillows_truncated_loading_off():
    """WeasyPrint turns LOAD_TRUNCATED_IMAGES on when imported; photos must stay refused."""
    from PIL import ImageFile

    from documents.pdf import render_pdf

    pdf = render_pdf("documents/pdf_base.html", {}, request=None)
    assert pdf.startswith(b"%PDF")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
