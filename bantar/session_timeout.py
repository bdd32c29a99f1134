"""Sessions on shared tablets: an absolute lifetime and an idle limit, cheaply.

Django renews a session's expiry whenever the session is saved, and saving it on
every request (SESSION_SAVE_EVERY_REQUEST) would write to the database on every
autosave of every juror. Instead this middleware keeps two timestamps in the
session: when it started (it ends SESSION_COOKIE_AGE later, however busy it is) and
when it was last used, written at most once a minute (it ends after
BANTAR_SESSION_IDLE_MINUTES without a request). An ended session is logged out; a
page then asks to log in again and the scoring page's autosave answers 401, so the
juror's queued changes wait on the tablet until they log in.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

SESSION_STARTED = "bantar_session_started"
SESSION_LAST_SEEN = "bantar_session_last_seen"
# Activity is written to the session at most this often (seconds).
TOUCH_INTERVAL = 60

SESSION_ENDED_IDLE = _(
    "Sesi Anda berakhir karena tidak ada aktivitas selama %(minutes)s menit. Silakan masuk lagi."
)
SESSION_ENDED_AGE = _("Sesi Anda berakhir setelah %(hours)s jam. Silakan masuk lagi.")


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session_check(request, now=int(time.time()))
        return self.get_response(request)


def session_check(request: HttpRequest, *, now: int) -> None:
    """Log the user out if the session is too old or was idle too long; else note the visit."""
    session = request.session
    started = session.get(SESSION_STARTED)
    last_seen = session.get(SESSION_LAST_SEEN)
    if started is None or last_seen is None:
        session[SESSION_STARTED] = started or now
        session[SESSION_LAST_SEEN] = now
        return
    idle_limit = settings.BANTAR_SESSION_IDLE_MINUTES * 60
    if now - started > settings.SESSION_COOKIE_AGE:
        _end(request, SESSION_ENDED_AGE % {"hours": round(settings.SESSION_COOKIE_AGE / 3600)})
    elif idle_limit and now - last_seen > idle_limit:
        _end(request, SESSION_ENDED_IDLE % {"minutes": settings.BANTAR_SESSION_IDLE_MINUTES})
    elif now - last_seen >= TOUCH_INTERVAL:
        session[SESSION_LAST_SEEN] = now


def _end(request: HttpRequest, message: str) -> None:
    logout(request)
    messages.info(request, message)
