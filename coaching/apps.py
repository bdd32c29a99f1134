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

    def ready(self) -> None:
        # The scoring page and the field kit show a re-visit's award photos beside the new
        # ones; scoring asks its registered finders, since it may not import coaching.
        from coaching.revisits import refuse_revisit_plenary, revisit_earlier_photos
        from competitions.models import CompetitionStatus
        from competitions.services import STEP_CHECKS
        from scoring.comparisons import FINDERS

        if revisit_earlier_photos not in FINDERS:
            FINDERS.append(revisit_earlier_photos)
        # A round is concluded on its own page, never ranked: its competition stays out of the
        # plenary, so it can never be finalised or published.
        checks = STEP_CHECKS[CompetitionStatus.PLENARY]
        if refuse_revisit_plenary not in checks:
            checks.append(refuse_revisit_plenary)
        # The coaching page reads what publication keeps (coaching.kept, issue 19): scoring
        # tells, after the commit, when results are published or reopened.
        from coaching.kept import keep_on_results
        from scoring.signals import results_published, results_reopened

        results_published.connect(keep_on_results, dispatch_uid="coaching-keep-published")
        results_reopened.connect(keep_on_results, dispatch_uid="coaching-keep-reopened")
