"""The demo's 2020 season on paper: the Lampiran SK and the piagam of its 112 winners."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from bantar.models import User
from competitions.models import Competition
from scoring.models import Result
from tests.documents.conftest import pdf_pages

pytestmark = pytest.mark.django_db

RT_LABEL = re.compile(r"\bRT \d{2,3}\b")


@pytest.fixture
def demo_2020(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)
    client.force_login(User.objects.get(username="pejabat"))
    return Competition.objects.get(year=2020, period=1)  # period 2: the re-visit round


def test_the_2020_lampiran_sk_and_its_112_certificates(client, demo_2020):
    base = f"/kompetisi/{demo_2020.pk}/dokumen"
    text = " ".join(pdf_pages(client.get(f"{base}/lampiran-sk.pdf")))
    assert len(RT_LABEL.findall(text)) == 112  # one row per winner, nothing else says "RT 05"
    assert "Jumlah 52 RT Rp 520.000.000" in text
    assert "Jumlah 36 RT Rp 252.000.000" in text
    assert "Jumlah 24 RT Rp 120.000.000" in text
    assert "Jumlah 112 Rp 892.000.000" in text
    assert "Jambi, 26 Oktober 2020 Wali Kota Jambi" in text
    assert "SEMENTARA" not in text
    pages = pdf_pages(client.get(f"{base}/piagam.pdf"))
    assert len(pages) == 112
    winners = Result.objects.filter(
        result_set__competition=demo_2020, result_set__superseded_at__isnull=True, is_winner=True
    ).select_related("entry__rt__kelurahan")
    named = {
        (match.group(1), match.group(2))
        for page in pages
        for match in [re.search(r"(RT \d{2,3}).*?Kelurahan (.+?), Kecamatan", page)]
        if match
    }
    assert named == {(w.entry.rt.label, w.entry.rt.kelurahan.name) for w in winners}
