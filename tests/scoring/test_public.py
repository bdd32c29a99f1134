"""Public pages: published results only, no login, nothing personal, fixed queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.models import Result
from scoring.result_services import competition_finalise, competition_publish
from tests.scoring.seasons import build_season

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(open_competition, panitia):
    season = build_season(open_competition)
    competition_finalise(competition=open_competition, by=panitia)
    competition_publish(competition=open_competition, by=panitia)
    return season


def test_anyone_sees_the_published_winners_by_category_and_kecamatan(
    client, published, open_competition
):
    page = client.get(f"/hasil/{open_competition.pk}/").content.decode()
    assert "5 RT meraih predikat Kampung BANTAR, dengan hadiah seluruhnya Rp 42.000.000." in page
    assert page.count('data-category="Besar"') == 1 and "Simpang IV Sipin" in page
    chart = page[page.index('data-testid="chart"') : page.index("</svg>")]
    paal_merah = chart[chart.index('data-kecamatan="Paal Merah"') :]
    assert 'class="bar-total">2<' in paal_merah[: paal_merah.index("</g>")]
    assert "<rect" in chart and "https://" not in chart


def test_public_pages_carry_no_personal_data(client, published, open_competition):
    pages = [client.get(f"/hasil/{open_competition.pk}/").content.decode()]
    pages += [client.get(f"/rt/{entry.rt.pk}/").content.decode() for entry in published.values()]
    for page in pages:
        assert "Ketua A" not in page and "081234567890" not in page and "Juri." not in page


def test_unpublished_results_stay_hidden(client, open_competition):
    build_season(open_competition)
    assert client.get(f"/hasil/{open_competition.pk}/").status_code == 404
    assert open_competition.title not in client.get("/hasil/").content.decode()


def test_final_but_unpublished_results_stay_hidden(client, open_competition, panitia):
    season = build_season(open_competition)
    competition_finalise(competition=open_competition, by=panitia)
    assert client.get(f"/hasil/{open_competition.pk}/").status_code == 404
    assert "belum memiliki hasil" in client.get(f"/rt/{season['A'].rt.pk}/").content.decode()


def test_an_rt_page_shows_its_scores_and_what_to_improve(client, published, open_competition):
    page = client.get(f"/rt/{published['D'].rt.pk}/").content.decode()
    assert f'data-testid="final-{open_competition.year}">75,00' in page
    improve = page[page.index("Yang paling perlu ditingkatkan") :]
    assert "P1" in improve and "Memiliki Lembaga Pemberdaya Ekonomi Masyarakat." in improve


def test_an_rt_page_lists_every_published_year(client, published, open_competition, panitia):
    from competitions.services import competition_create
    from tests.scoring.seasons import Plan

    later = competition_create(year=open_competition.year + 1)
    build_season(later, plans=[Plan("A", "Eka Jaya", 1, 120, (4, 4, 4), (4, 4, 4))])
    competition_finalise(competition=later, by=panitia)
    competition_publish(competition=later, by=panitia)
    page = client.get(f"/rt/{published['A'].rt.pk}/").content.decode()
    assert page.index(later.title) < page.index(open_competition.title)
    assert Result.objects.filter(entry__rt=published["A"].rt).count() == 2


def test_the_guide_and_home_link_to_the_results(client):
    assert 'href="/hasil/"' in client.get("/panduan/").content.decode()
    assert 'href="/hasil/"' in client.get("/").content.decode()


def test_the_results_page_takes_fixed_queries(client, published, open_competition):
    # The first request counts the winners (two grouped queries) and keeps the counts (the
    # results cache: its version, a look-up and the 3-4 statements of storing it); the next
    # reads them back. The rows are one LIMIT query each time (test_public_winners.py).
    with CaptureQueriesContext(connection) as context:
        assert client.get(f"/hasil/{open_competition.pk}/").status_code == 200
    assert len(context.captured_queries) <= 12 + 6
    with CaptureQueriesContext(connection) as context:
        assert client.get(f"/hasil/{open_competition.pk}/").status_code == 200
    assert len(context.captured_queries) <= 12
