"""The public RT page over time (issue 16.4): its pillar scores across editions as a small chart
drawn on the server (inline SVG, no script, no CDN), its re-visit outcomes, and the three
indicators to work on, linked to the self-check with them preselected.

The chart's geometry is computed here, so the template only writes coordinates; SVG
presentation attributes (not style attributes) keep it within the content security policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from bantar.numbers import comma
from coaching.selfcheck import selfcheck_rules
from scoring.public import RTYear

# The viewBox; the SVG scales to the page's width and keeps this shape.
# Narrow, so that its labels stay readable on a phone (the SVG is scaled to the card's width).
WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 30, 10, 10, 26
# Colour and line dash by the pillar's place in its instrument (issue 14: any number of
# pillars); each series is shifted a little so that equal scores of two pillars (often 100)
# stay visible side by side instead of one line hiding the other.
STYLES = [
    ("#146c43", ""),
    ("#0a58ca", "6 3"),
    ("#b35c00", "2 3"),
    ("#6f42c1", "8 2 2 2"),
    ("#a51d2d", "1 2"),
    ("#495057", "4 4"),
]
SHIFT = 5


def pillar_styles(count: int) -> list[tuple[str, str, float]]:
    """(colour, dash, x offset) of each of `count` pillars, in order, centred on the column."""
    return [
        (*STYLES[index % len(STYLES)], (index - (count - 1) / 2) * SHIFT) for index in range(count)
    ]


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: Decimal
    label: str  # the edition, for the point's tooltip

    @property
    def text(self) -> str:
        return comma(self.value)


@dataclass(frozen=True)
class Series:
    code: str
    name: str
    colour: str
    dash: str
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Column:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    series: list[Series]
    ticks: list[Tick]
    columns: list[Column]
    left: int
    right: int  # x of the plot's right edge

    @property
    def rows(self) -> list[tuple[str, list[str]]]:
        """The same figures as a table, an edition a row (for readers without the picture)."""
        return [
            (column.label, [series.points[index].text for series in self.series])
            for index, column in enumerate(self.columns)
        ]


def _y(value: Decimal) -> float:
    return TOP + float(100 - value) / 100 * (HEIGHT - TOP - BOTTOM)


def _label(year: RTYear) -> str:
    competition = year.competition
    return (
        str(competition.year)
        if competition.period == 1
        else f"{competition.year}/{competition.period}"
    )


def pillar_chart(history: list[RTYear]) -> Chart | None:
    """Every pillar's score of every published edition, oldest left; None without any.

    The pillars are those of the editions' instruments, in order (the newest edition's
    first); an edition whose instrument lacks a pillar has no point on its line."""
    if not history:
        return None
    years = list(reversed(history))  # rt_history is newest first
    span = WIDTH - LEFT - RIGHT
    step = span / len(years)
    xs = [LEFT + step * (index + 0.5) for index in range(len(years))]
    names: dict[str, str] = {}
    for year in history:
        for code, name, _score in year.pillars:
            names.setdefault(code, name)
    series = [
        Series(
            code,
            gettext(name),
            colour,
            dash,
            [
                Point(x + offset, _y(score), score, _label(year))
                for x, year in zip(xs, years, strict=True)
                for pillar, _name, score in year.pillars
                if pillar == code
            ],
        )
        for (code, name), (colour, dash, offset) in zip(
            names.items(), pillar_styles(len(names)), strict=True
        )
    ]
    ticks = [Tick(_y(Decimal(value)), str(value)) for value in (0, 25, 50, 75, 100)]
    columns = [Column(x, _label(year)) for x, year in zip(xs, years, strict=True)]
    return Chart(WIDTH, HEIGHT, series, ticks, columns, LEFT, WIDTH - RIGHT)


@dataclass(frozen=True)
class Focus:
    code: str
    text: str
    value: Decimal  # the jurors' mean level at the last published result


def focus_indicators(history: list[RTYear]) -> list[Focus]:
    """The three weakest indicators of the RT's newest published result."""
    if not history:
        return []
    return [Focus(item["code"], item["text"], item["value"]) for item in history[0].weakest[:3]]


def selfcheck_link(focus: list[Focus]) -> str:
    """The self-check with the focus indicators preselected at their level today (the mean,
    half up), the others unanswered: the self-check's own fragment, #l=<a digit per indicator>
    in the self-check's order (0: not answered), within its scale."""
    rules = selfcheck_rules()
    low, high = rules["scale"]
    levels = {
        item.code: max(low, min(high, int(item.value.quantize(Decimal(1), ROUND_HALF_UP))))
        for item in focus
    }
    # The self-check's own order (its rules), so the link follows whatever it reads.
    codes = [i["code"] for pillar in rules["pillars"] for i in pillar["indicators"]]
    digits = "".join(str(levels.get(code, 0)) for code in codes)
    return f"{reverse('selfcheck')}#l={digits}"


def rt_page_context(history: list[RTYear]) -> dict[str, Any]:
    focus = focus_indicators(history)
    return {
        "chart": pillar_chart(history),
        "focus": focus,
        "selfcheck_link": selfcheck_link(focus) if focus else reverse("selfcheck"),
    }
