"""Pages of the portal's frame that no app owns: the refused form and the error pages.

The error pages answer in the user's language inside the portal's layout, each
with a way back to the user's home. 500 is Django's own handler with a plain
template (templates/500.html): no database, no context processors, since the
error may be the database itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from bantar.access import AuthenticatedRequest, log_refusal, permission_required
from bantar.models import MailLog, MailStatus
from bantar.rules import is_juror, is_kelurahan_officer, is_region_officer

if TYPE_CHECKING:
    from bantar.models import User

ERROR_CSRF = _(
    "Formulir ini sudah kedaluwarsa atau dikirim dari halaman lain. Muat ulang halaman, "
    "lalu kirim lagi. Bila Anda baru saja masuk lagi, isian lama perlu dikirim ulang."
)
ERROR_BAD_REQUEST = _(
    "Permintaan ini tidak dapat diproses (mungkin tautannya terpotong atau isiannya terlalu "
    "besar). Kembali ke beranda, lalu coba lagi dari sana."
)
ERROR_FORBIDDEN = _(
    "Peran Anda tidak dapat membuka halaman ini atau melakukan tindakan ini. Bila Anda merasa "
    "seharusnya bisa, hubungi panitia di DPMPPA."
)
ERROR_NOT_FOUND = _("Halaman atau data yang Anda cari tidak ada. Periksa kembali alamatnya.")
# A region officer gets this one whether the object does not exist or lies outside its region,
# so that the answer says nothing about another region's data.
ERROR_NOT_FOUND_REGION = _(
    "Halaman atau data ini tidak ada, atau mungkin milik wilayah lain: akun Anda hanya "
    "membuka data %(region)s."
)
ERROR_NOT_FOUND_JUROR = _(
    "Halaman atau data ini tidak ada, atau RT ini tidak ditugaskan kepada tim Anda."
)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form, explained in Indonesian instead of Django's English 403 page."""
    return render(request, "csrf_failure.html", {"message": ERROR_CSRF}, status=403)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400, with the request (Django's own handler renders without it, so without the layout)."""
    return render(request, "400.html", {"message": ERROR_BAD_REQUEST}, status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    # The exception's text is for developers; the page says what the user can do.
    response = render(request, "403.html", {"message": ERROR_FORBIDDEN}, status=403)
    log_refusal(request, exception)
    # Marked as logged, so Django's "Forbidden (Permission denied)" record with the
    # exception's traceback (django.utils.log.log_response) is not written too.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def not_found_message(request: HttpRequest) -> str:
    """The same words for "does not exist" and "not yours to see", per kind of scope."""
    user = cast("User", request.user)
    if is_kelurahan_officer(user):
        region = _("Kelurahan %(name)s") % {"name": user.scope_label}
        return str(ERROR_NOT_FOUND_REGION % {"region": region})
    if is_region_officer(user):
        region = _("Kecamatan %(name)s") % {"name": user.scope_label}
        return str(ERROR_NOT_FOUND_REGION % {"region": region})
    if is_juror(user):
        return str(ERROR_NOT_FOUND_JUROR)
    return str(ERROR_NOT_FOUND)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", {"message": not_found_message(request)}, status=404)


MAIL_LOG_LENGTH = 200


@require_safe
@permission_required("bantar.read_mail_log")
def mail_log(request: AuthenticatedRequest) -> HttpResponse:
    """The panitia's view of the portal's mail: the latest sends, failures first if asked."""
    failed_only = request.GET.get("status") == MailStatus.FAILED
    mails = MailLog.objects.all()
    if failed_only:
        mails = mails.filter(status=MailStatus.FAILED)
    context = {
        "mails": mails[:MAIL_LOG_LENGTH],
        "failed_only": failed_only,
        "failed_count": MailLog.objects.filter(status=MailStatus.FAILED).count(),
        "limit": MAIL_LOG_LENGTH,
    }
    return render(request, "bantar/mail_log.html", context)
