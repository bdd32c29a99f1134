"""Demo accounts and an open competition, so that `make run` shows a working portal.

Idempotent: running it again changes nothing. Refused under production settings.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from bantar.models import Role, User
from competitions.models import Competition, CompetitionStatus, Kecamatan, Kelurahan
from competitions.services import competition_advance, competition_create

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


def ensure_current_competition() -> Competition:
    """This year's competition, open for registration for the next 30 days."""
    now = timezone.localtime()
    competition = Competition.objects.filter(year=now.year, period=1).first()
    if competition is None:
        closes = timezone.make_aware(
            datetime.combine(now.date() + timedelta(days=30), time(23, 59))
        )
        competition = competition_create(year=now.year, registration_closes=closes)
    if competition.status == CompetitionStatus.DRAFT:
        competition = competition_advance(
            competition=competition, to_status=CompetitionStatus.REGISTRATION, by=None
        )
    return competition


class Command(BaseCommand):
    help = "Buat akun demo dan kompetisi tahun berjalan (idempoten; ditolak di produksi)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.BANTAR_PRODUCTION:
            raise CommandError(ERROR_PRODUCTION)
        with transaction.atomic():
            users = ensure_demo_accounts()
            competition = ensure_current_competition()
        self.stdout.write(
            self.style.SUCCESS(f"Kompetisi: {competition} ({competition.get_status_display()})")
        )
        self.stdout.write(f"Akun demo (kata sandi untuk semua: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(
                f"  {user.username:<22} {user.get_role_display():<18} {user.scope_label}"
            )
