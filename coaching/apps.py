from __future__ import annotations

from django.apps import AppConfig


class CoachingConfig(AppConfig):
    """After the award: the public self-check and the coaching view (pembinaan).

    The top layer, beside season and documents: it reads every app and no app reads it.
    It has no models: the self-check stores nothing, the coaching view reads published results.
    """

    name = "coaching"
    verbose_name = "Pembinaan"
