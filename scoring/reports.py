"""The city's four lists, as row generators for HTML, CSV and xlsx (bantar/exports.py).

1. Daftar pemenang: winners per category with prize and totals, for the SK (and, with
   `decree_columns`, the Lampiran SK the documents app prints).
2. Rekap per kecamatan: the city's own table (domain/rekap_2020.csv) plus the prize total.
3. Matriks nilai: RT x indicator x juror, with the method on the sheet.
4. Daftar peserta: competitions.reports.participants_report.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Count, F, IntegerField, Q, QuerySet
from django.db.models.functions import Coalesce, NullIf
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from bantar import dates
from bantar.access import AuthenticatedRequest
from bantar.exports import DECIMAL, INTEGER, MONEY, NUMBER, Column, Report, Sheet, Signature
from bantar.filters import page_of
from competitions.models import Competition, Entry, EntryStatus, Kecamatan
from competitions.models import CompetitionStatus as Stage
from competitions.models import Kelurahan as KelurahanModel
from competitions.reports import participants_report
from indicators.selectors import indicators_of
from scoring.filters import MatrixFilter
from scoring.models import JuryTeam, Result
from scoring.result_selectors import (
    JurorNumbers,
    ResultRow,
    ResultTable,
    method_text,
    score_breakdown,
)
from scoring.results import display

SUBMITTED = (EntryStatus.PROPOSED, EntryStatus.VERIFIED, EntryStatus.RETURNED)


def _subtitle(competition: Competition, table: ResultTable | None, scope: str) -> str:
    if table is None:
        state = ""
    elif table.result_set is not None and table.result_set.published_at:
        state = _("hasil diumumkan %(when)s") % {
            "when": dates.tanggal(table.result_set.published_at)
        }
    elif table.result_set is not None:
        state = _("hasil final %(when)s, belum diumumkan") % {
            "when": dates.tanggal(table.result_set.finalised_at)
        }
    else:
        state = _("HASIL SEMENTARA, belum final")
    stamp = dates.tanggal_jam(timezone.now())
    return " · ".join(
        part
        for part in (
            _("Wilayah: %(scope)s") % {"scope": scope},
            state,
            _("dicetak %(when)s WIB") % {"when": stamp},
        )
        if part
    )


def report_subtitle(competition: Competition, table: ResultTable | None, scope: str) -> str:
    """A list's subtitle: the region, the results' state and the time it is printed."""
    return _subtitle(competition, table, scope)


def long_date(day: date) -> str:
    """26 Oktober 2020: a day as the city writes it, in the language being rendered."""
    return formats.date_format(day, "j F Y")


def document_date(table: ResultTable | None) -> date:
    """The date a list is signed: the announcement, else the finalisation, else today."""
    result_set = table.result_set if table is not None and table.frozen else None
    moment = result_set and (result_set.published_at or result_set.finalised_at)
    return timezone.localtime(moment).date() if moment else timezone.localdate()


def signature_for(table: ResultTable | None) -> Signature:
    """The signatory of the city's lists and documents (settings BANTAR_SIGNATORY_*)."""
    return Signature(
        place_date=f"{settings.BANTAR_SIGNATORY_PLACE}, {long_date(document_date(table))}",
        title=settings.BANTAR_SIGNATORY_TITLE,
        name=settings.BANTAR_SIGNATORY_NAME,
        nip=settings.BANTAR_SIGNATORY_NIP,
    )


def coverage_status(row: ResultRow) -> str:
    """What a provisional list says of an RT that cannot be ranked yet ("" when it can)."""
    if not row.scored:
        return _("Belum dinilai")
    if not row.complete:
        return _("Belum lengkap (nilai sementara)")
    return ""


def _sheets(row: ResultRow) -> str:
    return f"{row.sheets_in}/{row.sheets_expected}"


def pillar_columns(
    pillars: Mapping[str, str], value: Callable[[ResultRow, str], object]
) -> list[Column]:
    """One column per pillar of the competition's instrument, in its order (issue 14)."""

    def cell(code: str) -> Callable[[Any], object]:
        return lambda item: value(item[1], code)

    return [
        Column(_(name), cell(code), DECIMAL, max(8, len(name) + 1))
        for code, name in pillars.items()
    ]


def winner_columns(*, pillars: Mapping[str, str], with_contacts: bool = True) -> list[Column]:
    """The winners list's columns; the head of RT only for those `scoring.see_contacts` allows.

    `pillars`: the competition's pillars, code -> name in order (`ResultTable.pillars`).
    """
    columns = [
        Column(pgettext("nomor urut", "No"), lambda item: item[0], INTEGER, 5),
        Column(_("Kecamatan"), lambda item: item[1].entry.rt.kelurahan.kecamatan.name, width=15),
        Column(_("Kelurahan"), lambda item: item[1].entry.rt.kelurahan.name, width=17),
        Column("RT", lambda item: item[1].entry.rt.label, width=7),
        Column(_("Kampung"), lambda item: item[1].entry.kampung_name, width=22),
        Column(_("Ketua RT"), lambda item: item[1].entry.ketua_rt, width=20),
        Column("KK", lambda item: item[1].entry.kk_count, INTEGER, 6),
        Column(_("Kategori"), lambda item: item[1].entry.category.name, width=9),
        *pillar_columns(pillars, lambda row, code: display(row.pillars[code])),
        Column(_("Nilai akhir"), lambda item: display(item[1].final), DECIMAL, 9),
        Column(_("Peringkat"), lambda item: item[1].rank, INTEGER, 9),
        Column(_("Hadiah"), lambda item: item[1].prize, MONEY, 15),
    ]
    return columns if with_contacts else [c for c in columns if c.header != _("Ketua RT")]


def decree_columns() -> list[Column]:
    """The Lampiran SK's columns: no head of RT, no KK, no pillar scores."""
    return [
        Column(pgettext("nomor urut", "No"), lambda item: item[0], INTEGER, 5),
        Column(_("Kecamatan"), lambda item: item[1].entry.rt.kelurahan.kecamatan.name, width=15),
        Column(_("Kelurahan"), lambda item: item[1].entry.rt.kelurahan.name, width=17),
        Column("RT", lambda item: item[1].entry.rt.label, width=7),
        Column(_("Kampung"), lambda item: item[1].entry.kampung_name, width=22),
        Column(_("Nilai"), lambda item: display(item[1].final), DECIMAL, 8),
        Column(_("Peringkat"), lambda item: item[1].rank, INTEGER, 9),
        Column(_("Hadiah"), lambda item: item[1].prize, MONEY, 15),
    ]


# Excel allows 31 characters in a sheet name: "Ditahan, perlu keputusan panitia" has 32.
# Lazy: translated in the language of each request, not once in the one active at import.
HELD_SHEET = pgettext_lazy("lembar", "Ditahan, perlu putusan panitia")


def held_reason(row: ResultRow) -> str:
    if row.held_back == "cap":
        return _("Nilai sama terpisah oleh batas pemenang per kategori")
    if row.held_back == "budget":
        return _("Nilai sama terpisah oleh pagu hadiah")
    return ""


def _held_columns(table: ResultTable) -> list[Column]:
    """The RTs of a tie a cap or the budget would split: all held back, for the panitia."""
    labels = {
        row.entry.pk: f"{row.entry.rt.label} {row.entry.rt.kelurahan.name}" for row in table.rows
    }
    return [
        Column(pgettext("nomor urut", "No"), lambda item: item[0], INTEGER, 5),
        Column(_("Kecamatan"), lambda item: item[1].entry.rt.kelurahan.kecamatan.name, width=15),
        Column(_("Kelurahan"), lambda item: item[1].entry.rt.kelurahan.name, width=17),
        Column("RT", lambda item: item[1].entry.rt.label, width=7),
        Column(_("Kampung"), lambda item: item[1].entry.kampung_name, width=22),
        Column(_("Kategori"), lambda item: item[1].entry.category.name, width=9),
        Column(_("Nilai akhir"), lambda item: display(item[1].final), DECIMAL, 9),
        Column(_("Peringkat"), lambda item: item[1].rank, INTEGER, 9),
        Column(_("Alasan"), lambda item: held_reason(item[1]), width=30),
        Column(
            _("Sama dengan"),
            lambda item: ", ".join(labels.get(pk, str(pk)) for pk in item[1].tied_with),
            width=30,
        ),
        Column(_("Hadiah bila diputuskan"), lambda item: item[1].entry.category.prize, MONEY, 15),
    ]


def _pending_columns() -> list[Column]:
    """The RTs a provisional winners list leaves out for now, with how far their sheets are."""
    return [
        Column(pgettext("nomor urut", "No"), lambda item: item[0], INTEGER, 5),
        Column(_("Kecamatan"), lambda item: item[1].entry.rt.kelurahan.kecamatan.name, width=15),
        Column(_("Kelurahan"), lambda item: item[1].entry.rt.kelurahan.name, width=17),
        Column("RT", lambda item: item[1].entry.rt.label, width=7),
        Column(_("Kategori"), lambda item: item[1].entry.category.name, width=9),
        Column(_("Lembar masuk"), lambda item: _sheets(item[1]), width=9),
        Column(
            _("Nilai sementara"),
            lambda item: display(item[1].final) if item[1].scored else None,
            DECIMAL,
            10,
        ),
        Column(_("Status"), lambda item: coverage_status(item[1]), width=24),
        Column(_("Indikator tanpa nilai"), lambda item: ", ".join(item[1].missing), width=24),
    ]


def _total_row(columns: list[Column], label: str, prize: int, count: int) -> list[object]:
    row: list[object] = [None] * len(columns)
    row[1] = label
    row[4] = ngettext("%(count)s RT", "%(count)s RT", count) % {"count": count}
    row[-1] = prize
    return row


def pending_note(counts: Mapping[str, int]) -> str:
    """What the winners list says of the RTs it leaves out: each count in its own plural."""
    incomplete, unscored = counts["incomplete"], counts["unscored"]
    return _(
        "%(incomplete)s dan %(unscored)s: belum diberi peringkat dan belum dapat menjadi "
        "pemenang (lembar %(sheet)s)."
    ) % {
        "incomplete": ngettext(
            "%(count)s RT belum lengkap", "%(count)s RT belum lengkap", incomplete
        )
        % {"count": incomplete},
        "unscored": ngettext("%(count)s RT belum dinilai", "%(count)s RT belum dinilai", unscored)
        % {"count": unscored},
        "sheet": _("Belum lengkap"),
    }


def winners_report(
    competition: Competition,
    table: ResultTable,
    *,
    scope: str,
    columns: list[Column] | None = None,
    appendices: bool = True,
    categories: Collection[str] | None = None,
) -> Report:
    """Daftar pemenang: a summary sheet, then one sheet per category, each with a total row.

    `columns` (default `winner_columns`) picks what each category's sheet shows; the
    rows and totals are the same whichever columns show them. `appendices` adds, after
    the categories, the RTs a provisional list leaves out for now (sheet "Belum lengkap").
    `categories` (codes) keeps only those categories' summary rows and sheets (a filter).
    """
    names = dict(competition.size_categories.values_list("code", "name"))
    if categories is not None:
        names = {code: name for code, name in names.items() if code in categories}
    prizes = dict(competition.size_categories.values_list("code", "prize"))
    winners = {code: [row for row in rows if row.is_winner] for code, rows in table.by_category()}
    summary_rows = [
        (
            names[code],
            len(winners.get(code, [])),
            prizes[code],
            sum(r.prize for r in winners.get(code, [])),
        )
        for code in names
    ]
    summary = Sheet(
        name=_("Ringkasan"),
        columns=[
            Column(_("Kategori"), lambda row: row[0], width=14),
            Column(_("Jumlah pemenang"), lambda row: row[1], INTEGER, 16),
            Column(_("Hadiah per RT"), lambda row: row[2], MONEY, 16),
            Column(_("Jumlah hadiah"), lambda row: row[3], MONEY, 18),
        ],
        rows=summary_rows,
        total=[_("Jumlah"), sum(r[1] for r in summary_rows), None, sum(r[3] for r in summary_rows)],
    )
    sheets = [summary]
    columns = columns or winner_columns(pillars=table.pillars)
    for code in names:
        rows = winners.get(code, [])
        sheets.append(
            Sheet(
                name=_("Kategori %(name)s") % {"name": names[code]},
                columns=columns,
                rows=list(enumerate(rows, start=1)),
                total=_total_row(columns, _("Jumlah"), sum(r.prize for r in rows), len(rows)),
            )
        )
    notes = [method_text(competition)] if appendices else []
    held = [row for _code, rows in table.by_category() for row in rows if row.undecided]
    if held and appendices:
        notes.append(
            ngettext(
                "%(count)s RT ditahan karena nilai sama terpisah oleh batas atau pagu "
                "(lembar %(sheet)s).",
                "%(count)s RT ditahan karena nilai sama terpisah oleh batas atau pagu "
                "(lembar %(sheet)s).",
                len(held),
            )
            % {"count": len(held), "sheet": HELD_SHEET}
        )
        sheets.append(
            Sheet(name=str(HELD_SHEET), columns=_held_columns(table), rows=list(enumerate(held, 1)))
        )
    pending = [row for _code, rows in table.by_category() for row in rows if not row.ranked]
    if pending and appendices:
        notes.append(pending_note(table.coverage_counts))
        sheets.append(
            Sheet(
                name=_("Belum lengkap"),
                columns=_pending_columns(),
                rows=list(enumerate(pending, start=1)),
            )
        )
    return Report(
        title=_("Daftar pemenang %(competition)s") % {"competition": competition.title},
        subtitle=_subtitle(competition, table, scope),
        filename=f"daftar-pemenang-{competition.year}-{competition.period}",
        notes=notes,
        sheets=sheets,
        signature=signature_for(table),
    )


@dataclass
class RekapRow:
    number: int | str
    kecamatan: str
    kelurahan: int
    rts: int
    proposed: int
    winners: list[int]  # per category, in the competition's order

    @property
    def total(self) -> int:
        return sum(self.winners)


@dataclass(frozen=True)
class RekapCounts:
    """The rekap per kecamatan's figures: a row per kecamatan, already counted (a few rows
    whatever the city's size, so its page keeps them under the result version)."""

    categories: list[str]  # the size categories' names, in the competition's order
    rows: list[RekapRow]
    prize: int  # the winners' prizes in the kecamatan shown


def rekap_rows(
    competition: Competition, table: ResultTable, kecamatan_ids: set[int] | None
) -> RekapCounts:
    """Per kecamatan: kelurahan and RTs from the master data, entries proposed, winners by
    category. A kecamatan's RTs are its active kelurahan's, each counted as the rekap per
    kelurahan counts it (`active_kelurahan`), so the two rekaps agree (4 queries)."""
    categories = list(competition.size_categories.values_list("code", "name"))
    kecamatan = Kecamatan.objects.order_by("code")
    if kecamatan_ids is not None:
        kecamatan = kecamatan.filter(pk__in=kecamatan_ids)
    kelurahan_count: dict[int, int] = {}
    rt_count: dict[int, int] = {}
    for item in active_kelurahan(competition):
        rts: int = item.rekap_rts  # type: ignore[attr-defined]  # active_kelurahan
        kelurahan_count[item.kecamatan_id] = kelurahan_count.get(item.kecamatan_id, 0) + 1
        rt_count[item.kecamatan_id] = rt_count.get(item.kecamatan_id, 0) + rts
    proposed = dict(
        Entry.objects.filter(competition=competition, status__in=SUBMITTED)
        .values_list("rt__kelurahan__kecamatan_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    won: dict[tuple[int, str], int] = {}
    prize = 0
    for row in table.rows:
        if row.is_winner:
            key = (row.entry.rt.kelurahan.kecamatan_id, row.category)
            won[key] = won.get(key, 0) + 1
            if kecamatan_ids is None or key[0] in kecamatan_ids:
                prize += row.prize
    rows = [
        RekapRow(
            number,
            item.name,
            kelurahan_count.get(item.pk, 0),
            rt_count.get(item.pk, 0),
            proposed.get(item.pk, 0),
            [won.get((item.pk, code), 0) for code, _name in categories],
        )
        for number, item in enumerate(kecamatan, start=1)
    ]
    return RekapCounts([name for _code, name in categories], rows, prize)


def rekap_report(
    competition: Competition,
    table: ResultTable,
    *,
    scope: str,
    kecamatan_ids: set[int] | None,
    counts: RekapCounts | None = None,
) -> Report:
    """The rekap per kecamatan; `counts`: its figures counted before (`rekap_rows` of the
    same table and kecamatan), else counted here. `table` gives the state (frozen, the result
    set) for the subtitle and the signature; with `counts` its rows are not read."""
    found = counts if counts is not None else rekap_rows(competition, table, kecamatan_ids)
    names, rows, prize = found.categories, found.rows, found.prize
    columns = [
        Column(pgettext("nomor urut", "No"), lambda row: row.number, INTEGER, 5),
        Column(_("Kecamatan"), lambda row: row.kecamatan, width=16),
        Column(_("Jumlah kelurahan"), lambda row: row.kelurahan, INTEGER, 11),
        Column(_("Jumlah RT"), lambda row: row.rts, INTEGER, 10),
        Column(_("RT diusulkan"), lambda row: row.proposed, INTEGER, 11),
        *[
            Column(
                _("Pemenang %(name)s") % {"name": name.lower()},
                (lambda i: lambda row: row.winners[i])(index),
                INTEGER,
                11,
            )
            for index, name in enumerate(names)
        ],
        Column(_("Jumlah pemenang"), lambda row: row.total, INTEGER, 11),
    ]
    total = RekapRow(
        "",
        _("Jumlah"),
        sum(r.kelurahan for r in rows),
        sum(r.rts for r in rows),
        sum(r.proposed for r in rows),
        [sum(r.winners[i] for r in rows) for i in range(len(names))],
    )
    return Report(
        title=_("Rekapitulasi Kampung BANTAR per kecamatan, %(competition)s")
        % {"competition": competition.title},
        subtitle=_subtitle(competition, table, scope),
        filename=f"rekap-kecamatan-{competition.year}-{competition.period}",
        notes=[_("Jumlah hadiah: Rp %(prize)s") % {"prize": f"{prize:,}".replace(",", ".")}],
        sheets=[
            Sheet(
                name=_("Rekap"), columns=columns, rows=rows, total=[c.value(total) for c in columns]
            )
        ],
        signature=signature_for(table),
    )


def matrix_order(rows: Iterable[ResultRow]) -> list[ResultRow]:
    """The matrix's order: by kelurahan code, then RT number."""
    return sorted(rows, key=lambda r: (r.entry.rt.kelurahan.code, r.entry.rt.number))


def matrix_report(
    competition: Competition,
    table: ResultTable,
    *,
    scope: str,
    juror_names: bool = True,
    results: Sequence[ResultRow] | None = None,
) -> Report:
    """Matriks nilai: one row per RT and juror, then the RT's indicator means.

    Without `juror_names` (`scoring.see_juror_names`), each RT's jurors are Juri 1, 2, ...
    `results` shows only those RTs, in their order (one page); by default every RT of the
    table, and the levels are read for the RTs shown only.
    """
    codes = list(indicators_of(competition.instrument_id).values_list("code", flat=True))
    shown = matrix_order(table.rows) if results is None else list(results)
    breakdown = score_breakdown(
        competition, table, entry_ids=None if results is None else [r.entry.pk for r in shown]
    )
    rows: list[tuple[ResultRow, str, list[int | Decimal | None]]] = []
    for result in shown:
        levels, means = breakdown.get(result.entry.pk, ({}, {}))
        per_juror: dict[str, dict[str, int]] = {}
        for code, pairs in levels.items():
            for juror, level in pairs:
                per_juror.setdefault(juror, {})[code] = level
        numbers = JurorNumbers()
        for juror, given in sorted(per_juror.items()):
            label = juror if juror_names else numbers(juror)
            rows.append((result, label, [given.get(code) for code in codes]))
        rows.append((result, _("Rata-rata"), [means.get(code) for code in codes]))
    method = method_text(competition)
    columns = [
        Column(_("Kecamatan"), lambda row: row[0].entry.rt.kelurahan.kecamatan.name, width=14),
        Column(_("Kelurahan"), lambda row: row[0].entry.rt.kelurahan.name, width=16),
        Column("RT", lambda row: row[0].entry.rt.label, width=7),
        Column(_("Juri"), lambda row: row[1], width=20),
        *[
            Column(code, (lambda i: lambda row: row[2][i])(index), NUMBER, 5)
            for index, code in enumerate(codes)
        ],
        Column(
            _("Lembar masuk"),
            lambda row: _sheets(row[0]) if row[1] == _("Rata-rata") else None,
            width=9,
        ),
        Column(
            _("Status"),
            lambda row: coverage_status(row[0]) if row[1] == _("Rata-rata") else None,
            width=24,
        ),
        Column(
            _("Nilai akhir"),
            lambda row: (
                display(row[0].final) if row[1] == _("Rata-rata") and row[0].scored else None
            ),
            DECIMAL,
            9,
        ),
    ]
    return Report(
        title=_("Matriks nilai %(competition)s") % {"competition": competition.title},
        subtitle=_subtitle(competition, table, scope),
        filename=f"matriks-nilai-{competition.year}-{competition.period}",
        notes=[method],
        sheets=[Sheet(name=_("Matriks"), columns=columns, rows=rows)],
    )


@dataclass(frozen=True)
class MatrixPage:
    report: Report  # the page's RTs only; the exports call matrix_report for every RT
    page: Page  # of ResultRow, BANTAR_PAGE_SIZE RTs
    filters: MatrixFilter


def matrix_filters(request: AuthenticatedRequest, competition: Competition) -> MatrixFilter:
    """The matrix's filters from the URL (the page number is not a filter), over the user's
    entries of the competition."""
    user = request.user
    data = request.GET.copy()
    data.pop("halaman", None)
    return MatrixFilter(
        data or None,
        queryset=Entry.objects.for_user(user).filter(competition=competition),
        user=user,
        competition=competition,
        teams=list(JuryTeam.objects.filter(competition=competition).order_by("name")),
    )


def matrix_page(
    request: AuthenticatedRequest,
    competition: Competition,
    table: ResultTable,
    *,
    scope: str,
    juror_names: bool,
) -> MatrixPage:
    """One page of the score matrix (?halaman=N) of the RTs the URL's filters match.

    A fixed number of queries whatever the city's size: the filters' choices, the matching
    entry ids, and the levels of the page's RTs only.
    """
    filters = matrix_filters(request, competition)
    matching = set(filters.qs.values_list("pk", flat=True))
    page = page_of(request, matrix_order(r for r in table.rows if r.entry.pk in matching))
    report = matrix_report(
        competition, table, scope=scope, juror_names=juror_names, results=list(page.object_list)
    )
    return MatrixPage(report, page, filters)


# The Daftar peserta's order within a competition: Entry's Meta order without its first
# field (the competition), which would join the competition to sort by its year and period.
PARTICIPANT_ORDER = ("rt__kelurahan__code", "rt__number")


def participants_page(
    request: AuthenticatedRequest,
    competition: Competition,
    entries: QuerySet[Entry],
    *,
    scope: str,
    with_contacts: bool,
) -> tuple[Report, Page]:
    """One page of the Daftar peserta (?halaman=N), numbered on from the page before.

    Three queries whatever the city's size: the count (the entries' competition index), the
    page's ids in the list's order, then those entries with their region. Sorting only the
    ids (no join to the competition, whose own ordering Entry's Meta names first) keeps the
    sort narrow: sorting every entry's whole row for one page took 0.03 s more at 10x.
    """
    ids = entries.order_by(*PARTICIPANT_ORDER).values_list("pk", flat=True)
    page = page_of(request, ids)
    found = entries.in_bulk(list(page.object_list))
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    report = participants_report(
        competition,
        page.object_list,
        scope=scope,
        with_contacts=with_contacts,
        start=page.start_index(),
    )
    return report, page


# --- Rekap per kelurahan and Kelurahan BANTAR (issue 15) ------------------------------
# An RT holds the predicate Kampung BANTAR once it has won: in this competition (the table
# given) or in an earlier published one. A kelurahan whose share of RTs holding it reaches the
# competition's `bantar_kelurahan_share` is listed as Kelurahan BANTAR (off when empty).


@dataclass
class KelurahanRekapRow:
    number: int | str
    kecamatan: str
    kelurahan: str
    rts: int  # the kelurahan's RTs (KELURAHAN_RTS)
    proposed: int
    winners: int  # winners of this competition
    holders: int  # RTs holding the predicate (this competition or an earlier published one)
    is_bantar: bool = False

    @property
    def share(self) -> Decimal | None:
        """Percent of the kelurahan's RTs holding the predicate, to one decimal."""
        if not self.rts:
            return None
        return (Decimal(100 * self.holders) / self.rts).quantize(Decimal("0.1"))


def earlier_competitions(competition: Competition) -> Q:
    """The competitions before this one (year, period), on Competition."""
    return Q(year__lt=competition.year) | Q(year=competition.year, period__lt=competition.period)


def earlier_published(competition: Competition) -> Q:
    """The results of the published sets of competitions before this one (year, period)."""
    earlier = Q(result_set__competition__year__lt=competition.year) | Q(
        result_set__competition__year=competition.year,
        result_set__competition__period__lt=competition.period,
    )
    return Q(
        earlier,
        result_set__superseded_at__isnull=True,
        result_set__published_at__isnull=False,
        result_set__competition__status=Stage.PUBLISHED,
    )


def _earlier_holders(competition: Competition) -> set[tuple[int, int]]:
    """(kelurahan id, RT id) of RTs that won an earlier published competition (one query)."""
    return set(
        Result.objects.filter(earlier_published(competition), is_winner=True).values_list(
            "entry__rt__kelurahan_id", "entry__rt_id"
        )
    )


# A kelurahan's RTs as every rekap counts them (one rule): the kelurahan's own figure
# (`rt_count`, from the kelurahan's data: RTs the portal may not know yet), else, when it has
# none (or 0), the RTs in the master data. Never 0 for a kelurahan whose RTs are known.
KELURAHAN_RTS = Coalesce(NullIf(F("rt_count"), 0), Count("rts"), output_field=IntegerField())


def active_kelurahan(competition: Competition) -> QuerySet[KelurahanModel]:
    """The kelurahan active in the competition's year, each with its RTs as the rekaps count
    them (`rekap_rts`: KELURAHAN_RTS)."""
    every: QuerySet[KelurahanModel] = KelurahanModel.objects.active_in(competition.year)
    return (
        every.select_related("kecamatan")
        .annotate(rekap_rts=KELURAHAN_RTS)
        .order_by("kecamatan__code", "code")
    )


def proposed_per_kelurahan(competition: Competition) -> dict[int, int]:
    """Entries proposed (submitted onwards) per kelurahan id."""
    return dict(
        Entry.objects.filter(competition=competition, status__in=SUBMITTED)
        .values_list("rt__kelurahan_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def kelurahan_rows(
    kelurahan: Iterable[KelurahanModel],
    proposed: dict[int, int],
    winners: dict[int, int],
    held: dict[int, int],
    threshold: Decimal | None,
) -> list[KelurahanRekapRow]:
    """One row per kelurahan (from `active_kelurahan`) with its counts, Kelurahan BANTAR at
    a share of RTs holding the predicate of at least `threshold` (never when None)."""
    rows: list[KelurahanRekapRow] = []
    for number, item in enumerate(kelurahan, start=1):
        rekap = KelurahanRekapRow(
            number,
            item.kecamatan.name,
            item.name,
            item.rekap_rts,  # type: ignore[attr-defined]  # active_kelurahan
            proposed.get(item.pk, 0),
            winners.get(item.pk, 0),
            held.get(item.pk, 0),
        )
        share = rekap.share
        rekap.is_bantar = threshold is not None and share is not None and share >= threshold
        rows.append(rekap)
    return rows


def kelurahan_rekap_rows(
    competition: Competition, table: ResultTable, kecamatan_ids: set[int] | None
) -> list[KelurahanRekapRow]:
    """Per active kelurahan: RTs, entries proposed, winners, RTs holding the predicate, the
    share, and whether it is Kelurahan BANTAR (four queries, whatever the city's size)."""
    kelurahan = active_kelurahan(competition)
    if kecamatan_ids is not None:
        kelurahan = kelurahan.filter(kecamatan_id__in=kecamatan_ids)
    proposed = proposed_per_kelurahan(competition)
    holders = _earlier_holders(competition)
    winners: dict[int, int] = {}
    for row in table.rows:
        if row.is_winner:
            kelurahan_id = row.entry.rt.kelurahan.pk
            winners[kelurahan_id] = winners.get(kelurahan_id, 0) + 1
            holders.add((kelurahan_id, row.entry.rt.pk))
    held: dict[int, int] = {}
    for kelurahan_id, _rt in holders:
        held[kelurahan_id] = held.get(kelurahan_id, 0) + 1
    return kelurahan_rows(kelurahan, proposed, winners, held, competition.bantar_kelurahan_share)


def bantar_kelurahan(competition: Competition, table: ResultTable) -> list[KelurahanRekapRow]:
    """The kelurahan listed as Kelurahan BANTAR; none when the competition sets no share."""
    if competition.bantar_kelurahan_share is None:
        return []
    return [row for row in kelurahan_rekap_rows(competition, table, None) if row.is_bantar]


def kelurahan_rekap_report(
    competition: Competition,
    table: ResultTable,
    *,
    scope: str,
    kecamatan_ids: set[int] | None,
    rows: list[KelurahanRekapRow] | None = None,
) -> Report:
    """The rekap per kelurahan; `rows`: counted before (`kelurahan_rekap_rows` of the same
    table and kecamatan), else counted here; `table` then gives only its state."""
    if rows is None:
        rows = kelurahan_rekap_rows(competition, table, kecamatan_ids)
    threshold = competition.bantar_kelurahan_share
    columns = [
        Column(pgettext("nomor urut", "No"), lambda row: row.number, INTEGER, 5),
        Column(_("Kecamatan"), lambda row: row.kecamatan, width=16),
        Column(_("Kelurahan"), lambda row: row.kelurahan, width=20),
        Column(_("Jumlah RT"), lambda row: row.rts, INTEGER, 10),
        Column(_("RT diusulkan"), lambda row: row.proposed, INTEGER, 11),
        Column(_("Pemenang"), lambda row: row.winners, INTEGER, 11),
        Column(_("RT berpredikat Kampung BANTAR"), lambda row: row.holders, INTEGER, 14),
        Column(_("Persentase RT berpredikat (%)"), lambda row: row.share, DECIMAL, 12),
    ]
    notes = [
        _(
            "RT berpredikat: RT yang menang pada kompetisi ini atau pada kompetisi sebelumnya "
            "yang sudah diumumkan. Persentase terhadap jumlah RT kelurahan."
        )
    ]
    if threshold is not None:
        columns.append(
            Column(
                _("Kelurahan BANTAR"),
                lambda row: _("Kelurahan BANTAR") if row.is_bantar else "",
                width=16,
            )
        )
        notes.append(
            _("Kelurahan BANTAR: paling sedikit %(share)s%% RT-nya berpredikat Kampung BANTAR.")
            % {"share": formats.number_format(threshold.normalize())}
        )
    total = KelurahanRekapRow(
        "",
        _("Jumlah"),
        "",
        sum(r.rts for r in rows),
        sum(r.proposed for r in rows),
        sum(r.winners for r in rows),
        sum(r.holders for r in rows),
    )
    total_values = [c.value(total) for c in columns]
    if threshold is not None:
        total_values[-1] = sum(1 for r in rows if r.is_bantar)
    return Report(
        title=_("Rekapitulasi Kampung BANTAR per kelurahan, %(competition)s")
        % {"competition": competition.title},
        subtitle=_subtitle(competition, table, scope),
        filename=f"rekap-kelurahan-{competition.year}-{competition.period}",
        notes=notes,
        sheets=[Sheet(name=_("Rekap kelurahan"), columns=columns, rows=rows, total=total_values)],
        signature=signature_for(table),
    )
