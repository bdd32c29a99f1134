"""The documents page of a competition, its PDFs, and the public check of a piagam.

Who may print what is named in `scoring/rules.py`: the Lampiran SK and the piagam
are the city's (`scoring.read_plenary`); the rekap and the rapor follow the results
(`scoring.read_results`: officers once published, and only their region).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from bantar.access import AuthenticatedRequest, get_for_user_or_404, may, permission_required
from bantar.access import require as require_permission
from bantar.filters import page_of
from competitions.models import Competition, CompetitionStatus
from documents import selectors
from documents.certificates import qr_svg
from documents.pdf import in_indonesian, pdf_response, render_pdf
from scoring.models import Result
from scoring.reports import decree_columns, document_date, rekap_report, signature_for
from scoring.reports import winners_report as winners_list
from scoring.result_selectors import (
    ResultTable,
    rekap_kecamatan_ids,
    result_table,
    result_table_for,
)

ERROR_NOT_YET = _(
    "Dokumen ini belum tersedia: hasil %(competition)s belum final. Lampiran SK sementara "
    "dapat dicetak sejak Rapat pleno; piagam dan rapor setelah hasil difinalisasi."
)
ERROR_NOT_PUBLISHED_YET = _("Rapor RT dapat dicetak setelah hasil %(competition)s diumumkan.")
ERROR_NOT_A_WINNER = _("RT ini tidak termasuk pemenang %(competition)s; tidak ada piagamnya.")
ERROR_NOT_IN_RESULTS = _("RT ini tidak ada dalam hasil %(competition)s.")
ERROR_CERTIFICATE_UNKNOWN = _(
    "Piagam dengan kode ini tidak dikenal. Periksa kembali kode pada piagam, atau hubungi "
    "panitia di DPMPPA Kota Jambi: piagam yang asli selalu dapat diperiksa di halaman ini."
)
# From the plenary the Lampiran SK can be printed, watermarked SEMENTARA until final.
DECREE_STAGES = (CompetitionStatus.PLENARY, CompetitionStatus.FINAL, CompetitionStatus.PUBLISHED)


def _competition(request: AuthenticatedRequest, pk: int) -> Competition:
    return get_for_user_or_404(Competition.objects, request.user, pk=pk)


def _unavailable(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "documents/unavailable.html", {"message": message}, status=404)


def _named(message: object, competition: Competition) -> str:
    return str(message) % {"competition": competition.title}


def _verify_base(request: HttpRequest) -> str:
    """Where the QR code sends a phone: BANTAR_SITE_URL, else the portal as requested."""
    return settings.BANTAR_SITE_URL or request.build_absolute_uri("/").rstrip("/")


@require_safe
@login_required
def documents_page(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    competition = _competition(request, competition_pk)
    require_permission(request.user, "scoring.read_results", competition)
    city = may(request.user, "scoring.read_plenary")
    result_set = selectors.frozen_result_set(competition)
    chosen = request.GET.get("kecamatan", "")
    kecamatan: list[tuple[int, str, int]] = []
    rows = Result.objects.none()
    counts: list[tuple[int, str, int, int]] = []
    if result_set is not None:
        rows = selectors.document_rows(request.user, result_set)
        counts = selectors.kept_kelurahan_counts(request.user, competition, result_set, rows)
        kecamatan = selectors.kecamatan_totals(counts) if city else []
        if chosen:  # a value that names no kecamatan shows none
            counts = [item for item in counts if str(item[0]) == chosen]
    # A page at a time, paged in SQL over the kelurahan the page overlaps (issue 19).
    page = page_of(request, selectors.RegionPages(rows, counts, competition.pk))
    context = {
        "competition": competition,
        "city": city,
        "decree": city and competition.status in DECREE_STAGES,
        "frozen": result_set is not None,
        "page": page,
        "rows": page.object_list,
        "published": competition.status == CompetitionStatus.PUBLISHED,
        "kecamatan": kecamatan,
        "chosen": chosen,
    }
    return render(request, "documents/index.html", context)


@require_safe
@permission_required("scoring.read_plenary")
@in_indonesian
def decree_pdf(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    """Lampiran SK: the winners per category with totals, the overall total and the signatory."""
    competition = _competition(request, competition_pk)
    if competition.status not in DECREE_STAGES:
        return _unavailable(request, _named(ERROR_NOT_YET, competition))
    table = result_table(competition)
    report = winners_list(
        competition, table, scope="Kota Jambi", columns=decree_columns(), appendices=False
    )
    context = {
        "competition": competition,
        "report": report,
        "summary": report.sheets[0],
        "categories": report.sheets[1:],
        "provisional": not table.frozen,
        "date": document_date(table),
    }
    name = f"lampiran-sk-{competition.year}-{competition.period}"
    if not table.frozen:
        name += "-sementara"
    return pdf_response(render_pdf("documents/lampiran_sk.html", context, request=request), name)


def _frozen_table(competition: Competition) -> ResultTable | None:
    table = result_table(competition)
    return table if table.frozen else None


def _certificates(
    request: AuthenticatedRequest, competition_pk: int, entry_pk: int | None
) -> HttpResponse:
    competition = _competition(request, competition_pk)
    table = _frozen_table(competition)
    if table is None:
        return _unavailable(request, _named(ERROR_NOT_YET, competition))
    items = selectors.certificates(competition, table, entry_pk=entry_pk)
    if not items:
        return _unavailable(request, _named(ERROR_NOT_A_WINNER, competition))
    base = _verify_base(request)
    urls = [f"{base}/piagam/{item.code}/" for item in items]
    pages = [
        {"item": item, "url": url, "qr": qr_svg(url)} for item, url in zip(items, urls, strict=True)
    ]
    context = {
        "competition": competition,
        "pages": pages,
        "signature": signature_for(table),
    }
    name = f"piagam-{competition.year}-{competition.period}"
    if entry_pk is not None:
        rt = items[0].row.entry.rt
        name += f"-{rt.kelurahan.name}-rt-{rt.number:02d}"
    return pdf_response(render_pdf("documents/piagam.html", context, request=request), name)


@require_safe
@permission_required("scoring.read_plenary")
@in_indonesian
def certificates_pdf(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    return _certificates(request, competition_pk, None)


@require_safe
@permission_required("scoring.read_plenary")
@in_indonesian
def certificate_pdf(
    request: AuthenticatedRequest, competition_pk: int, entry_pk: int
) -> HttpResponse:
    return _certificates(request, competition_pk, entry_pk)


@require_safe
@login_required
@in_indonesian
def rekap_pdf(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    """Rekap per kecamatan in the city's table, with the signatory (the xlsx's rows)."""
    competition = _competition(request, competition_pk)
    require_permission(request.user, "scoring.read_results", competition)
    table = result_table_for(request.user, competition)
    report = rekap_report(
        competition,
        table,
        scope=str(request.user.scope_label),
        kecamatan_ids=rekap_kecamatan_ids(request.user),
    )
    context = {"competition": competition, "report": report, "provisional": not table.frozen}
    name = f"rekap-kecamatan-{competition.year}-{competition.period}"
    return pdf_response(render_pdf("documents/report.html", context, request=request), name)


def _rapor(
    request: AuthenticatedRequest,
    competition_pk: int,
    entry_pk: int | None,
    kecamatan_pk: int | None = None,
) -> HttpResponse:
    competition = _competition(request, competition_pk)
    require_permission(request.user, "scoring.read_results", competition)
    table = result_table_for(request.user, competition)
    if not table.frozen:
        return _unavailable(request, _named(ERROR_NOT_YET, competition))
    if competition.status != CompetitionStatus.PUBLISHED and not may(
        request.user, "scoring.read_plenary"
    ):
        return _unavailable(request, _named(ERROR_NOT_PUBLISHED_YET, competition))
    entries = [
        row.entry.pk
        for row in table.rows
        if (entry_pk is None or row.entry.pk == entry_pk)
        and (kecamatan_pk is None or row.entry.rt.kelurahan.kecamatan_id == kecamatan_pk)
    ]
    if not entries:
        return _unavailable(request, _named(ERROR_NOT_IN_RESULTS, competition))
    cards = selectors.rapor(competition, table, entries)
    context = {"competition": competition, "cards": cards, "date": document_date(table)}
    name = f"rapor-rt-{competition.year}-{competition.period}"
    if entry_pk is not None:
        rt = cards[0].row.entry.rt
        name += f"-{rt.kelurahan.name}-rt-{rt.number:02d}"
    return pdf_response(render_pdf("documents/rapor.html", context, request=request), name)


@require_safe
@login_required
@in_indonesian
def rapor_pdf(request: AuthenticatedRequest, competition_pk: int, entry_pk: int) -> HttpResponse:
    return _rapor(request, competition_pk, entry_pk)


@require_safe
@login_required
@in_indonesian
def rapor_bundle_pdf(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    """Every rapor in the user's region; ?kecamatan=<id> narrows it (the city prints per
    kecamatan: all 158 RTs of 2020 are 316 pages and take most of a minute)."""
    kecamatan = request.GET.get("kecamatan", "")
    return _rapor(request, competition_pk, None, int(kecamatan) if kecamatan.isdigit() else None)


@require_safe
@cache_control(public=True, max_age=300)
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: is this piagam genuine? Its published result, nothing personal."""
    result = selectors.verified_certificate(code)
    if result is None:
        return render(
            request,
            "documents/verify_unknown.html",
            {"message": ERROR_CERTIFICATE_UNKNOWN, "code": code[:40]},
            status=404,
        )
    return render(request, "documents/verify.html", {"result": result})
