"""The coaching view as a report: the same sheets feed the page and the xlsx."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bantar import dates
from bantar.exports import DECIMAL, INTEGER, Column, Report, Sheet
from bantar.numbers import comma, hundredths
from coaching.revisits import RevisitPage, RevisitRow
from coaching.selectors import CoachingFigures, Drop, RTRecord, Showing, WeakIndicator, YearShare


def _editions(showings: list[Showing]) -> str:
    return ", ".join(
        f"{s.edition.label} ({comma(s.final)}{'*' if s.is_winner else ''})" for s in showings
    )


def _rt_columns() -> list[Column]:
    return [
        Column(_("Kecamatan"), lambda r: r.kecamatan, width=15),
        Column(_("Kelurahan"), lambda r: r.rt.kelurahan.name, width=17),
        Column("RT", lambda r: r.rt.label, width=7),
        Column(_("Kampung"), lambda r: r.rt.name_kampung, width=22),
        Column(_("Hasil yang diumumkan (* menang)"), lambda r: _editions(r.showings), width=40),
    ]


def rt_sheet(name: str, records: list[RTRecord]) -> Sheet:
    return Sheet(name=name, columns=_rt_columns(), rows=records)


def weakest_sheet(rows: list[WeakIndicator]) -> Sheet:
    return Sheet(
        name=_("Indikator terlemah"),
        columns=[
            Column(_("Kode"), lambda w: w.code, width=6),
            Column(_("Indikator"), lambda w: w.text, width=60),
            Column(_("Rata-rata nilai"), lambda w: w.mean, DECIMAL, 12),
            Column(_("Jumlah hasil"), lambda w: w.results, INTEGER, 10),
        ],
        rows=rows,
    )


def drops_sheet(rows: list[Drop]) -> Sheet:
    return Sheet(
        name=_("Nilai turun"),
        columns=[
            Column(_("Kelurahan"), lambda d: d.record.rt.kelurahan.name, width=17),
            Column("RT", lambda d: d.record.rt.label, width=7),
            Column(_("Lomba sebelumnya"), lambda d: d.before.edition.label, width=10),
            Column(_("Nilai sebelumnya"), lambda d: hundredths(d.before.final), DECIMAL),
            Column(_("Lomba berikutnya"), lambda d: d.after.edition.label, width=10),
            Column(_("Nilai berikutnya"), lambda d: hundredths(d.after.final), DECIMAL),
            Column(_("Perubahan"), lambda d: hundredths(d.change), DECIMAL, 10),
        ],
        rows=rows,
    )


def shares_sheet(rows: list[YearShare]) -> Sheet:
    return Sheet(
        name=_("Predikat per tahun"),
        columns=[
            Column(_("Tahun"), lambda s: s.year, INTEGER, 8),
            Column(_("Jumlah RT"), lambda s: s.rts, INTEGER, 10),
            Column(_("RT ikut lomba"), lambda s: s.took_part, INTEGER, 12),
            Column(_("RT berpredikat (menang)"), lambda s: s.winners, INTEGER, 14),
            Column(_("Persen RT berpredikat"), lambda s: s.share, DECIMAL, 14),
        ],
        rows=rows,
    )


def coaching_sheets(figures: CoachingFigures) -> dict[str, Sheet]:
    return {
        "never": rt_sheet(_("Belum pernah ikut"), list(figures.never)),
        "not_won": rt_sheet(_("Ikut, belum menang"), list(figures.not_won)),
        "won_not_back": rt_sheet(_("Menang, tidak ikut lagi"), list(figures.won_not_back)),
        "weakest": weakest_sheet(figures.weakest),
        "drops": drops_sheet(list(figures.drops)),
        "shares": shares_sheet(figures.shares),
    }


def coaching_report(figures: CoachingFigures) -> Report:
    editions = ", ".join(edition.label for edition in figures.editions) or "-"
    return Report(
        title=_("Pembinaan RT %(area)s") % {"area": figures.area},
        subtitle=_("Hasil yang diumumkan: %(editions)s · dicetak %(day)s")
        % {"editions": editions, "day": dates.tanggal(timezone.localdate())},
        filename=pgettext("file name", "pembinaan-%(area)s") % {"area": figures.area},
        sheets=list(coaching_sheets(figures).values()),
    )


def _verdict(row: RevisitRow) -> str:
    if row.outcome is None:
        return _("Belum disimpulkan")
    return str(row.outcome.get_verdict_display())


def revisit_report(page: RevisitPage) -> Report:
    """The round's rekap: each RT's award score, re-visit score and verdict; not a ranking."""
    revisit = page.revisit
    if revisit.seed is not None:
        chosen = _("Undian acak, benih %(seed)s, %(size)s dari %(winners)s pemenang") % {
            "seed": revisit.seed,
            "size": revisit.sample_size,
            "winners": page.winners,
        }
    else:
        chosen = _("Dipilih panitia")
    return Report(
        title=str(revisit.competition.title),
        subtitle=_(
            "%(chosen)s · batas penurunan %(threshold)s poin · informasi untuk panitia, "
            "bukan peringkat · dicetak %(day)s"
        )
        % {
            "chosen": chosen,
            "threshold": comma(revisit.threshold),
            "day": dates.tanggal(timezone.localdate()),
        },
        filename=pgettext("file name", "kunjungan-ulang-%(year)s") % {"year": revisit.source.year},
        sheets=[
            Sheet(
                name=_("Kunjungan ulang"),
                columns=[
                    Column(_("Urutan"), lambda r: page.rows.index(r) + 1, INTEGER, 7),
                    Column(_("Kecamatan"), lambda r: r.rt.kelurahan.kecamatan.name, width=15),
                    Column(_("Kelurahan"), lambda r: r.rt.kelurahan.name, width=17),
                    Column("RT", lambda r: r.rt.label, width=7),
                    Column(_("Tim"), lambda r: r.team, width=12),
                    Column(_("Lembar masuk"), lambda r: f"{r.submitted}/{r.expected}", width=9),
                    Column(
                        _("Nilai saat menang"),
                        lambda r: hundredths(r.award.final) if r.award else None,
                        DECIMAL,
                    ),
                    Column(
                        _("Nilai kunjungan ulang"),
                        lambda r: hundredths(r.outcome.revisit_final) if r.outcome else None,
                        DECIMAL,
                    ),
                    Column(
                        _("Perubahan"),
                        lambda r: hundredths(r.outcome.change) if r.outcome else None,
                        DECIMAL,
                    ),
                    Column(_("Hasil"), _verdict, width=16),
                ],
                rows=page.rows,
            )
        ],
    )
