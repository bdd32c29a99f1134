"""Indonesian first whatever the browser asks; the user's choice on the user, a visitor's in a cookie."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from bantar.models import User
from indicators.models import Indicator
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def indonesian_afterwards():
    """The middleware leaves the last request's language active in this thread, as Django's
    LocaleMiddleware does; the next test module expects Indonesian."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
COOKIE = settings.LANGUAGE_COOKIE_NAME


def language_of(response) -> str:
    """The language a page was rendered in: its <html lang> and the request's code agree."""
    page = response.content.decode()
    assert f'<html lang="{response.wsgi_request.LANGUAGE_CODE}">' in page
    return response.wsgi_request.LANGUAGE_CODE


def log_in(client: Client, user: User):
    return client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}, follow=True
    )


def choose(client: Client, language: str, next_url: str = "/panduan/"):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url}, follow=True)


def test_an_english_browser_gets_indonesian(client):
    response = client.get("/accounts/login/", **ENGLISH_BROWSER)
    assert language_of(response) == "id"
    assert response["Content-Language"] == "id"
    # Django's own strings too: the required-field error comes in Indonesian.
    response = client.post("/accounts/login/", {"username": ""}, **ENGLISH_BROWSER)
    assert "This field is required" not in response.content.decode()


def test_an_english_browser_of_a_logged_in_user_without_a_choice_gets_indonesian(client, juror):
    client.force_login(juror)
    assert language_of(client.get("/panduan/", **ENGLISH_BROWSER)) == "id"


def test_a_visitors_choice_lives_in_a_cookie(client):
    response = choose(client, "en")
    assert language_of(response) == "en"
    assert client.cookies[COOKIE].value == "en"
    assert client.cookies[COOKIE]["max-age"] == 365 * 24 * 60 * 60  # not gone with the browser
    # Later pages, even from a browser asking for Indonesian, keep the choice.
    assert language_of(client.get("/hasil/", HTTP_ACCEPT_LANGUAGE="id")) == "en"
    choose(client, "id")
    assert language_of(client.get("/hasil/", **ENGLISH_BROWSER)) == "id"


def test_a_forged_cookie_falls_back_to_indonesian(client):
    client.cookies[COOKIE] = "xx"
    assert language_of(client.get("/panduan/", **ENGLISH_BROWSER)) == "id"


def test_a_choice_made_while_logged_in_is_stored_on_the_user(client, juror):
    client.force_login(juror)
    choose(client, "en")
    juror.refresh_from_db()
    assert juror.language == "en"
    choose(client, "id")
    juror.refresh_from_db()
    assert juror.language == "id"


def test_an_unknown_language_is_not_stored(client, juror):
    client.force_login(juror)
    choose(client, "xx")
    juror.refresh_from_db()
    assert juror.language == ""


def test_the_stored_choice_applies_at_login_on_another_browser(juror):
    first = Client()
    log_in(first, juror)
    choose(first, "en")
    # Another browser: no cookie, a browser in Indonesian; the login page is Indonesian...
    second = Client()
    assert language_of(second.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="id")) == "id"
    # ...and once logged in, the user's English.
    response = log_in(second, juror)
    assert response.redirect_chain, "the login did not go through"
    assert language_of(response) == "en"
    # The cookie follows, so the login page after logging out stays in English.
    assert second.cookies[COOKIE].value == "en"
    second.post("/accounts/logout/")
    assert language_of(second.get("/accounts/login/")) == "en"


def test_the_stored_choice_wins_over_the_previous_users_cookie(juror, panitia):
    """A shared tablet: the last user chose English, the next one had chosen Indonesian."""
    panitia.language = "id"
    panitia.save()
    tablet = Client()
    choose(tablet, "en")
    response = log_in(tablet, panitia)
    assert language_of(response) == "id"
    assert tablet.cookies[COOKIE].value == "id"
    panitia.refresh_from_db()
    assert panitia.language == "id"


def test_a_choice_made_on_the_login_page_is_kept_for_the_next_browser(juror):
    """A new user chooses English on the login page: that choice is stored when it logs in."""
    assert juror.language == ""
    browser = Client()
    choose(browser, "en", next_url="/accounts/login/")
    assert language_of(log_in(browser, juror)) == "en"
    juror.refresh_from_db()
    assert juror.language == "en"
    other = Client()
    assert language_of(log_in(other, juror)) == "en"


def test_official_indonesian_texts_are_marked_as_indonesian_on_english_pages(client):
    """Indicator texts and level descriptors stay official Indonesian: marked lang="id" in English."""
    indicator = Indicator.objects.get(code="B1")
    level = indicator.levels.get(value=5)
    indonesian = client.get("/panduan/").content.decode()
    assert escape(indicator.text) in indonesian
    assert 'lang="id"' not in indonesian.split("<body", 1)[1]
    choose(client, "en")
    english = client.get("/panduan/").content.decode()
    assert f'<span lang="id">{escape(indicator.text)}</span>' in english
    assert f'<span lang="id">{escape(level.descriptor)}</span>' in english


def test_the_scripts_catalogue_is_per_language_and_kept(client):
    from bantar.language import catalogue_url

    english = client.get(catalogue_url("en"))
    assert english.status_code == 200
    assert english["Content-Type"].startswith("text/javascript")
    assert "immutable" in english["Cache-Control"]
    assert '"Kirim lembar nilai": "Send score sheet"' in english.content.decode()
    indonesian = client.get(catalogue_url("id")).content.decode()
    assert "Send score sheet" not in indonesian
    # An old version is served (a page from before a release) but not kept; no other language.
    assert client.get("/jsi18n/en/0.js")["Cache-Control"] == "no-cache"
    assert client.get("/jsi18n/xx/0.js").status_code == 404
