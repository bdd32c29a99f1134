"""Pages of the portal's frame that no app owns: the refused-form page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

ERROR_CSRF = _(
    "Formulir ini sudah kedaluwarsa atau dikirim dari halaman lain. Muat ulang halaman, "
    "lalu kirim lagi. Bila Anda baru saja masuk lagi, isian lama perlu dikirim ulang."
)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form, explained in Indonesian instead of Django's English 403 page."""
    return render(request, "csrf_failure.html", {"message": ERROR_CSRF}, status=403)
