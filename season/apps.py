from __future__ import annotations

from django.apps import AppConfig


class SeasonConfig(AppConfig):
    """Running a season across the apps: each role's home page, the demo season, backups.

    The top layer: it may use every app, and no app uses it. It has no models.
    """

    name = "season"
    verbose_name = "Musim lomba"
