from __future__ import annotations

from django.apps import AppConfig


class CoachingConfig(AppConfig):
    """After the award: the public self-check and the coaching view (pembinaan).

    The top layer, beside season and documents: it reads every app and no app reads it.
    The self-check stores nothing and the coaching view reads published results; its models
    are the re-visit rounds of past winners and their outcomes (coaching/models.py).
    """

    name = "coaching"
    verbose_name = "Pembinaan"
