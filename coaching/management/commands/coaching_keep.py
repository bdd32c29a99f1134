"""`manage.py coaching_keep`: keep the coaching page's figures for today's published results.

Publication keeps them (coaching.kept); after the RT master data changed (an RT added or
moved), or for results published before publication kept them, the page counts from the
results until this is run or the next publication.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from coaching.kept import coaching_keep


class Command(BaseCommand):
    help = "Menyimpan angka halaman pembinaan untuk hasil yang sudah diumumkan."

    def handle(self, *args: Any, **options: Any) -> None:
        view = coaching_keep()
        if view is None:
            self.stdout.write(_("Belum ada hasil yang diumumkan."))
        else:
            self.stdout.write(_("Angka halaman pembinaan disimpan."))
