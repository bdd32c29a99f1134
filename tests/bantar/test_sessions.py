"""Sessions on shared tablets end 12 hours after login, or after 2 hours without use."""

from __future__ import annotations

import time

import pytest

from bantar.session_timeout import (
    SESSION_ENDED_AGE,
    SESSION_ENDED_IDLE,
    SESSION_LAST_SEEN,
    SESSION_STARTED,
)

pytestmark = pytest.mark.django_db

HOUR = 60 * 60


@pytest.fixture
def logged_in(client, panitia):
    client.force_login(panitia)
    assert client.get("/").status_code == 200  # the first request starts the clocks
    return client


def set_clocks(client, *, started_ago: int, last_seen_ago: int) -> None:
    now = int(time.time())
    session = client.session
    session[SESSION_STARTED] = now - started_ago
    session[SESSION_LAST_SEEN] = now - last_seen_ago
    session.save()


def test_a_session_in_use_stays_open(logged_in):
    set_clocks(logged_in, started_ago=3 * HOUR, last_seen_ago=90 * 60)
    response = logged_in.get("/")
    assert response.status_code == 200
    assert response.context["user"].username == "panitia"


def test_two_hours_without_use_end_the_session(logged_in):
    set_clocks(logged_in, started_ago=3 * HOUR, last_seen_ago=2 * HOUR + 60)
    response = logged_in.get("/peserta/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=/peserta/")
    assert str(SESSION_ENDED_IDLE % {"minutes": 120}) in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_twelve_hours_after_login_the_session_ends_however_busy(logged_in):
    set_clocks(logged_in, started_ago=12 * HOUR + 60, last_seen_ago=10)
    response = logged_in.get("/", follow=True)
    assert not response.context["user"].is_authenticated
    assert str(SESSION_ENDED_AGE % {"hours": 12}) in response.content.decode()


def test_the_autosave_of_an_ended_session_answers_401(logged_in):
    set_clocks(logged_in, started_ago=3 * HOUR, last_seen_ago=3 * HOUR)
    response = logged_in.post("/penilaian/1/nilai/", "{}", content_type="application/json")
    assert response.status_code == 401


def test_activity_is_written_at_most_once_a_minute(logged_in):
    set_clocks(logged_in, started_ago=HOUR, last_seen_ago=30)
    before = logged_in.session[SESSION_LAST_SEEN]
    logged_in.get("/")
    assert logged_in.session[SESSION_LAST_SEEN] == before

    set_clocks(logged_in, started_ago=HOUR, last_seen_ago=61)
    logged_in.get("/")
    assert logged_in.session[SESSION_LAST_SEEN] >= int(time.time()) - 5


def test_the_idle_limit_can_be_turned_off(logged_in, settings):
    settings.BANTAR_SESSION_IDLE_MINUTES = 0
    set_clocks(logged_in, started_ago=11 * HOUR, last_seen_ago=10 * HOUR)
    assert logged_in.get("/").context["user"].is_authenticated


def test_anonymous_visits_create_no_session(client):
    client.get("/panduan/")
    assert not client.cookies.get("sessionid")
