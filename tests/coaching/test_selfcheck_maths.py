"""The self-check's JavaScript equals the portal's maths (scoring.results) on random inputs.

node runs the page's own file, static/js/selfcheck-maths.js, through a small harness; both
sides get the rules the page gets (coaching.selfcheck.selfcheck_rules) for a competition
whose rules Hypothesis draws, and the levels of one juror, some indicators left unanswered.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bantar.numbers import hundredths
from coaching.selfcheck import selfcheck_rules
from competitions.models import Competition, CompetitionStatus
from indicators.models import Indicator
from scoring import results
from scoring.result_selectors import results_rules

pytestmark = pytest.mark.django_db
HARNESS = Path(__file__).with_name("selfcheck_harness.js")
CODES = [f"{pillar}{n}" for pillar, count in (("B", 7), ("A", 7), ("P", 7)) for n in range(1, 8)]


class Node:
    """One node process for the whole test: a question per line, an answer per line."""

    def __init__(self) -> None:
        node = shutil.which("node")
        assert node, "node is needed to run the self-check's JavaScript"
        self.process = subprocess.Popen(
            [node, str(HARNESS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def ask(self, question: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(question) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def node() -> Iterator[Node]:
    harness = Node()
    yield harness
    harness.close()


@pytest.fixture
def competition(open_competition: Competition) -> Competition:
    open_competition.status = CompetitionStatus.ASSESSMENT
    open_competition.save()
    return open_competition


def python_answer(rules: results.Rules, levels: dict[str, int], kk: int, competition) -> dict:
    """What the portal computes for one juror who gave `levels`."""
    entry = results.EntryInput(1, "x", {code: [level] for code, level in levels.items()})
    scored = results.score_entry(entry, rules)
    improvements = []
    for code in rules.indicators:
        level = levels.get(code)
        if level is None or level >= rules.scale_max:
            continue
        raised = results.score_entry(
            results.EntryInput(1, "x", {c: [v] for c, v in {**levels, code: level + 1}.items()}),
            rules,
        )
        gain = raised.final - scored.final
        if gain > 0:
            improvements.append((code, level + 1, results.as_decimal(gain, 6)))
    order = list(rules.indicators)
    improvements.sort(key=lambda item: (-item[2], order.index(item[0])))
    category = next(
        (
            c.code
            for c in competition.size_categories.order_by("-min_kk")
            if not c.is_kencana and c.contains(kk)
        ),
        None,
    )
    return {
        # As every page shows a score (bantar.numbers: 4 places, then 2, half up).
        "pillars": {p: str(hundredths(s)) for p, s in scored.pillar_scores.items()},
        "final": str(hundredths(scored.final)),
        "gated": scored.gated_pillars,
        "passed": scored.passed,
        "category": category,
        "improvements": [[code, to, str(gain)] for code, to, gain in improvements],
    }


weights = st.sampled_from(["1", "2", "0.5", "1.5", "3", "0.25", "0", "40", "35.5"])
marks = st.decimals(min_value=0, max_value=100, places=2)
answers = st.dictionaries(st.sampled_from(CODES), st.integers(1, 5), max_size=21)


@hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    weight=st.tuples(weights, weights, weights).filter(lambda w: any(x != "0" for x in w)),
    pass_mark=marks,
    pillar_minimum=st.none() | marks,
    missing=st.sampled_from([results.MISSING_LOWEST, results.MISSING_SKIP]),
    levels=answers,
    kk=st.integers(1, 400),
)
def test_javascript_equals_the_portal_maths(
    node, competition, settings, weight, pass_mark, pillar_minimum, missing, levels, kk
):
    settings.BANTAR_MISSING_INDICATOR = missing
    competition.pillar_weights = dict(zip("BAP", weight, strict=True))
    competition.pass_mark = pass_mark
    competition.pillar_minimum = pillar_minimum
    competition.save()
    competition.refresh_from_db()
    page_rules = selfcheck_rules()  # what the page hands its script
    assert page_rules["competition"] == competition.title
    answer = node.ask({"rules": page_rules, "levels": levels, "kk": kk})
    assert "error" not in answer, answer
    assert answer == python_answer(results_rules(competition), levels, kk, competition)


def test_a_full_sheet_gives_the_figures_a_juror_would(node, competition):
    """A fixed case worked by hand: every Bersih 5, Aman 4, Pintar 2 -> 100, 75, 25."""
    levels = {code: {"B": 5, "A": 4, "P": 2}[code[0]] for code in CODES}
    competition.pillar_minimum = Decimal(50)
    competition.save()
    answer = node.ask({"rules": selfcheck_rules(), "levels": levels, "kk": 70})
    assert answer["pillars"] == {"B": "100.00", "A": "75.00", "P": "25.00"}
    assert answer["final"] == "66.67"
    assert answer["gated"] == ["P"] and answer["passed"] is False
    assert answer["category"] == "sedang"
    # An Aman or Pintar indicator one level up: 1/7 of 100/4 points in its pillar, a third of
    # that in the final; ties in the guide's order, so A1 first.
    assert answer["improvements"][0] == ["A1", 5, "1.190476"]
    assert {code for code, _to, _gain in answer["improvements"]} == {
        code for code in CODES if not code.startswith("B")
    }


def test_without_a_competition_the_defaults_apply(node):
    Competition.objects.all().delete()
    rules = selfcheck_rules()
    assert rules["competition"] is None
    assert rules["pass_mark"] == django_settings.BANTAR_DEFAULT_PASS_MARK
    assert [c["code"] for c in rules["categories"]] == ["besar", "sedang", "kecil"]
    answer = node.ask({"rules": rules, "levels": {code: 4 for code in CODES}, "kk": 20})
    assert answer["final"] == "75.00" and answer["passed"] is True
    assert answer["category"] is None  # under 30 KK: no band


def test_a_draft_competition_is_not_the_current_rules(competition):
    Competition.objects.create(year=competition.year + 1, title="Draf", pass_mark=90)
    assert selfcheck_rules()["competition"] == competition.title


def test_the_catalogue_is_the_guide(db):
    rules = selfcheck_rules()
    codes = [i["code"] for p in rules["pillars"] for i in p["indicators"]]
    assert codes == list(Indicator.objects.values_list("code", flat=True)) == CODES
    assert all(len(i["levels"]) == 5 for p in rules["pillars"] for i in p["indicators"])


@hypothesis_settings(max_examples=300, deadline=None)
# Scores and gains are 0-100 (a negative Decimal would keep a "-0.00" the page never writes).
@given(value=st.fractions(min_value=0, max_value=100, max_denominator=10**6))
def test_a_score_shows_by_the_portal_s_rounding_rule(node, value):
    """4 places first, then 2, half up (bantar.numbers.hundredths), on any fraction."""
    answer = node.ask({"shown": [value.numerator, value.denominator]})
    assert answer == {"shown": str(hundredths(value))}


def test_the_rounding_rule_on_the_case_that_tells_it_apart(node):
    # Exact 65.62496 is 65.62 rounded once; stored with 4 places (65.6250) it shows 65.63.
    value = Fraction("65.62496")
    assert node.ask({"shown": [value.numerator, value.denominator]}) == {"shown": "65.63"}
