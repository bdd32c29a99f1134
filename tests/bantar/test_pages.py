"""Login, the home page of every role, the public guide, and stage changes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bantar.forms import ERROR_INVALID_LOGIN
from competitions.models import CompetitionStatus
from season.management.commands.seed_demo import DEMO_ACCOUNTS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db

HOME_HEADINGS = {
    "admin": "Administrator",
    "panitia": "Panitia Kampung BANTAR",
    "pejabat": "Ringkasan Kota Jambi",
    "kecamatan.paalmerah": "Kecamatan Paal Merah",
    "kelurahan.ekajaya": "Kelurahan Eka Jaya",
    "kelurahan.beringin": "Kelurahan Beringin",
    "juri1": "Juri",
    "juri2": "Juri",
    "juri3": "Juri",
}


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--minimal", verbosity=0)


@pytest.mark.parametrize("username", [account[0] for account in DEMO_ACCOUNTS])
def test_every_demo_account_logs_in_and_sees_its_home_page(client, demo, username):
    response = client.post(
        "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["user"].username == username
    assert HOME_HEADINGS[username] in page
    if username.startswith("juri"):
        # The minimal seed puts no juror on a team: its home says so, not another's stage.
        assert "belum menjadi anggota tim juri" in page
    else:
        assert "Pendaftaran" in page  # the stage of the competition the role works in


@pytest.mark.real_seed
def test_seed_demo_is_idempotent(demo, django_user_model):
    call_command("seed_demo", "--minimal", verbosity=0)
    assert django_user_model.objects.count() == len(DEMO_ACCOUNTS)


def test_seed_demo_is_refused_with_production_settings(settings, django_user_model):
    settings.BANTAR_PRODUCTION = True
    with pytest.raises(CommandError, match="produksi"):
        call_command("seed_demo", "--minimal", verbosity=0)
    assert django_user_model.objects.count() == 0


def test_a_wrong_password_is_refused_in_indonesian(client, demo):
    response = client.post("/accounts/login/", {"username": "panitia", "password": "salah"})
    assert response.status_code == 200
    assert str(ERROR_INVALID_LOGIN) in response.content.decode()


def test_the_indicator_guide_is_public_and_lists_21_indicators(client):
    response = client.get("/panduan/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="card mb-3 indicator"') == 21
    assert "Sangat baik" in page and "Sangat kurang" in page
    assert "Lingkungan yang bebas dari kriminalitas." in page


def test_the_guide_is_served_without_any_cdn(client):
    page = client.get("/panduan/").content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in page
    assert "cdn" not in page.lower() and "https://" not in page


def test_the_guide_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    # Which instrument (issue 14): the latest published competition's, else the latest
    # announced (not draft) competition's, else the newest ready instrument: one query each
    # at most, whatever the data; then the catalogue (indicators, levels, pillars).
    with django_assert_max_num_queries(6):
        client.get("/panduan/")


def test_pages_behind_login_send_anonymous_visitors_to_the_login(client, open_competition):
    for url in ("/kompetisi/", f"/kompetisi/{open_competition.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_the_panitia_advances_the_stage_from_the_competition_page(
    client, panitia, open_competition
):
    from tests.factories import EntryFactory

    EntryFactory(competition=open_competition)
    client.force_login(panitia)
    response = client.post(
        f"/kompetisi/{open_competition.pk}/lanjut/",
        {"to_status": "verification", "confirm": "on"},
        follow=True,
    )
    assert "Kompetisi kini pada tahap Verifikasi." in response.content.decode()
    open_competition.refresh_from_db()
    assert open_competition.status == CompetitionStatus.VERIFICATION


def test_a_double_click_on_advance_moves_one_stage_only(client, panitia, open_competition):
    from tests.factories import EntryFactory

    EntryFactory(competition=open_competition)
    client.force_login(panitia)
    data = {"to_status": "verification", "confirm": "on"}
    client.post(f"/kompetisi/{open_competition.pk}/lanjut/", data)
    response = client.post(f"/kompetisi/{open_competition.pk}/lanjut/", data, follow=True)
    assert "sudah berada pada tahap Verifikasi" in response.content.decode()
    open_competition.refresh_from_db()
    assert open_competition.status == CompetitionStatus.VERIFICATION


def test_a_refused_stage_change_shows_why(client, panitia, open_competition):
    client.force_login(panitia)
    response = client.post(
        f"/kompetisi/{open_competition.pk}/lanjut/",
        {"to_status": "verification", "confirm": "on"},
        follow=True,
    )
    assert "Belum ada RT yang diusulkan" in response.content.decode()
    open_competition.refresh_from_db()
    assert open_competition.status == CompetitionStatus.REGISTRATION


@pytest.mark.parametrize("persona", ["juror", "officer_eka_jaya", "officer_paal_merah", "pejabat"])
def test_other_roles_may_not_advance_the_stage(client, request, persona, open_competition):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        f"/kompetisi/{open_competition.pk}/lanjut/", {"to_status": "verification", "confirm": "on"}
    )
    assert response.status_code == 403
    open_competition.refresh_from_db()
    assert open_competition.status == CompetitionStatus.REGISTRATION


def test_an_unknown_competition_answers_404(client, panitia):
    client.force_login(panitia)
    assert client.get("/kompetisi/9999/").status_code == 404


def test_the_language_can_be_switched_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/panduan/"}, follow=True)
    assert response.status_code == 200
    assert response.wsgi_request.LANGUAGE_CODE == "en"
