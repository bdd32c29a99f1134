"""Team severity pages (issue 12.5): the plenary's "Keseragaman penilaian" panel and its settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from bantar.access import AuthenticatedRequest, get_for_user_or_404, may, permission_required
from bantar.filters import page_of
from competitions.models import Competition
from competitions.stages import Write, stage_allows
from scoring.severity import (
    calibration_candidate_order,
    calibration_candidates,
    calibration_entries,
    kept_calibration_chosen,
    kept_severity_panel,
)
from scoring.severity_forms import (
    ADD,
    ERROR_CALIBRATION_CHOICE,
    CalibrationFilter,
    CalibrationMarkForm,
    SeveritySettingsForm,
)
from scoring.severity_services import competition_severity_settings, entry_calibration_mark


@require_safe
@permission_required("scoring.read_plenary")
def severity_page(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    competition = get_for_user_or_404(Competition.objects, request.user, pk=competition_pk)
    context = {
        "competition": competition,
        "panel": kept_severity_panel(competition),
        "can_decide": may(request.user, "scoring.decide_results"),
    }
    return render(request, "scoring/severity.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("scoring.decide_results")
def severity_settings_page(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    """Threshold and normalisation (one form), the chosen calibration RTs, and a paged search
    to add or remove one RT at a time: a filter or a page never loses a choice."""
    competition = get_for_user_or_404(Competition.objects, request.user, pk=competition_pk)
    if request.method == "POST" and ("calibration" in request.POST or "entry" in request.POST):
        _calibration_mark(request, competition)
        return redirect(request.get_full_path())  # the same search and page
    form = SeveritySettingsForm(request.POST or None, competition=competition)
    if request.method == "POST" and form.is_valid():
        try:
            competition_severity_settings(
                competition=competition,
                threshold=form.cleaned_data["threshold"],
                normalise=form.cleaned_data["normalise"],
                by=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Pengaturan keseragaman penilaian disimpan."))
            return redirect("severity", competition.pk)
    search = CalibrationFilter(
        request.GET or None,
        queryset=calibration_candidates(competition),
        user=request.user,
        competition=competition,
    )
    order = calibration_candidate_order(competition)
    if any(request.GET.get(name) for name in search.filters):
        matching = set(search.qs.order_by().values_list("pk", flat=True))
        order = [pk for pk in order if pk in matching]
    page = page_of(request, order)
    page.object_list = calibration_entries(list(page.object_list))
    context = {
        "competition": competition,
        "form": form,
        "chosen": kept_calibration_chosen(competition),
        "search": search,
        "filter_form": search.form,
        "page": page,
        "settings_open": stage_allows(competition, Write.SEVERITY_SETTINGS),
        "calibration_open": stage_allows(competition, Write.CALIBRATION),
    }
    return render(request, "scoring/severity_settings.html", context)


def _calibration_mark(request: AuthenticatedRequest, competition: Competition) -> None:
    form = CalibrationMarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(ERROR_CALIBRATION_CHOICE))
        return
    adding = form.cleaned_data["calibration"] == ADD
    try:
        entry = entry_calibration_mark(
            competition=competition,
            entry_id=form.cleaned_data["entry"],
            calibration=adding,
            by=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return
    if adding:
        messages.success(request, _("%(rt)s menjadi RT kalibrasi.") % {"rt": entry.rt})
    else:
        messages.success(request, _("%(rt)s bukan RT kalibrasi lagi.") % {"rt": entry.rt})
