"""A temporary password must be changed before anything else.

The admin may give a user a temporary password (the user admin's password form,
or the "must change" action) by setting `User.must_change_password`. Until that
user has chosen its own password (the password change form or a reset link clears
the flag, bantar/forms.py), every page leads to the password change page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

# Pages a user with a temporary password may still open: changing it, leaving,
# the language, and the field kit's service worker and manifest (asked by the browser).
ALLOWED_URL_NAMES = frozenset(
    {
        "password_change",
        "password_change_done",
        "logout",
        "set_language",
        "field-sw",
        "field-manifest",
    }
)
MESSAGE_CHANGE_FIRST = _(
    "Anda masuk dengan kata sandi sementara dari admin. Ganti dulu dengan kata sandi Anda "
    "sendiri sebelum melanjutkan."
)


class MustChangePasswordMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not getattr(user, "must_change_password", False):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in ALLOWED_URL_NAMES:
            return None
        if request.method == "GET":
            messages.warning(request, MESSAGE_CHANGE_FIRST)
        return redirect("password_change")
