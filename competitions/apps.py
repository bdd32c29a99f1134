from __future__ import annotations

from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    name = "competitions"
    verbose_name = "Kompetisi dan wilayah"

    def ready(self) -> None:
        # The instrument editor (indicators, a lower layer) asks this app whether a
        # competition's stage locks an instrument, and lets it follow an edit (issue 14).
        from competitions.instruments import follow_instrument, instrument_locks
        from competitions.models import Competition
        from indicators.selectors import ANNOUNCED
        from indicators.services import FOLLOWERS, LOCK_CHECKS

        if instrument_locks not in LOCK_CHECKS:
            LOCK_CHECKS.append(instrument_locks)
        if follow_instrument not in FOLLOWERS:
            FOLLOWERS.append(follow_instrument)
        # The public guide shows only competitions the public may know of (past the draft).
        if not ANNOUNCED:
            ANNOUNCED.append(Competition.objects.announced)
