"""Row generators for the entry lists (Daftar peserta); see bantar/exports.py."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bantar import dates
from bantar.exports import INTEGER, Column, Report, Sheet
from competitions.models import Competition, Entry


def participant_columns(*, with_contacts: bool) -> list[Column]:
    """`with_contacts`: the head of RT's name and phone (`scoring.see_contacts`)."""
    columns = [
        Column(pgettext("nomor urut", "No"), lambda row: row[0], INTEGER, 5),
        Column(_("Kecamatan"), lambda row: row[1].rt.kelurahan.kecamatan.name, width=16),
        Column(_("Kelurahan"), lambda row: row[1].rt.kelurahan.name, width=18),
        Column("RT", lambda row: row[1].rt.label, width=8),
        Column(_("Kampung"), lambda row: row[1].kampung_name, width=22),
    ]
    if with_contacts:
        columns.append(Column(_("Ketua RT"), lambda row: row[1].ketua_rt, width=20))
        columns.append(Column(_("Telepon"), lambda row: row[1].phone, width=15))
    columns += [
        Column(_("Jumlah KK"), lambda row: row[1].kk_count, INTEGER, 9),
        Column(_("Kategori"), lambda row: row[1].category.name, width=10),
        Column(_("Status"), lambda row: row[1].get_status_display(), width=14),
        Column(_("Catatan kecamatan"), lambda row: row[1].return_note, width=30),
    ]
    return columns


def participants_report(
    competition: Competition,
    entries: Iterable[Entry],
    *,
    scope: str,
    with_contacts: bool,
    start: int = 1,
) -> Report:
    """Daftar peserta: every entry in the user's scope with its status and category.

    `start` numbers the first row (a page of the list goes on from the one before).
    """
    return Report(
        title=_("Daftar peserta %(competition)s") % {"competition": competition.title},
        subtitle=_("Wilayah: %(scope)s · dicetak %(when)s WIB")
        % {"scope": scope, "when": dates.tanggal_jam(timezone.now())},
        filename=f"daftar-peserta-{competition.year}-{competition.period}",
        sheets=[
            Sheet(
                name=_("Peserta"),
                columns=participant_columns(with_contacts=with_contacts),
                rows=enumerate(entries, start=start),
            )
        ],
    )
