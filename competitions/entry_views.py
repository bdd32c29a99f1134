"""Entry pages: kelurahan registration, kecamatan verification, lists, exports, import.

Each view looks the entry up through `Entry.objects.for_user` (404 outside the
user's region), asks django-rules whether the role may act (403), and hands the
work to one service, whose ValidationError is shown to the user.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from bantar.access import (
    AuthenticatedRequest,
    get_for_user_or_404,
    may,
    permission_required,
    require,
)
from bantar.exports import export_response
from competitions.forms import EntryFilterForm, EntryForm, EntryImportForm, ReturnForm
from competitions.imports import (
    check_import_open,
    entry_import,
    import_preview_confirm,
    import_preview_create,
    import_preview_discard,
)
from competitions.models import Competition, Entry, EntryStatus
from competitions.reports import participants_report
from competitions.selectors import (
    current_competition,
    entries_for_list,
    entry_status_counts,
    entry_timeline,
    kecamatan_category_table,
    verification_entries,
)
from competitions.services import (
    entry_propose,
    entry_return,
    entry_save,
    entry_verify,
    entry_withdraw,
    near_band_boundary,
)


def _chosen_competition(request: AuthenticatedRequest) -> Competition:
    chosen = request.GET.get("kompetisi")
    if chosen and chosen.isdigit():
        return get_for_user_or_404(Competition.objects, request.user, pk=int(chosen))
    competition = current_competition()
    if competition is None:
        raise Http404(_("Belum ada kompetisi."))
    return competition


def _entry(request: AuthenticatedRequest, pk: int) -> Entry:
    return get_for_user_or_404(Entry.objects.with_region(), request.user, pk=pk)


def _filtered(
    request: AuthenticatedRequest, competition: Competition
) -> tuple[EntryFilterForm, QuerySet[Entry], str]:
    form = EntryFilterForm(request.GET or None, user=request.user, competition=competition)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = entries_for_list(
        request.user,
        competition,
        kelurahan=filters.get("kelurahan"),
        category=filters.get("category", ""),
    )
    return form, entries, filters.get("status", "")


@require_safe
@permission_required("competitions.view_entries")
def entry_list(request: AuthenticatedRequest) -> HttpResponse:
    competition = _chosen_competition(request)
    form, entries, status = _filtered(request, competition)
    context = {
        "competition": competition,
        "competitions": Competition.objects.for_user(request.user),
        "filter_form": form,
        "status_counts": entry_status_counts(entries),
        "entries": entries.filter(status=status) if status else entries,
        "query": request.GET.urlencode(),
        "show_contacts": may(request.user, "scoring.see_contacts"),
        "can_propose": may(request.user, "competitions.propose_entry"),
        "can_import": may(request.user, "competitions.import_entries"),
    }
    if request.user.is_city_wide:
        context["category_names"], context["category_rows"] = kecamatan_category_table(
            request.user, competition
        )
    return render(request, "competitions/entry_list.html", context)


@require_safe
@permission_required("competitions.view_entries")
def entry_export(request: AuthenticatedRequest, export_format: str) -> HttpResponse:
    competition = _chosen_competition(request)
    _form, entries, status = _filtered(request, competition)
    if status:
        entries = entries.filter(status=status)
    report = participants_report(
        competition,
        entries,
        scope=str(request.user.scope_label),
        with_contacts=may(request.user, "scoring.see_contacts"),
    )
    return export_response(report, export_format)


def _form_context(
    request: AuthenticatedRequest, competition: Competition, form: EntryForm, entry: Entry | None
) -> dict:
    categories = [
        {"name": c.name, "min": c.min_kk, "max": c.max_kk, "prize": c.prize}
        for c in competition.size_categories.all()
    ]
    return {
        "competition": competition,
        "form": form,
        "entry": entry,
        "categories": categories,
        "boundary_margin": settings.BANTAR_BOUNDARY_WARNING_KK,
    }


def _save_entry(
    request: AuthenticatedRequest, competition: Competition, entry: Entry | None
) -> HttpResponse:
    initial = _initial_from(entry) if entry else {}
    form = EntryForm(request.POST or None, officer=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = entry_save(
                competition=competition,
                officer=request.user,
                data=form.entry_data(),
                rt=form.cleaned_data["rt"],
                new_rt_number=form.cleaned_data["new_rt_number"],
                entry=entry,
                client_token=form.cleaned_data["client_token"],
                propose=bool(request.POST.get("propose")),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _announce_saved(request, entry)
            return redirect("entry-detail", pk=entry.pk)
    return render(
        request, "competitions/entry_form.html", _form_context(request, competition, form, entry)
    )


def _initial_from(entry: Entry) -> dict[str, Any]:
    fields = (
        "kampung_name",
        "ketua_rt",
        "phone",
        "kk_count",
        "address",
        "latitude",
        "longitude",
        "note",
    )
    return {"rt": entry.rt_id, **{name: getattr(entry, name) for name in fields}}


def _announce_saved(request: AuthenticatedRequest, entry: Entry) -> None:
    if entry.status == EntryStatus.PROPOSED:
        messages.success(request, _("%(rt)s diusulkan ke kecamatan.") % {"rt": entry.rt})
    else:
        messages.success(request, _("%(rt)s disimpan sebagai draf.") % {"rt": entry.rt})
    boundary = near_band_boundary(entry)
    if boundary is not None:
        messages.warning(request, boundary)


@login_required
def entry_create(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    require(request.user, "competitions.propose_entry")
    competition = get_for_user_or_404(Competition.objects, request.user, pk=competition_pk)
    return _save_entry(request, competition, None)


@login_required
def entry_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    require(request.user, "competitions.edit_entry", entry)
    return _save_entry(request, entry.competition, entry)


@require_safe
@permission_required("competitions.view_entries")
def entry_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    context = {
        "entry": entry,
        "timeline": entry_timeline(entry),
        "boundary_warning": near_band_boundary(entry),
        "show_contacts": may(request.user, "scoring.see_contacts", entry),
        "can_edit": may(request.user, "competitions.edit_entry", entry),
        "can_verify": may(request.user, "competitions.verify_entry", entry),
        "return_form": ReturnForm(),
    }
    return render(request, "competitions/entry_detail.html", context)


def _transition(
    request: AuthenticatedRequest, pk: int, permission: str, action: Any, done: str, **extra: Any
) -> HttpResponse:
    entry = _entry(request, pk)
    require(request.user, permission, entry)
    try:
        entry = action(entry=entry, by=request.user, **extra)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done % {"rt": entry.rt})
    return _back(request, entry)


def _back(request: AuthenticatedRequest, entry: Entry) -> HttpResponse:
    """To the page the action came from (the verification queue), else the entry."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return redirect(target)
    return redirect("entry-detail", pk=entry.pk)


@require_POST
@login_required
def entry_propose_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, "competitions.edit_entry", entry_propose, _("%(rt)s diusulkan ke kecamatan.")
    )


@require_POST
@login_required
def entry_withdraw_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, "competitions.edit_entry", entry_withdraw, _("%(rt)s ditarik dari lomba.")
    )


@require_POST
@login_required
def entry_verify_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, "competitions.verify_entry", entry_verify, _("%(rt)s terverifikasi.")
    )


@require_POST
@login_required
def entry_return_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    form = ReturnForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _transition(
        request,
        pk,
        "competitions.verify_entry",
        entry_return,
        _("%(rt)s dikembalikan ke kelurahan dengan catatan."),
        note=note,
    )


@require_safe
@permission_required("competitions.verify_entries")
def verification_queue(request: AuthenticatedRequest) -> HttpResponse:
    competition = _chosen_competition(request)
    entries = verification_entries(request.user, competition)
    context = {
        "competition": competition,
        "entries": entries,
        "status_counts": entry_status_counts(entries),
        "return_form": ReturnForm(),
    }
    return render(request, "competitions/verification_queue.html", context)


@login_required
def entry_import_view(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    """Upload -> preview (nothing saved, the file kept on the server) -> confirm or cancel."""
    require(request.user, "competitions.import_entries")
    competition = get_for_user_or_404(Competition.objects, request.user, pk=competition_pk)
    if request.method == "POST" and "confirm" in request.POST:
        return _import_confirm(request, competition)
    if request.method == "POST" and "cancel" in request.POST:
        import_preview_discard(
            token=request.POST.get("token", ""), competition=competition, by=request.user
        )
        messages.info(request, _("Impor dibatalkan; berkasnya sudah dihapus dari server."))
        return redirect("entry-import", competition_pk=competition.pk)
    form = EntryImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"competition": competition, "form": form}
    try:
        check_import_open(competition)
    except ValidationError as error:
        context["closed"] = error.messages
        return render(request, "competitions/entry_import.html", context)
    if request.method == "POST" and form.is_valid():
        context.update(_import_check(request, competition, form))
    return render(request, "competitions/entry_import.html", context)


def _import_check(
    request: AuthenticatedRequest, competition: Competition, form: EntryImportForm
) -> dict[str, Any]:
    """The preview of an uploaded file; a clean one is kept for the confirmation."""
    upload, status = form.cleaned_data["import_file"], form.cleaned_data["status"]
    reason = form.cleaned_data["reason"]
    file_format = "xlsx" if upload.name.lower().endswith(".xlsx") else "csv"
    content = upload.read()
    try:
        outcome = entry_import(
            competition=competition,
            by=request.user,
            status=status,
            reason=reason,
            content=content,
            file_format=file_format,
            confirm=False,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return {}
    context: dict[str, Any] = {"outcome": outcome, "file_name": upload.name}
    if not outcome.has_errors:
        context["preview"] = import_preview_create(
            competition=competition,
            by=request.user,
            file_name=upload.name,
            file_format=file_format,
            status=status,
            reason=reason,
            content=content,
        )
    return context


def _import_confirm(request: AuthenticatedRequest, competition: Competition) -> HttpResponse:
    try:
        preview, outcome = import_preview_confirm(
            token=request.POST.get("token", ""), competition=competition, by=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("entry-import", competition_pk=competition.pk)
    if outcome.saved:
        messages.success(
            request, _("%(count)s RT diimpor sebagai peserta.") % {"count": outcome.row_count}
        )
        return redirect(f"{reverse('entry-list')}?kompetisi={competition.pk}")
    context = {
        "competition": competition,
        "form": EntryImportForm(),
        "outcome": outcome,
        "file_name": preview.file_name,
    }
    return render(request, "competitions/entry_import.html", context)
