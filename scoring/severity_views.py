"""Team severity pages (issue 12.5): the plenary's "Keseragaman penilaian" panel and its settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from bantar.access import AuthenticatedRequest, get_for_user_or_404, may, permission_required
from competitions.models import Competition
from competitions.stages import Write, stage_allows
from scoring.severity import severity_panel
from scoring.severity_forms import SeveritySettingsForm
from scoring.severity_services import competition_severity_settings, entry_calibration_set


@require_safe
@permission_required("scoring.read_plenary")
def severity_page(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    competition = get_for_user_or_404(Competition.objects, request.user, pk=competition_pk)
    context = {
        "competition": competition,
        "panel": severity_panel(competition),
        "can_decide": may(request.user, "scoring.decide_results"),
    }
    return render(request, "scoring/severity.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("scoring.decide_results")
def severity_settings_page(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    competition = get_for_user_or_404(Competition.objects, request.user, pk=competition_pk)
    form = SeveritySettingsForm(request.POST or None, competition=competition)
    if request.method == "POST" and form.is_valid():
        chosen = {entry.pk for entry in form.cleaned_data["calibration"]}
        current = set(competition.entries.filter(is_calibration=True).values_list("pk", flat=True))
        try:
            with transaction.atomic():  # both or neither
                competition_severity_settings(
                    competition=competition,
                    threshold=form.cleaned_data["threshold"],
                    normalise=form.cleaned_data["normalise"],
                    by=request.user,
                )
                if chosen != current:
                    entry_calibration_set(
                        competition=competition, entry_ids=chosen, by=request.user
                    )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Pengaturan keseragaman penilaian disimpan."))
            return redirect("severity", competition.pk)
    context = {
        "competition": competition,
        "form": form,
        "settings_open": stage_allows(competition, Write.SEVERITY_SETTINGS),
        "calibration_open": stage_allows(competition, Write.CALIBRATION),
    }
    return render(request, "scoring/severity_settings.html", context)
