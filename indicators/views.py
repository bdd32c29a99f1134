"""The public indicator guide: what the jury looks for, level by level."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from indicators.models import Indicator, Pillar


@require_safe
def guide(request: HttpRequest) -> HttpResponse:
    indicators = list(Indicator.objects.with_levels())
    pillars = [
        (pillar, [indicator for indicator in indicators if indicator.pillar_id == pillar.pk])
        for pillar in Pillar.objects.all()
    ]
    return render(
        request,
        "indicators/guide.html",
        {"pillars": pillars, "indicator_count": len(indicators)},
    )
