"""Reads for the public pages: published results only, nothing personal.

Heads of RT, phone numbers and jurors' names stay off these pages; an RT sees
its pillar and indicator scores so it knows what to improve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from competitions.models import RT, Competition, CompetitionStatus, Kecamatan
from indicators.models import Indicator, Pillar
from scoring.models import Result
from scoring.result_selectors import ResultTable, result_table

BAR_STEP = 28  # px between bars
# Kencana (issue 15) in gold: the category of RTs that won three years in a row.
CATEGORY_COLOURS = {
    "besar": "#146c43",
    "sedang": "#0d6efd",
    "kecil": "#fd7e14",
    "kencana": "#b8860b",
}


def published_competitions() -> QuerySet[Competition]:
    """The published contests, newest first: the public results, the documents' home links.

    A coaching re-visit round is carried by a competition of its own (coaching.RevisitRound,
    its one-to-one `competition`, reverse name "revisit"); it ranks nobody and awards nothing,
    so it is no contest here. The link itself says so (no `kind` field that could disagree
    with it); the juror still finds the round on the competition list and the scoring pages."""
    return Competition.objects.filter(
        status=CompetitionStatus.PUBLISHED, revisit__isnull=True
    ).order_by("-year", "-period")


def published_table(competition: Competition) -> ResultTable | None:
    return result_table(competition) if competition.status == CompetitionStatus.PUBLISHED else None


@dataclass(frozen=True)
class Segment:
    category: str
    count: int
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class Bar:
    kecamatan: str
    y: int
    segments: list[Segment]
    total: int

    @property
    def end(self) -> float:
        return sum(segment.width for segment in self.segments)


def winners_chart(
    competition: Competition, table: ResultTable, *, width: float = 420
) -> tuple[list[Bar], list[tuple[str, str, str]]]:
    """Stacked bars of winners per kecamatan by category, as SVG geometry."""
    categories = list(competition.size_categories.order_by("-min_kk").values_list("code", "name"))
    counts: dict[tuple[int, str], int] = {}
    for row in table.rows:
        if row.is_winner:
            key = (row.entry.rt.kelurahan.kecamatan_id, row.category)
            counts[key] = counts.get(key, 0) + 1
    kecamatan = list(Kecamatan.objects.order_by("code"))
    totals = {k.pk: sum(counts.get((k.pk, code), 0) for code, _n in categories) for k in kecamatan}
    most = max(totals.values(), default=0) or 1
    bars = []
    for index, item in enumerate(kecamatan):
        x, segments = 0.0, []
        for code, name in categories:
            n = counts.get((item.pk, code), 0)
            segments.append(
                Segment(
                    name,
                    n,
                    round(x, 1),
                    round(width * n / most, 1),
                    CATEGORY_COLOURS.get(code, "#6c757d"),
                )
            )
            x += width * n / most
        bars.append(Bar(item.name, index * BAR_STEP, segments, totals[item.pk]))
    legend = [(name, CATEGORY_COLOURS.get(code, "#6c757d"), code) for code, name in categories]
    return bars, legend


@dataclass(frozen=True)
class RTYear:
    competition: Competition
    result: Result
    weakest: list[dict[str, Any]]
    # (code, name, score) of the competition's instrument's pillars, in its order (issue 14).
    pillars: list[tuple[str, str, Decimal]] = field(default_factory=list)


def rt_history(rt: RT) -> list[RTYear]:
    """Every published result of the RT, newest first, with its weakest indicators."""
    # Codes are unique per instrument only: texts and pillars by (instrument, code).
    texts: dict[tuple[int | None, str], str] = {
        (owner, code): text
        for owner, code, text in Indicator.objects.values_list("instrument_id", "code", "text")
    }
    pillars: dict[int | None, list[tuple[str, str]]] = {}
    for owner, code, name in Pillar.objects.order_by("instrument_id", "order").values_list(
        "instrument_id", "code", "name"
    ):
        pillars.setdefault(owner, []).append((code, name))
    results = (
        Result.objects.filter(
            entry__rt=rt,
            result_set__superseded_at__isnull=True,
            result_set__published_at__isnull=False,
            result_set__competition__status=CompetitionStatus.PUBLISHED,
        )
        .select_related("result_set__competition", "entry__category")
        .order_by("-result_set__competition__year", "-result_set__competition__period")
    )
    history = []
    for result in results:
        instrument = result.result_set.competition.instrument_id
        indicators = [
            {
                **indicator,
                "pillar": pillar["code"],
                "text": texts.get((instrument, indicator["code"]), ""),
                "value": Decimal(indicator["mean"]),
            }
            for pillar in result.explanation.get("pillars", [])
            for indicator in pillar["indicators"]
            if indicator.get("mean")
        ]
        weakest = sorted(indicators, key=lambda item: (item["value"], item["code"]))[:3]
        scores = [
            (code, name, result.pillar_score(code)) for code, name in pillars.get(instrument, [])
        ]
        history.append(RTYear(result.result_set.competition, result, weakest, scores))
    return history
