"""The public indicator guide: what the jury looks for, level by level.

It shows one instrument (issue 14): by default the one of the latest competition with
published results, or that of any competition by ?kompetisi=<id>; before any result is
published, the latest competition's (else the newest instrument).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from indicators.models import Instrument
from indicators.selectors import indicators_of, newest_instrument, pillars_of


def guide_instrument(competition: str | None) -> Instrument | None:
    """The instrument the guide shows (the competitions app stands above this one: the
    competition is reached through the instrument's reverse relations)."""
    if competition:
        if not competition.isdigit():
            raise Http404
        chosen = Instrument.objects.filter(competitions__pk=int(competition)).first()
        if chosen is None:
            raise Http404
        return chosen
    published = (
        Instrument.objects.filter(
            competitions__result_sets__published_at__isnull=False,
            competitions__result_sets__superseded_at__isnull=True,
        )
        .order_by("-competitions__year", "-competitions__period")
        .first()
    )
    if published is not None:
        return published
    # Nothing published yet: the latest competition's, not a new version still being edited.
    latest = (
        Instrument.objects.filter(competitions__isnull=False)
        .order_by("-competitions__year", "-competitions__period")
        .first()
    )
    return latest or newest_instrument()


@require_safe
def guide(request: HttpRequest) -> HttpResponse:
    instrument = guide_instrument(request.GET.get("kompetisi"))
    if instrument is None:
        raise Http404
    indicators = list(indicators_of(instrument).with_levels())
    pillars = [
        (pillar, [indicator for indicator in indicators if indicator.pillar_id == pillar.pk])
        for pillar in pillars_of(instrument)
    ]
    return render(
        request,
        "indicators/guide.html",
        {
            "instrument": instrument,
            "pillars": pillars,
            "indicator_count": len(indicators),
        },
    )
