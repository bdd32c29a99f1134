"""`Cache-Control: private` on every answer to a logged-in user.

A page sent to someone logged in carries their name in the navigation bar and,
on most pages, data only they may see. A shared cache (a proxy at the kantor
kelurahan, a CDN in front of the portal) must never keep it, and a browser must
not show it to the next person on a shared tablet. The public pages say
`public, max-age=300` for anonymous visitors; for a logged-in user the same
page becomes `private, no-cache`: the browser may keep it but asks again before
showing it, so after a logout nobody gets the previous user's copy.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# A shared-cache lifetime means nothing once the answer is private.
SHARED_ONLY = ("public", "max-age", "s-maxage")


class PrivateForLoggedInMiddleware:
    """Marks every response to an authenticated user private, whatever the view said."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            make_private(response)
        return response


def make_private(response: HttpResponse) -> None:
    """`public, max-age=N` becomes `private, no-cache`; anything else gains `private`."""
    directives = [d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()]
    names = {d.split("=", 1)[0].strip().lower() for d in directives}
    if "public" in names:
        kept = [d for d in directives if d.split("=", 1)[0].strip().lower() not in SHARED_ONLY]
        response["Cache-Control"] = ", ".join(kept)
        if not kept:
            del response["Cache-Control"]
        patch_cache_control(response, private=True, no_cache=True)
    elif "private" not in names:
        patch_cache_control(response, private=True)
