"""The plenary's rows as a spreadsheet: every row its filters match, never one page of them."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bantar.exports import DECIMAL, INTEGER, MONEY, Column, Report, Sheet
from competitions.models import Competition
from scoring.reports import coverage_status, held_reason, pillar_columns
from scoring.result_filters import Concerns, needs_choices
from scoring.result_selectors import ResultRow, ResultTable
from scoring.results import display


def result_text(row: ResultRow) -> str:
    """The plenary's "Hasil" column in words (templates/scoring/_result_status.html)."""
    pending = coverage_status(row)
    if pending:
        return pending
    if row.is_winner:
        # "Pemenang" is also a column of counts (winners); here it is one RT's status.
        return pgettext("status", "Pemenang")
    if row.held_back == "cap":
        return _("Lulus, melewati batas")
    if row.held_back == "budget":
        return _("Lulus, pagu habis")
    return _("Lulus") if row.passed else _("Belum lulus")


def plenary_report(
    competition: Competition,
    table: ResultTable,
    rows: list[ResultRow],
    concerns: Concerns,
    *,
    filters: str,
    scope: str,
) -> Report:
    labels = dict(needs_choices())
    names = dict(competition.size_categories.values_list("code", "name"))

    def score(value: Decimal, row: ResultRow) -> object:
        return display(value) if row.scored else None  # "belum dinilai" has no score, not 0

    columns = [
        Column(pgettext("nomor urut", "No"), lambda item: item[0], INTEGER, 5),
        Column(_("Kategori"), lambda item: names.get(item[1].category, item[1].category), width=9),
        Column(_("Peringkat"), lambda item: item[1].rank if item[1].ranked else None, INTEGER, 9),
        Column(_("Kecamatan"), lambda item: item[1].entry.rt.kelurahan.kecamatan.name, width=15),
        Column(_("Kelurahan"), lambda item: item[1].entry.rt.kelurahan.name, width=17),
        Column("RT", lambda item: item[1].entry.rt.label, width=7),
        Column(_("Kampung"), lambda item: item[1].entry.kampung_name, width=22),
        *pillar_columns(table.pillars, lambda row, code: score(row.pillars[code], row)),
        Column(_("Nilai akhir"), lambda item: score(item[1].final, item[1]), DECIMAL, 9),
        Column(
            _("Lembar masuk"),
            lambda item: f"{item[1].sheets_in}/{item[1].sheets_expected}",
            width=9,
        ),
        Column(_("Hasil"), lambda item: result_text(item[1]), width=24),
        Column(_("Hadiah"), lambda item: item[1].prize, MONEY, 15),
        Column(
            _("Perlu keputusan"),
            lambda item: "; ".join(str(labels[kind]) for kind in concerns.kinds(item[1])),
            width=40,
        ),
        Column(_("Alasan ditahan"), lambda item: held_reason(item[1]), width=30),
    ]
    notes = [_("Saringan: %(filters)s") % {"filters": filters}] if filters else []
    state = _("hasil final") if table.frozen else _("hasil sementara")
    return Report(
        title=_("Rapat pleno %(competition)s") % {"competition": competition.title},
        subtitle=f"{scope} · {state}",
        filename=f"pleno-{competition.year}-{competition.period}",
        notes=notes,
        sheets=[Sheet(name=_("Pleno"), columns=columns, rows=list(enumerate(rows, start=1)))],
    )
