"""The field kit's batch sync, the tablets' reports on the photo endpoint, the panitia's tablet page.

The batch endpoint answers JSON in every case (see CONTRACT_FIELD.md): 401 when
the session has ended, so that the tablet keeps its outbox; 403 for a user who
is not a juror; 400 or 413 when the request as a whole cannot be read (nothing
is applied); otherwise 200 with one result per change.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from bantar.access import AuthenticatedRequest, get_for_user_or_404, may, permission_required
from competitions.models import Competition
from scoring import sync

ERROR_SESSION_ENDED = gettext_lazy(
    "Sesi berakhir. Masuk lagi; perubahan Anda tetap tersimpan di perangkat."
)
ERROR_NOT_JUROR = gettext_lazy("Hanya juri yang dapat mengirim penilaian.")
DEVICE_HEADER = "X-Bantar-Device"
OUTBOX_HEADER = "X-Bantar-Outbox"


def _body(request: HttpRequest) -> bytes:
    """The request body, refused (413) before it is read when it says it is too large."""
    limit = settings.BANTAR_SYNC_MAX_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        sync.raise_too_large()
    # One byte past the limit is enough for batch_parse to refuse a body without a length.
    return request.read(limit + 1)


@require_POST
def field_sync(request: HttpRequest) -> JsonResponse:
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"ok": False, "error": str(ERROR_SESSION_ENDED)}, status=401)
    if not may(user, "scoring.score"):
        return JsonResponse({"ok": False, "error": str(ERROR_NOT_JUROR)}, status=403)
    header_device = sync.parse_device(request.headers.get(DEVICE_HEADER))
    header_outbox = sync.parse_outbox(request.headers.get(OUTBOX_HEADER))
    try:
        batch = sync.batch_parse(_body(request))
    except sync.BatchRefused as refused:
        if header_device is not None:
            sync.device_contact_safely(user=user, device=header_device, outbox=header_outbox)
        body = {"ok": False, "error": refused.message, **refused.extra}
        return JsonResponse(body, status=refused.status)
    result = sync.batch_apply(user=user, changes=batch.changes)
    device = batch.device or header_device
    if device is not None:
        sync.device_contact_safely(
            user=user,
            device=device,
            outbox=batch.outbox if batch.outbox is not None else header_outbox,
            applied=result.count(sync.APPLIED),
            refused=result.count(sync.REFUSED),
            answered=len(result.outcomes),
        )
    return JsonResponse(
        {
            "ok": True,
            "server_time": timezone.now().isoformat(),
            "results": [outcome.as_json() for outcome in result.outcomes],
        }
    )


def reports_device(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    """Note the juror's device on a single-change endpoint (the photo upload), by its headers.

    Goes inside `json_api`, so that a refusal raised by the view is counted before
    `json_api` turns it into JSON.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        device = sync.parse_device(request.headers.get(DEVICE_HEADER))
        user = request.user
        if device is None or not user.is_authenticated or not may(user, "scoring.score"):
            return view(request, *args, **kwargs)
        report = {
            "user": user,
            "device": device,
            "outbox": sync.parse_outbox(request.headers.get(OUTBOX_HEADER)),
        }
        try:
            response = view(request, *args, **kwargs)
        except (PermissionDenied, ValidationError, Http404):
            sync.device_contact_safely(**report, refused=1, answered=1)
            raise
        done = response.status_code < 300
        applied = 1 if response.status_code == 201 else 0
        sync.device_contact_safely(**report, applied=applied, answered=1 if done else 0)
        return response

    return wrapped


@require_safe
@permission_required("scoring.manage_teams")
def field_devices_page(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    """Per juror: the last contact, today's changes and what its tablet still holds."""
    competition = get_for_user_or_404(Competition.objects, request.user, pk=competition_pk)
    rows = sync.field_devices(competition)
    holding = [row for row in rows if row.waiting]
    context = {
        "competition": competition,
        "rows": rows,
        "holding": holding,
        "waiting_total": sum(row.waiting for row in holding),
        "now": timezone.now(),
    }
    return render(request, "scoring/field_devices.html", context)
