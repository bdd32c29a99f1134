"""The home page of every role: what the season asks of this person now (season/selectors.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from bantar.access import may
from bantar.models import User
from season import selectors


def _panitia(user: User) -> dict[str, Any]:
    return {"home": selectors.panitia_home(user)}


def _pejabat(user: User) -> dict[str, Any]:
    return {"home": selectors.pejabat_home(user)}


def _kecamatan(user: User) -> dict[str, Any]:
    return {"home": selectors.kecamatan_home(user)}


def _kelurahan(user: User) -> dict[str, Any]:
    return {"home": selectors.kelurahan_home(user)}


def _juror(user: User) -> dict[str, Any]:
    return {"home": selectors.juror_home(user)}


# Asked in this order (season/rules.py); the first the user's role allows is its home.
HOMES: list[tuple[str, str, Callable[[User], dict[str, Any]]]] = [
    # The admin acts as the committee too: the panitia's work, with the admin's door.
    ("season.admin_home", "home/admin.html", _panitia),
    ("season.panitia_home", "home/panitia.html", _panitia),
    ("season.pejabat_home", "home/pejabat.html", _pejabat),
    ("season.kecamatan_home", "home/kecamatan.html", _kecamatan),
    ("season.kelurahan_home", "home/kelurahan.html", _kelurahan),
    ("season.juror_home", "home/juri.html", _juror),
]


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "home/public.html")
    user = request.user
    for permission, template, context in HOMES:
        if may(user, permission):
            return render(request, template, context(user))
    # An account without a usable role (a kelurahan officer with no kelurahan, say).
    return render(request, "home/no_role.html")
