"""Login throttling with django-axes: the portal's own lockout page and the client's address.

django-axes counts failed logins (settings: AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME,
AXES_LOCKOUT_PARAMETERS) and, once a username and address pair is locked out, asks
`lockout_response` for the answer instead of showing its own English page.
"""

from __future__ import annotations

import math

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme

from bantar.forms import ERROR_LOCKED_OUT, ERROR_LOCKED_OUT_PERMANENT, LoginForm


def lockout_message(request: HttpRequest | None = None) -> str | Promise:
    """Why the login was refused, and for how long."""
    cool_off = get_cool_off(request)
    if not cool_off:
        return ERROR_LOCKED_OUT_PERMANENT
    return ERROR_LOCKED_OUT % {"minutes": math.ceil(cool_off.total_seconds() / 60)}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The login page again, with the lockout message, answered with AXES_HTTP_RESPONSE_CODE.

    The username stays filled in; the password field is empty. The same page is shown
    for the admin's login form, which django-axes guards as well.
    """
    username = get_client_username(request, credentials) or ""
    context = {
        "form": LoginForm(request, initial={"username": username}),
        "lockout_message": lockout_message(request),
        "next": _safe_next(request),
    }
    return render(
        request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )


def _safe_next(request: HttpRequest) -> str:
    """The page to go to after logging in, as LoginView would accept it."""
    target = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME, ""))
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


def client_ip_behind_proxy(request: HttpRequest) -> str | None:
    """The client's address as the reverse proxy saw it (production, behind nginx).

    nginx appends the address it saw to X-Forwarded-For
    (`proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`). Only the entries
    before it can be forged by the client, so the last one is taken.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    return addresses[-1] if addresses else request.META.get("REMOTE_ADDR")
