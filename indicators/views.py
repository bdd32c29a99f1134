"""The public indicator guide: what the jury looks for, level by level.

It shows one instrument (issue 14): by default the one of the latest competition with
published results, or that of an announced competition by ?kompetisi=<id>; before any result
is published, the latest competition's (else the newest instrument). A draft competition,
like one that does not exist, is not chosen: the page shows the default and says so, the
same words for both, so the guide tells nobody that a draft exists.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from indicators.models import Instrument
from indicators.selectors import (
    announced_competitions,
    indicators_of,
    newest_instrument,
    pillars_of,
)

ERROR_GUIDE_COMPETITION = _(
    "Kompetisi yang diminta tidak ada atau belum diumumkan; panduan ini menampilkan "
    "instrumen yang berlaku."
)


def chosen_instrument(competition: str) -> Instrument | None:
    """The instrument of the competition ?kompetisi= names, if the public may see that
    competition (indicators.selectors.announced_competitions, which the competitions app
    answers). None for a draft, an unknown id or garbage."""
    announced = announced_competitions()
    if not competition.isdigit() or announced is None:
        return None
    return Instrument.objects.filter(competitions__in=announced.filter(pk=int(competition))).first()


def guide_instrument(competition: str | None) -> Instrument | None:
    """The instrument the guide shows: the chosen competition's (chosen_instrument), else the
    latest published competition's, else the latest announced one's, else the newest ready
    instrument. A draft competition's is never the default either."""
    if competition:
        chosen = chosen_instrument(competition)
        if chosen is not None:
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
    # Nothing published yet: the latest announced competition's, not a draft's, nor a new
    # version still being edited.
    announced = announced_competitions()
    latest = (
        Instrument.objects.filter(
            pk__in=announced.order_by("-year", "-period").values("instrument")[:1]
        ).first()
        if announced is not None
        else None
    )
    return latest or newest_instrument()


@require_safe
def guide(request: HttpRequest) -> HttpResponse:
    asked = request.GET.get("kompetisi")
    chosen = chosen_instrument(asked) if asked else None
    instrument = chosen or guide_instrument(None)
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
            # Asked for one the public may not see (or none such): the default, and a word.
            "notice": ERROR_GUIDE_COMPETITION if asked and chosen is None else "",
        },
    )
