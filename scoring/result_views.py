"""Results pages: the plenary, the explanation of one RT, finalising, publishing, reports.

Before finalisation the pages show results computed live from the submitted
sheets, marked as provisional; afterwards, the frozen snapshot.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import overload

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page
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
from bantar.exports import Column, Report, Sheet, export_response
from bantar.filters import page_of
from bantar.models import User
from competitions.models import Competition, CompetitionStatus, Entry
from competitions.reports import participants_report
from scoring import result_cache, result_services
from scoring.evidence import entry_photo_groups
from scoring.forms import ReopenForm
from scoring.models import JuryTeam, ResultSet
from scoring.plenary_export import plenary_report
from scoring.reports import (
    KelurahanRekapRow,
    MatrixFilter,
    MatrixPage,
    RekapCounts,
    earlier_competitions,
    kelurahan_rekap_report,
    kelurahan_rekap_rows,
    matrix_filters,
    matrix_order,
    matrix_report,
    participants_page,
    rekap_report,
    rekap_rows,
    report_subtitle,
    signature_for,
    winner_columns,
    winners_report,
)
from scoring.result_filters import (
    ERROR_FILTER_INVALID,
    NEEDS_KINDS,
    Concerns,
    PlenaryFilter,
    ResultFilter,
    needs_choices,
    needs_short,
    plenary_query,
)
from scoring.result_selectors import (
    Blocker,
    Disagreement,
    JurorNumbers,
    JurorProgress,
    ResultRow,
    ResultTable,
    SharedPhoto,
    disagreeing_pairs,
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
from scoring.selectors import entry_excused_sheets

REPORTS = ("pemenang", "rekap", "matriks", "peserta")
ERROR_SEE_BLOCKERS = gettext_noop(
    "Belum dapat difinalisasi: %(count)s lembar nilai belum lengkap. Buka setiap RT pada daftar "
    "di bawah: lembar nilainya dikirim juri, dimaafkan dengan alasan, atau juri dicatat tidak "
    "menilai."
)
# Besides the city's four lists: the rekap per kelurahan with Kelurahan BANTAR (issue 15).
KELURAHAN_REKAP = "kelurahan"  # /laporan/kelurahan/ and .xlsx, .csv
PAGES = (*REPORTS, KELURAHAN_REKAP)


def _competition(request: AuthenticatedRequest, pk: int) -> Competition:
    return get_for_user_or_404(Competition.objects, request.user, pk=pk)


def _readable_table(user: User, competition: Competition) -> ResultTable:
    require(user, "scoring.read_results", competition)
    return result_table_for(user, competition)


@dataclass(frozen=True)
class CategorySummary:
    """One category over all its rows, whatever the filters or the page show."""

    code: str
    name: str
    entries: int
    winners: int
    prize: int
    matching: int  # of its rows, those the filters match


def category_summaries(
    table: ResultTable, names: dict[str, str], matching: list[ResultRow]
) -> list[CategorySummary]:
    counted = Counter(row.category for row in matching)
    return [
        CategorySummary(
            code,
            names.get(code, code),
            len(rows),
            sum(1 for row in rows if row.is_winner),
            sum(row.prize for row in rows),
            counted[code],
        )
        for code, rows in table.by_category()
    ]


def _sections(rows: list[ResultRow]) -> list[tuple[str, list[ResultRow]]]:
    """The rows of one page, in their order, grouped by category for the tables."""
    sections: list[tuple[str, list[ResultRow]]] = []
    for row in rows:
        if not sections or sections[-1][0] != row.category:
            sections.append((row.category, []))
        sections[-1][1].append(row)
    return sections


DISAGREEMENTS_SHOWN = 50  # of the indicators jurors disagree on, the plenary lists these


@dataclass(frozen=True)
class PlenaryRows:
    filters: PlenaryFilter
    rows: list[ResultRow]  # every row the filters match, in the plenary's order
    concerns: Concerns
    disagreements: list[Disagreement]  # the first DISAGREEMENTS_SHOWN
    disagreement_count: int  # all of them
    shared_photos: list[SharedPhoto]


def plenary_rows(
    request: AuthenticatedRequest, competition: Competition, table: ResultTable
) -> PlenaryRows:
    """The plenary's filters from the URL and the computed rows they match (all of them)."""
    pairs = disagreeing_pairs(competition)
    # The page lists the first 50 level by level; the filter needs only which RTs (a city
    # scored with noise has thousands of such indicators, and reading them all cost 1 s).
    found_disagreements = disagreements(competition, table, pairs=pairs, limit=DISAGREEMENTS_SHOWN)
    photos = shared_photos(competition)
    in_table = {row.entry.pk for row in table.rows}
    concerns = Concerns.of(
        competition,
        (entry_id for entry_id, _indicator in pairs if entry_id in in_table),
        (entry.pk for item in photos for entry in item.entries),
    )
    data = request.GET.copy()
    data.pop("halaman", None)
    ordered = [row for _code, rows in table.by_category() for row in rows]
    filters = PlenaryFilter(
        data or None,
        user=request.user,
        competition=competition,
        teams=list(JuryTeam.objects.filter(competition=competition).order_by("name")),
        counts=concerns.counts(ordered),
    )
    return PlenaryRows(
        filters,
        filters.plenary_rows(ordered, concerns),
        concerns,
        found_disagreements,
        sum(1 for entry_id, _indicator in pairs if entry_id in in_table),
        photos,
    )


@dataclass(frozen=True)
class TableHead:
    """What the plenary shows of the whole table above its rows, kept without the rows."""

    frozen: bool
    result_set: ResultSet | None
    warnings: list[str]
    total_prize: int
    coverage_counts: dict[str, int]
    pillars: dict[str, str]

    @classmethod
    def of(cls, table: ResultTable) -> TableHead:
        return cls(
            table.frozen,
            table.result_set,
            list(table.warnings),
            table.total_prize,
            table.coverage_counts,
            dict(table.pillars),
        )


@dataclass(frozen=True)
class PlenaryFacts:
    """The plenary's facts of the whole competition, whatever its filters and page show."""

    head: TableHead
    concerns: Concerns
    counts: Counter[str]  # how many RTs each "perlu keputusan" choice would show
    disagreements: list[Disagreement]  # the first DISAGREEMENTS_SHOWN
    disagreement_count: int
    shared_photos: list[SharedPhoto]
    progress: list[JurorProgress]
    blockers: list[Blocker]


def _plenary_facts(competition: Competition) -> PlenaryFacts:
    table = result_table(competition)
    pairs = disagreeing_pairs(competition)
    # The page lists the first 50 level by level; the filter needs only which RTs (a city
    # scored with noise has thousands of such indicators, and reading them all cost 1 s).
    found_disagreements = disagreements(competition, table, pairs=pairs, limit=DISAGREEMENTS_SHOWN)
    photos = shared_photos(competition)
    in_table = {row.entry.pk for row in table.rows}
    concerns = Concerns.of(
        competition,
        (entry_id for entry_id, _indicator in pairs if entry_id in in_table),
        (entry.pk for item in photos for entry in item.entries),
    )
    return PlenaryFacts(
        TableHead.of(table),
        concerns,
        concerns.counts(row for _code, rows in table.by_category() for row in rows),
        found_disagreements,
        sum(1 for entry_id, _indicator in pairs if entry_id in in_table),
        photos,
        juror_progress(competition),
        finalise_blockers(competition) if competition.status == CompetitionStatus.PLENARY else [],
    )


@dataclass(frozen=True)
class PlenaryPage:
    """One page of the rows the plenary's filters match, and the summaries of all of them."""

    count: int  # rows the filters match
    start: int  # index of the page's first row among them
    rows: list[ResultRow]
    summaries: list[CategorySummary]


class _PageRows(Sequence[ResultRow]):
    """`count` rows of which one page is at hand: all that `page_of` reads of them."""

    def __init__(self, found: PlenaryPage | MatrixRows) -> None:
        self.found = found

    def __len__(self) -> int:
        return self.found.count

    @overload
    def __getitem__(self, index: int) -> ResultRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[ResultRow]: ...
    def __getitem__(self, index: int | slice) -> ResultRow | list[ResultRow]:
        if isinstance(index, slice) and (index.start or 0) == self.found.start:
            return self.found.rows
        raise IndexError("only the kept page")  # the same query string gives the same page


def _plenary_page_rows(
    request: AuthenticatedRequest,
    competition: Competition,
    filters: PlenaryFilter,
    facts: PlenaryFacts,
    names: dict[str, str],
) -> PlenaryPage:
    table = result_table(competition)
    ordered = [row for _code, rows in table.by_category() for row in rows]
    found = filters.plenary_rows(ordered, facts.concerns)
    page = page_of(request, found)
    start = (page.number - 1) * page.paginator.per_page
    return PlenaryPage(
        len(found), start, list(page.object_list), category_summaries(table, names, found)
    )


@require_safe
@permission_required("scoring.read_plenary")
def plenary_page(request: AuthenticatedRequest, competition_pk: int) -> HttpResponse:
    """The plenary: its facts and each filtered page kept under the competition's data
    version (`scoring.result_cache`), so that a city of 16,500 RTs reads one page of them."""
    competition = _competition(request, competition_pk)
    facts = result_cache.cached("plenary", competition, lambda: _plenary_facts(competition))
    names = dict(competition.size_categories.values_list("code", "name"))
    data = request.GET.copy()
    data.pop("halaman", None)
    filters = PlenaryFilter(
        data or None,
        user=request.user,
        competition=competition,
        teams=list(JuryTeam.objects.filter(competition=competition).order_by("name")),
        counts=facts.counts,
    )
    # The rows depend on the filters, the page and (the search of contacts) the user.
    asked = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:16]
    found = result_cache.cached(
        f"plenary-page:{result_cache.viewer(request.user)}:{asked}",
        competition,
        lambda: _plenary_page_rows(request, competition, filters, facts, names),
    )
    page = page_of(request, _PageRows(found))
    if filters.invalid:
        messages.error(request, ERROR_FILTER_INVALID)
    query = request.GET.copy()
    query.pop("halaman", None)
    context = {
        "competition": competition,
        "table": facts.head,
        "categories": names,
        "filter_form": filters.form,
        "filtered": filters.active(),
        "page": page,
        "sections": _sections(list(page.object_list)),
        "summaries": found.summaries,
        # Per row of the page: the kinds of decision it needs, shown as badges.
        "concerns": {row.entry.pk: facts.concerns.kinds(row) for row in page.object_list},
        "needs_labels": dict(needs_choices()),
        "needs_short": needs_short(),
        "needs_kinds": NEEDS_KINDS,
        "query": query.urlencode(),
        "here": request.GET.urlencode(),  # the explain page's way back to this very view
        "progress": facts.progress,
        "disagreements": facts.disagreements,
        "disagreement_count": facts.disagreement_count,
        "disagreements_more": facts.disagreement_count - len(facts.disagreements),
        "shared_photos": facts.shared_photos,
        "blockers": facts.blockers,
        "can_decide": may(request.user, "scoring.decide_results"),
        "reopen_form": ReopenForm(),
        "superseded": competition.result_sets.filter(superseded_at__isnull=False).select_related(
            "superseded_by"
        ),
        "reports": REPORTS,
    }
    return render(request, "scoring/plenary.html", context)


@require_safe
@permission_required("scoring.read_plenary")
def plenary_export(
    request: AuthenticatedRequest, competition_pk: int, export_format: str
) -> HttpResponse:
    """Every row the plenary's filters match, whatever page is shown (?halaman is ignored)."""
    competition = _competition(request, competition_pk)
    table = result_table(competition)
    found = plenary_rows(request, competition, table)
    report = plenary_report(
        competition,
        table,
        found.rows,
        found.concerns,
        filters=found.filters.described(),
        scope=str(request.user.scope_label),
    )
    return export_response(report, export_format)


def _explained_rows(user: User, competition: Competition, entry_pk: int) -> ResultTable:
    """The user's table with only the entry's row and the rows it is tied with."""
    table = result_table_for(user, competition)
    row = table.row(entry_pk)
    wanted = {entry_pk, *(row.tied_with if row is not None else [])}
    return replace(table, rows=[r for r in table.rows if r.entry.pk in wanted])


@require_safe
@login_required
def explain_page(request: AuthenticatedRequest, competition_pk: int, entry_pk: int) -> HttpResponse:
    competition = _competition(request, competition_pk)
    require(request.user, "scoring.read_results", competition)
    # The row and its ties, kept per user (the region's rows) under the data version.
    table = result_cache.cached(
        f"explain:{result_cache.viewer(request.user)}:{entry_pk}",
        competition,
        lambda: _explained_rows(request.user, competition, entry_pk),
    )
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
        "plenary_query": plenary_query(request.GET.get("pleno", "")),
        "method": method_text(competition),
        # Per indicator, the photos the user may see (none for an officer: Evidence.for_user).
        "photos": entry_photo_groups(
            request.user, competition_id=competition.pk, entry_id=row.entry.pk
        ),
        # Sheets the panitia excused: counted complete, their levels not (scoring.panel).
        "excused": entry_excused_sheets(
            row.entry.pk, names=may(request.user, "scoring.see_juror_names", competition)
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


# The filters each results list offers (the matrix and the peserta report have their own).
REPORT_FILTERS: dict[str, tuple[str, ...]] = {
    "pemenang": ("kecamatan", "category"),
    "rekap": ("kecamatan",),
    KELURAHAN_REKAP: ("kecamatan",),
}
PAGED_REPORTS = ("pemenang",)  # the rekap pages hold a row per kecamatan or kelurahan


def _report_filter(
    request: AuthenticatedRequest, competition: Competition, name: str
) -> ResultFilter | None:
    offered = REPORT_FILTERS.get(name)
    if offered is None:
        return None
    data = request.GET.copy()
    data.pop("halaman", None)
    return ResultFilter(
        data or None, user=request.user, competition=competition, fields_offered=offered
    )


def _kecamatan_ids(user: User, filters: ResultFilter | None) -> set[int] | None:
    """The rekap's kecamatan: the user's scope, narrowed by the filter (never widened)."""
    ids = rekap_kecamatan_ids(user)
    if filters is None:
        return ids
    if filters.invalid:
        return set()
    chosen = filters.chosen("kecamatan")
    if chosen is None:
        return ids
    return {chosen.pk} if ids is None or chosen.pk in ids else set()


def _named_rows(table: ResultTable) -> ResultTable:
    """The table with only the rows the winners list and the rekaps name: the winners, the
    held back and those not ranked yet (the pending sheet); the rest they only count."""
    return replace(
        table, rows=[row for row in table.rows if row.is_winner or row.undecided or not row.ranked]
    )


def _report_table(user: User, competition: Competition) -> ResultTable:
    """`_readable_table` narrowed by `_named_rows`, kept per user under the data version: at
    10x a winners list or rekap page reads its winners back, not 16,500 rows."""
    require(user, "scoring.read_results", competition)
    return result_cache.cached(
        f"report-rows:{result_cache.viewer(user)}",
        competition,
        lambda: _named_rows(result_table_for(user, competition)),
    )


def _report(
    request: AuthenticatedRequest,
    competition: Competition,
    name: str,
    filters: ResultFilter | None = None,
    *,
    kept: bool = False,
) -> Report:
    """One report; `kept`: from the kept rows it names (the pages; not the matrix)."""
    user = request.user
    scope = str(user.scope_label)
    if name == "peserta":
        require(user, "scoring.read_participants")
        entries = Entry.objects.for_user(user).filter(competition=competition).with_region()
        return participants_report(
            competition, entries, scope=scope, with_contacts=may(user, "scoring.see_contacts")
        )
    if kept and name == "rekap":
        kecamatan = _kecamatan_ids(user, filters)
        head, counts = _kept_rekap(user, competition, kecamatan)
        report = rekap_report(
            competition, head, scope=scope, kecamatan_ids=kecamatan, counts=counts
        )
        return _with_filters(report, filters)
    if kept and name == KELURAHAN_REKAP:
        kecamatan = _kecamatan_ids(user, filters)
        head, rows = _kept_kelurahan_rekap(user, competition, kecamatan)
        report = kelurahan_rekap_report(
            competition, head, scope=scope, kecamatan_ids=kecamatan, rows=rows
        )
        return _with_filters(report, filters)
    if kept and name in REPORT_FILTERS:
        table = _report_table(user, competition)
    else:
        table = _readable_table(user, competition)
    if name == "pemenang":
        contacts = may(user, "scoring.see_contacts")
        category = filters.chosen("category") if filters is not None else None
        if filters is not None:
            # Rows are filtered after the ranking: ranks and prizes stay the whole city's.
            table = replace(table, rows=filters.rows(table.rows))
        report = winners_report(
            competition,
            table,
            scope=scope,
            columns=winner_columns(pillars=table.pillars, with_contacts=contacts),
            categories=[category] if category else None,
        )
    elif name == "rekap":
        kecamatan = _kecamatan_ids(user, filters)
        report = rekap_report(competition, table, scope=scope, kecamatan_ids=kecamatan)
    elif name == KELURAHAN_REKAP:
        kecamatan = _kecamatan_ids(user, filters)
        report = kelurahan_rekap_report(competition, table, scope=scope, kecamatan_ids=kecamatan)
    else:
        names = may(user, "scoring.see_juror_names", competition)
        return matrix_report(competition, table, scope=scope, juror_names=names)
    return _with_filters(report, filters)


def _with_filters(report: Report, filters: ResultFilter | None) -> Report:
    """The report with the filters it shows said first in its notes."""
    described = filters.described() if filters is not None else ""
    if described:
        report.notes.insert(0, _("Saringan: %(filters)s") % {"filters": described})
    return report


def _kept_rekap(
    user: User, competition: Competition, kecamatan: set[int] | None
) -> tuple[ResultTable, RekapCounts]:
    """The rekap page's figures (a row per kecamatan) and the table's state without rows,
    kept per user and kecamatan under the data version: at 10x a page reads these few rows
    back, not the city's winners (`_report_table` grows with them: 0.24 s at 10x)."""
    require(user, "scoring.read_results", competition)
    asked = "all" if kecamatan is None else ",".join(str(pk) for pk in sorted(kecamatan))

    def counted() -> tuple[ResultTable, RekapCounts]:
        table = _report_table(user, competition)
        return replace(table, rows=[]), rekap_rows(competition, table, kecamatan)

    return result_cache.cached(f"rekap:{result_cache.viewer(user)}:{asked}", competition, counted)


def _earlier_published(competition: Competition) -> str:
    """What the rekap per kelurahan reads of the competitions before this one, as a digest
    (1 query): their current published result sets, with each competition's stage and
    result version.

    The rekap counts the RTs that won an earlier published competition. A publication or a
    reopening there changes the sets or the stage, any other write there that can change a
    result its version; none of them renews this competition's version, so the kept rows
    are named after this digest too. (A competition restored without a version keeps its
    frozen results: its sets and stage still say when they change.)
    """
    found = list(
        ResultSet.objects.filter(
            competition__in=Competition.objects.filter(earlier_competitions(competition)),
            superseded_at__isnull=True,
            published_at__isnull=False,
        )
        .order_by("pk")
        .values_list("pk", "competition__status", "competition__result_version__token")
    )
    return hashlib.sha256(repr(found).encode()).hexdigest()[:16]


def _kept_kelurahan_rekap(
    user: User, competition: Competition, kecamatan: set[int] | None
) -> tuple[ResultTable, list[KelurahanRekapRow]]:
    """The rekap per kelurahan's rows (one per kelurahan, counted) and the table's state,
    kept per user, kecamatan and `_earlier_published` under this one's version: at
    10x the page no longer reads the city's winners back (0.20 s CPU against 0.03 s at 1x).
    A change in an earlier competition leaves the entry of the old name behind (a few KB)
    until the cache culls it."""
    require(user, "scoring.read_results", competition)
    asked = "all" if kecamatan is None else ",".join(str(pk) for pk in sorted(kecamatan))

    def counted() -> tuple[ResultTable, list[KelurahanRekapRow]]:
        table = _report_table(user, competition)
        return replace(table, rows=[]), kelurahan_rekap_rows(competition, table, kecamatan)

    earlier = _earlier_published(competition)
    name = f"kelurahan-rekap:{result_cache.viewer(user)}:{asked}:{earlier}"
    return result_cache.cached(name, competition, counted)


def _paged(request: AuthenticatedRequest, report: Report) -> tuple[Report, Page]:
    """The report with one page of its list sheets' rows; the first (summary) sheet whole.

    The list sheets' rows are paged as one sequence; a sheet's total row shows on the
    page that holds its last row, and a sheet without rows on the first page.
    """
    head, lists = report.sheets[:1], report.sheets[1:]
    materialised = [list(sheet.rows) for sheet in lists]
    items = [(index, row) for index, rows in enumerate(materialised) for row in rows]
    page = page_of(request, items)
    shown_ids = {id(row) for _index, row in page.object_list}
    sheets: list[Sheet] = []
    for sheet, rows in zip(lists, materialised, strict=True):
        kept = [row for row in rows if id(row) in shown_ids]
        if not rows and page.number == 1:
            sheets.append(replace(sheet, rows=[]))
        elif kept:
            last_here = id(rows[-1]) in shown_ids
            sheets.append(replace(sheet, rows=kept, total=sheet.total if last_here else None))
    return replace(report, sheets=[*head, *sheets]), page


# These two page themselves (scoring.reports): one page of rows at a time (?halaman=N), the
# matrix with its filters; their exports keep every row.
SELF_PAGED = ("matriks", "peserta")


@dataclass(frozen=True)
class MatrixRows:
    """One page of the RTs the score matrix's filters match, with the table's head."""

    table: ResultTable  # the whole table's state (frozen, result set), the page's rows only
    count: int  # RTs the filters match
    start: int  # index of the page's first RT among them

    @property
    def rows(self) -> list[ResultRow]:
        return self.table.rows


def _matrix_rows(
    request: AuthenticatedRequest, competition: Competition, filters: MatrixFilter
) -> MatrixRows:
    """`scoring.reports.matrix_page`'s rows, computed from the whole table (kept or not)."""
    table = result_table_for(request.user, competition)
    matching = set(filters.qs.values_list("pk", flat=True))
    page = page_of(request, matrix_order(r for r in table.rows if r.entry.pk in matching))
    start = (page.number - 1) * page.paginator.per_page
    return MatrixRows(replace(table, rows=list(page.object_list)), page.paginator.count, start)


def _kept_matrix_page(
    request: AuthenticatedRequest, competition: Competition, *, scope: str, juror_names: bool
) -> MatrixPage:
    """`scoring.reports.matrix_page` with its page of RTs kept under the competition's data
    version (`scoring.result_cache`): at 10x city scale a page reads 50 RTs, not 16,500."""
    user = request.user
    filters = matrix_filters(request, competition)
    # The rows depend on the filters, the page and the user's region.
    asked = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:16]
    kept = result_cache.cached(
        f"matrix-page:{result_cache.viewer(user)}:{asked}",
        competition,
        lambda: _matrix_rows(request, competition, filters),
    )
    page = page_of(request, _PageRows(kept))
    report = matrix_report(
        competition, kept.table, scope=scope, juror_names=juror_names, results=kept.rows
    )
    return MatrixPage(report, page, filters)


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
    require(user, "scoring.read_results", competition)
    names = may(user, "scoring.see_juror_names", competition)
    found = _kept_matrix_page(request, competition, scope=scope, juror_names=names)
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
    filters = _report_filter(request, competition, name)
    context: dict[str, object] = {"competition": competition, "name": name}
    if filters is not None:
        if filters.invalid:
            messages.error(request, ERROR_FILTER_INVALID)
        query = request.GET.copy()
        query.pop("halaman", None)
        context.update(filter_form=filters.form, filtered=filters.active(), query=query.urlencode())
    if name in PAGED_REPORTS:
        context["report"], context["page"] = _kept_report_page(request, competition, name, filters)
    else:
        context["report"] = _report(request, competition, name, filters, kept=True)
    return render(request, "reports/report.html", context)


def _static_report(report: Report) -> Report:
    """The report with every sheet's cells computed: each column reads its value by index,
    so the report pickles (the columns' own lambdas do not) and a page of it can be kept."""
    sheets = []
    for sheet in report.sheets:
        columns = [
            Column(str(column.header), itemgetter(index), column.kind, column.width)
            for index, column in enumerate(sheet.columns)
        ]
        total = list(sheet.total) if sheet.total is not None else None
        sheets.append(Sheet(str(sheet.name), columns, [tuple(v) for v in sheet.values()], total))
    return replace(report, sheets=sheets, notes=[str(note) for note in report.notes])


@dataclass(frozen=True)
class KeptReportPage:
    """One page of a paged list (the winners list) with its cells computed, and the table's
    state without rows (the subtitle and the signature are made again on every request)."""

    report: Report  # `_static_report` of `_paged`: the summary and the page's rows
    head: ResultTable
    count: int  # rows of the list sheets in all
    start: int  # index of the page's first row among them
    rows: list[int]  # one per row of the page (what `page_of` reads of the page)


class _KeptRows(Sequence[int]):
    """`count` rows of which the kept page is at hand: all that `page_of` reads of them."""

    def __init__(self, kept: KeptReportPage) -> None:
        self.kept = kept

    def __len__(self) -> int:
        return self.kept.count

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice) and (index.start or 0) == self.kept.start:
            return self.kept.rows
        raise IndexError("only the kept page")  # the same query string gives the same page


def _kept_report_page(
    request: AuthenticatedRequest,
    competition: Competition,
    name: str,
    filters: ResultFilter | None,
) -> tuple[Report, Page]:
    """The paged list's page kept per viewer and query string under the data version: at
    10x the winners list has 7,096 winners, and reading them back took 0.15 s for 50 shown."""
    user = request.user
    require(user, "scoring.read_results", competition)
    asked = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:16]

    def paged() -> KeptReportPage:
        head = replace(_report_table(user, competition), rows=[])
        report, page = _paged(request, _report(request, competition, name, filters, kept=True))
        start = (page.number - 1) * page.paginator.per_page
        shown = list(range(start, start + len(page.object_list)))
        return KeptReportPage(_static_report(report), head, page.paginator.count, start, shown)

    kept = result_cache.cached(
        f"report-page:{name}:{result_cache.viewer(user)}:{asked}", competition, paged
    )
    scope = str(user.scope_label)
    report = replace(
        kept.report,
        subtitle=report_subtitle(competition, kept.head, scope),
        signature=signature_for(kept.head) if kept.report.signature is not None else None,
    )
    return report, page_of(request, _KeptRows(kept))


@require_safe
@login_required
def report_export(
    request: AuthenticatedRequest, competition_pk: int, name: str, export_format: str
) -> HttpResponse:
    """The whole report, with the page's filters but never its paging (?halaman is ignored)."""
    if name not in PAGES:
        raise Http404
    competition = _competition(request, competition_pk)
    filters = _report_filter(request, competition, name)
    return export_response(_report(request, competition, name, filters), export_format)
