"""URLs for bench_throughput.py only: the portal's, plus the baseline view."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def ping(request: HttpRequest) -> HttpResponse:
    """The least a Django view can do, behind the same middleware as every portal page."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/ping/", ping, name="bench-ping"),
    path("", include("bantar.urls")),
]
