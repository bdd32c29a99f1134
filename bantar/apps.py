from __future__ import annotations

from django.apps import AppConfig


class BantarConfig(AppConfig):
    name = "bantar"
    verbose_name = "BANTAR"
