"""Login throttling with django-axes: the portal's own lockout page and the client's address.

django-axes counts failed logins (settings: AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME,
AXES_LOCKOUT_PARAMETERS) and, once a username and address pair is locked out, asks
`lockout_response` for the answer instead of showing its own English page.

Two additions: `client_ip` trusts exactly BANTAR_TRUSTED_PROXIES proxies in front of
gunicorn (0 by default: X-Forwarded-For is ignored), and `LoginHandler` also locks an
address out after BANTAR_LOGIN_FAILURES_PER_ADDRESS failures across all usernames.
django-axes compares every lockout parameter against one AXES_FAILURE_LIMIT, so a
second, higher limit per address needs this handler.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import math
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db.models import Sum
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


logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, trusting exactly BANTAR_TRUSTED_PROXIES proxies (AXES_CLIENT_IP_CALLABLE).

    Each trusted proxy appends the address it saw to X-Forwarded-For (nginx:
    `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`), so with N proxies the
    client is the N-th entry from the right; anything further left was written by the client
    and is ignored. With 0 proxies, or fewer entries than proxies, the header is ignored and
    the address the connection came from counts (as Werkzeug's ProxyFix does).
    """
    trusted = settings.BANTAR_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if trusted > 0 and len(addresses) >= trusted and _is_address(addresses[-trusted]):
        return addresses[-trusted]
    remote = request.META.get("REMOTE_ADDR")
    if addresses and trusted == 0 and _is_loopback(remote):
        _warn_once_about_proxies()
    return remote


def _is_address(text: str) -> bool:
    """An IP address, as a trusted proxy writes it (and as PostgreSQL's inet column accepts)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


@functools.cache  # one line in the log per process is enough
def _warn_once_about_proxies() -> None:
    logger.warning(
        "Logins arrive from a loopback address with X-Forwarded-For: behind nginx, set "
        "BANTAR_TRUSTED_PROXIES=1, or every client counts as the same address."
    )


def address_failures(ip_address: str | None, request: HttpRequest) -> int:
    """Failed logins from this address within the cool-off, whatever the username."""
    if not ip_address:
        return 0
    attempts = AccessAttempt.objects.filter(
        ip_address=ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_locked_out(request: HttpRequest) -> bool:
    """True once BANTAR_LOGIN_FAILURES_PER_ADDRESS logins from this address failed.

    A loopback address means the real clients are not known (a proxy that is not
    trusted): limiting it would lock the whole city out at once, so it is not limited;
    the username-and-address limit still applies.
    """
    limit = settings.BANTAR_LOGIN_FAILURES_PER_ADDRESS
    address = getattr(request, "axes_ip_address", None) or client_ip(request)
    if limit <= 0 or _is_loopback(address):
        return False
    return address_failures(address, request) >= limit


class LoginHandler(AxesDatabaseHandler):
    """django-axes' database handler plus a second, higher limit per address (AXES_HANDLER)."""

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or address_locked_out(request)

    def user_login_failed(
        self, sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        # The failure that reaches the per-address limit is answered with the lockout page
        # at once, as axes does for its own limit.
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if address_locked_out(request):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
