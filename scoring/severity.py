"""Team severity (issue 12.5): did the jury teams score alike? The plenary's panel
"Keseragaman penilaian", its maths (pure) and its read (a fixed number of queries).

Two bases, chosen by the data:
- Calibration RTs (`Entry.is_calibration`): every team scores them, so the teams
  judged the same RTs. When at least one calibration RT has submitted sheets from two
  teams, the panel compares the teams on the calibration RTs only. A team's (or a
  juror's) difference is then paired: per calibration RT, its mean level minus the
  other teams' mean level on that RT, averaged over the RTs both scored.
- Otherwise the counted levels of each team on its own RTs: a team's difference is its
  mean level minus the mean of every level of the other teams. The teams scored
  different RTs, so a difference may come from the RTs, not the jurors; the panel says so.

On a calibration RT a juror of another team scores as a member of his own team (conflict
of interest, recusal and remit apply as on his own RTs: `scoring.panel`). His levels are
used here only; the RT's result counts the assigned team's levels, as for every RT.

A team is flagged when the size of its difference exceeds the competition's
`severity_threshold` (in levels). Spreads are population standard deviations.
The panel reads raw levels, normalisation or not: it measures how the jurors scored.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache, partial
from pathlib import Path
from typing import NamedTuple

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from competitions.models import Competition, Entry, EntryStatus
from indicators.models import Indicator
from scoring.models import Excusal, JuryMember, Recusal, Score, SheetStatus
from scoring.normalise import from_sums
from scoring.panel import counted_scores, has_conflict, in_remit
from scoring.result_cache import cached

BASIS_CALIBRATION = "calibration"
BASIS_OWN = "own"


class Level(NamedTuple):
    team: int
    juror: int
    entry: int
    value: int


class Tally(NamedTuple):
    """One juror's levels for one team: how many, their sum and sum of squares, on one entry
    (the calibration basis, `tallied`) or on all his sheets (the own basis, `own_tallies`:
    `entry` is 0 and `sheets` says how many sheets were added up)."""

    team: int
    juror: int
    entry: int
    levels: int
    total: int
    squares: int
    sheets: int = 1


def tallied(levels: Iterable[Level]) -> list[Tally]:
    """Levels added up per team, juror and entry (what the database does for `own_tallies`)."""
    sums: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for level in levels:
        found = sums[level.team, level.juror, level.entry]
        found[0] += 1
        found[1] += level.value
        found[2] += level.value * level.value
    return [Tally(*key, *found) for key, found in sums.items()]


def two_places(value: Fraction | None) -> Decimal | None:
    """A mean or difference as shown: 2 places, half up (away from zero)."""
    if value is None:
        return None
    whole = (2 * abs(value.numerator) * 100 + value.denominator) // (2 * value.denominator)
    return Decimal(whole if value >= 0 else -whole).scaleb(-2)


@dataclass(frozen=True)
class Stats:
    """One team's or one juror's levels on the panel's basis."""

    sheets: int
    levels: int
    mean: Fraction
    spread: Fraction
    difference: Fraction | None  # None: nobody of another team to compare with

    def _decimal(self, value: Fraction | None) -> Decimal | None:
        return two_places(value)

    @property
    def mean_shown(self) -> Decimal | None:
        return self._decimal(self.mean)

    @property
    def spread_shown(self) -> Decimal | None:
        return self._decimal(self.spread)

    @property
    def difference_shown(self) -> Decimal | None:
        return self._decimal(self.difference)


@dataclass(frozen=True)
class JurorRow:
    juror_id: int
    name: str
    stats: Stats


@dataclass(frozen=True)
class TeamRow:
    team_id: int
    name: str
    stats: Stats
    flagged: bool
    jurors: list[JurorRow] = field(default_factory=list)


@dataclass(frozen=True)
class SeverityPanel:
    basis: str  # BASIS_CALIBRATION or BASIS_OWN
    threshold: Decimal
    calibration_entries: int  # calibration RTs marked (verified and assigned)
    teams: list[TeamRow]

    @property
    def flagged(self) -> list[TeamRow]:
        return [team for team in self.teams if team.flagged]

    @property
    def fair(self) -> bool:
        return self.basis == BASIS_CALIBRATION


# --- The maths (pure) ------------------------------------------------------------------------


class _Sums:
    """Count, sum and sum of squares of whole levels, overall and per entry (exact, cheap)."""

    __slots__ = ("count", "entries", "sheets", "squares", "total")

    def __init__(self) -> None:
        self.count = self.total = self.squares = self.sheets = 0
        self.entries: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # entry -> [n, sum]

    def add(self, tally: Tally) -> None:
        self.count += tally.levels
        self.total += tally.total
        self.squares += tally.squares
        found = self.entries[tally.entry]
        found[0] += tally.levels
        found[1] += tally.total
        # A sheet is one juror's on one entry, and he scores it for one team only: the
        # tallies of a team (or a juror) never count a sheet twice.
        self.sheets += tally.sheets


def _stats(own: _Sums, team: _Sums, everyone: _Sums, *, paired: bool) -> Stats:
    """`own` (a team, or one of its jurors) against every level not of `team`."""
    mean, spread = from_sums(own.count, own.total, own.squares)
    difference: Fraction | None = None
    if paired:  # per entry: own mean minus the other teams' mean there, averaged
        gaps = []
        for entry, (n, total) in own.entries.items():
            all_n, all_total = everyone.entries[entry]
            team_n, team_total = team.entries[entry]
            if all_n > team_n:
                gaps.append(Fraction(total, n) - Fraction(all_total - team_total, all_n - team_n))
        difference = sum(gaps, Fraction(0)) / len(gaps) if gaps else None
    elif everyone.count > team.count:
        others = Fraction(everyone.total - team.total, everyone.count - team.count)
        difference = mean - others
    return Stats(own.sheets, own.count, mean, spread, difference)


def team_severity(
    tallies: Iterable[Tally],
    *,
    threshold: Fraction,
    paired: bool,
    teams: Mapping[int, str],
    jurors: Mapping[int, str],
) -> list[TeamRow]:
    """Per team and per juror: sheets, mean, spread, difference from the other teams, flag.

    Teams are listed in `teams`' order (a team with no level is left out); a team is
    flagged when |difference| > threshold. One pass over the tallies, then sums only.
    """
    everyone = _Sums()
    by_team: dict[int, _Sums] = defaultdict(_Sums)
    by_juror: dict[int, dict[int, _Sums]] = defaultdict(lambda: defaultdict(_Sums))
    for tally in tallies:
        everyone.add(tally)
        by_team[tally.team].add(tally)
        by_juror[tally.team][tally.juror].add(tally)
    rows = []
    for team_id, name in teams.items():
        team = by_team.get(team_id)
        if team is None:
            continue
        stats = _stats(team, team, everyone, paired=paired)
        juror_rows = sorted(
            (
                JurorRow(
                    juror, jurors.get(juror, str(juror)), _stats(own, team, everyone, paired=paired)
                )
                for juror, own in by_juror[team_id].items()
            ),
            key=lambda row: row.name,
        )
        flagged = stats.difference is not None and abs(stats.difference) > threshold
        rows.append(TeamRow(team_id, name, stats, flagged, juror_rows))
    return rows


# --- The read --------------------------------------------------------------------------------


def calibration_levels(competition: Competition) -> list[Level]:
    """Every team's levels on the calibration RTs, each juror under the team he scored for.

    The assigned team's members score for it; a member of another team for his own
    (the first by id, as `scoring.panel.membership_for`). Conflict of interest,
    recusal, excused sheet and remit leave levels out as they do for results. 5 queries.
    """
    return [
        Level(team, juror, entry_id, value)
        for entry_id, team, juror, _indicator, value in _calibration_rows(competition)
    ]


def _calibration_rows(
    competition: Competition, entry_id: int | None = None
) -> list[tuple[int, int, int, int, int]]:
    """(entry, team, juror, indicator, level) of `calibration_levels`; one RT's if `entry_id`."""
    members: dict[int, list[tuple[int, int | None, frozenset[int]]]] = defaultdict(list)
    remits: dict[int, set[int]] = defaultdict(set)
    for member_id, pillar_id in JuryMember.pillars.through.objects.filter(
        jurymember__team__competition=competition
    ).values_list("jurymember_id", "pillar_id"):
        remits[member_id].add(pillar_id)
    for member_id, team_id, user_id, home in (
        JuryMember.objects.filter(team__competition=competition)
        .order_by("team_id")
        .values_list("pk", "team_id", "user_id", "home_kelurahan_id")
    ):
        members[user_id].append((team_id, home, frozenset(remits[member_id])))
    only = {} if entry_id is None else {"entry_id": entry_id}
    # A recusal or an excused sheet keeps the juror's levels out, as for results (rule 3).
    recused = set(
        Recusal.objects.filter(
            entry__competition=competition, entry__is_calibration=True, **only
        ).values_list("entry_id", "juror_id")
    ) | set(
        Excusal.objects.filter(
            entry__competition=competition, entry__is_calibration=True, **only
        ).values_list("entry_id", "juror_id")
    )
    scores = Score.objects.filter(
        sheet__entry__competition=competition,
        sheet__entry__is_calibration=True,
        sheet__entry__status=EntryStatus.VERIFIED,
        sheet__entry__assignment__isnull=False,
        sheet__status=SheetStatus.SUBMITTED,
        value__isnull=False,
    )
    if entry_id is not None:
        scores = scores.filter(sheet__entry_id=entry_id)
    rows = scores.values_list(
        "sheet__entry_id",
        "sheet__entry__assignment__team_id",
        "sheet__entry__rt__kelurahan_id",
        "sheet__juror_id",
        "indicator_id",
        "indicator__pillar_id",
        "value",
    )
    levels = []
    for entry, assigned, kelurahan, juror, indicator, pillar, value in rows.order_by():
        memberships = members.get(juror, [])
        chosen = next((m for m in memberships if m[0] == assigned), None) or next(
            iter(memberships), None
        )
        if chosen is None or value is None or (entry, juror) in recused:
            continue
        team, lives_in, remit = chosen
        if has_conflict(lives_in, kelurahan) or not in_remit(remit, pillar):
            continue
        levels.append((entry, team, juror, indicator, value))
    return levels


def own_tallies(competition: Competition) -> list[Tally]:
    """The counted levels of each team on its own RTs, added up per juror in SQL (1 query):
    a row per (team, juror), not per sheet, so Python adds up a few dozen rows at any city
    size (the own basis needs no per-RT sums: its difference is of the overall means)."""
    rows = (
        counted_scores(competition)
        .values_list("sheet__entry__assignment__team_id", "sheet__juror_id")
        .annotate(
            levels=Count("value"),
            total=Sum("value"),
            squares=Sum(F("value") * F("value")),
            sheets=Count("sheet_id", distinct=True),
        )
        .order_by()
    )
    return [
        Tally(team, juror, 0, levels, total, squares, sheets)
        for team, juror, levels, total, squares, sheets in rows
    ]


@lru_cache(maxsize=1)
def _code_digest() -> str:
    # This module decides the panel: a deploy never reads a panel its old code computed
    # (the result cache's own digest names the results modules only).
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def kept_severity_panel(competition: Competition) -> SeverityPanel:
    """`severity_panel` kept under the competition's result version (2 queries when kept).

    Every write the panel reads renews that version (scoring.result_cache: submitted scores
    and sheets, recusals, excusals, teams, members and remits, assignments, entries with
    their calibration mark, jurors' names; the threshold is a competition field, part of the
    key). The panel is the same for every reader (city readers only), so no viewer key."""
    return cached(
        f"severity-panel:{_code_digest()}", competition, partial(severity_panel, competition)
    )


def severity_panel(competition: Competition) -> SeverityPanel:
    """The panel for the plenary: on the calibration RTs when two teams scored one (9 queries)."""
    calibration = calibration_levels(competition)
    shared = defaultdict(set)
    for level in calibration:
        shared[level.entry].add(level.team)
    paired = any(len(teams) > 1 for teams in shared.values())
    tallies = tallied(calibration) if paired else own_tallies(competition)
    teams: dict[int, str] = {}
    jurors: dict[int, str] = {}
    for member in (
        JuryMember.objects.filter(team__competition=competition)
        .select_related("team", "user")
        .order_by("team__name", "team_id")
    ):
        teams[member.team_id] = member.team.name
        jurors[member.user_id] = member.user.get_full_name() or member.user.username
    marked = Entry.objects.filter(
        Q(assignment__isnull=False),
        competition=competition,
        status=EntryStatus.VERIFIED,
        is_calibration=True,
    ).count()
    threshold = competition.severity_threshold
    return SeverityPanel(
        basis=BASIS_CALIBRATION if paired else BASIS_OWN,
        threshold=threshold,
        calibration_entries=marked,
        teams=team_severity(
            tallies,
            threshold=Fraction(str(threshold)),
            paired=paired,
            teams=teams,
            jurors=jurors,
        ),
    )


# --- The settings page -----------------------------------------------------------------------


def _with_place(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    return entries.select_related(
        "rt__kelurahan__kecamatan", "category", "assignment__team"
    ).order_by("rt__kelurahan__kecamatan__code", "rt__kelurahan__code", "rt__number", "pk")


def calibration_candidates(competition: Competition) -> QuerySet[Entry]:
    """The RTs that may become calibration RTs: verified and assigned (one query a page)."""
    return _with_place(
        Entry.objects.filter(
            competition=competition, status=EntryStatus.VERIFIED, assignment__isnull=False
        )
    )


def calibration_chosen(competition: Competition) -> list[Entry]:
    """The calibration RTs as marked, also one no longer verified or assigned (1 query):
    the panel leaves such an RT out, and the page says why so the panitia removes it."""
    return list(_with_place(Entry.objects.filter(competition=competition, is_calibration=True)))


def kept_calibration_chosen(competition: Competition) -> list[Entry]:
    """`calibration_chosen` kept under the result version (2 queries when kept): the mark has
    no index, so finding the few marked RTs reads every entry of the competition. A mark,
    a status or an assignment renews the version (scoring.result_cache)."""
    name = f"severity-chosen:{_code_digest()}"
    return cached(name, competition, partial(calibration_chosen, competition))


def calibration_candidate_order(competition: Competition) -> list[int]:
    """The candidates' ids in the page's order (kecamatan, kelurahan, RT number), kept under
    the result version (2 queries when kept): a page of the search is a slice of it, not a
    sort of every entry of the city on each request (some 100 KB of ids at 10x)."""

    def compute() -> list[int]:
        return list(calibration_candidates(competition).values_list("pk", flat=True))

    return cached(f"severity-candidates:{_code_digest()}", competition, compute)


def calibration_entries(ids: list[int]) -> list[Entry]:
    """The entries of `ids` with their place and team, in that order (1 query): one page."""
    found = {entry.pk: entry for entry in _with_place(Entry.objects.filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


# --- The sheet page of a calibration RT ------------------------------------------------------


@dataclass(frozen=True)
class CalibrationSheet:
    """One juror's counted levels on a calibration RT, under the team he scored for."""

    team: str
    juror: str  # his name, or "Juri 2" for a reader `scoring.see_juror_names` does not allow
    counts: bool  # the assigned team's sheet: it counts for the RT's result
    levels: dict[int, int]  # indicator id -> level (a level the panel rule leaves out is absent)

    @property
    def mean(self) -> Decimal | None:
        if not self.levels:
            return None
        return two_places(Fraction(sum(self.levels.values()), len(self.levels)))


@dataclass(frozen=True)
class CalibrationRow:
    code: str
    text: str
    levels: list[int | None]  # one per sheet, in the comparison's order
    gap: int | None  # highest minus lowest level of the row

    @property
    def apart(self) -> bool:
        # As "Perlu dibahas": two levels or more apart on one indicator.
        return self.gap is not None and self.gap >= 2


@dataclass(frozen=True)
class CalibrationComparison:
    sheets: list[CalibrationSheet]
    rows: list[CalibrationRow]

    @property
    def teams(self) -> int:
        return len({sheet.team for sheet in self.sheets})


def calibration_comparison(entry: Entry, *, names: bool) -> CalibrationComparison | None:
    """Every team's submitted sheet on a calibration RT side by side, per indicator (7 queries).

    The levels are the ones the severity panel compares (`_calibration_rows`: conflict,
    recusal, excused sheet and remit as for results). The assigned team comes first.
    Without `names` (`scoring.see_juror_names`) jurors are "Juri 1", "Juri 2", ... in
    that order. None when the RT is not a calibration RT.
    """
    if not entry.is_calibration:
        return None
    levels: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for _entry, team, juror, indicator_id, value in _calibration_rows(
        entry.competition, entry_id=entry.pk
    ):
        levels[team, juror][indicator_id] = value
    assigned = Entry.objects.filter(pk=entry.pk).values_list("assignment__team_id", flat=True)[0]
    people = {
        (member.team_id, member.user_id): member
        for member in JuryMember.objects.filter(
            team__competition_id=entry.competition_id
        ).select_related("team", "user")
    }
    order = sorted(
        levels,
        key=lambda key: (
            key[0] != assigned,
            people[key].team.name,
            people[key].user.get_full_name() or people[key].user.username,
        ),
    )
    sheets = [
        CalibrationSheet(
            team=people[key].team.name,
            juror=(people[key].user.get_full_name() or people[key].user.username)
            if names
            else str(_("Juri %(number)s") % {"number": number}),
            counts=key[0] == assigned,
            levels=levels[key],
        )
        for number, key in enumerate(order, start=1)
    ]
    instrument = entry.competition.instrument_id
    indicators = Indicator.objects.filter(instrument_id=instrument) if instrument else []
    rows = []
    for indicator in indicators:  # the pillars' order, then the number (Indicator.Meta)
        row: list[int | None] = [sheet.levels.get(indicator.pk) for sheet in sheets]
        given = [level for level in row if level is not None]
        gap = max(given) - min(given) if given else None
        rows.append(CalibrationRow(indicator.code, indicator.text, row, gap))
    return CalibrationComparison(sheets, rows)
