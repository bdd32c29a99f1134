"""Who counts for an entry: the one home of the jury panel rule.

A juror's level for an indicator of an entry counts when
1. the juror is a member of the team the entry is assigned to (on a calibration RT
   every team's members may score, but only the assigned team's levels count);
2. the juror does not live in the RT's kelurahan (conflict of interest);
3. no recusal is recorded for the juror and the entry, and the panitia has not
   excused the juror's sheet (an excused sheet is not awaited and its levels,
   if any, do not count: a decision of the plenary, like a recusal);
4. the indicator's pillar is in the juror's remit (an empty remit: every pillar),
   the remit as it stands when the results are computed;
and the level stands on a submitted sheet of a verified entry.

Scoring pages (`membership_for`, `check_may_score`, `remit_indicators`), the
jury's lists (`exclusion`), the results in Python (`jury_panel`, `counted_levels`)
and the live results in SQL (`counted_scores`) all ask this module.
`counted_scores` restates the rule in SQL; tests/scoring/test_panel.py proves
on random panels that both count the same levels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bantar.models import User
from competitions.models import Competition, Entry, EntryStatus
from indicators.models import Indicator
from scoring.models import Excusal, JuryMember, Recusal, Score, SheetStatus

ERROR_CONFLICT = gettext_lazy(
    "Anda tidak menilai RT di kelurahan tempat tinggal Anda (%(kelurahan)s)."
)
ERROR_RECUSED = gettext_lazy("Anda tercatat tidak menilai RT ini: %(reason)s")
ERROR_EXCUSED = gettext_lazy(
    "Panitia sudah memaafkan lembar nilai Anda untuk RT ini: %(reason)s. "
    "Minta panitia membatalkannya bila Anda masih akan menilai."
)
ERROR_NOT_IN_REMIT = gettext_lazy("Indikator %(code)s di luar pilar yang Anda nilai.")


def has_conflict(home_kelurahan_id: int | None, kelurahan_id: int) -> bool:
    """Rule 2: a juror does not score the RTs of the kelurahan he lives in."""
    return home_kelurahan_id is not None and home_kelurahan_id == kelurahan_id


def in_remit(remit: Collection[int], pillar_id: int) -> bool:
    """Rule 4: `remit` is the member's pillar ids; empty means every pillar."""
    return not remit or pillar_id in remit


def exclusion(
    member: JuryMember, entry: Entry, recusal_reason: str | None, *, to_juror: bool = False
) -> str:
    """Why a member of the entry's team does not score it ("" when he does): rules 2 and 3.

    `to_juror` words it for the juror himself; otherwise for the panitia.
    """
    if member.home_kelurahan is not None and has_conflict(
        member.home_kelurahan_id, entry.rt.kelurahan_id
    ):
        name = member.home_kelurahan.name
        if to_juror:
            return _("Kelurahan tempat tinggal Anda (%(kelurahan)s)") % {"kelurahan": name}
        return _("Konflik kepentingan: tinggal di %(kelurahan)s") % {"kelurahan": name}
    return recusal_reason or ""


# --- One juror on one entry (the scoring pages) ----------------------------------------


def membership_for(*, entry: Entry, juror: User) -> JuryMember:
    """Rule 1: the juror's membership in the entry's team, else 403 (the caller scoped the entry).

    A calibration RT (`Entry.is_calibration`) is scored by every team of the competition:
    a juror of another team scores it as a member of his own team. Only the assigned
    team's sheets count for the RT's result (`jury_panel`, `counted_scores`); the other
    teams' sheets feed the severity panel only (`scoring.severity`).
    """
    members = JuryMember.objects.select_related("home_kelurahan").prefetch_related("pillars")
    member = members.filter(team__assignments__entry=entry, user=juror).first()
    if member is None and entry.is_calibration and hasattr(entry, "assignment"):
        member = (
            members.filter(team__competition_id=entry.competition_id, user=juror)
            .order_by("team_id")
            .first()
        )
    if member is None:
        raise PermissionDenied
    return member


def check_may_score(*, entry: Entry, member: JuryMember) -> None:
    """Rules 2 and 3 keep a juror from an entry (403, with the reason)."""
    if member.home_kelurahan is not None and has_conflict(
        member.home_kelurahan_id, entry.rt.kelurahan_id
    ):
        raise PermissionDenied(ERROR_CONFLICT % {"kelurahan": member.home_kelurahan.name})
    # A recusal, or an excused sheet (levels given after the excuse would not count: the
    # juror asks the panitia to undo it), in one query: every score change asks this.
    found = (
        Recusal.objects.filter(entry=entry, juror_id=member.user_id)
        .annotate(excused=Value(False))
        .values_list("reason", "excused")
        .union(
            Excusal.objects.filter(entry=entry, juror_id=member.user_id)
            .annotate(excused=Value(True))
            .values_list("reason", "excused")
        )
    )
    for reason, excused in found:
        raise PermissionDenied((ERROR_EXCUSED if excused else ERROR_RECUSED) % {"reason": reason})


def remit_of(member: JuryMember) -> set[int]:
    return {pillar.pk for pillar in member.pillars.all()}


def check_in_remit(*, member: JuryMember, indicator: Indicator) -> None:
    """Rule 4 for one indicator (403, naming it)."""
    if not in_remit(remit_of(member), indicator.pillar_id):
        raise PermissionDenied(ERROR_NOT_IN_REMIT % {"code": indicator.code})


def remit_indicators(member: JuryMember) -> list[Indicator]:
    """Rule 4: the indicators the member scores, in the guide's order."""
    remit = remit_of(member)
    # The member's competition's instrument (issue 14): codes are unique per instrument only.
    indicators = Indicator.objects.select_related("pillar").filter(
        instrument__competitions__jury_teams__members=member
    )
    return list(indicators.filter(pillar__in=remit) if remit else indicators)


# --- Every entry of a competition (the results) ------------------------------------------


@dataclass
class Panel:
    """Who is expected to score each verified entry, with each juror's remit."""

    expected: dict[int, dict[int, frozenset[int]]]  # entry id -> juror id -> remit pillar ids
    unassigned: list[int]

    def counts(self, entry_id: int, juror_id: int, pillar_id: int) -> bool:
        remit = self.expected.get(entry_id, {}).get(juror_id)
        return remit is not None and in_remit(remit, pillar_id)


def jury_panel(
    competition: Competition, entries: Iterable[tuple[int, int, int | None]] | None = None
) -> Panel:
    """Rules 1 to 4 for every verified entry of the competition (4 queries).

    `entries`: the verified entries as (pk, kelurahan id, team id or None), when the
    caller has read them already (the live results: 3 queries).
    """
    remits: dict[int, set[int]] = defaultdict(set)
    for member_id, pillar_id in JuryMember.pillars.through.objects.filter(
        jurymember__team__competition=competition
    ).values_list("jurymember_id", "pillar_id"):
        remits[member_id].add(pillar_id)
    teams: dict[int, list[tuple[int, int | None, frozenset[int]]]] = defaultdict(list)
    for member_id, team_id, user_id, home in JuryMember.objects.filter(
        team__competition=competition
    ).values_list("pk", "team_id", "user_id", "home_kelurahan_id"):
        teams[team_id].append((user_id, home, frozenset(remits[member_id])))
    recused: dict[int, set[int]] = defaultdict(set)
    # Rule 3: a recusal or an excused sheet, in one query (the pages count their queries).
    for entry_id, juror_id in (
        Recusal.objects.filter(entry__competition=competition)
        .values_list("entry_id", "juror_id")
        .union(
            Excusal.objects.filter(entry__competition=competition).values_list(
                "entry_id", "juror_id"
            )
        )
    ):
        recused[entry_id].add(juror_id)
    expected: dict[int, dict[int, frozenset[int]]] = {}
    unassigned: list[int] = []
    # Most entries have no recusal and no juror living in their kelurahan: they expect the
    # whole team, copied from one dict per team rather than built juror by juror (1,650
    # entries, benchmarks/bench_results.py). The homes tell which entries may not.
    whole = {
        team: {user: remit for user, _home, remit in team_members}
        for team, team_members in teams.items()
    }
    homes = {
        team: {home for _user, home, _remit in team_members if home is not None}
        for team, team_members in teams.items()
    }
    rows: Iterable[tuple[int, int, int | None]] = (
        entries
        if entries is not None
        else Entry.objects.filter(competition=competition, status=EntryStatus.VERIFIED).values_list(
            "pk", "rt__kelurahan_id", "assignment__team_id"
        )
    )
    for entry_id, kelurahan_id, team in rows:
        if team is None:
            unassigned.append(entry_id)
            continue
        away = recused.get(entry_id)
        if away is None and not any(
            has_conflict(home, kelurahan_id) for home in homes.get(team, ())
        ):
            expected[entry_id] = dict(whole.get(team, {}))
            continue
        expected[entry_id] = {
            user: remit
            for user, home, remit in teams[team]
            if not has_conflict(home, kelurahan_id) and (away is None or user not in away)
        }
    return Panel(expected=expected, unassigned=unassigned)


def counted_levels(competition: Competition, panel: Panel) -> list[tuple[int, int, str, int]]:
    """(entry, juror, indicator code, level) that count: the rule in Python, over `panel`."""
    rows = Score.objects.filter(
        sheet__entry__competition=competition,
        sheet__status=SheetStatus.SUBMITTED,
        value__isnull=False,
    ).values_list(
        "sheet__entry_id", "sheet__juror_id", "indicator__code", "value", "indicator__pillar_id"
    )
    return [
        (entry_id, juror_id, code, value)
        for entry_id, juror_id, code, value, pillar_id in rows
        if value is not None and panel.counts(entry_id, juror_id, pillar_id)
    ]


def counted_scores(competition: Competition) -> QuerySet[Score]:
    """The levels that count, with the rule written as SQL for the live results.

    Joins, not subqueries, so that adding up 100,000 levels costs one pass:
    rule 2, "another kelurahan", is written as < or >, because a negation across
    the join would become a subquery. All conditions on the team's members stand
    in one `filter()`, so they speak of the same member: the juror himself. Rule 4
    joins that member's pillars: none (every pillar) or the indicator's own.
    """
    member = "sheet__entry__assignment__team__members__"
    home = member + "home_kelurahan"
    kelurahan = F("sheet__entry__rt__kelurahan")
    recused = Recusal.objects.filter(entry=OuterRef("sheet__entry"), juror=OuterRef("sheet__juror"))
    excused = Excusal.objects.filter(entry=OuterRef("sheet__entry"), juror=OuterRef("sheet__juror"))
    return Score.objects.filter(
        Q(**{f"{home}__isnull": True})
        | Q(**{f"{home}__lt": kelurahan})
        | Q(**{f"{home}__gt": kelurahan}),
        Q(**{f"{member}pillars__isnull": True}) | Q(**{f"{member}pillars": F("indicator__pillar")}),
        ~Exists(recused),
        ~Exists(excused),
        **{f"{member}user": F("sheet__juror")},
        sheet__entry__competition=competition,
        sheet__entry__status=EntryStatus.VERIFIED,
        sheet__status=SheetStatus.SUBMITTED,
        value__isnull=False,
    )
