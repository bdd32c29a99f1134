"""`manage.py send_digest`: each kecamatan officer's daily mail of the proposals waiting.

Run once a day from cron (README, "E-mail and passwords"). An officer with nothing
waiting gets no mail; one who already got today's digest is skipped unless --force,
so a cron line that fires twice sends once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from competitions.notifications import digest_send


class Command(BaseCommand):
    help = "Kirim ringkasan harian usulan yang menunggu diperiksa ke setiap petugas kecamatan."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Kirim lagi walau hari ini sudah terkirim."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = digest_send(force=options["force"])
        self.stdout.write(
            f"Ringkasan terkirim: {outcome.sent}, gagal: {outcome.failed}, "
            f"tanpa usulan menunggu: {outcome.nothing_waiting}, "
            f"sudah terkirim hari ini: {outcome.already_sent}."
        )
        if outcome.failed:
            # A non-zero exit makes cron mail the server's admin.
            self.stderr.write(f"{outcome.failed} surel gagal; lihat /surel/ di portal.")
            raise SystemExit(1)
