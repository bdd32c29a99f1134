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
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
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
from bantar.exports import export_response
from bantar.filters import page_of
from competitions.filters import EntryFilter
from competitions.forms import EntryForm, EntryImportForm, ReturnForm
from competitions.imports import (
    check_import_open,
    entry_import,
    import_preview_confirm,
    import_preview_create,
    import_preview_discard,
)
from competitions.models import RT, Competition, Entry, EntryStatus, RepeatEntry
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
    ERROR_KK_BELOW_MINIMUM,
    ERROR_KK_TOO_LARGE,
    category_overrides,
    entry_check,
    entry_propose,
    entry_return,
    entry_save,
    entry_verify,
    entry_withdraw,
    kk_minimum,
    near_band_boundary,
    repeat_entry_message,
    repeat_entry_text,
    took_part_last_year,
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


def _filtered(request: AuthenticatedRequest, competition: Competition) -> EntryFilter:
    """The list's filters and search from the URL, over the user's entries of one competition."""
    return EntryFilter(
        request.GET or None,
        queryset=entries_for_list(request.user, competition),
        user=request.user,
        competition=competition,
    )


@require_safe
@permission_required("competitions.view_entries")
def entry_list(request: AuthenticatedRequest) -> HttpResponse:
    competition = _chosen_competition(request)
    filters = _filtered(request, competition)
    entries = filters.qs
    context = {
        "competition": competition,
        "competitions": Competition.objects.for_user(request.user),
        "filter_form": filters.form,
        # The counts by status read the other filters, so a status chip says what it would show.
        "status_counts": entry_status_counts(_without_status(request, competition)),
        "page": page_of(request, entries),
        "query": request.GET.urlencode(),
        "show_contacts": filters.with_contacts,
        "can_propose": may(request.user, "competitions.propose_entry"),
        "can_import": may(request.user, "competitions.import_entries"),
    }
    if request.user.is_city_wide:
        context["category_names"], context["category_rows"] = kecamatan_category_table(
            request.user, competition
        )
    return render(request, "competitions/entry_list.html", context)


def _without_status(request: AuthenticatedRequest, competition: Competition) -> QuerySet[Entry]:
    data = request.GET.copy()
    data.pop("status", None)
    data.pop("halaman", None)
    return EntryFilter(
        data or None,
        queryset=entries_for_list(request.user, competition),
        user=request.user,
        competition=competition,
    ).qs


@require_safe
@permission_required("competitions.view_entries")
def entry_export(request: AuthenticatedRequest, export_format: str) -> HttpResponse:
    """Every row the filters match, whatever page the list shows (?halaman is ignored)."""
    competition = _chosen_competition(request)
    report = participants_report(
        competition,
        _filtered(request, competition).qs,
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
        if not c.is_kencana
    ]
    bands = [c for c in competition.size_categories.all() if not c.is_kencana]
    return {
        "competition": competition,
        "form": form,
        "entry": entry,
        "categories": categories,
        "rt_notes": _rt_notes(request, competition),
        "boundary_margin": settings.BANTAR_BOUNDARY_WARNING_KK,
        # The preview refuses what the server refuses, in the server's own words.
        "kk_limits": {
            "min": kk_minimum(bands) if bands else 1,
            "max": settings.BANTAR_MAX_KK,
            "below": ERROR_KK_BELOW_MINIMUM,
            "above": ERROR_KK_TOO_LARGE,
        },
    }


def _rt_notes(request: AuthenticatedRequest, competition: Competition) -> dict[str, dict]:
    """Per RT of the officer's kelurahan, what the live preview says when it is chosen:
    the Kencana category and why, and the year-before warning or refusal (at most four queries:
    the RTs, their streaks, the Kencana category, last year's entries; none per RT)."""
    rts = list(RT.objects.for_user(request.user).select_related("kelurahan"))
    notes: dict[str, dict] = {}
    for rt_id, override in category_overrides(competition=competition, rts=rts).items():
        notes[str(rt_id)] = {
            "category": override.category.name,
            "prize": override.category.prize,
            "reason": override.reason,
        }
    if competition.repeat_entry != RepeatEntry.ALLOW:
        repeated = took_part_last_year(competition=competition, rt_ids=[rt.pk for rt in rts])
        for rt in rts:
            if rt.pk in repeated:
                message = repeat_entry_text(competition=competition, rt=rt)
                notes.setdefault(str(rt.pk), {})["repeat"] = message
                notes[str(rt.pk)]["refused"] = competition.repeat_entry == RepeatEntry.REFUSE
    return notes


def _save_entry(
    request: AuthenticatedRequest, competition: Competition, entry: Entry | None
) -> HttpResponse:
    initial = _initial_from(entry) if entry else {}
    form = EntryForm(
        request.POST or None,
        officer=request.user,
        initial=initial,
        competition=competition,
        entry=entry,
    )
    if request.method == "POST":
        _check_all(request, competition, form, entry)
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
            _announce_saved(request, entry, proposed=bool(request.POST.get("propose")))
            return redirect("entry-detail", pk=entry.pk)
    return render(
        request, "competitions/entry_form.html", _form_context(request, competition, form, entry)
    )


def _check_all(
    request: AuthenticatedRequest, competition: Competition, form: EntryForm, entry: Entry | None
) -> None:
    """Adds the service's refusals to the form's own errors, so all come in one round."""
    if not form.is_bound:  # a POST with no fields (a replayed or forged request)
        return
    form.is_valid()
    data = form.cleaned_data
    try:
        entry_check(
            competition=competition,
            officer=request.user,
            rt=data.get("rt"),
            new_rt_number=data.get("new_rt_number"),
            kk_count=data.get("kk_count"),
            entry=entry,
            client_token=data.get("client_token"),
        )
    except ValidationError as error:
        for field, errors in error.error_dict.items():
            # A field the form already refused keeps its own message only.
            if field == NON_FIELD_ERRORS or field not in form.errors:
                form.add_error(None if field == NON_FIELD_ERRORS else field, errors)


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


def _announce_saved(request: AuthenticatedRequest, entry: Entry, *, proposed: bool) -> None:
    if proposed:
        messages.success(request, _("%(rt)s diusulkan ke kecamatan.") % {"rt": entry.rt})
    elif entry.status == EntryStatus.DRAFT:
        messages.success(request, _("%(rt)s disimpan sebagai draf.") % {"rt": entry.rt})
    else:
        messages.success(
            request,
            _("Perubahan %(rt)s disimpan; statusnya tetap %(status)s.")
            % {"rt": entry.rt, "status": entry.get_status_display()},
        )
    boundary = near_band_boundary(entry)
    if boundary is not None:
        messages.warning(request, boundary)
    repeat = repeat_entry_message(competition=entry.competition, rt=entry.rt)
    if repeat is not None:
        messages.warning(request, repeat)


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
        "kencana_reason": _kencana_reason(entry),
        "show_contacts": may(request.user, "scoring.see_contacts", entry),
        "can_edit": may(request.user, "competitions.edit_entry", entry),
        "can_verify": may(request.user, "competitions.verify_entry", entry),
        "return_form": ReturnForm(),
    }
    return render(request, "competitions/entry_detail.html", context)


def _kencana_reason(entry: Entry) -> str | None:
    """Why the entry is in the Kencana category (its streak), for the entry page."""
    if not entry.category.is_kencana:
        return None
    override = category_overrides(competition=entry.competition, rts=[entry.rt]).get(entry.rt_id)
    return override.reason if override is not None else None


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
    queue = verification_entries(request.user, competition)
    filters = EntryFilter(
        request.GET or None, queryset=queue, user=request.user, competition=competition
    )
    context = {
        "competition": competition,
        "filter_form": filters.form,
        "page": page_of(request, filters.qs),
        "status_counts": entry_status_counts(queue),
        "return_form": ReturnForm(),
    }
    return render(request, "competitions/verification_queue.html", context)


ERROR_BULK_NONE_CHOSEN = gettext_lazy("Pilih dulu usulan yang akan diverifikasi.")
ERROR_BULK_OUT_OF_SCOPE = gettext_lazy(
    "%(count)s usulan yang dipilih tidak ada di kecamatan Anda dan tidak diverifikasi."
)
ERROR_BULK_NOT_ALLOWED = gettext_lazy("%(rt)s: Anda tidak berwenang memverifikasi usulan ini.")


@require_POST
@permission_required("competitions.verify_entries")
def verification_bulk(request: AuthenticatedRequest) -> HttpResponse:
    """Verify the ticked proposals, each through `entry_verify`: one message per refusal.

    Ids outside the officer's region are refused (counted, never named, never touched).
    """
    ids = {int(pk) for pk in request.POST.getlist("entry") if pk.isdigit()}
    if not ids:
        messages.error(request, ERROR_BULK_NONE_CHOSEN)
        return _back_to_queue(request)
    entries = list(
        Entry.objects.for_user(request.user).filter(pk__in=ids).with_region().order_by("pk")
    )
    outside = len(ids) - len(entries)
    if outside:
        messages.error(request, ERROR_BULK_OUT_OF_SCOPE % {"count": outside})
    verified = []
    for entry in entries:
        if not may(request.user, "competitions.verify_entry", entry):
            messages.error(request, ERROR_BULK_NOT_ALLOWED % {"rt": entry.rt})
            continue
        try:
            entry_verify(entry=entry, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(
                    request, _("%(rt)s: %(reason)s") % {"rt": entry.rt, "reason": message}
                )
        else:
            verified.append(entry)
    if verified:
        messages.success(
            request,
            ngettext(
                "%(count)s usulan terverifikasi: %(rts)s.",
                "%(count)s usulan terverifikasi: %(rts)s.",
                len(verified),
            )
            % {"count": len(verified), "rts": ", ".join(str(entry.rt) for entry in verified)},
        )
    return _back_to_queue(request)


def _back_to_queue(request: AuthenticatedRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return redirect(target)
    return redirect("verification-queue")


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
            request,
            ngettext(
                "%(count)s RT diimpor sebagai peserta.",
                "%(count)s RT diimpor sebagai peserta.",
                outcome.row_count,
            )
            % {"count": outcome.row_count},
        )
        return redirect(f"{reverse('entry-list')}?kompetisi={competition.pk}")
    context = {
        "competition": competition,
        "form": EntryImportForm(),
        "outcome": outcome,
        "file_name": preview.file_name,
    }
    return render(request, "competitions/entry_import.html", context)
