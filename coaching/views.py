"""The self-check (public, computes in the browser) and the coaching view (officers)."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from bantar.access import permission_required
from bantar.exports import export_response
from bantar.models import User
from coaching.reports import coaching_report
from coaching.selectors import coaching_figures
from coaching.selfcheck import selfcheck_rules


@require_safe
def selfcheck(request: HttpRequest) -> HttpResponse:
    """Cek mandiri: the page reads, never writes; the answers stay in the visitor's browser."""
    return render(request, "coaching/selfcheck.html", {"rules": selfcheck_rules()})


@require_safe
@permission_required("coaching.view")
def coaching(request: HttpRequest) -> HttpResponse:
    figures = coaching_figures(cast(User, request.user))
    return render(request, "coaching/coaching.html", {"figures": figures})


@require_safe
@permission_required("coaching.view")
def coaching_export(request: HttpRequest) -> HttpResponse:
    figures = coaching_figures(cast(User, request.user))
    return export_response(coaching_report(figures), "xlsx")
