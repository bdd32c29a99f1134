"""Competition pages: the list, one competition's rules, and moving its stage."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from bantar.access import AuthenticatedRequest, get_for_user_or_404, may, permission_required
from competitions.forms import AdvanceForm
from competitions.models import Competition, CompetitionStatus, Entry
from competitions.selectors import entry_status_counts
from competitions.services import advance_warnings, competition_advance


@require_safe
@login_required
def competition_list(request: AuthenticatedRequest) -> HttpResponse:
    competitions = Competition.objects.for_user(request.user)
    return render(request, "competitions/list.html", {"competitions": competitions})


@require_safe
@login_required
def competition_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    competition = get_for_user_or_404(Competition.objects, request.user, pk=pk)
    entries = Entry.objects.for_user(request.user).filter(competition=competition)
    # Final and published are decided on the plenary page, which checks the sheets.
    can_advance = bool(
        may(request.user, "competitions.advance_stage")
        and competition.next_status
        not in (None, CompetitionStatus.FINAL, CompetitionStatus.PUBLISHED)
    )
    warnings = advance_warnings(competition) if can_advance else []
    context = {
        "competition": competition,
        "categories": competition.size_categories.all(),
        "status_counts": entry_status_counts(entries),
        "advance_form": AdvanceForm(
            initial={"to_status": competition.next_status}, warnings=warnings
        ),
        "advance_warnings": warnings,
        "can_advance": can_advance,
        "can_read_results": may(request.user, "scoring.read_plenary"),
    }
    return render(request, "competitions/detail.html", context)


@require_POST
@permission_required("competitions.advance_stage")
def competition_advance_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    competition = get_for_user_or_404(Competition.objects, request.user, pk=pk)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Centang konfirmasi untuk melanjutkan tahap."))
        return redirect("competition-detail", pk=competition.pk)
    try:
        competition = competition_advance(
            competition=competition, to_status=form.cleaned_data["to_status"], by=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Kompetisi kini pada tahap %(status)s.")
            % {"status": competition.get_status_display()},
        )
    return redirect("competition-detail", pk=competition.pk)
