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


def answers(default: int, **by_persona: int) -> dict[str, int]:
    """The status each persona gets: `default`, except those named (persona=status)."""
    unknown = set(by_persona) - set(PERSONAS)
    assert not unknown, f"no such persona: {unknown}"
    return {persona: by_persona.get(persona, default) for persona in PERSONAS}


# (URL name, method) -> what each persona of tests/security/world.py gets.
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("home", "GET"): answers(200),
    ("home", "POST"): answers(405),
    ("login", "GET"): answers(302, anonymous=200),
    ("login", "POST"): answers(302, anonymous=200),
    ("logout", "GET"): answers(405),
    ("logout", "POST"): answers(302),
    ("password_change", "GET"): answers(200, anonymous=302),
    ("password_change", "POST"): answers(200, anonymous=302),
    ("password_change_done", "GET"): answers(200, anonymous=302),
    ("password_change_done", "POST"): answers(405, anonymous=302),
    # Forgotten password: open to everyone (an answer never says whether an address exists).
    ("password_reset", "GET"): answers(200),
    ("password_reset", "POST"): answers(200),
    ("password_reset_done", "GET"): answers(200),
    ("password_reset_done", "POST"): answers(405),
    ("password_reset_confirm", "GET"): answers(200),
    ("password_reset_confirm", "POST"): answers(200),
    ("password_reset_complete", "GET"): answers(200),
    ("password_reset_complete", "POST"): answers(405),
    ("mail-log", "GET"): answers(403, anonymous=302, panitia=200, admin=200),
    ("mail-log", "POST"): answers(405),
    ("set_language", "GET"): answers(302),
    ("set_language", "POST"): answers(302),
    # The scripts' strings: public, like the static files (GET only).
    ("javascript-catalog", "GET"): answers(200),
    ("javascript-catalog", "POST"): answers(405),
    ("guide", "GET"): answers(200),
    ("guide", "POST"): answers(405),
    # Issue 14: the panitia's instrument editor. The world's instrument is locked (last
    # year's published competition holds it): an edit answers the refusal on the page.
    ("instrument-list", "GET"): answers(403, anonymous=302, panitia=200, admin=200),
    ("instrument-list", "POST"): answers(405),
    ("instrument-detail", "GET"): answers(403, anonymous=302, panitia=200, admin=200),
    ("instrument-detail", "POST"): answers(405),
    ("instrument-preview", "GET"): answers(403, anonymous=302, panitia=200, admin=200),
    ("instrument-preview", "POST"): answers(405),
    ("instrument-copy", "GET"): answers(405),
    ("instrument-copy", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("instrument-edit", "GET"): answers(403, anonymous=302, panitia=200, admin=200),
    ("instrument-edit", "POST"): answers(403, anonymous=302, panitia=200, admin=200),
    ("pillar-add", "GET"): answers(405),
    ("pillar-add", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("pillar-edit", "GET"): answers(405),
    ("pillar-edit", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("pillar-move", "GET"): answers(405),
    ("pillar-move", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("pillar-remove", "GET"): answers(405),
    ("pillar-remove", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("indicator-add", "GET"): answers(405),
    ("indicator-add", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("indicator-edit", "GET"): answers(403, anonymous=302, panitia=200, admin=200),
    ("indicator-edit", "POST"): answers(403, anonymous=302, panitia=200, admin=200),
    ("indicator-remove", "GET"): answers(405),
    ("indicator-remove", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("instrument-ready", "GET"): answers(405),
    ("instrument-ready", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("instrument-competition-new", "GET"): answers(403, anonymous=302, panitia=200, admin=200),
    ("instrument-competition-new", "POST"): answers(403, anonymous=302, panitia=200, admin=200),
    ("competition-list", "GET"): answers(200, anonymous=302),
    ("competition-list", "POST"): answers(405),
    ("competition-detail", "GET"): answers(200, anonymous=302),
    ("competition-detail", "POST"): answers(405),
    ("competition-advance", "GET"): answers(405),
    ("competition-advance", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("entry-create", "GET"): answers(
        403, anonymous=302, kelurahan_ekajaya=200, kelurahan_beringin=200
    ),
    ("entry-create", "POST"): answers(
        403, anonymous=302, kelurahan_ekajaya=200, kelurahan_beringin=200
    ),
    ("entry-import", "GET"): answers(403, anonymous=302, panitia=200, admin=200),
    ("entry-import", "POST"): answers(403, anonymous=302, panitia=200, admin=200),
    ("entry-list", "GET"): answers(200, anonymous=302, juror_assigned=403, juror_other=403),
    ("entry-list", "POST"): answers(405),
    ("entry-export", "GET"): answers(200, anonymous=302, juror_assigned=403, juror_other=403),
    ("entry-export", "POST"): answers(405),
    ("entry-detail", "GET"): answers(
        200, anonymous=302, kelurahan_beringin=404, juror_assigned=403, juror_other=403
    ),
    ("entry-detail", "POST"): answers(405),
    ("entry-edit", "GET"): answers(
        403, anonymous=302, kelurahan_ekajaya=200, kelurahan_beringin=404, juror_other=404
    ),
    ("entry-edit", "POST"): answers(
        403, anonymous=302, kelurahan_ekajaya=200, kelurahan_beringin=404, juror_other=404
    ),
    ("entry-propose", "GET"): answers(405),
    ("entry-propose", "POST"): answers(
        403, anonymous=302, kelurahan_ekajaya=302, kelurahan_beringin=404, juror_other=404
    ),
    ("entry-withdraw", "GET"): answers(405),
    ("entry-withdraw", "POST"): answers(
        403, anonymous=302, kelurahan_ekajaya=302, kelurahan_beringin=404, juror_other=404
    ),
    ("entry-verify", "GET"): answers(405),
    ("entry-verify", "POST"): answers(
        403, anonymous=302, kelurahan_beringin=404, kecamatan_paalmerah=302, juror_other=404
    ),
    ("entry-return", "GET"): answers(405),
    ("entry-return", "POST"): answers(
        403, anonymous=302, kelurahan_beringin=404, kecamatan_paalmerah=302, juror_other=404
    ),
    ("verification-queue", "GET"): answers(403, anonymous=302, kecamatan_paalmerah=200),
    ("verification-queue", "POST"): answers(405),
    # Bulk verify: the queue's ticked proposals (none ticked: back to the queue with a message).
    ("verification-bulk", "GET"): answers(405),
    ("verification-bulk", "POST"): answers(403, anonymous=302, kecamatan_paalmerah=302),
    ("scoring-teams", "GET"): answers(403, anonymous=302, panitia=200, admin=200),
    ("scoring-teams", "POST"): answers(405),
    ("team-create", "GET"): answers(405),
    ("team-create", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("member-add", "GET"): answers(405),
    ("member-add", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("member-remit", "GET"): answers(403, anonymous=302, panitia=200, admin=200),
    # The team has sent sheets: without a reason the form comes back with the refusal.
    ("member-remit", "POST"): answers(403, anonymous=302, panitia=200, admin=200),
    ("leader-set", "GET"): answers(405),
    ("leader-set", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("assign", "GET"): answers(405),
    ("assign", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("assign-bulk", "GET"): answers(405),
    ("assign-bulk", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("scoring-entry", "GET"): answers(403, anonymous=302, panitia=200, admin=200),
    ("scoring-entry", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("juror-home", "GET"): answers(403, anonymous=302, juror_assigned=200, juror_other=200),
    ("juror-home", "POST"): answers(405),
    ("juror-home-page", "GET"): answers(403, anonymous=302, juror_assigned=200, juror_other=200),
    ("juror-home-page", "POST"): answers(405),
    ("scoring-page", "GET"): answers(403, anonymous=302, juror_assigned=200, juror_other=404),
    ("scoring-page", "POST"): answers(405),
    ("score-api", "GET"): answers(405),
    ("score-api", "POST"): answers(403, anonymous=401, juror_assigned=400, juror_other=404),
    ("photo-api", "GET"): answers(405),
    ("photo-api", "POST"): answers(403, anonymous=401, juror_assigned=400, juror_other=404),
    ("sheet-submit", "GET"): answers(405),
    ("sheet-submit", "POST"): answers(403, anonymous=302, juror_assigned=302, juror_other=404),
    ("photo-delete", "GET"): answers(405),
    ("photo-delete", "POST"): answers(403, anonymous=401, juror_assigned=200, juror_other=404),
    ("evidence-file", "GET"): answers(
        404, anonymous=302, juror_assigned=200, panitia=200, pejabat=200, admin=200
    ),
    ("evidence-file", "POST"): answers(405),
    ("public-results", "GET"): answers(200),
    ("public-results", "POST"): answers(405),
    ("public-competition", "GET"): answers(200),
    ("public-competition", "POST"): answers(405),
    ("public-rt", "GET"): answers(200),
    ("public-rt", "POST"): answers(405),
    ("plenary", "GET"): answers(403, anonymous=302, panitia=200, pejabat=200, admin=200),
    ("plenary", "POST"): answers(405),
    # Team severity (issue 12.5): read with the plenary; set by who decides the results.
    ("severity", "GET"): answers(403, anonymous=302, panitia=200, pejabat=200, admin=200),
    ("severity", "POST"): answers(405),
    # An empty form comes back with its errors.
    ("severity-settings", "GET"): answers(403, anonymous=302, panitia=200, admin=200),
    ("severity-settings", "POST"): answers(403, anonymous=302, panitia=200, admin=200),
    ("plenary-export", "GET"): answers(403, anonymous=302, panitia=200, pejabat=200, admin=200),
    ("plenary-export", "POST"): answers(405),
    ("explain", "GET"): answers(
        200, anonymous=302, kelurahan_beringin=404, juror_assigned=403, juror_other=403
    ),
    ("explain", "POST"): answers(405),
    # An RT's photos (issue 12.7): the readers of the plenary, as the photo files themselves.
    ("entry-photos", "GET"): answers(403, anonymous=302, panitia=200, pejabat=200, admin=200),
    ("entry-photos", "POST"): answers(405),
    ("finalise", "GET"): answers(405),
    ("finalise", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("publish", "GET"): answers(405),
    ("publish", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("reopen-results", "GET"): answers(405),
    ("reopen-results", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("report", "GET"): answers(200, anonymous=302, juror_assigned=403, juror_other=403),
    ("report", "POST"): answers(405),
    ("report-export", "GET"): answers(200, anonymous=302, juror_assigned=403, juror_other=403),
    ("report-export", "POST"): answers(405),
    # The field kit's batch sync (an empty body is malformed: 400) and the panitia's tablets.
    ("field-sync", "GET"): answers(405),
    ("field-sync", "POST"): answers(403, anonymous=401, juror_assigned=400, juror_other=400),
    ("field-devices", "GET"): answers(403, anonymous=302, panitia=200, admin=200),
    ("field-devices", "POST"): answers(405),
    # The field kit: what a juror's tablet prepares, its outbox page; the service worker and
    # the manifest are public (they hold no data, only code and the app's name).
    ("field-kit", "GET"): answers(403, anonymous=302, juror_assigned=200, juror_other=200),
    ("field-kit", "POST"): answers(405),
    ("field-outbox", "GET"): answers(403, anonymous=302, juror_assigned=200, juror_other=200),
    ("field-outbox", "POST"): answers(405),
    ("field-sw", "GET"): answers(200),
    ("field-sw", "POST"): answers(405),
    ("field-manifest", "GET"): answers(200),
    ("field-manifest", "POST"): answers(405),
    # The printed documents of last year's published competition (documents/), and the
    # public check of a piagam's code.
    ("documents", "GET"): answers(200, anonymous=302, juror_assigned=403, juror_other=403),
    ("documents", "POST"): answers(405),
    ("document-decree", "GET"): answers(403, anonymous=302, panitia=200, pejabat=200, admin=200),
    ("document-decree", "POST"): answers(405),
    ("document-certificates", "GET"): answers(
        403, anonymous=302, panitia=200, pejabat=200, admin=200
    ),
    ("document-certificates", "POST"): answers(405),
    ("document-certificate", "GET"): answers(
        403, anonymous=302, panitia=200, pejabat=200, admin=200
    ),
    ("document-certificate", "POST"): answers(405),
    ("document-rekap", "GET"): answers(200, anonymous=302, juror_assigned=403, juror_other=403),
    ("document-rekap", "POST"): answers(405),
    ("document-rapor-all", "GET"): answers(200, anonymous=302, juror_assigned=403, juror_other=403),
    ("document-rapor-all", "POST"): answers(405),
    ("document-rapor", "GET"): answers(
        200, anonymous=302, kelurahan_beringin=404, juror_assigned=403, juror_other=403
    ),
    ("document-rapor", "POST"): answers(405),
    ("certificate-verify", "GET"): answers(200),
    ("certificate-verify", "POST"): answers(405),
    ("selfcheck", "GET"): answers(200),
    ("selfcheck", "POST"): answers(405),
    ("selfcheck-sw", "GET"): answers(200),
    ("selfcheck-sw", "POST"): answers(405),
    ("coaching", "GET"): answers(200, anonymous=302, juror_assigned=403, juror_other=403),
    ("coaching", "POST"): answers(405),
    ("coaching-export", "GET"): answers(200, anonymous=302, juror_assigned=403, juror_other=403),
    ("coaching-export", "POST"): answers(405),
    # Re-visits (issue 16.3): the panitia manages, the city's readers read.
    ("revisit-list", "GET"): answers(403, anonymous=302, panitia=200, pejabat=200, admin=200),
    ("revisit-list", "POST"): answers(405),
    # An empty form comes back with its errors.
    ("revisit-new", "GET"): answers(403, anonymous=302, panitia=200, admin=200),
    ("revisit-new", "POST"): answers(403, anonymous=302, panitia=200, admin=200),
    ("revisit-detail", "GET"): answers(403, anonymous=302, panitia=200, pejabat=200, admin=200),
    ("revisit-detail", "POST"): answers(405),
    ("revisit-conclude", "GET"): answers(405),
    ("revisit-conclude", "POST"): answers(403, anonymous=302, panitia=302, admin=302),
    ("revisit-export", "GET"): answers(403, anonymous=302, panitia=200, pejabat=200, admin=200),
    ("revisit-export", "POST"): answers(405),
    ("revisit-photo", "GET"): answers(
        404, anonymous=302, kelurahan_ekajaya=403, kelurahan_beringin=403, kecamatan_paalmerah=403
    ),
    ("revisit-photo", "POST"): answers(405),
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
    names = {name for name, _method in MATRIX}
    assert portal - names == set(), "new pages need a row in MATRIX"
    assert names - portal == set(), "rows for pages that no longer exist"
    for name in names:
        assert {(name, "GET"), (name, "POST")} <= set(MATRIX), f"{name} needs GET and POST rows"


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
    for (name, method), expected_by_persona in MATRIX.items():
        url = reverse(name, kwargs=world.kwargs.get(name, {}))
        for persona, expected in expected_by_persona.items():
            status = _request(client, world, persona, method.lower(), url)
            checked += 1
            if status != expected:
                wrong.append(f"{method} {url} as {persona}: {status}, expected {expected}")
    with capsys.disabled():
        print(
            f"\naccess matrix: {checked} (URL, persona, method) cases checked over {len(MATRIX) // 2} URLs"
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
