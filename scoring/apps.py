from __future__ import annotations

from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Penilaian"

    def ready(self) -> None:
        # The plenary is scoring's stage: competitions asks this check before entering it.
        from competitions.models import CompetitionStatus
        from competitions.services import CATEGORY_OVERRIDES, STEP_CHECKS, STEP_WARNINGS
        from scoring import result_cache
        from scoring.fields import json_as_text
        from scoring.kencana import kencana_overrides
        from scoring.result_services import check_ready_for_plenary, plenary_warnings

        checks = STEP_CHECKS[CompetitionStatus.PLENARY]
        if check_ready_for_plenary not in checks:
            checks.append(check_ready_for_plenary)
        # ... and shows the sheets still missing, to be confirmed, with the stage button.
        warnings = STEP_WARNINGS[CompetitionStatus.PLENARY]
        if plenary_warnings not in warnings:
            warnings.append(plenary_warnings)
        # Kencana: an RT on a winning streak is placed in its own category at registration.
        if kencana_overrides not in CATEGORY_OVERRIDES:
            CATEGORY_OVERRIDES.append(kencana_overrides)
        # Every write that can change a result gives its competition a new result version.
        result_cache.connect()
        # The frozen explanations' json column read as text, as jsonb is (scoring.fields).
        connection_created.connect(json_as_text, dispatch_uid="scoring.json_as_text")
