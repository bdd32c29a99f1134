from __future__ import annotations

from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    name = "competitions"
    verbose_name = "Kompetisi dan wilayah"
