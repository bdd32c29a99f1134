"""One way to write a date on every page, list and document: "26 Oktober 2020", and a moment
as "26 Oktober 2020 14:30 WIB" (the portal's clock is Jambi's, Asia/Jakarta).

Month names follow the active language (Django's formats), so English pages read
"26 October 2020". Templates use the `tanggal` and `waktu` filters (bantar template tags).
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

DATE = "j F Y"
TIME = "H:i"


def tanggal(value: date | datetime | None) -> str:
    """The day, as "26 Oktober 2020" (a moment is first put on Jambi's clock)."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, DATE)


def tanggal_jam(value: datetime) -> str:
    """A moment without its zone, "26 Oktober 2020 14:30", for a sentence that says WIB."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{formats.date_format(value, DATE)} {formats.time_format(value, TIME)}"


def waktu(value: datetime | None) -> str:
    """A moment, as "26 Oktober 2020 14:30 WIB" on Jambi's clock."""
    if value is None:
        return ""
    return _("%(moment)s WIB") % {"moment": tanggal_jam(value)}
