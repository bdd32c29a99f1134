"""Demo accounts and an open competition, so that `make run` shows a working portal.

Idempotent: running it again changes nothing. Refused under production settings.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from bantar.mail import mail_muted
from bantar.models import Role, User
from competitions.models import Kecamatan, Kelurahan
from season.demo import build_2020, build_current_year, ensure_registration_competition

DEMO_PASSWORD = "bantar-demo"

# username, full name, role, kecamatan code, kelurahan code
DEMO_ACCOUNTS = [
    ("admin", "Admin Portal", Role.ADMIN, None, None),
    ("panitia", "Panitia DPMPPA", Role.PANITIA, None, None),
    ("pejabat", "Pejabat Kota Jambi", Role.PEJABAT, None, None),
    ("kecamatan.paalmerah", "Kasi PMK Paal Merah", Role.KECAMATAN, "15.71.11", None),
    ("kelurahan.ekajaya", "Petugas Kelurahan Eka Jaya", Role.KELURAHAN, None, "15.71.11.1003"),
    ("kelurahan.beringin", "Petugas Kelurahan Beringin", Role.KELURAHAN, None, "15.71.04.1001"),
    ("juri1", "Juri Satu (DLH)", Role.JURI, None, None),
    ("juri2", "Juri Dua (Polri)", Role.JURI, None, None),
    ("juri3", "Juri Tiga (Dinas Pendidikan)", Role.JURI, None, None),
]
ERROR_PRODUCTION = "Akun demo tidak dibuat: pengaturan produksi sedang aktif (BANTAR_PRODUCTION)."


def ensure_demo_accounts() -> list[User]:
    users = []
    for username, full_name, role, kecamatan_code, kelurahan_code in DEMO_ACCOUNTS:
        first_name, _, last_name = full_name.partition(" ")
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@bantar.example",
                "role": role,
                "kecamatan": Kecamatan.objects.get(code=kecamatan_code) if kecamatan_code else None,
                "kelurahan": Kelurahan.objects.get(code=kelurahan_code) if kelurahan_code else None,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
        users.append(user)
    return users


class Command(BaseCommand):
    help = (
        "Akun demo, musim 2020 lengkap (dihitung dan diumumkan) dan kompetisi tahun berjalan "
        "di tengah musim. Idempoten; ditolak di produksi."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--minimal",
            action="store_true",
            help="Hanya akun demo dan kompetisi yang membuka pendaftaran (untuk uji cepat).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.BANTAR_PRODUCTION:
            raise CommandError(ERROR_PRODUCTION)
        started = time.monotonic()
        # The season's returns, assignments and publication are history: nobody is mailed.
        with mail_muted():
            self._seed(options)
        self.stdout.write(f"Data demo siap dalam {time.monotonic() - started:.1f} detik.")

    def _seed(self, options: dict[str, Any]) -> None:
        with transaction.atomic():
            users = ensure_demo_accounts()
            competitions = [ensure_registration_competition(timezone.localdate().year)]
        if not options["minimal"]:
            by_name = {user.username: user for user in users}
            competitions = [
                build_2020(panitia=by_name["panitia"]),
                *build_current_year(
                    panitia=by_name["panitia"],
                    officers=by_name,
                    jurors=[by_name["juri1"], by_name["juri2"], by_name["juri3"]],
                ),
            ]
        for competition in competitions:
            status = competition.get_status_display()
            self.stdout.write(self.style.SUCCESS(f"Kompetisi: {competition} ({status})"))
        self.stdout.write(f"Akun demo (kata sandi untuk semua: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(
                f"  {user.username:<22} {user.get_role_display():<18} {user.scope_label}"
            )
