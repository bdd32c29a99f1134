"""`manage.py restore ARCHIVE [--force] [--check]`: put a backup back, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from season.backup import BackupError, archive_verify, backup_restore


class Command(BaseCommand):
    help = (
        "Pulihkan arsip dari `manage.py backup` ke basis data dan folder media yang kosong. "
        "Sidik setiap berkas diperiksa dulu; data dimuat dalam satu transaksi."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="Berkas bantar-backup-*.tar.gz")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ganti seluruh data dan media yang sudah ada dengan isi arsip.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Hanya periksa arsip terhadap manifest-nya; tidak ada yang diubah.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check"]:
                manifest = archive_verify(options["archive"])
            else:
                summary = backup_restore(archive=options["archive"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["check"]:
            self._describe(options["archive"], manifest)
            self.stdout.write(
                self.style.SUCCESS("Arsip utuh: setiap berkas cocok dengan manifest.")
            )
            return
        self._describe(summary.archive, summary.manifest)
        for label, count in sorted(summary.counts.items()):
            if count:
                self.stdout.write(f"  {label}: {count}")
        if summary.newer_migrations:
            self.stdout.write(
                "Catatan: basis data ini punya migrasi yang lebih baru dari arsip: "
                + ", ".join(summary.newer_migrations)
            )
        replaced = " (data dan media sebelumnya diganti)" if summary.replaced else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Pemulihan selesai{replaced}: {sum(summary.counts.values())} baris data dalam "
                f"{sum(1 for c in summary.counts.values() if c)} model dan "
                f"{summary.media_files} berkas media. Semua pengguna perlu masuk lagi."
            )
        )

    def _describe(self, archive: Path, manifest: dict[str, Any]) -> None:
        self.stdout.write(
            f"Arsip {archive}: dibuat {manifest.get('created_at')}, Portal BANTAR "
            f"{manifest.get('portal_version')}, dari basis data {manifest.get('database_vendor')}."
        )
