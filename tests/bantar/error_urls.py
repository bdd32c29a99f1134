"""A URLconf for the error-page tests: the portal's own, plus views that fail on purpose."""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from bantar.urls import handler400, handler403, handler404
from bantar.urls import urlpatterns as portal_urls


def broken_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


def suspicious_view(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a tampered request")


urlpatterns = [
    path("uji/rusak/", broken_view),
    path("uji/curiga/", suspicious_view),
    *portal_urls,
]

__all__ = ["handler400", "handler403", "handler404", "urlpatterns"]
