"""Results pages: the plenary, the explanation of one RT, finalising, publishing, reports.

Before finalisation the pages show results computed live from the submitted
sheets, marked as provisional; afterwards, the frozen snapshot.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST, require_safe

from bantar.access import (
    AuthenticatedRequest,
    get_for_user_or_404,
    may,
    permission_required,
    require,
)
from bantar.exports import Report, export_response
from bantar.models import User
from competitions.models import Competition, CompetitionStatus, Entry
from competitions.reports import participants_report
from scoring import result_services
from scoring.evidence import entry_photo_groups
from scoring.forms import ReopenForm
from scoring.reports import (
    kelurahan_rekap_report,
    matrix_page,
    matrix_report,
    participants_page,
    rekap_report,
    winner_columns,
    winners_report,
)
from scoring.result_selectors import (
    JurorNumbers,
    ResultTable,
    disagreements,
    finalise_blockers,
    juror_progress,
    method_text,
    rekap_kecamatan_ids,
    result_table,
    result_table_for,
    shared_photos,
    with_notes,
)

REPORTS = ("pemenang", "rekap", "matriks", "peserta")
ERROR_SEE_BLOCKERS = gettext_noop(
    "Belum dapat difinalisasi: %(count)s lembar nilai belum lengkap. Buka setiap RT pada daftar "
    "di bawah untuk mengirim lembar nilainya atau mencatat juri yang tidak menilai."
)
# Besides the city's four lists: the rekap per kelurahan with Kelurahan BANTAR (issue 15).
KELURAHAN_REKAP = "kelurahan"  # /laporan/kelurahan/ and .xlsx, .csv
PAGES = (*REPORTS, KELURAHAN_REKAP)


def _competition(request: AuthenticatedRequest, pk: int) -> Competition:
    return get_for_user_or_404(Competition.objects, request.user, pk=pk)


def _readable_table(user: User, competition: Competition) -> ResultTable:
    require(user, "scoring.read_results", competition)
    return result_table_for(user, competition)


@require_safe
@permission_required("scoring.read_plenary")
def plenary_page(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    competition = _competition(request, competition_pk)
    table = result_table(competition)
    context = {
        "competition": competition,
        "table": table,
        "categories": dict(competition.size_categories.values_list("code", "name")),
        "progress": juror_progress(competition),
        "disagreements": disagreements(competition, table),
        "shared_photos": shared_photos(competition),
        "blockers": finalise_blockers(competition)
        if competition.status == CompetitionStatus.PLENARY
        else [],
        "can_decide": may(request.user, "scoring.decide_results"),
        "reopen_form": ReopenForm(),
        "superseded": competition.result_sets.filter(superseded_at__isnull=False).select_related(
            "superseded_by"
        ),
        "reports": REPORTS,
    }
    return render(request, "scoring/plenary.html", context)


@require_safe
@login_required
def explain_page(request: AuthenticatedRequest, competition_pk: int, entry_pk: int) -> HttpResponse:
    competition = _competition(request, competition_pk)
    table = _readable_table(request.user, competition)
    row = table.row(entry_pk)
    if row is None:
        raise Http404
    names = dict(competition.size_categories.values_list("code", "name"))
    tied = {r.entry.pk: r.entry for r in table.rows if r.entry.pk in row.tied_with}
    explained = with_notes(competition, row)
    if not may(request.user, "scoring.see_juror_names", competition):
        explained = JurorNumbers().explanation(explained)
    context = {
        "competition": competition,
        "row": row,
        "explanation": explained,
        "table": table,
        "category": names[row.category],
        "tied": tied.values(),
        "can_read_plenary": may(request.user, "scoring.read_plenary"),
        "method": method_text(competition),
        # Per indicator, the photos the user may see (none for an officer: Evidence.for_user).
        "photos": entry_photo_groups(
            request.user, competition_id=competition.pk, entry_id=row.entry.pk
        ),
    }
    return render(request, "scoring/explain.html", context)


def _decision(request: AuthenticatedRequest, competition_pk: int, action: str) -> HttpResponse:
    competition = _competition(request, competition_pk)
    try:
        if action == "finalise":
            result_set = result_services.competition_finalise(
                competition=competition, by=request.user
            )
            messages.success(
                request,
                _("Hasil difinalisasi dan dibekukan (sidik %(hash)s).")
                % {"hash": result_set.inputs_hash[:12]},
            )
        elif action == "publish":
            result_services.competition_publish(competition=competition, by=request.user)
            messages.success(request, _("Hasil diumumkan."))
        else:
            form = ReopenForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            result_services.competition_reopen_results(
                competition=competition, by=request.user, reason=reason
            )
            messages.warning(
                request, _("Hasil dibuka kembali untuk koreksi; hasil lama tetap tercatat.")
            )
    except ValidationError as error:
        if getattr(error, "code", None) == "missing":  # the page lists them, each a link
            count = (error.params or {}).get("count", 0)
            messages.error(request, _(ERROR_SEE_BLOCKERS) % {"count": count})
        else:
            for message in error.messages:
                messages.error(request, message)
    return redirect("plenary", competition_pk=competition.pk)


@require_POST
@permission_required("scoring.decide_results")
def finalise_view(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    return _decision(request, competition_pk, "finalise")


@require_POST
@permission_required("scoring.decide_results")
def publish_view(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    return _decision(request, competition_pk, "publish")


@require_POST
@permission_required("scoring.decide_results")
def reopen_view(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    return _decision(request, competition_pk, "reopen")


def _report(request: AuthenticatedRequest, competition: Competition, name: str) -> Report:
    user = request.user
    scope = str(user.scope_label)
    if name == "peserta":
        require(user, "scoring.read_participants")
        entries = Entry.objects.for_user(user).filter(competition=competition).with_region()
        return participants_report(
            competition, entries, scope=scope, with_contacts=may(user, "scoring.see_contacts")
        )
    table = _readable_table(user, competition)
    if name == "pemenang":
        contacts = may(user, "scoring.see_contacts")
        return winners_report(
            competition, table, scope=scope, columns=winner_columns(with_contacts=contacts)
        )
    if name == "rekap":
        kecamatan = rekap_kecamatan_ids(user)
        return rekap_report(competition, table, scope=scope, kecamatan_ids=kecamatan)
    if name == KELURAHAN_REKAP:
        kecamatan = rekap_kecamatan_ids(user)
        return kelurahan_rekap_report(competition, table, scope=scope, kecamatan_ids=kecamatan)
    names = may(user, "scoring.see_juror_names", competition)
    return matrix_report(competition, table, scope=scope, juror_names=names)


# These two page themselves (scoring.reports): one page of rows at a time (?halaman=N), the
# matrix with its filters; their exports keep every row.
SELF_PAGED = ("matriks", "peserta")


def _paged_report(
    request: AuthenticatedRequest, competition: Competition, name: str
) -> dict[str, object]:
    """The score matrix (with its filters) and the participants list, one page at a time."""
    user = request.user
    scope = str(user.scope_label)
    if name == "peserta":
        require(user, "scoring.read_participants")
        entries = Entry.objects.for_user(user).filter(competition=competition).with_region()
        report, page = participants_page(
            request,
            competition,
            entries,
            scope=scope,
            with_contacts=may(user, "scoring.see_contacts"),
        )
        return {"report": report, "page": page, "exports_all": True}
    table = _readable_table(user, competition)
    names = may(user, "scoring.see_juror_names", competition)
    found = matrix_page(request, competition, table, scope=scope, juror_names=names)
    return {
        "report": found.report,
        "page": found.page,
        "filter_form": found.filters.form,
        "filtered": found.filters.active(),
        "exports_all": True,
    }


@require_safe
@login_required
def report_page(request: AuthenticatedRequest, competition_pk: int, name: str) -> HttpResponse:
    if name not in PAGES:
        raise Http404
    competition = _competition(request, competition_pk)
    if name in SELF_PAGED:
        page = _paged_report(request, competition, name)
        return render(
            request, "reports/report.html", {"competition": competition, "name": name, **page}
        )
    report = _report(request, competition, name)
    return render(
        request, "reports/report.html", {"competition": competition, "report": report, "name": name}
    )


@require_safe
@login_required
def report_export(
    request: AuthenticatedRequest, competition_pk: int, name: str, export_format: str
) -> HttpResponse:
    if name not in PAGES:
        raise Http404
    competition = _competition(request, competition_pk)
    return export_response(_report(request, competition, name), export_format)
