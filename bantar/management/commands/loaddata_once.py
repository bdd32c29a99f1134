"""`manage.py loaddata_once <fixture> ...`: load a fixture only into tables it has not filled yet.

`make run` runs `make setup` every time. Plain `loaddata` writes each row back as the fixture
has it (the rows are named by primary key), so a second `make run` would turn a published
competition back into a draft and undo every correction of the master data. A fixture whose
models already hold rows is left out, and the command says so.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Memuat fixture hanya ke tabel yang masih kosong (make setup)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fixtures", nargs="+", help="nama fixture, seperti untuk loaddata")

    def handle(self, *args: Any, **options: Any) -> None:
        for name in options["fixtures"]:
            filled = sorted(label for label in _models_of(name) if _has_rows(label))
            if filled:
                self.stdout.write(
                    f"{name}: tidak dimuat ulang, sudah ada data di {', '.join(filled)}."
                )
                continue
            call_command("loaddata", name, verbosity=options["verbosity"])


def _models_of(name: str) -> set[str]:
    """The model labels the JSON fixture `name` holds (FIXTURE_DIRS, then each app's fixtures)."""
    folders = [Path(folder) for folder in settings.FIXTURE_DIRS]
    folders += [Path(config.path) / "fixtures" for config in apps.get_app_configs()]
    for folder in folders:
        path = folder / f"{name}.json"
        if path.exists():
            return {row["model"] for row in json.loads(path.read_text(encoding="utf-8"))}
    raise CommandError(f"Fixture {name} tidak ditemukan.")


def _has_rows(label: str) -> bool:
    return apps.get_model(label)._default_manager.exists()
