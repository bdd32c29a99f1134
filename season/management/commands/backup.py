"""`manage.py backup [--output DIR]`: the database and the evidence photos in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from season.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Tulis satu arsip cadangan (tar.gz): isi basis data, berkas media (foto bukti) "
        "dan manifest dengan sidik sha256 setiap berkas."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Folder tujuan arsip (bawaan: BANTAR_BACKUP_DIR, ./backups).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"] or Path(settings.BANTAR_BACKUP_DIR)
        try:
            summary = backup_create(output_dir=output)
        except (BackupError, OSError) as error:
            raise CommandError(f"Cadangan gagal: {error}") from error
        manifest = summary.manifest
        rows = sum(manifest["counts"].values())
        size_mb = summary.path.stat().st_size / (1024 * 1024)
        self.stdout.write(
            self.style.SUCCESS(
                f"Cadangan tersimpan: {summary.path} ({size_mb:.1f} MB): {rows} baris data "
                f"dari {len(manifest['counts'])} model, {manifest['media_files']} berkas media."
            )
        )
