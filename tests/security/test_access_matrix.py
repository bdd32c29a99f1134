"""Every URL of the portal, against every persona, with GET and POST.

The URL list comes from the resolver: a new page without a row here fails the
first test. Objects outside a persona's region answer 404, actions its role may
not take 403, anonymous visitors are sent to log in (401 for the tablet's JSON
API), and read-only pages refuse POST with 405. Each request runs in a savepoint
that is rolled back, so one persona's action never changes what the next sees.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import transaction
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.world import PERSONAS, build_world

pytestmark = pytest.mark.django_db

# Persona order: anonymous, kelurahan Eka Jaya, kelurahan Beringin, kecamatan Paal Merah,
# juror assigned to the entry, juror of another team, panitia, pejabat kota, admin.
ALL = lambda code: " ".join([str(code)] * 9)  # noqa: E731
LOGIN_ONLY = "302 200 200 200 200 200 200 200 200"
PANITIA_POST = "302 403 403 403 403 403 302 403 302"
MATRIX: dict[str, tuple[str, str]] = {
    "home": (ALL(200), ALL(405)),
    "login": ("200 302 302 302 302 302 302 302 302", "200 302 302 302 302 302 302 302 302"),
    "logout": (ALL(405), ALL(302)),
    "password_change": (LOGIN_ONLY, LOGIN_ONLY),
    "password_change_done": (LOGIN_ONLY, "302 405 405 405 405 405 405 405 405"),
    "set_language": (ALL(302), ALL(302)),
    "guide": (ALL(200), ALL(405)),
    "competition-list": (LOGIN_ONLY, ALL(405)),
    "competition-detail": (LOGIN_ONLY, ALL(405)),
    "competition-advance": (ALL(405), PANITIA_POST),
    "entry-create": ("302 200 200 403 403 403 403 403 403",) * 2,
    "entry-import": ("302 403 403 403 403 403 200 403 200",) * 2,
    "entry-list": ("302 200 200 200 403 403 200 200 200", ALL(405)),
    "entry-export": ("302 200 200 200 403 403 200 200 200", ALL(405)),
    "entry-detail": ("302 200 404 200 403 403 200 200 200", ALL(405)),
    "entry-edit": ("302 200 404 403 403 404 403 403 403",) * 2,
    "entry-propose": (ALL(405), "302 302 404 403 403 404 403 403 403"),
    "entry-withdraw": (ALL(405), "302 302 404 403 403 404 403 403 403"),
    "entry-verify": (ALL(405), "302 403 404 302 403 404 403 403 403"),
    "entry-return": (ALL(405), "302 403 404 302 403 404 403 403 403"),
    "verification-queue": ("302 403 403 200 403 403 403 403 403", ALL(405)),
    "scoring-teams": ("302 403 403 403 403 403 200 403 200", ALL(405)),
    "team-create": (ALL(405), PANITIA_POST),
    "member-add": (ALL(405), PANITIA_POST),
    "leader-set": (ALL(405), PANITIA_POST),
    "assign": (ALL(405), PANITIA_POST),
    "assign-bulk": (ALL(405), PANITIA_POST),
    "scoring-entry": ("302 403 403 403 403 403 200 403 200", PANITIA_POST),
    "juror-home": ("302 403 403 403 200 200 403 403 403", ALL(405)),
    "scoring-page": ("302 403 403 403 200 404 403 403 403", ALL(405)),
    "score-api": (ALL(405), "401 403 403 403 400 404 403 403 403"),
    "photo-api": (ALL(405), "401 403 403 403 400 404 403 403 403"),
    "sheet-submit": (ALL(405), "302 403 403 403 302 404 403 403 403"),
    "photo-delete": (ALL(405), "401 403 403 403 200 404 403 403 403"),
    "evidence-file": ("302 404 404 404 200 404 200 200 200", ALL(405)),
    "public-results": (ALL(200), ALL(405)),
    "public-competition": (ALL(200), ALL(405)),
    "public-rt": (ALL(200), ALL(405)),
    "plenary": ("302 403 403 403 403 403 200 200 200", ALL(405)),
    "explain": ("302 200 404 200 403 403 200 200 200", ALL(405)),
    "finalise": (ALL(405), PANITIA_POST),
    "publish": (ALL(405), PANITIA_POST),
    "reopen-results": (ALL(405), PANITIA_POST),
    "report": ("302 200 200 200 403 403 200 200 200", ALL(405)),
    "report-export": ("302 200 200 200 403 403 200 200 200", ALL(405)),
}


def portal_url_names() -> tuple[set[str], set[str]]:
    """(portal names, admin names) of every URL pattern the resolver knows."""
    portal, admin_names = set(), set()

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                (admin_names if namespace == "admin" else portal).add(pattern.name)

    walk(get_resolver().url_patterns)
    return portal, admin_names


def test_every_portal_url_has_a_row_in_the_matrix():
    portal, _admin = portal_url_names()
    assert portal - set(MATRIX) == set(), "new pages need a row in MATRIX"
    assert set(MATRIX) - portal == set(), "rows for pages that no longer exist"


def _request(client, world, persona: str, method: str, url: str) -> int:
    client.logout()
    user = world.users[persona]
    if user is not None:
        client.force_login(user)
    with transaction.atomic():
        status = getattr(client, method)(url).status_code
        transaction.set_rollback(True)
    return status


def test_every_url_answers_every_persona_as_the_matrix_says(client, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    wrong, checked = [], 0
    for name, (get_codes, post_codes) in MATRIX.items():
        url = reverse(name, kwargs=world.kwargs.get(name, {}))
        for method, codes in (("get", get_codes), ("post", post_codes)):
            for persona, expected in zip(PERSONAS, codes.split(), strict=True):
                status = _request(client, world, persona, method, url)
                checked += 1
                if status != int(expected):
                    wrong.append(
                        f"{method.upper()} {url} as {persona}: {status}, expected {expected}"
                    )
    with capsys.disabled():
        print(
            f"\naccess matrix: {checked} (URL, persona, method) cases checked over {len(MATRIX)} URLs"
        )
    assert wrong == []


def admin_urls(world) -> list[tuple[str, bool]]:
    """(url, may the admin open it) for the index, app lists and every registered model.

    For each model: list, add, change, history, delete; a ModelAdmin that refuses
    an action (django-axes' logs cannot be added by hand) answers 403 even to the admin.
    """
    request = RequestFactory().get("/admin/")
    request.user = world.users["admin"]
    urls = [(reverse("admin:index"), True)]
    for app_label in {model._meta.app_label for model in admin.site._registry}:
        urls.append((reverse("admin:app_list", kwargs={"app_label": app_label}), True))
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [
            (reverse(f"{info}_changelist"), True),
            (reverse(f"{info}_add"), model_admin.has_add_permission(request)),
        ]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls += [
                (reverse(f"{info}_change", args=[first.pk]), True),
                (reverse(f"{info}_history", args=[first.pk]), True),
                (
                    reverse(f"{info}_delete", args=[first.pk]),
                    model_admin.has_delete_permission(request, first),
                ),
            ]
    return urls


# The admin's own sign-in pages and helpers, and its unnamed catch-all (which
# sends everyone to the login or the index); Django's admin checks them itself.
ADMIN_AUTH_PAGES = {
    None,
    "auth_user_password_change",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "jsi18n",
    "autocomplete",
    "view_on_site",
}


def test_the_admin_is_for_staff_only(client, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    _portal, names = portal_url_names()
    covered = {"index", "app_list"} | ADMIN_AUTH_PAGES
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        covered |= {name for name in names if name and name.startswith(prefix)}
    assert names - covered == set(), "an admin page nobody checks"
    wrong, checked = [], 0
    for url, admin_may in admin_urls(world):
        for persona in PERSONAS:
            status = _request(client, world, persona, "get", url)
            checked += 1
            allowed = {302} if persona != "admin" else ({200} if admin_may else {403})
            if status not in allowed:
                wrong.append(f"GET {url} as {persona}: {status}")
    with capsys.disabled():
        print(f"admin: {checked} (URL, persona) cases checked, {len(apps.get_models())} models")
    assert wrong == []
