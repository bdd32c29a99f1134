"""Scoring pages: the panitia's teams and assignments, the juror's day, photo files.

The tablet talks to three small JSON endpoints (score, photo, delete photo).
They answer JSON for every outcome, 401 when the session has expired, so that
the page can keep its queued changes and send them after the juror logs in again.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from bantar.access import (
    AuthenticatedRequest,
    get_for_user_or_404,
    may,
    permission_required,
    require,
)
from bantar.filters import page_of
from competitions.models import Competition, Entry
from competitions.stages import Write, stage_allows
from scoring import evidence, panel, result_cache, services
from scoring.filters import AssignmentFilter, verified_entries
from scoring.forms import (
    AssignForm,
    ExcuseForm,
    LeaderForm,
    MemberForm,
    PhotoForm,
    RecusalForm,
    RemitForm,
    ReopenForm,
    ScoreChangeForm,
    TeamForm,
)
from scoring.models import Evidence, Excusal, JuryMember, JuryTeam, ScoreSheet
from scoring.notifications import assignments_notify as notify_assignments
from scoring.selectors import (
    assignment_rows,
    entry_sheets,
    excusal_history,
    juror_sheet,
    remit_history,
    score_history,
    scoring_cards,
    team_loads,
    teams_with_members,
)
from scoring.severity import calibration_comparison
from scoring.sync_views import reports_device

if TYPE_CHECKING:
    from bantar.models import User


def _errors(request: AuthenticatedRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Panitia: teams and assignments -------------------------------------------------


def _assignment_filter(
    request: AuthenticatedRequest, competition: Competition, data: Any, teams: list[JuryTeam]
) -> AssignmentFilter:
    return AssignmentFilter(
        data or None,
        queryset=verified_entries(competition),
        user=request.user,
        competition=competition,
        teams=teams,
    )


@require_safe
@permission_required("scoring.manage_teams")
def teams_page(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    competition = get_for_user_or_404(Competition.objects, request.user, pk=competition_pk)
    # The key names the value's shape: result_cache's digest does not cover this module.
    verified_count, unassigned, loads = result_cache.cached(
        "teams-figures:verified,unassigned,loads",
        competition,
        lambda: _assignment_counts(competition),
    )
    teams = teams_with_members(competition, loads)
    filters = _assignment_filter(request, competition, request.GET, teams)
    # The page's ids first, then its rows: the database sorts (id, region) pairs, not every
    # verified entry's joined columns (16,500 at 10x city scale), to find fifty.
    page = page_of(request, filters.qs.values_list("pk", flat=True))
    member_form = MemberForm(competition=competition)
    context = {
        "competition": competition,
        "teams": teams,
        "filter_form": filters.form,
        "filtered": filters.active(),
        "page": page,
        "rows": assignment_rows(competition, _in_order(competition, list(page.object_list))),
        "verified_count": verified_count,
        "unassigned": unassigned,
        "team_form": TeamForm(),
        "member_form": member_form,
        # The same form in every team's card: rendered once (crispy took 0.1 s a team).
        "member_form_html": as_crispy_form(member_form),
    }
    return render(request, "scoring/teams.html", context)


def _assignment_counts(competition: Competition) -> tuple[int, int, dict[int, int]]:
    """Verified entries, those without a team, and each team's RTs (two queries; kept under
    the result version, which every entry, team and assignment write renews)."""
    counts = verified_entries(competition).aggregate(
        verified=Count("pk"), unassigned=Count("pk", filter=Q(assignment__isnull=True))
    )
    return counts["verified"], counts["unassigned"], team_loads(competition)


def _in_order(competition: Competition, ids: list[int]) -> list[Entry]:
    """The entries of `ids`, in that order (one query)."""
    found = verified_entries(competition).filter(pk__in=ids).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def _panitia_post(view: Callable[..., None]) -> Callable[..., HttpResponse]:
    """A panitia action on a competition: run it, report errors, back to the teams page."""

    @wraps(view)
    @require_POST
    @permission_required("scoring.manage_teams")
    def wrapped(request: AuthenticatedRequest, competition_pk: int, **kwargs: Any) -> HttpResponse:
        competition = get_for_user_or_404(Competition.objects, request.user, pk=competition_pk)
        try:
            view(request, competition, **kwargs)
        except ValidationError as error:
            _errors(request, error)
        return redirect("scoring-teams", competition_pk=competition.pk)

    return wrapped


def _valid(form: Any) -> dict[str, Any]:
    """The form's data, or its errors as one ValidationError labelled by field."""
    if form.is_valid():
        return form.cleaned_data
    problems = [
        f"{form.fields[name].label}: {' '.join(errors)}"
        if name in form.fields
        else " ".join(errors)
        for name, errors in form.errors.items()
    ]
    raise ValidationError(problems)


@_panitia_post
def team_create_view(request: AuthenticatedRequest, competition: Competition) -> None:
    team = services.team_create(
        competition=competition, name=_valid(TeamForm(request.POST))["name"]
    )
    # Teams are usually named "Tim 1", "Tim 2": "Tim Tim 2 dibuat." stuttered.
    named = (
        team.name
        if team.name.lower().startswith("tim")
        else _("Tim %(team)s") % {"team": team.name}
    )
    messages.success(request, _("%(team)s dibuat.") % {"team": named})


@_panitia_post
def member_add_view(request: AuthenticatedRequest, competition: Competition, team_pk: int) -> None:
    team = get_object_or_404(JuryTeam, pk=team_pk, competition=competition)
    data = _valid(MemberForm(request.POST, competition=competition))
    member = services.team_add_member(
        team=team,
        user=data["user"],
        agency=data["agency"],
        home_kelurahan=data["home_kelurahan"],
        pillars=data["pillars"],
    )
    messages.success(
        request, _("%(member)s masuk %(team)s.") % {"member": member, "team": team.name}
    )


@_panitia_post
def leader_set_view(request: AuthenticatedRequest, competition: Competition, team_pk: int) -> None:
    team = get_object_or_404(JuryTeam, pk=team_pk, competition=competition)
    data = _valid(LeaderForm(request.POST, team=team))
    services.team_set_leader(team=team, user=data["user"])
    messages.success(request, _("Ketua %(team)s ditetapkan.") % {"team": team.name})


@_panitia_post
def assign_view(request: AuthenticatedRequest, competition: Competition) -> None:
    data = _valid(AssignForm(request.POST, competition=competition))
    with transaction.atomic():
        services.entry_assign(entry=data["entry"], team=data["team"], by=request.user)
        if data["plan_visit"]:
            services.assignment_plan_visit(
                entry=data["entry"],
                visit_date=data["visit_date"],
                visit_order=data["visit_order"],
                by=request.user,
            )
    messages.success(
        request,
        _("%(rt)s ditugaskan ke %(team)s.") % {"rt": data["entry"].rt, "team": data["team"].name},
    )


ERROR_BULK_NOTHING_MATCHES = gettext_lazy("Tidak ada RT terverifikasi yang sesuai saringan.")


@require_POST
@permission_required("scoring.manage_teams")
def assign_bulk_view(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    """Assign every entry the page's filters match (all pages) to one team, or share them out.

    With a team, each entry goes through `entry_assign` (its refusals, one message per RT);
    without one, `entries_assign_balanced` shares the unassigned ones among the teams.
    """
    competition = get_for_user_or_404(Competition.objects, request.user, pk=competition_pk)
    teams = list(JuryTeam.objects.filter(competition=competition).order_by("name"))
    entries = list(_assignment_filter(request, competition, request.POST, teams).qs)
    team_pk = request.POST.get("team", "")
    team = next((t for t in teams if str(t.pk) == team_pk), None)
    try:
        if not entries:
            raise ValidationError(ERROR_BULK_NOTHING_MATCHES)
        if team is None:
            made = services.entries_assign_balanced(
                competition=competition, entries=entries, by=request.user
            )
            messages.success(
                request,
                ngettext(
                    "%(count)s RT dibagi rata ke tim juri.",
                    "%(count)s RT dibagi rata ke tim juri.",
                    len(made),
                )
                % {"count": len(made)},
            )
        else:
            _assign_each(request, entries, team)
    except ValidationError as error:
        _errors(request, error)
    return redirect(_teams_url(competition, request.POST.get("next", "")))


def _assign_each(request: AuthenticatedRequest, entries: list[Entry], team: JuryTeam) -> None:
    made, refused = [], defaultdict(list)
    for entry in entries:
        current = getattr(entry, "assignment", None)
        if current is not None and current.team_id == team.pk:
            continue  # already there: no second mail to the team's jurors
        try:
            made.append(
                services.entry_assign(entry=entry, team=team, by=request.user, notify=False)
            )
        except ValidationError as error:
            for message in error.messages:
                refused[message].append(str(entry.rt))
    notify_assignments(assignments=made)  # one mail per juror for the whole set
    for message, rts in refused.items():
        # One message per refusal, naming its RTs (a stage refusal would otherwise say the
        # same thing for every one of 1,650 RTs).
        named = ", ".join(rts[:BULK_NAMED])
        if len(rts) > BULK_NAMED:
            others = len(rts) - BULK_NAMED
            named += " " + ngettext(
                "dan %(count)s RT lainnya", "dan %(count)s RT lainnya", others
            ) % {"count": others}
        messages.error(request, _("%(reason)s (%(rts)s)") % {"reason": message, "rts": named})
    if made:
        messages.success(
            request,
            ngettext(
                "%(count)s RT ditugaskan ke %(team)s.",
                "%(count)s RT ditugaskan ke %(team)s.",
                len(made),
            )
            % {"count": len(made), "team": team.name},
        )


BULK_NAMED = 5  # RTs named in one refusal message


def _teams_url(competition: Competition, query: str) -> str:
    """Back to the teams page with the filters the bulk action was sent from."""
    url = reverse("scoring-teams", kwargs={"competition_pk": competition.pk})
    return f"{url}?{query}" if query and not query.startswith(("/", "?")) else url


@permission_required("scoring.manage_teams")
def member_remit_page(
    request: AuthenticatedRequest, competition_pk: int, member_pk: int
) -> HttpResponse:
    """The pillars one juror scores: changed with a reason once the team has sent sheets."""
    competition = get_for_user_or_404(Competition.objects, request.user, pk=competition_pk)
    member = get_object_or_404(
        JuryMember.objects.select_related("user", "team"),
        pk=member_pk,
        team__competition=competition,
    )
    form = RemitForm(
        request.POST or None,
        initial={"pillars": list(member.pillars.all())},
        competition=competition,
    )
    if request.method == "POST":
        try:
            data = _valid(form)
            services.member_set_remit(
                member=member, pillars=data["pillars"], by=request.user, reason=data["reason"]
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Pilar %(member)s diubah.") % {"member": member})
            return redirect("scoring-teams", competition_pk=competition.pk)
    context = {
        "competition": competition,
        "member": member,
        "form": form,
        "history": remit_history(member),
    }
    return render(request, "scoring/member_remit.html", context)


@permission_required("scoring.review_sheets")
def entry_sheets_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The panitia's view of one entry's scoring: sheets, recusals, reopen, full history."""
    entry = get_for_user_or_404(Entry.objects.with_region(), request.user, pk=pk)
    if request.method == "POST":
        _entry_sheets_action(request, entry)
        return redirect("scoring-entry", pk=entry.pk)
    context = {
        "entry": entry,
        "rows": entry_sheets(entry),
        "history": score_history(entry),
        "recusal_form": RecusalForm(entry=entry),
        "reopen_form": ReopenForm(),
        "excusal_history": excusal_history(entry),
        "may_excuse": stage_allows(entry.competition, Write.EXCUSE),
        "photos": evidence.entry_photo_groups(
            request.user, competition_id=entry.competition_id, entry_id=entry.pk
        ),
        # A calibration RT: every team's sheet side by side (issue 12), named by the one rule.
        "calibration": calibration_comparison(
            entry, names=may(request.user, "scoring.see_juror_names", entry.competition)
        ),
    }
    return render(request, "scoring/entry_sheets.html", context)


def _entry_sheets_action(request: AuthenticatedRequest, entry: Entry) -> None:
    try:
        if request.POST.get("action") == "recuse":
            data = _valid(RecusalForm(request.POST, entry=entry))
            services.recusal_record(
                entry=entry, juror=data["juror"], reason=data["reason"], by=request.user
            )
            messages.success(request, _("Pengunduran diri juri dicatat."))
        elif request.POST.get("action") == "reopen":
            sheet = get_object_or_404(ScoreSheet, pk=request.POST.get("sheet"), entry=entry)
            data = _valid(ReopenForm(request.POST))
            services.sheet_reopen(sheet=sheet, by=request.user, reason=data["reason"])
            messages.success(request, _("Lembar nilai dibuka kembali."))
        elif request.POST.get("action") == "excuse":
            data = _valid(ExcuseForm(request.POST, entry=entry))
            services.sheet_excuse(
                entry=entry, juror=data["juror"], reason=data["reason"], by=request.user
            )
            messages.success(request, _("Lembar nilai dimaafkan; alasannya dicatat."))
        elif request.POST.get("action") == "unexcuse":
            juror = request.POST.get("juror", "")
            excusal = get_object_or_404(Excusal, entry=entry, juror=juror if juror.isdigit() else 0)
            services.sheet_excuse_undo(entry=entry, juror=excusal.juror, by=request.user)
            messages.success(request, _("Maaf lembar nilai dibatalkan; lembarnya ditunggu lagi."))
    except ValidationError as error:
        _errors(request, error)


# --- Juror -----------------------------------------------------------------------------


# The juror's list of RTs (juror-home) is scoring.field_views.juror_list: the offline kit's.


def _juror_entry(request: AuthenticatedRequest, entry_pk: int) -> tuple[Entry, Any]:
    """The assigned entry (404 otherwise) and the juror's membership (403 on conflict)."""
    entry = get_for_user_or_404(Entry.objects.with_region(), request.user, pk=entry_pk)
    member = panel.membership_for(entry=entry, juror=request.user)
    panel.check_may_score(entry=entry, member=member)
    return entry, member


@require_safe
@permission_required("scoring.score")
def scoring_page(request: AuthenticatedRequest, entry_pk: int) -> HttpResponse:
    entry, member = _juror_entry(request, entry_pk)
    # Opening a page writes nothing: the sheet is created by its first change.
    sheet = juror_sheet(entry=entry, juror=request.user)
    indicators = panel.remit_indicators(member)
    pillars = scoring_cards(entry=entry, juror=request.user, indicators=indicators)
    context = {
        "entry": entry,
        "sheet": sheet,
        "pillars": pillars,
        "total": len(indicators),
        "scored": sum(1 for _p, cards in pillars for card in cards if card.value is not None),
        "scale": range(entry.competition.scale_min, entry.competition.scale_max + 1),
    }
    return render(request, "scoring/scoring_page.html", context)


@require_POST
@permission_required("scoring.score")
def sheet_submit_view(request: AuthenticatedRequest, entry_pk: int) -> HttpResponse:
    entry, _member = _juror_entry(request, entry_pk)
    try:
        services.sheet_submit(entry=entry, juror=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request, _("Lembar nilai %(rt)s terkirim dan terkunci.") % {"rt": entry.rt}
        )
    return redirect("scoring-page", entry_pk=entry.pk)


JsonView = Callable[..., JsonResponse]


def json_api(permission: str) -> Callable[[JsonView], JsonView]:
    """The tablet's endpoints: the action's rule, and JSON in every case.

    JSON even for an expired session (401) or a refusal (403), so that the tablet
    can tell a refusal from a lost connection and keep its queued changes.
    """

    def decorator(view: JsonView) -> JsonView:
        @wraps(view)
        @require_POST
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
            if not request.user.is_authenticated:
                return JsonResponse({"error": str(ERROR_SESSION_EXPIRED)}, status=401)
            return _answer(view, request, permission, *args, **kwargs)

        return wrapped

    return decorator


ERROR_SESSION_EXPIRED = gettext_lazy(
    "Sesi berakhir. Masuk lagi; perubahan Anda tetap tersimpan di perangkat."
)


def _answer(
    view: JsonView, request: HttpRequest, permission: str, *args: Any, **kwargs: Any
) -> JsonResponse:
    try:
        require(cast("User", request.user), permission)
        return view(request, *args, **kwargs)
    except PermissionDenied as error:
        return JsonResponse({"error": str(error) or _("Anda tidak berwenang.")}, status=403)
    except Http404:
        return JsonResponse({"error": _("RT ini tidak ditugaskan kepada tim Anda.")}, status=404)
    except ValidationError as error:
        status = {"locked": 409, "photo_busy": 503}.get(getattr(error, "code", ""), 400)
        return JsonResponse({"error": " ".join(error.messages)}, status=status)


@json_api("scoring.score")
def score_api(request: AuthenticatedRequest, entry_pk: int) -> JsonResponse:
    entry, member = _juror_entry(request, entry_pk)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        payload = {}
    form = ScoreChangeForm(
        payload if isinstance(payload, dict) else {}, competition_id=entry.competition_id
    )
    if not form.is_valid():
        raise ValidationError([" ".join(map(str, errors)) for errors in form.errors.values()])
    data = form.cleaned_data
    saved = services.score_save(
        entry=entry,
        juror=request.user,
        indicator=data["indicator"],
        value=data["value"],
        note=data["note"],
        client_id=data["client_id"],
        member=member,
    )
    return JsonResponse(
        {
            "ok": True,
            "applied": saved.applied,
            "indicator": data["indicator"].code,
            "value": saved.score.value if saved.score else None,
            "scored": saved.sheet.scores.filter(value__isnull=False).count(),
        }
    )


@json_api("scoring.score")
@reports_device
def photo_api(request: AuthenticatedRequest, entry_pk: int) -> JsonResponse:
    entry, _member = _juror_entry(request, entry_pk)
    form = PhotoForm(request.POST, request.FILES, competition_id=entry.competition_id)
    if not form.is_valid():
        raise ValidationError([" ".join(map(str, errors)) for errors in form.errors.values()])
    data = form.cleaned_data
    # One byte past the limit is enough for process_photo to refuse an oversized file.
    content = data["photo"].read(settings.BANTAR_PHOTO_MAX_BYTES + 1)
    photo, created = evidence.evidence_add(
        entry=entry,
        juror=request.user,
        indicator=data["indicator"],
        data=content,
        client_id=data["client_id"],
        place=evidence.PhotoPlace(data["taken_at"], data["latitude"], data["longitude"]),
    )
    return JsonResponse(_photo_json(photo), status=201 if created else 200)


def _photo_json(photo: Evidence) -> dict[str, Any]:
    return {
        "ok": True,
        "id": photo.pk,
        "indicator": photo.indicator.code if photo.indicator else None,
        "thumb": reverse("evidence-file", args=[photo.pk, "thumb"]),
        "web": reverse("evidence-file", args=[photo.pk, "web"]),
        "delete": reverse("photo-delete", args=[photo.pk]),
    }


@json_api("scoring.score")
def photo_delete_api(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    photo = get_for_user_or_404(Evidence.objects.select_related("entry"), request.user, pk=pk)
    evidence.evidence_delete(evidence=photo, by=request.user)
    return JsonResponse({"ok": True})


@require_safe
@permission_required("scoring.read_plenary")
def entry_photos_page(
    request: AuthenticatedRequest, competition_pk: int, entry_pk: int
) -> HttpResponse:
    """An RT's photos, a page at a time, for the panitia and the pejabat (?indikator=B1)."""
    entry = get_for_user_or_404(
        Entry.objects.with_region(), request.user, pk=entry_pk, competition_id=competition_pk
    )
    found = evidence.entry_photo_page(
        request.user,
        entry,
        number=request.GET.get("halaman"),
        indicator=request.GET.get("indikator") or None,
    )
    context = {"entry": entry, "competition": entry.competition, "found": found, "page": found.page}
    return render(request, "scoring/entry_photos.html", context)


VARIANTS = {"full": "image", "web": "web", "thumb": "thumb"}


@require_safe
@login_required
def evidence_file(request: AuthenticatedRequest, pk: int, variant: str) -> FileResponse:
    """A photo, only for those allowed to see it; never a public media URL."""
    if variant not in VARIANTS:
        raise Http404
    photo = get_for_user_or_404(Evidence.objects, request.user, pk=pk)
    response = FileResponse(getattr(photo, VARIANTS[variant]).open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
