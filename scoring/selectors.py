"""Reads for scoring pages; each returns what one page needs in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from bantar.models import User
from competitions.models import (
    Competition,
    CompetitionStatus,
    Entry,
    EntryStatus,
    Kelurahan,
    RTNames,
    SizeCategory,
)
from indicators.models import Indicator, Pillar
from scoring import results
from scoring.models import (
    Assignment,
    Evidence,
    JuryMember,
    JuryTeam,
    Recusal,
    Result,
    ResultSet,
    Score,
    ScoreSheet,
    SheetStatus,
)


@dataclass
class JurorTask:
    entry: Entry
    team: JuryTeam
    total: int
    scored: int
    photos: int
    sheet_status: str
    excluded: str = ""  # why the juror does not score this entry

    @property
    def done(self) -> bool:
        return self.sheet_status == SheetStatus.SUBMITTED


def juror_tasks(user: User) -> list[JurorTask]:
    """The entries assigned to the juror's teams, with the juror's own progress."""
    memberships = {
        member.team_id: member
        for member in JuryMember.objects.filter(user=user)
        .select_related("team__competition", "home_kelurahan")
        .prefetch_related("pillars")
    }
    indicator_count = Indicator.objects.count()
    pillar_sizes = dict(Pillar.objects.annotate(n=Count("indicators")).values_list("pk", "n"))
    scored = (
        Score.objects.filter(sheet__entry=OuterRef("pk"), sheet__juror=user, value__isnull=False)
        .order_by()
        .values("sheet__entry")
        .annotate(n=Count("pk"))
        .values("n")
    )
    photos = (
        Evidence.objects.filter(entry=OuterRef("pk"), juror=user)
        .order_by()
        .values("entry")
        .annotate(n=Count("pk"))
        .values("n")
    )
    status = ScoreSheet.objects.filter(entry=OuterRef("pk"), juror=user).values("status")[:1]
    recusal = Recusal.objects.filter(entry=OuterRef("pk"), juror=user).values("reason")[:1]
    entries = (
        Entry.objects.for_user(user)
        .filter(assignment__team__in=list(memberships))
        .select_related("rt__kelurahan__kecamatan", "category", "assignment__team", "competition")
        .annotate(
            n_scored=Coalesce(Subquery(scored, output_field=IntegerField()), 0),
            n_photos=Coalesce(Subquery(photos, output_field=IntegerField()), 0),
            sheet_status=Subquery(status),
            recusal_reason=Subquery(recusal),
        )
        .order_by("rt__kelurahan__code", "rt__number")
    )
    tasks = []
    for entry in entries:
        member = memberships[entry.assignment.team_id]
        pillars = [pillar.pk for pillar in member.pillars.all()]
        total = sum(pillar_sizes[pk] for pk in pillars) if pillars else indicator_count
        excluded = ""
        if member.home_kelurahan_id == entry.rt.kelurahan_id:
            excluded = f"Kelurahan tempat tinggal Anda ({member.home_kelurahan.name})"
        elif entry.recusal_reason:
            excluded = entry.recusal_reason
        tasks.append(
            JurorTask(
                entry=entry,
                team=entry.assignment.team,
                total=total,
                scored=entry.n_scored,
                photos=entry.n_photos,
                sheet_status=entry.sheet_status or SheetStatus.DRAFT,
                excluded=excluded,
            )
        )
    return tasks


@dataclass
class IndicatorCard:
    indicator: Indicator
    value: int | None = None
    note: str = ""
    photos: list[Evidence] = field(default_factory=list)


def scoring_cards(
    *, sheet: ScoreSheet, indicators: list[Indicator]
) -> list[tuple[Pillar, list[IndicatorCard]]]:
    """The juror's own scores and photos, one card per indicator, grouped by pillar."""
    with_levels = {
        indicator.pk: indicator
        for indicator in Indicator.objects.with_levels().filter(pk__in=[i.pk for i in indicators])
    }
    scores = {score.indicator_id: score for score in sheet.scores.all()}
    photos: dict[int | None, list[Evidence]] = defaultdict(list)
    for evidence in Evidence.objects.filter(entry_id=sheet.entry_id, juror_id=sheet.juror_id):
        photos[evidence.indicator_id].append(evidence)
    grouped: dict[int, tuple[Pillar, list[IndicatorCard]]] = {}
    for indicator in sorted(with_levels.values(), key=lambda i: (i.pillar.order, i.number)):
        score = scores.get(indicator.pk)
        card = IndicatorCard(
            indicator=indicator,
            value=score.value if score else None,
            note=score.note if score else "",
            photos=photos.get(indicator.pk, []),
        )
        grouped.setdefault(indicator.pillar_id, (indicator.pillar, []))[1].append(card)
    return list(grouped.values())


@dataclass
class AssignmentRow:
    entry: Entry
    team: JuryTeam | None
    conflicts: list[JuryMember]


def assignment_rows(competition: Competition) -> list[AssignmentRow]:
    """Verified entries with their team and the jurors who would have a conflict."""
    members = list(
        JuryMember.objects.filter(team__competition=competition).select_related(
            "user", "home_kelurahan"
        )
    )
    by_team: dict[int, list[JuryMember]] = defaultdict(list)
    for member in members:
        by_team[member.team_id].append(member)
    entries = (
        Entry.objects.filter(competition=competition, status=EntryStatus.VERIFIED)
        .select_related("rt__kelurahan__kecamatan", "category", "assignment__team")
        .order_by("rt__kelurahan__kecamatan__code", "rt__kelurahan__code", "rt__number")
    )
    rows = []
    for entry in entries:
        assignment = getattr(entry, "assignment", None)
        team = assignment.team if assignment else None
        members_of_team = by_team.get(team.pk, []) if team else []
        conflicts = [m for m in members_of_team if m.home_kelurahan_id == entry.rt.kelurahan_id]
        rows.append(AssignmentRow(entry=entry, team=team, conflicts=conflicts))
    return rows


def teams_with_members(competition: Competition) -> list[JuryTeam]:
    return list(
        JuryTeam.objects.filter(competition=competition)
        .select_related("leader")
        .annotate(load=Count("assignments", distinct=True))
        .prefetch_related(
            Prefetch(
                "members",
                queryset=JuryMember.objects.select_related(
                    "user", "home_kelurahan"
                ).prefetch_related("pillars"),
            )
        )
    )


@dataclass
class JurorSheetRow:
    member: JuryMember
    sheet: ScoreSheet | None
    scored: int
    excluded: str


def entry_sheets(entry: Entry) -> list[JurorSheetRow]:
    """For the panitia: every juror of the entry's team, its sheet, or why it has none."""
    assignment = Assignment.objects.filter(entry=entry).select_related("team").first()
    if assignment is None:
        return []
    recusals = dict(Recusal.objects.filter(entry=entry).values_list("juror_id", "reason"))
    sheets = {
        sheet.juror_id: sheet
        for sheet in ScoreSheet.objects.filter(entry=entry).annotate(
            n=Count("scores", filter=Q(scores__value__isnull=False))
        )
    }
    rows = []
    for member in assignment.team.members.select_related("user", "home_kelurahan"):
        excluded = ""
        if member.home_kelurahan_id == entry.rt.kelurahan_id:
            excluded = f"Konflik kepentingan: tinggal di {member.home_kelurahan.name}"
        elif member.user_id in recusals:
            excluded = recusals[member.user_id]
        sheet = sheets.get(member.user_id)
        rows.append(JurorSheetRow(member, sheet, sheet.n if sheet else 0, excluded))
    return rows


@dataclass(frozen=True)
class ScoreChange:
    when: Any
    who: str
    juror: str
    indicator: str
    old: int | None
    new: int | None
    note: str
    reason: str


def score_history(entry: Entry) -> list[ScoreChange]:
    """Every change of every score on the entry's sheets, oldest first, with the old value."""
    records = (
        Score.history.filter(sheet__entry=entry)
        .select_related("history_user", "indicator", "sheet__juror")
        .order_by("history_date", "history_id")
    )
    last: dict[int, int | None] = {}
    changes = []
    for record in records:
        who = record.history_user
        changes.append(
            ScoreChange(
                when=record.history_date,
                who=(who.get_full_name() or who.username) if who else "sistem",
                juror=record.sheet.juror.get_full_name() or record.sheet.juror.username,
                indicator=record.indicator.code,
                old=last.get(record.id),
                new=record.value if record.history_type != "-" else None,
                note=record.note,
                reason=record.history_change_reason or "",
            )
        )
        last[record.id] = record.value
    return changes


# --- Results -----------------------------------------------------------------------


def results_rules(competition: Competition) -> results.Rules:
    return results.Rules(
        scale_min=competition.scale_min,
        scale_max=competition.scale_max,
        pass_mark=competition.pass_mark,
        weights={code: Decimal(str(weight)) for code, weight in competition.pillar_weights.items()},
        indicators=dict(Indicator.objects.values_list("code", "pillar__code")),
        prizes=dict(competition.size_categories.values_list("code", "prize")),
        pillar_order=list(Pillar.objects.values_list("code", flat=True)),
        pillar_minimum=competition.pillar_minimum,
        cap_per_category=competition.cap_per_category,
        budget=competition.budget,
        missing=settings.BANTAR_MISSING_INDICATOR,
    )


@dataclass
class Panel:
    """Who is expected to score each verified entry, and who does not and why."""

    expected: dict[int, set[int]]  # entry id -> juror ids
    unassigned: list[int]


def jury_panel(competition: Competition) -> Panel:
    """Team members of each entry's assigned team, less conflicts and recusals (3 queries)."""
    teams: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    for team_id, user_id, home in JuryMember.objects.filter(
        team__competition=competition
    ).values_list("team_id", "user_id", "home_kelurahan_id"):
        teams[team_id].append((user_id, home))
    recused: dict[int, set[int]] = defaultdict(set)
    for entry_id, juror_id in Recusal.objects.filter(entry__competition=competition).values_list(
        "entry_id", "juror_id"
    ):
        recused[entry_id].add(juror_id)
    expected: dict[int, set[int]] = {}
    unassigned = []
    for entry_id, kelurahan_id, team_id in Entry.objects.filter(
        competition=competition, status=EntryStatus.VERIFIED
    ).values_list("pk", "rt__kelurahan_id", "assignment__team_id"):
        if team_id is None:
            unassigned.append(entry_id)
            continue
        expected[entry_id] = {
            user
            for user, home in teams[team_id]
            if home != kelurahan_id and user not in recused[entry_id]
        }
    return Panel(expected=expected, unassigned=unassigned)


def counted_levels(competition: Competition, panel: Panel) -> list[tuple[int, int, str, int]]:
    """(entry, juror, indicator, level) from submitted sheets of the expected jurors only."""
    rows = Score.objects.filter(
        sheet__entry__competition=competition,
        sheet__status=SheetStatus.SUBMITTED,
        value__isnull=False,
    ).values_list("sheet__entry_id", "sheet__juror_id", "indicator__code", "value")
    return [row for row in rows if row[1] in panel.expected.get(row[0], ())]


def results_inputs(
    competition: Competition,
) -> tuple[results.Rules, list[results.EntryInput], Panel, list]:
    panel = jury_panel(competition)
    levels = counted_levels(competition, panel)
    by_entry: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for entry_id, _juror, code, value in levels:
        by_entry[entry_id][code].append(value)
    categories = dict(
        Entry.objects.filter(competition=competition, status=EntryStatus.VERIFIED).values_list(
            "pk", "category__code"
        )
    )
    entries = [
        results.EntryInput(
            entry_id=pk, category=code, scores={k: list(v) for k, v in by_entry[pk].items()}
        )
        for pk, code in categories.items()
    ]
    return results_rules(competition), entries, panel, levels


def missing_sheets(competition: Competition) -> list[str]:
    """What keeps the competition from being finalised, named for the panitia."""
    panel = jury_panel(competition)
    submitted = set(
        ScoreSheet.objects.filter(
            entry__competition=competition, status=SheetStatus.SUBMITTED
        ).values_list("entry_id", "juror_id")
    )
    labels = {
        entry.pk: str(entry.rt)
        for entry in Entry.objects.filter(
            competition=competition, status=EntryStatus.VERIFIED
        ).select_related("rt__kelurahan")
    }
    names = {
        user.pk: user.get_full_name() or user.username
        for user in User.objects.filter(
            pk__in={j for jurors in panel.expected.values() for j in jurors}
        )
    }
    problems = [
        f"{labels[entry_id]}: belum ditugaskan ke tim juri" for entry_id in panel.unassigned
    ]
    for entry_id, jurors in sorted(panel.expected.items(), key=lambda item: labels[item[0]]):
        if not jurors:
            problems.append(f"{labels[entry_id]}: tidak ada juri yang menilai")
        for juror in sorted(jurors, key=lambda j: names[j]):
            if (entry_id, juror) not in submitted:
                problems.append(f"{labels[entry_id]}: lembar nilai {names[juror]} belum dikirim")
    return problems


@dataclass(slots=True)
class RTRef(RTNames):
    """The RT of a results row, named like `competitions.models.RT`."""

    pk: int
    number: int
    kelurahan: Kelurahan


@dataclass(slots=True)
class EntryRef:
    """The entry of a results row: only what the results pages and reports read."""

    pk: int
    rt: RTRef
    kampung_name: str
    ketua_rt: str
    kk_count: int
    category: SizeCategory


@dataclass(slots=True)
class ResultRow:
    """One entry's result, live or frozen: the rows every results page and export use."""

    entry: EntryRef
    category: str
    bersih: Decimal
    aman: Decimal
    pintar: Decimal
    final: Decimal
    rank: int
    passed: bool
    is_winner: bool
    prize: int
    held_back: str
    tied_with: list[int]
    frozen_result: int | None = None  # the Result row, once finalised; see `explanation`


@dataclass
class ResultTable:
    rows: list[ResultRow]
    frozen: bool
    result_set: ResultSet | None
    warnings: list[str]
    category_order: list[str] = field(default_factory=list)  # largest households first

    @property
    def total_prize(self) -> int:
        return sum(row.prize for row in self.rows)

    def by_category(self) -> list[tuple[str, list[ResultRow]]]:
        grouped: dict[str, list[ResultRow]] = {code: [] for code in self.category_order}
        for row in sorted(self.rows, key=lambda r: (r.rank, -r.final, r.entry.pk)):
            grouped.setdefault(row.category, []).append(row)
        return [(code, rows) for code, rows in grouped.items() if rows]

    def row(self, entry_id: int) -> ResultRow | None:
        return next((row for row in self.rows if row.entry.pk == entry_id), None)


def _entry_refs(competition: Competition, entries: QuerySet[Entry]) -> dict[int, EntryRef]:
    """Entry id -> EntryRef in 3 queries: one for the entries, two for the small tables."""
    kelurahan = {k.pk: k for k in Kelurahan.objects.select_related("kecamatan")}
    categories = {c.pk: c for c in competition.size_categories.all()}
    fields = ("pk", "rt_id", "rt__number", "rt__kelurahan_id", "kampung_name", "ketua_rt")
    return {
        pk: EntryRef(pk, RTRef(rt, number, kelurahan[kel]), name, ketua, kk, categories[cat])
        for pk, rt, number, kel, name, ketua, kk, cat in entries.order_by().values_list(
            *fields, "kk_count", "category_id"
        )
    }


def result_table(competition: Competition) -> ResultTable:
    """The frozen results once finalised; before that, results computed from the sheets so far."""
    result_set = ResultSet.objects.current().filter(competition=competition).first()
    if result_set is not None and competition.status in (
        CompetitionStatus.FINAL,
        CompetitionStatus.PUBLISHED,
    ):
        # The explanations stay in the database until a page asks for one (`explanation`).
        frozen = result_set.results.defer("explanation").annotate(
            tied_with=F("explanation__tied_with")
        )
        entries = _entry_refs(competition, Entry.objects.filter(results__result_set=result_set))
        rows = [
            ResultRow(
                entries[r.entry_id],
                r.category_code,
                r.bersih,
                r.aman,
                r.pintar,
                r.final,
                r.rank,
                r.passed,
                r.is_winner,
                r.prize,
                r.held_back,
                r.tied_with or [],
                r.pk,
            )
            for r in frozen
        ]
        return ResultTable(
            rows, True, result_set, list(result_set.warnings), _category_order(competition)
        )
    entries = _entry_refs(
        competition, Entry.objects.filter(competition=competition, status=EntryStatus.VERIFIED)
    )
    categories = {pk: entry.category.code for pk, entry in entries.items()}
    outcome = live_outcome(competition, results_rules(competition), categories)
    rows = [live_row(entries[r.entry_id], r, outcome) for r in outcome.results]
    return ResultTable(rows, False, None, outcome.warnings, _category_order(competition))


def live_row(entry: EntryRef, result: results.EntryResult, outcome: results.Outcome) -> ResultRow:
    """One computed result as the pages show it: figures rounded once, to 4 places."""
    return ResultRow(
        entry,
        result.category,
        outcome.pillar_decimal(result, "B"),
        outcome.pillar_decimal(result, "A"),
        outcome.pillar_decimal(result, "P"),
        outcome.final_decimal(result),
        result.rank,
        result.passed,
        result.is_winner,
        result.prize,
        result.held_back,
        result.tied_with,
    )


def counted_scores(competition: Competition) -> QuerySet[Score]:
    """The levels the results count, with `jury_panel`'s rules written as SQL.

    Submitted sheets of verified entries, by a member of the entry's assigned team
    who does not live in the RT's kelurahan and has not recused himself. Joins,
    not subqueries, so that adding up 100,000 levels costs one pass: "another
    kelurahan" is written as < or >, because a negation across the join would
    become a subquery.
    """
    member = "sheet__entry__assignment__team__members__"
    home = member + "home_kelurahan"
    kelurahan = F("sheet__entry__rt__kelurahan")
    recused = Recusal.objects.filter(entry=OuterRef("sheet__entry"), juror=OuterRef("sheet__juror"))
    return Score.objects.filter(
        Q(**{f"{home}__isnull": True})
        | Q(**{f"{home}__lt": kelurahan})
        | Q(**{f"{home}__gt": kelurahan}),
        ~Exists(recused),
        **{f"{member}user": F("sheet__juror")},
        sheet__entry__competition=competition,
        sheet__entry__status=EntryStatus.VERIFIED,
        sheet__status=SheetStatus.SUBMITTED,
        value__isnull=False,
    )


def live_outcome(
    competition: Competition, rules: results.Rules, categories: dict[int, str]
) -> results.Outcome:
    """`results.compute` over the submitted sheets of `categories`' entries (id -> category).

    The database adds up each entry's pillars; only an entry where a counted juror
    left an indicator empty is read level by level.
    """
    size: dict[str, int] = defaultdict(int)
    for pillar in rules.indicators.values():
        size[pillar] += 1
    codes = dict(Pillar.objects.values_list("pk", "code"))
    pillars: dict[int, dict[str, results.PillarTotal]] = defaultdict(dict)
    incomplete = set()
    sums = (
        counted_scores(competition)
        .values_list("sheet__entry_id", "indicator__pillar_id")
        .annotate(jurors=Count("sheet", distinct=True), levels=Sum("value"), n=Count("value"))
        .order_by()
    )
    # Through the cursor: 5,000 rows of plain integers need none of the ORM's converters.
    sql, params = sums.query.sql_with_params()
    with connections[sums.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for entry_id, pillar_id, jurors, levels, n in rows:
        pillar = codes[pillar_id]
        if n != size[pillar] * jurors:
            incomplete.add(entry_id)
        pillars[entry_id][pillar] = results.PillarTotal(levels, jurors)
    totals = [
        results.EntryTotals(pk, code, pillars.get(pk, {}))
        for pk, code in categories.items()
        if pk not in incomplete
    ]
    exact = []
    if incomplete:
        levels: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for entry_id, code, value in (
            counted_scores(competition)
            .filter(sheet__entry__in=incomplete)
            .values_list("sheet__entry_id", "indicator__code", "value")
        ):
            levels[entry_id][code].append(value)
        exact = [
            results.EntryInput(pk, categories[pk], dict(levels[pk]))
            for pk in sorted(incomplete)
            if pk in categories
        ]
    return results.compute_totals(totals, rules, exact)


def _category_order(competition: Competition) -> list[str]:
    return list(competition.size_categories.order_by("-min_kk").values_list("code", flat=True))


def explained_results(
    competition: Competition, outcome: results.Outcome, rules: results.Rules, levels: list
) -> list[tuple[results.EntryResult, dict[str, Any]]]:
    """Each result of `results.compute` with its explanation, to freeze them."""
    names = _juror_names(juror for _entry, juror, _code, _value in levels)
    per_entry: dict[int, dict[str, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
    for entry_id, juror, code, value in levels:
        per_entry[entry_id][code].append((names[juror], value))
    return [(r, results.explain(r, rules, per_entry[r.entry_id])) for r in outcome.results]


def _juror_names(ids: Iterable[int]) -> dict[int, str]:
    return {
        user.pk: user.get_full_name() or user.username
        for user in User.objects.filter(pk__in=set(ids))
    }


def named_levels(scores: QuerySet[Score]) -> dict[int, dict[str, list[tuple[str, int]]]]:
    """Entry -> indicator -> (juror's name, level), in juror order, for the given scores."""
    rows = list(
        scores.order_by("sheet__juror_id").values_list(
            "sheet__entry_id", "sheet__juror_id", "indicator_id", "value"
        )
    )
    names = _juror_names(juror for _entry, juror, _indicator, _value in rows)
    codes = dict(Indicator.objects.values_list("pk", "code"))
    levels: dict[int, dict[str, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
    for entry_id, juror, indicator, value in rows:
        levels[entry_id][codes[indicator]].append((names[juror], value))
    return levels


def explanation(competition: Competition, row: ResultRow) -> dict[str, Any]:
    """Every step from the jurors' levels to the prize for one row: frozen, or worked out now."""
    if row.frozen_result is not None:
        return Result.objects.values_list("explanation", flat=True).get(pk=row.frozen_result)
    rules = results_rules(competition)
    levels = named_levels(counted_scores(competition).filter(sheet__entry_id=row.entry.pk))
    named = levels.get(row.entry.pk, {})
    scores = {code: [level for _juror, level in pairs] for code, pairs in named.items()}
    result = results.score_entry(results.EntryInput(row.entry.pk, row.category, scores), rules)
    result.rank, result.tied_with = row.rank, row.tied_with
    result.is_winner, result.held_back, result.prize = row.is_winner, row.held_back, row.prize
    return results.explain(result, rules, named)


def score_breakdown(
    competition: Competition, table: ResultTable
) -> dict[int, tuple[dict[str, list[tuple[str, int]]], dict[str, Decimal | None]]]:
    """Entry -> (indicator -> jurors' levels, indicator -> mean): frozen, or from the sheets now."""
    breakdown = {}
    if table.frozen:
        frozen = Result.objects.filter(result_set=table.result_set).values_list(
            "entry_id", "explanation"
        )
        for entry_id, frozen_explanation in frozen:
            levels, means = {}, {}
            for pillar in frozen_explanation.get("pillars", []):
                for indicator in pillar["indicators"]:
                    levels[indicator["code"]] = [tuple(pair) for pair in indicator["levels"]]
                    mean = indicator["mean"]
                    means[indicator["code"]] = Decimal(mean) if mean is not None else None
            breakdown[entry_id] = (levels, means)
        return breakdown
    for entry_id, levels in named_levels(counted_scores(competition)).items():
        means = {
            code: results.as_decimal(sum(v for _j, v in pairs), 4, len(pairs))
            for code, pairs in levels.items()
        }
        breakdown[entry_id] = (levels, means)
    return breakdown


@dataclass(frozen=True)
class Disagreement:
    row: ResultRow
    indicator: str
    levels: list[tuple[str, int]]


def disagreements(
    competition: Competition, table: ResultTable, *, spread: int = 2
) -> list[Disagreement]:
    """Indicators of the table's entries where the counted jurors' levels differ by `spread`+."""
    rows = {row.entry.pk: row for row in table.rows}
    wide = (
        counted_scores(competition)
        .values_list("sheet__entry_id", "indicator_id")
        .annotate(low=Min("value"), high=Max("value"))
        .filter(high__gte=F("low") + spread)
        .order_by()
    )
    pairs = {(entry_id, indicator) for entry_id, indicator, _low, _high in wide}
    if not pairs:
        return []
    levels = named_levels(
        counted_scores(competition).filter(
            sheet__entry_id__in={entry_id for entry_id, _indicator in pairs},
            indicator_id__in={indicator for _entry_id, indicator in pairs},
        )
    )
    codes = list(Indicator.objects.values_list("pk", "code"))  # the guide's order
    order = {pk: index for index, (pk, _code) in enumerate(codes)}
    code = dict(codes)

    def place(pair: tuple[int, int]) -> tuple[str, int, int]:
        rt = rows[pair[0]].entry.rt
        return (rt.kelurahan.code, rt.number, order[pair[1]])

    return [
        Disagreement(rows[entry_id], code[indicator], levels[entry_id][code[indicator]])
        for entry_id, indicator in sorted((p for p in pairs if p[0] in rows), key=place)
    ]


def _entries_by_id(competition: Competition, ids: Iterable[int]) -> dict[int, Entry]:
    return {
        entry.pk: entry
        for entry in Entry.objects.filter(competition=competition, pk__in=list(ids)).select_related(
            "rt__kelurahan__kecamatan", "category"
        )
    }


@dataclass(frozen=True)
class SharedPhoto:
    fingerprint: str
    entries: list[Entry]


def shared_photos(competition: Competition) -> list[SharedPhoto]:
    """The same photo (identical bytes or perceptual hash) used as evidence for two or more RTs."""
    groups: dict[str, set[int]] = defaultdict(set)
    for entry_id, sha256, phash in Evidence.objects.filter(
        entry__competition=competition
    ).values_list("entry_id", "sha256", "phash"):
        groups[f"sha256:{sha256}"].add(entry_id)
        groups[f"phash:{phash}"].add(entry_id)
    shared = {key: ids for key, ids in groups.items() if len(ids) > 1}
    seen: set[frozenset[int]] = set()
    unique = {}
    for key, ids in sorted(shared.items()):
        if frozenset(ids) not in seen:
            seen.add(frozenset(ids))
            unique[key] = ids
    entries = _entries_by_id(competition, {i for ids in unique.values() for i in ids})
    return [SharedPhoto(key, [entries[i] for i in sorted(ids)]) for key, ids in unique.items()]


@dataclass(frozen=True)
class JurorProgress:
    name: str
    team: str
    expected: int
    submitted: int


def juror_progress(competition: Competition) -> list[JurorProgress]:
    panel = jury_panel(competition)
    expected: dict[int, int] = defaultdict(int)
    for jurors in panel.expected.values():
        for juror in jurors:
            expected[juror] += 1
    submitted = dict(
        ScoreSheet.objects.filter(entry__competition=competition, status=SheetStatus.SUBMITTED)
        .values_list("juror_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    members = JuryMember.objects.filter(team__competition=competition).select_related(
        "user", "team"
    )
    return sorted(
        (
            JurorProgress(
                m.user.get_full_name() or m.user.username,
                m.team.name,
                expected[m.user_id],
                submitted.get(m.user_id, 0),
            )
            for m in members
        ),
        key=lambda p: (p.team, p.name),
    )
