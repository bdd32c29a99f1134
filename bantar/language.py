"""The page's language: Indonesian first, then the user's own choice, never the browser's.

Django's LocaleMiddleware follows the browser's Accept-Language, so an office PC set up in
English showed Indonesian clerks English pages (issue 18). Here the language is, in order:
the logged-in user's stored choice (`User.language`), the visitor's cookie (set by the
language menu), else `settings.LANGUAGE_CODE` (id). Accept-Language is never read.

The language menu posts to `set_language` below: it sets the cookie, as Django's view does,
and stores the choice on the user. At login a stored choice applies; a user without one
keeps what it chose on the login page, which is then stored for its next browser.

The scripts' strings (static/js/*.js, `gettext()`) come from Django's JavaScriptCatalog,
served here at /jsi18n/<language>/<version>.js from locale/*/LC_MESSAGES/djangojs.po; the
version changes with the catalogues, so the browser may keep a copy for good and the field
kit's service worker caches it like a static file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_safe
from django.views.i18n import JavaScriptCatalog
from django.views.i18n import set_language as django_set_language

if TYPE_CHECKING:
    from bantar.models import User


def language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def valid_language(code: str | None) -> str | None:
    """The code when the portal offers it, else None (a stale or forged cookie)."""
    return code if code and code in language_codes() else None


def cookie_language(request: HttpRequest) -> str | None:
    return valid_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))


def request_language(request: HttpRequest) -> str:
    """The user's choice, else the visitor's cookie, else Indonesian."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        own = valid_language(getattr(user, "language", ""))
        if own:
            return own
    return cookie_language(request) or settings.LANGUAGE_CODE


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class LanguageMiddleware:
    """Replaces LocaleMiddleware; after AuthenticationMiddleware, since it reads the user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and valid_language(getattr(user, "language", ""))
            and cookie_language(request) != user.language
            and settings.LANGUAGE_COOKIE_NAME not in response.cookies
        ):
            # The cookie follows the user's choice, so the login page after logging out
            # is still in the language it reads.
            set_language_cookie(response, user.language)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    """Stores a user's language choice (a code of settings.LANGUAGES)."""
    user.language = language
    # Only this field: an old account may fail checks (a region) it has nothing to do with.
    user.clean_fields(exclude=[f.name for f in user._meta.fields if f.name != "language"])
    user.save(update_fields=["language"])


@csrf_protect
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie, redirect to `next`), and the choice kept on the user."""
    response = django_set_language(request)
    language = valid_language(request.POST.get("language")) if request.method == "POST" else None
    user = getattr(request, "user", None)
    if language and user is not None and user.is_authenticated:
        user_set_language(user=cast("User", user), language=language)
    return response


@receiver(user_logged_in, dispatch_uid="bantar.language.apply_at_login")
def apply_at_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """A stored choice applies (the middleware reads it from now on); without one, what the
    visitor chose before logging in is stored, so the next browser opens in it too."""
    if request is None or valid_language(user.language):
        return
    chosen = cookie_language(request)
    if chosen:
        user_set_language(user=user, language=chosen)


# --- The scripts' catalogue ---------------------------------------------------------------

JS_DOMAIN = "djangojs"
# Only the portal's own catalogues (LOCALE_PATHS; "bantar" has no locale of its own), not
# the admin's calendar strings nobody's script uses.
_catalogue_view = JavaScriptCatalog.as_view(domain=JS_DOMAIN, packages=["bantar"])


@cache
def catalogue_version() -> str:
    """A hash of the scripts' catalogues: a new translation is a new URL."""
    digest = hashlib.sha256()
    for root in settings.LOCALE_PATHS:
        for path in sorted(Path(root).glob(f"*/LC_MESSAGES/{JS_DOMAIN}.*")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def catalogue_url(language: str | None = None) -> str:
    """The catalogue of `language` (default: the active one) for a <script src>."""
    code = valid_language(language or translation.get_language()) or settings.LANGUAGE_CODE
    return reverse("javascript-catalog", kwargs={"language": code, "version": catalogue_version()})


@require_safe
def javascript_catalog(request: HttpRequest, language: str, version: str) -> HttpResponseBase:
    """gettext(), ngettext(), interpolate() and the language's formats for the scripts."""
    if not valid_language(language):
        raise Http404
    with translation.override(language):
        response = _catalogue_view(request)
    if version == catalogue_version():
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        # A page from before a release asks for the old version: it gets today's, not kept.
        response["Cache-Control"] = "no-cache"
    return response
