from __future__ import annotations

from django.apps import AppConfig


class BantarConfig(AppConfig):
    name = "bantar"
    verbose_name = "BANTAR"

    def ready(self) -> None:
        # The login signal's receiver: a stored language choice applies at login.
        from bantar import language  # noqa: F401
