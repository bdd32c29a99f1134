"""Public pages (no login): published winners and the chart per kecamatan.

The RT's own page is coaching.views.rt_page (it shows the re-visits too).
"""

from __future__ import annotations

from collections import defaultdict

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from scoring.public import (
    BAR_STEP,
    published_competitions,
    published_table,
    winners_chart,
)
from scoring.reports import bantar_kelurahan


@require_safe
@cache_control(public=True, max_age=300)
def results_index(request: HttpRequest) -> HttpResponse:
    return render(request, "public/index.html", {"competitions": published_competitions()})


@require_safe
@cache_control(public=True, max_age=300)
def results_page(request: HttpRequest, competition_pk: int) -> HttpResponse:
    competition = get_object_or_404(published_competitions(), pk=competition_pk)
    table = published_table(competition)
    if table is None:
        raise Http404
    winners = [row for row in table.rows if row.is_winner]
    by_kecamatan: dict[str, list] = defaultdict(list)
    for row in sorted(
        winners,
        key=lambda r: (
            r.entry.rt.kelurahan.kecamatan.code,
            r.entry.rt.kelurahan.code,
            r.entry.rt.number,
        ),
    ):
        by_kecamatan[row.entry.rt.kelurahan.kecamatan.name].append(row)
    bars, legend = winners_chart(competition, table)
    names = dict(competition.size_categories.values_list("code", "name"))
    context = {
        "competition": competition,
        "table": table,
        "categories": names,
        "winners_by_category": [
            (names[code], [r for r in rows if r.is_winner]) for code, rows in table.by_category()
        ],
        "by_kecamatan": by_kecamatan.items(),
        "winner_count": len(winners),
        "total_prize": sum(row.prize for row in winners),
        "bars": bars,
        "legend": legend,
        "chart_height": BAR_STEP * len(bars) + 10,
        "bantar_kelurahan": bantar_kelurahan(competition, table),
        "bantar_share": competition.bantar_kelurahan_share,
    }
    return render(request, "public/results.html", context)
