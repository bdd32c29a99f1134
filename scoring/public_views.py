"""Public pages (no login): published winners and the chart per kecamatan.

The RT's own page is coaching.views.rt_page (it shows the re-visits too).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from bantar.filters import page_of
from scoring.public import (
    BAR_STEP,
    WinnerFilter,
    category_order,
    counted_winners,
    public_bantar_kelurahan,
    published_competitions,
    published_result_set,
    winner_figures,
    winner_rows,
    winners_chart,
)


@require_safe
@cache_control(public=True, max_age=300)
def results_index(request: HttpRequest) -> HttpResponse:
    return render(request, "public/index.html", {"competitions": published_competitions()})


@require_safe
@cache_control(public=True, max_age=300)
def results_page(request: HttpRequest, competition_pk: int) -> HttpResponse:
    """One page of the published winners (category then rank, filters in the URL): a fixed
    number of queries over the frozen set, whatever the size of the city (issue 19)."""
    competition = get_object_or_404(published_competitions(), pk=competition_pk)
    result_set = published_result_set(competition)
    if result_set is None:
        raise Http404
    categories = category_order(competition)
    figures = winner_figures(competition, result_set, categories)
    summary = figures.summary
    filters = WinnerFilter(
        request.GET or None,
        queryset=winner_rows(result_set, [code for code, _name in categories]),
        user=request.user,  # type: ignore[arg-type]  # anonymous: the filter offers the city
        competition=competition,
    )
    bars, legend = winners_chart(figures.chart, categories)
    context = {
        "competition": competition,
        "result_set": result_set,
        "categories": dict(categories),
        "summary": summary,
        "winner_count": sum(item.winners for item in summary),
        "total_prize": sum(item.prize for item in summary),
        "filter": filters,
        "form": filters.form,
        "page": page_of(request, counted_winners(filters, summary)),
        "bars": bars,
        "legend": legend,
        "chart_height": BAR_STEP * len(bars) + 10,
        "bantar_kelurahan": public_bantar_kelurahan(competition, result_set),
        "bantar_share": competition.bantar_kelurahan_share,
    }
    return render(request, "public/results.html", context)
