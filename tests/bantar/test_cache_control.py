"""Cache-Control: answers to a logged-in user are never for shared caches."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from bantar.cache_control import PrivateForLoggedInMiddleware, make_private

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def test_an_anonymous_visitor_gets_the_public_pages_as_public(client):
    response = client.get("/hasil/")

    assert response.status_code == 200
    assert directives(response) == {"public", "max-age=300"}


@pytest.mark.parametrize("role", ["juror", "panitia", "pejabat", "officer_eka_jaya", "admin_user"])
def test_a_logged_in_user_gets_the_public_pages_as_private_and_asked_again(client, request, role):
    client.force_login(request.getfixturevalue(role))

    response = client.get("/hasil/")

    assert response.status_code == 200
    # The page carries the user's name: no shared cache, and no copy shown unasked.
    assert directives(response) == {"private", "no-cache"}


@pytest.mark.parametrize("url", ["/", "/accounts/password/"])
def test_every_other_page_for_a_logged_in_user_is_private(client, panitia, url):
    client.force_login(panitia)

    response = client.get(url)

    assert response.status_code == 200
    assert "private" in directives(response)
    assert "public" not in directives(response)


def test_the_service_worker_stays_uncached_and_becomes_private(client, juror):
    client.force_login(juror)

    response = client.get("/sw.js")

    assert directives(response) >= {"private", "no-store", "no-cache"}
    assert "public" not in directives(response)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("public, max-age=300", {"private", "no-cache"}),
        (
            "max-age=300, public, s-maxage=600, must-revalidate",
            {"private", "no-cache", "must-revalidate"},
        ),
        ("private, max-age=86400", {"private", "max-age=86400"}),  # a photo: the browser keeps it
        ("no-store", {"private", "no-store"}),
        ("", {"private"}),
    ],
)
def test_make_private(before, after):
    response = HttpResponse()
    if before:
        response["Cache-Control"] = before

    make_private(response)

    assert directives(response) == after


def test_the_middleware_leaves_anonymous_answers_alone():
    from django.contrib.auth.models import AnonymousUser

    def view(request):
        response = HttpResponse()
        response["Cache-Control"] = "public, max-age=300"
        return response

    request = RequestFactory().get("/hasil/")
    request.user = AnonymousUser()

    response = PrivateForLoggedInMiddleware(view)(request)

    assert directives(response) == {"public", "max-age=300"}
