"""`manage.py clean_media [--hours N] [--dry-run]`: remove photo files no Evidence row names."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scoring.evidence import evidence_orphans, evidence_remove_orphans


class Command(BaseCommand):
    help = (
        "Hapus berkas foto bukti yang tidak tercatat di basis data (sisa unggahan yang "
        "terputus karena server mati) dan tidak berubah selama --hours jam."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=int,
            default=24,
            help="Hanya berkas yang lebih tua dari sekian jam (bawaan: 24).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Hanya tampilkan, jangan hapus.")

    def handle(self, *args: Any, **options: Any) -> None:
        older_than = timedelta(hours=max(0, options["hours"]))
        if options["dry_run"]:
            orphans = evidence_orphans(older_than=older_than)
            verb = "akan dihapus"
        else:
            orphans = evidence_remove_orphans(older_than=older_than)
            verb = "dihapus"
        for path in orphans:
            self.stdout.write(path)
        self.stdout.write(self.style.SUCCESS(f"{len(orphans)} berkas foto tanpa catatan {verb}."))
