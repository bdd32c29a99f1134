"""Results maths: from the jurors' scores to ranks, winners and prizes.

Pure functions over plain data: no HTTP, no ORM. The rules come from the
competition (`Rules`), the scores from submitted sheets (`EntryInput`).

Order of the rules, as DESIGN.md sets them:
1. indicator score = mean over the jurors who scored it;
2. pillar score = mean of its indicators, rescaled linearly to 0-100
   (the lowest level is 0, the highest 100);
3. final score = weighted mean of the pillar scores;
4. pillar-minimum gate, then the pass mark;
5. rank within the size category by final score, then Bersih, Aman, Pintar;
   entries still tied share the rank (1, 2, 2, 4);
6. cap per category, then the total budget: a tie that a limit would split is
   never split silently: the whole tied group stays out and is reported;
7. each winner receives its category's prize.

Coverage comes in as plain data (`complete` on each input): an entry whose
expected sheets are not all in keeps its provisional scores but is not ranked
and cannot win; an entry nobody scored (`scored` false) is neither. Frozen
results are always complete: finalising needs every sheet.

Arithmetic is exact (fractions), so that equal scores are equal whatever the
order of the jurors; values become Decimal only at the edges, rounded for display.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple, overload

from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from bantar.numbers import hundredths

# Plural by the "count" of the mapping they are formatted with (`WARNING_X % {"count": n}`):
# Indonesian has one form, English two ("1 RT", "2 RTs").
WARNING_CAP_SPLIT = ngettext_lazy(
    "Batas %(cap)s pemenang kategori %(category)s memisahkan %(count)s RT yang nilainya sama "
    "pada peringkat %(rank)s (peserta %(ids)s). Semuanya ditahan; panitia perlu memutuskan.",
    "Batas %(cap)s pemenang kategori %(category)s memisahkan %(count)s RT yang nilainya sama "
    "pada peringkat %(rank)s (peserta %(ids)s). Semuanya ditahan; panitia perlu memutuskan.",
    "count",
)
WARNING_BUDGET_SPLIT = ngettext_lazy(
    "Pagu %(budget)s memisahkan %(count)s RT yang nilainya sama (peserta %(ids)s). "
    "Semuanya ditahan; panitia perlu memutuskan.",
    "Pagu %(budget)s memisahkan %(count)s RT yang nilainya sama (peserta %(ids)s). "
    "Semuanya ditahan; panitia perlu memutuskan.",
    "count",
)
WARNING_BUDGET_SHORT = ngettext_lazy(
    "Pagu hadiah tidak cukup: %(count)s RT yang lulus tidak mendapat hadiah.",
    "Pagu hadiah tidak cukup: %(count)s RT yang lulus tidak mendapat hadiah.",
    "count",
)
WARNING_MISSING = ngettext_lazy(
    "%(count)s RT memiliki indikator tanpa nilai juri.",
    "%(count)s RT memiliki indikator tanpa nilai juri.",
    "count",
)

MISSING_LOWEST = "lowest"  # an indicator nobody scored counts as the lowest level
MISSING_SKIP = "skip"  # ... or is left out of its pillar's mean
HUNDRED = Fraction(100)


@dataclass(frozen=True)
class Rules:
    scale_min: int
    scale_max: int
    pass_mark: Decimal
    weights: Mapping[str, Decimal]  # pillar code -> weight
    indicators: Mapping[str, str]  # indicator code -> pillar code
    prizes: Mapping[str, int]  # category code -> prize in Rupiah
    pillar_order: Sequence[str]  # the instrument's pillars in order, also the tie-break order
    pillar_minimum: Decimal | None = None
    cap_per_category: int | None = None
    budget: int | None = None
    missing: str = MISSING_LOWEST
    # category code -> its own pass mark (the Kencana category's, issue 15); others: pass_mark.
    pass_marks: Mapping[str, Decimal] = field(default_factory=dict)
    # Each juror's levels normalised before the means (scoring.normalise); off: raw levels.
    normalise: bool = False

    def pass_mark_for(self, category: str) -> Decimal:
        return self.pass_marks.get(category, self.pass_mark)


@dataclass(frozen=True)
class EntryInput:
    entry_id: int
    category: str
    # indicator code -> the levels given by the jurors who scored it (normalised: fractions)
    scores: Mapping[str, Sequence[int | Fraction]]
    complete: bool = True  # every expected sheet is in (see result_selectors.sheet_coverage)


@dataclass
class EntryResult:
    entry_id: int
    category: str
    indicator_scores: dict[str, Fraction | None]
    pillar_means: dict[str, Fraction | None]
    pillar_scores: dict[str, Fraction | int]  # int: see Outcome.scale
    final: Fraction | int
    missing: list[str] = field(default_factory=list)
    gated_pillars: list[str] = field(default_factory=list)
    passed: bool = False
    rank: int = 0
    tied_with: list[int] = field(default_factory=list)
    is_winner: bool = False
    held_back: str = ""  # why a passing entry did not win (cap, budget)
    prize: int = 0
    complete: bool = True  # every expected sheet is in: only then ranked and a possible winner
    scored: bool = True  # some juror gave a level
    undecided: bool = False  # in a tie that the cap or the budget splits: the panitia decides

    @property
    def ranked(self) -> bool:
        return self.complete and self.scored

    @property
    def sort_key(self) -> tuple[Fraction | int, ...]:
        return (self.final, *self.pillar_scores.values())

    def decimal(self, value: Fraction | None, places: int = 2) -> Decimal | None:
        return as_decimal(value, places)


class PillarTotal(NamedTuple):
    """One entry's pillar as the database adds it up (see `compute_totals`)."""

    levels: int  # the sum of every counted juror's level on every indicator of the pillar
    jurors: int  # the counted jurors who gave a level on every indicator of the pillar


class EntryTotals(NamedTuple):
    entry_id: int
    category: str
    pillars: Mapping[str, PillarTotal]  # a pillar nobody scored is absent
    complete: bool = True  # as EntryInput.complete


@dataclass
class Outcome:
    results: list[EntryResult]
    warnings: list[str]
    # `compute_totals` works in integers: a pillar score is a multiple of 1/scale,
    # a final score a multiple of 1/final_scale. `compute` works in fractions: 1 and 1.
    scale: int = 1
    final_scale: int = 1

    def pillar_decimal(self, result: EntryResult, pillar: str, places: int = 4) -> Decimal:
        return as_decimal(result.pillar_scores[pillar], places, self.scale)

    def final_decimal(self, result: EntryResult, places: int = 4) -> Decimal:
        return as_decimal(result.final, places, self.final_scale)

    @property
    def total_prize(self) -> int:
        return sum(result.prize for result in self.results)

    def by_entry(self) -> dict[int, EntryResult]:
        return {result.entry_id: result for result in self.results}


@overload
def as_decimal(value: Fraction | int, places: int = 2, scale: int = 1) -> Decimal: ...
@overload
def as_decimal(value: None, places: int = 2, scale: int = 1) -> None: ...
@overload
def as_decimal(value: Fraction | int | None, places: int = 2, scale: int = 1) -> Decimal | None: ...
def as_decimal(value: Fraction | int | None, places: int = 2, scale: int = 1) -> Decimal | None:
    """value / scale, rounded half up once on the exact value (no intermediate Decimal division).

    Integer arithmetic only: `compute_totals` hands in integers with their scale.
    """
    if value is None:
        return None
    numerator, denominator = value.numerator, value.denominator * scale
    whole = (2 * abs(numerator) * 10**places + denominator) // (2 * denominator)
    return Decimal(whole if numerator >= 0 else -whole).scaleb(-places)


def rupiah(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


def _ids(group: Sequence[EntryResult]) -> str:
    return ", ".join(str(result.entry_id) for result in sorted(group, key=lambda r: r.entry_id))


def mean(values: Iterable[Fraction | int]) -> Fraction | None:
    fractions = [Fraction(value) for value in values]
    return sum(fractions, Fraction(0)) / len(fractions) if fractions else None


def rescale(level: Fraction, rules: Rules) -> Fraction:
    """A mean level on the jurors' scale as 0-100."""
    return (level - rules.scale_min) / (rules.scale_max - rules.scale_min) * HUNDRED


def score_entry(entry: EntryInput, rules: Rules) -> EntryResult:
    """Steps 1-4 for one entry: they depend on this entry's scores and the rules only."""
    indicator_scores = {code: mean(entry.scores.get(code, ())) for code in rules.indicators}
    missing = [code for code, value in indicator_scores.items() if value is None]
    pillar_means: dict[str, Fraction | None] = {}
    pillar_scores: dict[str, Fraction | int] = {}
    for pillar in rules.pillar_order:
        scored = [
            indicator_scores[code] for code, owner in rules.indicators.items() if owner == pillar
        ]
        levels: list[Fraction | int]
        if rules.missing == MISSING_LOWEST:
            levels = [rules.scale_min if level is None else level for level in scored]
        else:
            levels = [level for level in scored if level is not None]
        pillar_mean = pillar_means[pillar] = mean(levels)
        pillar_scores[pillar] = (
            rescale(pillar_mean, rules) if pillar_mean is not None else Fraction(0)
        )
    weights = {pillar: Fraction(str(rules.weights[pillar])) for pillar in rules.pillar_order}
    total_weight = sum(weights.values(), Fraction(0))
    final = (
        sum((weights[p] * pillar_scores[p] for p in rules.pillar_order), Fraction(0)) / total_weight
    )
    gated = []
    if rules.pillar_minimum is not None:
        minimum = Fraction(str(rules.pillar_minimum))
        gated = [pillar for pillar in rules.pillar_order if pillar_scores[pillar] < minimum]
    passed = not gated and final >= Fraction(str(rules.pass_mark_for(entry.category)))
    return EntryResult(
        entry_id=entry.entry_id,
        category=entry.category,
        indicator_scores=indicator_scores,
        pillar_means=pillar_means,
        pillar_scores=pillar_scores,
        final=final,
        missing=missing,
        gated_pillars=gated,
        passed=passed,
        complete=entry.complete,
        scored=any(entry.scores.values()),
    )


def tie_groups(ordered: Sequence[EntryResult]) -> Iterator[list[EntryResult]]:
    """Consecutive results with the same final and pillar scores, in the given order."""
    for _key, group in itertools.groupby(ordered, key=attrgetter("sort_key")):
        yield list(group)


def best_first(results: Iterable[EntryResult]) -> list[EntryResult]:
    """Best first; within a tie, by entry id, so the order never depends on the input."""
    return sorted(results, key=lambda result: (result.sort_key, -result.entry_id), reverse=True)


def rank_category(results: list[EntryResult]) -> None:
    """Competition ranking (1, 2, 2, 4) by final score, then the pillars in order."""
    position = 1
    for group in tie_groups(best_first(results)):
        ids = sorted(member.entry_id for member in group)
        for member in group:
            member.rank = position
            member.tied_with = [other for other in ids if other != member.entry_id]
        position += len(group)


def _hold_back(groups: Iterable[list[EntryResult]], reason: str) -> list[EntryResult]:
    held = [result for group in groups for result in group]
    for result in held:
        result.is_winner, result.held_back = False, reason
    return held


def apply_caps(results: list[EntryResult], rules: Rules, warnings: list[str]) -> None:
    """At most `cap_per_category` winners per category, whole tie groups only."""
    for result in results:
        result.is_winner = result.passed and result.ranked
    if rules.cap_per_category is None:
        return
    cap = rules.cap_per_category
    by_category: dict[str, list[EntryResult]] = defaultdict(list)
    for result in results:
        if result.is_winner:
            by_category[result.category].append(result)
    for category, passing in sorted(by_category.items()):
        groups = list(tie_groups(best_first(passing)))
        admitted = 0
        for number, group in enumerate(groups):
            if admitted + len(group) <= cap:
                admitted += len(group)
                continue
            if admitted < cap:
                for member in group:
                    member.undecided = True
                warnings.append(
                    WARNING_CAP_SPLIT
                    % {
                        "cap": cap,
                        "category": category,
                        "count": len(group),
                        "rank": group[0].rank,
                        "ids": _ids(group),
                    }
                )
            _hold_back(groups[number:], "cap")
            break


def apply_budget(results: list[EntryResult], rules: Rules, warnings: list[str]) -> None:
    """Winners are paid in order of final score (then pillars) while the budget lasts."""
    if rules.budget is None:
        return
    groups = list(tie_groups(best_first(r for r in results if r.is_winner)))
    spent = 0
    for number, group in enumerate(groups):
        cost = sum(rules.prizes[result.category] for result in group)
        if spent + cost <= rules.budget:
            spent += cost
            continue
        if len(group) > 1 and spent + min(rules.prizes[r.category] for r in group) <= rules.budget:
            for member in group:
                member.undecided = True
            warnings.append(
                WARNING_BUDGET_SPLIT
                % {"budget": rupiah(rules.budget), "count": len(group), "ids": _ids(group)}
            )
        held = _hold_back(groups[number:], "budget")
        warnings.append(WARNING_BUDGET_SHORT % {"count": len(held)})
        return


def compute(entries: Iterable[EntryInput], rules: Rules) -> Outcome:
    """Every rule, in order, for a whole competition."""
    results = [score_entry(entry, rules) for entry in entries]
    return Outcome(results=results, warnings=decide(results, rules))


def compute_totals(
    totals: Iterable[EntryTotals], rules: Rules, exact: Iterable[EntryInput] = ()
) -> Outcome:
    """`compute` from per-pillar sums, in integers: the same outcome, without a Fraction per level.

    A submitted sheet carries a level for every indicator in the juror's remit, so
    when every counted juror of a pillar scored all K of its indicators, the pillar's
    mean level is exactly (sum of the levels) / (K x jurors). Entries where that
    does not hold (a juror left an indicator empty) come in `exact`, with their
    levels, and go through `score_entry`.

    Every pillar score is then a whole multiple of 1/scale, for one scale: the
    lowest common multiple of every denominator that can occur. The ranking, caps
    and budget only compare and add, so they run unchanged on those integers.
    """
    totals = list(totals)
    exact_results = [score_entry(entry, rules) for entry in exact]
    size = {pillar: 0 for pillar in rules.pillar_order}
    for owner in rules.indicators.values():
        size[owner] += 1
    span = rules.scale_max - rules.scale_min
    jurors = {total.jurors for entry in totals for total in entry.pillars.values()}
    scale = math.lcm(
        span * math.lcm(*size.values()) * math.lcm(1, *jurors),
        *(score.denominator for r in exact_results for score in r.pillar_scores.values()),
    )
    order = list(rules.pillar_order)
    weights = [Fraction(str(rules.weights[pillar])) for pillar in order]
    common = math.lcm(*(weight.denominator for weight in weights))
    weight = [int(w * common) for w in weights]
    final_scale = scale * sum(weight)
    # An integer score is below x exactly when it is below ceil(x).
    pass_mark = math.ceil(Fraction(str(rules.pass_mark)) * final_scale)
    pass_marks = {
        code: math.ceil(Fraction(str(mark)) * final_scale)
        for code, mark in rules.pass_marks.items()
    }
    minimum = (
        None
        if rules.pillar_minimum is None
        else math.ceil(Fraction(str(rules.pillar_minimum)) * scale)
    )
    codes = {
        pillar: [c for c, owner in rules.indicators.items() if owner == pillar] for pillar in order
    }
    # (pillar, jurors) -> (the lowest possible sum, the multiplier to the scale)
    steps = {
        (pillar, n): (rules.scale_min * size[pillar] * n, 100 * scale // (size[pillar] * n * span))
        for pillar in order
        for n in jurors
    }

    def judged(result: EntryResult) -> EntryResult:
        scores = result.pillar_scores
        result.final = 0
        for w, pillar in zip(weight, order, strict=True):
            result.final += w * scores[pillar]
        if minimum is not None:
            result.gated_pillars = [pillar for pillar in order if scores[pillar] < minimum]
        result.passed = not result.gated_pillars and result.final >= pass_marks.get(
            result.category, pass_mark
        )
        return result

    results = []
    for result in exact_results:
        result.pillar_scores = {p: int(s * scale) for p, s in result.pillar_scores.items()}
        results.append(judged(result))
    for entry_id, category, pillars, complete in totals:
        scores: dict[str, Fraction | int] = {}
        missing: list[str] = []
        for pillar in order:
            total = pillars.get(pillar)
            if total is None:  # "lowest": every indicator at the lowest level; "skip": no mean
                scores[pillar] = 0
                missing += codes[pillar]
                continue
            lowest, step = steps[pillar, total.jurors]
            scores[pillar] = (total.levels - lowest) * step
        result = EntryResult(entry_id, category, {}, {}, scores, 0, missing)
        result.complete, result.scored = complete, bool(pillars)
        results.append(judged(result))
    return Outcome(results, decide(results, rules), scale, final_scale)


def decide(results: list[EntryResult], rules: Rules) -> list[str]:
    """Steps 5-7 on scored entries: rank, cap, budget, prize. Returns the warnings."""
    warnings: list[str] = []
    by_category: dict[str, list[EntryResult]] = defaultdict(list)
    for result in results:
        if result.ranked:  # an incomplete or unscored entry has no rank yet
            by_category[result.category].append(result)
        else:
            result.rank, result.tied_with = 0, []
    for group in by_category.values():
        rank_category(group)
    apply_caps(results, rules, warnings)
    apply_budget(results, rules, warnings)
    for result in results:
        result.prize = rules.prizes[result.category] if result.is_winner else 0
    missing = sum(1 for result in results if result.missing)
    if missing:
        warnings.append(WARNING_MISSING % {"count": missing})
    return warnings


def inputs_hash(entries: Iterable[EntryInput], rules: Rules) -> str:
    """A fingerprint of everything the results depend on, to freeze and compare them."""
    payload = {
        "rules": _hashed_rules(rules),
        "entries": sorted(
            [
                e.entry_id,
                e.category,
                {k: [_level(x) for x in sorted(v)] for k, v in sorted(e.scores.items())},
            ]
            for e in entries
        ),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def hash_text(entries: str, rules: Rules) -> str:
    """The text `inputs_hash` hashes, around `entries` already written as its JSON list.

    `json.dumps(payload, sort_keys=True)` writes "entries" before "rules", each value as
    `json.dumps(value, sort_keys=True)` writes it alone (finalisation's fast path,
    `scoring.result_freeze`, writes the entries from remembered fragments).
    """
    return (
        '{"entries": '
        + entries
        + ', "rules": '
        + json.dumps(_hashed_rules(rules), sort_keys=True)
        + "}"
    )


def _hashed_rules(rules: Rules) -> dict[str, object]:
    return {
        "scale": [rules.scale_min, rules.scale_max],
        "pass_mark": _canonical(rules.pass_mark),
        "weights": {k: _canonical(v) for k, v in sorted(rules.weights.items())},
        "minimum": None if rules.pillar_minimum is None else _canonical(rules.pillar_minimum),
        "cap": rules.cap_per_category,
        "budget": rules.budget,
        "prizes": dict(sorted(rules.prizes.items())),
        "missing": rules.missing,
        "indicators": dict(sorted(rules.indicators.items())),
        "pillar_order": list(rules.pillar_order),
        # Only when set, so that results frozen before per-category pass marks keep their hash.
        **(
            {"pass_marks": {k: _canonical(v) for k, v in sorted(rules.pass_marks.items())}}
            if rules.pass_marks
            else {}
        ),
        # Likewise only when on: results frozen without normalisation keep their hash.
        **({"normalise": True} if rules.normalise else {}),
    }


def _level(value: int | Fraction) -> int | str:
    """A level for the hash: whole levels as they always were, normalised ones as fractions."""
    return value if isinstance(value, int) else str(value)


def _canonical(number: Decimal | int | str) -> str:
    """70, 70.0 and 70.00 are one rule: the same text for the hash."""
    return str(Fraction(str(number)))


def explain(
    result: EntryResult,
    rules: Rules,
    juror_scores: Mapping[str, Sequence[tuple[str, int]]],
    normalised: Mapping[str, Sequence[Fraction]] | None = None,
) -> dict[str, object]:
    """Every step from the jurors' levels to the prize, as plain JSON for the explain page.

    `normalised` (when the competition normalises): indicator -> each juror's normalised
    level, in the order of `juror_scores`, shown beside the raw levels.
    """
    pillars = []
    for pillar in rules.pillar_order:
        codes = [code for code, owner in rules.indicators.items() if owner == pillar]
        pillars.append(
            {
                "code": pillar,
                "weight": str(rules.weights[pillar]),
                "mean": _text(result.pillar_means[pillar], 4),
                "score": _text(result.pillar_scores[pillar], 2),
                "gated": pillar in result.gated_pillars,
                "indicators": [
                    {
                        "code": code,
                        "levels": [[juror, level] for juror, level in juror_scores.get(code, ())],
                        **(
                            {"normalised": [_comma(v) for v in normalised.get(code, ())]}
                            if normalised is not None
                            else {}
                        ),
                        "mean": _text(result.indicator_scores[code], 4),
                        "missing": code in result.missing,
                    }
                    for code in codes
                ],
            }
        )
    return {
        "scale": [rules.scale_min, rules.scale_max],
        "pillars": pillars,
        "final": _text(result.final, 2),
        "final_exact": _text(result.final, 6),
        "pass_mark": str(rules.pass_mark_for(result.category)),
        "pillar_minimum": None if rules.pillar_minimum is None else str(rules.pillar_minimum),
        "passed": result.passed,
        "rank": result.rank,
        "tied_with": result.tied_with,
        "held_back": result.held_back,
        "is_winner": result.is_winner,
        "prize": result.prize,
        "missing": rules.missing,
        "missing_indicators": list(result.missing),
        "complete": result.complete,
        "scored": result.scored,
        "undecided": result.undecided,
        **({"normalised": True} if normalised is not None else {}),
    }


def method(rules: Rules, names: Mapping[str, str], categories: Mapping[str, str]) -> str:
    """Every rule in force, in the order they apply: the method text of every list and page.

    `names`: pillar code -> name; `categories`: category code -> name (prizes, own pass marks).
    """
    low, high = rules.scale_min, rules.scale_max
    sizes = {pillar: 0 for pillar in rules.pillar_order}
    for owner in rules.indicators.values():
        sizes[owner] = sizes.get(owner, 0) + 1
    counts = sorted(set(sizes.values()))
    per_pillar = (
        str(counts[0]) if len(counts) == 1 else "/".join(str(sizes[p]) for p in rules.pillar_order)
    )
    order = [names.get(p, p) for p in rules.pillar_order]
    weights = ", ".join(
        f"{names.get(p, p)} {_number(rules.weights[p])}" for p in rules.pillar_order
    )
    parts = [
        _("nilai indikator = rata-rata nilai juri yang menilai (skala %(min)s-%(max)s)")
        % {"min": low, "max": high},
        _("indikator yang tidak dinilai juri mana pun dihitung sebagai nilai terendah (%(min)s)")
        % {"min": low}
        if rules.missing == MISSING_LOWEST
        else _("indikator yang tidak dinilai juri mana pun tidak ikut dalam rata-rata pilarnya"),
        _(
            "nilai pilar = rata-rata %(count)s indikator, diubah ke 0-100 "
            "((rata-rata - %(min)s) / %(span)s x 100)"
        )
        % {"count": per_pillar, "min": low, "span": high - low},
        _("nilai akhir = rata-rata berbobot nilai pilar (bobot %(weights)s)")
        % {"weights": weights},
        _(
            "nilai dihitung tepat dan dibulatkan setengah ke atas menjadi 2 desimal saat ditampilkan"
        ),
    ]
    if rules.normalise:
        parts.insert(
            0,
            _(
                "sebelum dirata-rata, nilai setiap juri dinormalisasi: dibakukan (skor z atas "
                "semua nilai juri itu) lalu dikembalikan ke rata-rata dan simpangan baku semua "
                "nilai kompetisi, dibatasi %(min)s-%(max)s; juri yang nilainya sama semua "
                "mendapat rata-rata kompetisi"
            )
            % {"min": low, "max": high},
        )
    passing = _("lulus bila nilai akhir >= %(mark)s") % {"mark": _number(rules.pass_mark, 2)}
    if rules.pillar_minimum is not None:
        passing += _(" dan setiap pilar >= %(min)s") % {"min": _number(rules.pillar_minimum, 2)}
    for code, mark in sorted(rules.pass_marks.items()):
        passing += _(" (kategori %(name)s: >= %(mark)s)") % {
            "name": categories.get(code, code),
            "mark": _number(mark, 2),
        }
    parts.append(passing)
    parts.append(
        _(
            "peringkat per kategori menurut nilai akhir, lalu %(order)s; yang masih sama "
            "berbagi peringkat (1, 2, 2, 4)"
        )
        % {"order": ", ".join(order)}
    )
    parts.append(
        _("paling banyak %(cap)s pemenang per kategori") % {"cap": rules.cap_per_category}
        if rules.cap_per_category is not None
        else _("tanpa batas jumlah pemenang per kategori")
    )
    parts.append(
        _("pagu hadiah %(budget)s, dibayar mulai dari nilai tertinggi")
        % {"budget": rupiah(rules.budget)}
        if rules.budget is not None
        else _("tanpa pagu hadiah")
    )
    if rules.cap_per_category is not None or rules.budget is not None:
        parts.append(
            _(
                "RT bernilai sama yang akan terpisah oleh batas atau pagu semuanya ditahan "
                "sampai panitia memutuskan"
            )
        )
    prizes = ", ".join(
        f"{categories.get(code, code)} {rupiah(prize)}" for code, prize in rules.prizes.items()
    )
    parts.append(_("hadiah per pemenang: %(prizes)s") % {"prizes": prizes})
    parts.append(
        _(
            "sebelum final, RT yang lembar nilainya belum lengkap belum diberi peringkat "
            "dan belum dapat menjadi pemenang"
        )
    )
    return _("Cara hitung: %(rules)s.") % {"rules": "; ".join(parts)}


def _number(value: Decimal | int | str, places: int | None = None) -> str:
    """A rule's number with a decimal comma: 70 -> '70,00' (places=2), weight 1.5 -> '1,5'."""
    number = Decimal(str(value))
    if places is not None:
        return str(hundredths(number)).replace(".", ",")
    text = format(number.normalize(), "f")
    return text.replace(".", ",")


def display(value: Fraction | Decimal | int) -> Decimal:
    """A score as every page and file shows it: half up to 2 places (`bantar.numbers`)."""
    return hundredths(value)


def _comma(value: Fraction) -> str:
    """A normalised level for the explain page: 2 places, decimal comma."""
    return str(display(value)).replace(".", ",")


@lru_cache(maxsize=4096)  # finalising formats ~50,000 means; a few hundred differ (issue 12.10)
def _text(value: Fraction | int | None, places: int) -> str | None:
    if value is None:
        return None
    return str(display(value) if places == 2 else as_decimal(value, places))
