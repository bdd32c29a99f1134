"""Re-visits of past winners: the draw, the round's competition, its outcomes (issue 16.3).

A round reuses the scoring machinery whole: `revisit_create` makes a competition of its own
(the source's rules and size categories copied), one verified entry per chosen RT (the same RT
master record, the award entry's KK and contacts), and opens it straight in the assessment
stage. The panitia then forms teams and assigns them on the usual pages; jurors score on the
usual scoring page and offline kit. `revisit_conclude` computes each complete RT's final score
with `scoring.results` (the same maths, one entry at a time, no ranking) and compares it to the
award: "terjaga" when it dropped by at most the round's threshold, else "menurun". Nothing of
the source competition is written: its published result set stays as it was.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bantar.history import stamp
from bantar.models import User
from coaching.models import RevisitOutcome, RevisitRound, Selection, Verdict
from competitions.filters import entry_search
from competitions.models import (
    RT,
    Competition,
    CompetitionStatus,
    Entry,
    EntryStatus,
    Kecamatan,
    SizeCategory,
)
from competitions.services import competition_create, competition_move
from competitions.stages import Write, check_stage
from scoring import results
from scoring.comparisons import EarlierPhoto
from scoring.models import Evidence, Result
from scoring.panel import jury_panel
from scoring.result_cache import cached
from scoring.result_selectors import results_inputs, sheet_coverage

ERROR_NO_WINNERS = gettext_lazy("%(competition)s tidak memiliki pemenang yang diumumkan.")
ERROR_SAMPLE_SIZE = gettext_lazy(
    "Jumlah sampel harus antara 1 dan %(winners)s (jumlah pemenang yang diumumkan)."
)
ERROR_NOT_A_WINNER = gettext_lazy("%(rt)s bukan pemenang %(competition)s.")
ERROR_NOTHING_CHOSEN = gettext_lazy("Pilih paling sedikit satu RT pemenang.")
ERROR_NO_PERIOD = gettext_lazy(
    "Tahun %(year)s sudah memiliki empat kompetisi; kunjungan ulang tidak dapat dibuat."
)
ERROR_ALREADY_REVISIT = gettext_lazy("Kunjungan ulang tidak dapat dikunjungi ulang lagi.")
ERROR_THRESHOLD = gettext_lazy("Batas penurunan harus antara 0 dan 100 poin.")
ERROR_REVISIT_NO_PLENARY = gettext_lazy(
    "Kunjungan ulang tidak masuk rapat pleno dan tidak diumumkan: hasilnya disimpulkan di "
    "halaman kunjungan ulang, sebagai informasi untuk panitia, bukan peringkat."
)

# Seeds a panitia can read aloud and type: nine digits.
SEED_LIMIT = 10**9


@dataclass(frozen=True)
class Winner:
    """A winning RT of a published competition, with the award it is compared to."""

    rt: RT
    entry: Entry
    result: Result

    @property
    def key(self) -> tuple[str, int]:
        """The stable order the draw samples from: kelurahan code, RT number."""
        return (self.rt.kelurahan.code, self.rt.number)


def _published_winners(
    source: Competition | int, *, entries: QuerySet[Entry] | None = None
) -> QuerySet[Result]:
    """The one home of "the source's winners": the winning results of its current published
    result set (not superseded by a correction), unordered. With `entries` (entries of the
    source), those entries' only: the index is then walked from the entries, not from the
    source's result set (a round's few RTs, never every result of the city)."""
    found = Result.objects.filter(
        result_set__superseded_at__isnull=True,
        result_set__published_at__isnull=False,
        is_winner=True,
    )
    if entries is None:
        return found.filter(result_set__competition=source)
    return found.filter(entry__in=entries.filter(competition=source).values("pk"))


def _in_draw_order(rows: QuerySet[Result]) -> list[Winner]:
    rows = rows.select_related("entry__rt__kelurahan__kecamatan", "entry__category").order_by(
        "entry__rt__kelurahan__code", "entry__rt__number"
    )
    return [Winner(row.entry.rt, row.entry, row) for row in rows]


def published_winners(source: Competition) -> list[Winner]:
    """The winners of the current published result set, in the draw's stable order (1 query)."""
    return _in_draw_order(_published_winners(source))


def winner_order(source: Competition) -> list[int]:
    """The RTs of the source's published winners in the draw's order (kelurahan code, RT
    number), kept under its result version (2 queries when kept): the new round's page counts
    and pages them without sorting every winner on each request (a few KB of ids at 10x)."""

    def compute() -> list[int]:
        rows = _published_winners(source).order_by(
            "entry__rt__kelurahan__code", "entry__rt__number"
        )
        return list(rows.values_list("entry__rt_id", flat=True))

    return cached("revisit-winner-order", source, compute)


def chosen_winners(source: Competition, rt_ids: Iterable[int]) -> list[Winner]:
    """The winners among `rt_ids`, in the draw's order (1 query; none for no RT): what the
    panitia has ticked so far on the new round's page, or one page of the search."""
    wanted = sorted(set(rt_ids))
    if not wanted:
        return []
    return _in_draw_order(
        _published_winners(source, entries=Entry.objects.filter(rt_id__in=wanted))
    )


def winner_search(
    source: Competition, *, text: str = "", kecamatan: Kecamatan | None = None
) -> list[int]:
    """The RTs of the source's winners matching an RT number, kampung or kelurahan (`text`)
    and a kecamatan, in the draw's order (no filter: the kept order, no query; else 1 query
    of the matching RTs' ids). The page then reads its own winners (`chosen_winners`)."""
    order = winner_order(source)
    if not text and kecamatan is None:
        return order
    entries: QuerySet[Entry] = Entry.objects.filter(competition=source)
    if kecamatan is not None:
        entries = entries.filter(rt__kelurahan__kecamatan=kecamatan)
    if text:
        # Never the head of RT: choosing a winner to re-visit needs no personal data.
        entries = entry_search(entries, text, with_contacts=False)
    found = set(
        _published_winners(source, entries=entries)
        .order_by()
        .values_list("entry__rt_id", flat=True)
    )
    return [rt_id for rt_id in order if rt_id in found]


def draw(keys: Sequence[tuple[str, int]], *, seed: int, size: int) -> list[tuple[str, int]]:
    """`size` of `keys`, drawn with `random.Random(seed)` over the keys sorted.

    Sorted first, so the answer depends on the seed and the set of winners only, never on the
    order a query returned them in: anyone with the seed and the list repeats it exactly.
    """
    return random.Random(seed).sample(sorted(keys), size)


def new_seed() -> int:
    return secrets.randbelow(SEED_LIMIT - 1) + 1


def _free_period(year: int) -> int:
    taken = set(Competition.objects.filter(year=year).values_list("period", flat=True))
    for period in range(1, 5):
        if period not in taken:
            return period
    raise ValidationError(ERROR_NO_PERIOD, code="no_period", params={"year": year})


# A round's title: stored on its competition in the portal's own language (the record, and
# what pages outside coaching show), and shown on the re-visit pages in the reader's.
REVISIT_TITLE = gettext_lazy("Kunjungan ulang pemenang %(competition)s")


def _stored_title(source_title: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(REVISIT_TITLE) % {"competition": source_title}


def revisit_title(revisit: RevisitRound) -> str:
    """The round's title in the reader's language. A title the panitia has renamed stays as
    they wrote it; one that reads as REVISIT_TITLE in any of the portal's languages is the
    portal's own (rounds made before this kept their creator's language) and is translated."""
    stored, source = revisit.competition.title, revisit.source.title
    made: set[str] = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            made.add(str(REVISIT_TITLE) % {"competition": source})
    if stored not in made:
        return stored
    return str(REVISIT_TITLE) % {"competition": source}


def _round_competition(source: Competition, by: User) -> Competition:
    """A competition carrying the round: the source's rules and categories, in the field stage."""
    competition = competition_create(
        year=source.year,
        period=_free_period(source.year),
        title=_stored_title(source.title),
    )
    copied = ["scale_min", "scale_max", "pass_mark", "pillar_weights", "pillar_minimum"]
    # The award's own instrument, once competitions carry one (indicators.Instrument).
    copied += [f.name for f in Competition._meta.concrete_fields if f.name == "instrument"]
    for field in copied:
        setattr(competition, field, getattr(source, field))
    competition.kencana_wins = None  # a re-visit has no categories by streak to decide
    competition.full_clean()
    competition.save()
    competition.size_categories.all().delete()
    for category in source.size_categories.all():
        SizeCategory.objects.create(
            competition=competition,
            code=category.code,
            name=category.name,
            min_kk=category.min_kk,
            max_kk=category.max_kk,
            prize=0,  # no prize: information, not a ranking
        )
    # Straight to the field: the RTs are chosen by the panitia, not proposed and verified.
    reason = _("Kunjungan ulang: langsung ke penilaian lapangan")
    for status in (
        CompetitionStatus.REGISTRATION,
        CompetitionStatus.VERIFICATION,
        CompetitionStatus.ASSESSMENT,
    ):
        competition_move(competition=competition, to_status=status, by=by, reason=reason)
    return competition


@transaction.atomic
def revisit_create(
    *,
    source: Competition,
    by: User,
    size: int | None = None,
    seed: int | None = None,
    rt_ids: Sequence[int] | None = None,
    threshold: Decimal | None = None,
) -> RevisitRound:
    """A re-visit round of `source`'s winners: `size` drawn with `seed` (a new one when None),
    or the RTs of `rt_ids` chosen by hand."""
    check_stage(source, Write.REVISIT_CREATE)
    if RevisitRound.objects.filter(competition=source).exists():
        raise ValidationError(ERROR_ALREADY_REVISIT, code="already_revisit")
    winners = published_winners(source)
    if not winners:
        raise ValidationError(
            ERROR_NO_WINNERS, code="no_winners", params={"competition": source.title}
        )
    by_key = {winner.key: winner for winner in winners}
    if rt_ids is None:
        if size is None or not 1 <= size <= len(winners):
            raise ValidationError(
                ERROR_SAMPLE_SIZE, code="sample_size", params={"winners": len(winners)}
            )
        seed = new_seed() if seed is None else seed
        chosen = [by_key[key] for key in draw(list(by_key), seed=seed, size=size)]
        selection = Selection.DRAW
    else:
        by_rt = {winner.rt.pk: winner for winner in winners}
        if not rt_ids:
            raise ValidationError(ERROR_NOTHING_CHOSEN, code="nothing_chosen")
        for rt_id in rt_ids:
            if rt_id not in by_rt:
                rt = RT.objects.filter(pk=rt_id).select_related("kelurahan").first()
                raise ValidationError(
                    ERROR_NOT_A_WINNER,
                    code="not_a_winner",
                    params={"rt": str(rt or rt_id), "competition": source.title},
                )
        chosen = sorted({by_rt[rt_id] for rt_id in rt_ids}, key=lambda winner: winner.key)
        seed, size, selection = None, None, Selection.HAND
    competition = _round_competition(source, by)
    categories = {category.code: category for category in competition.size_categories.all()}
    for winner in chosen:
        award = winner.entry
        entry = Entry(
            competition=competition,
            rt=winner.rt,
            kampung_name=award.kampung_name,
            kk_count=award.kk_count,
            category=categories[award.category.code],
            ketua_rt=award.ketua_rt,
            phone=award.phone,
            address=award.address,
            latitude=award.latitude,
            longitude=award.longitude,
            status=EntryStatus.VERIFIED,
            submitted_by=by,
        )
        stamp(entry, by=by, reason=_("Kunjungan ulang"))
        entry.full_clean()
        entry.save()
    revisit = RevisitRound(
        source=source,
        competition=competition,
        selection=selection,
        seed=seed,
        sample_size=size,
        chosen=[winner.rt.pk for winner in chosen],
        created_by=by,
    )
    if threshold is not None:
        revisit.threshold = threshold
    try:
        revisit.full_clean()
    except ValidationError as error:
        raise ValidationError(ERROR_THRESHOLD, code="threshold") from error
    revisit.save()
    return revisit


def refuse_revisit_plenary(competition: Competition) -> None:
    """The step check into the plenary (competitions.services.STEP_CHECKS): not for a round."""
    if RevisitRound.objects.filter(competition=competition).exists():
        raise ValidationError(ERROR_REVISIT_NO_PLENARY, code="revisit_no_plenary")


def winner_keys(source: Competition) -> dict[tuple[str, int], int]:
    """The draw's keys of the source's published winners, each with its RT (1 query): what
    the audit needs of every winner, without reading their results."""
    rows = (
        _published_winners(source)
        .order_by()
        .values_list("entry__rt__kelurahan__code", "entry__rt__number", "entry__rt_id")
    )
    return {(code, number): rt_id for code, number, rt_id in rows}


def draw_repeated(revisit: RevisitRound, winners: list[Winner] | None = None) -> bool | None:
    """The audit: does the stored seed, over the source's winners now, give the stored list?

    None for a round chosen by hand. False if the source's winners changed since (a corrected
    and republished result) or the list was altered.
    """
    if revisit.selection != Selection.DRAW or revisit.seed is None or not revisit.sample_size:
        return None
    if winners is None:
        by_key = winner_keys(revisit.source)
    else:
        by_key = {winner.key: winner.rt.pk for winner in winners}
    return _repeated(revisit, by_key)


def _repeated(revisit: RevisitRound, by_key: dict[tuple[str, int], int]) -> bool:
    assert revisit.seed is not None and revisit.sample_size
    if revisit.sample_size > len(by_key):
        return False
    again = draw(list(by_key), seed=revisit.seed, size=revisit.sample_size)
    return [by_key[key] for key in again] == list(revisit.chosen)


@dataclass(frozen=True)
class DrawAudit:
    """What a drawn round's page says of its draw: the source's winners now, and whether the
    stored seed over them repeats the stored list."""

    winners: int
    repeated: bool


@lru_cache(maxsize=1)
def _code_digest() -> str:
    # The draw's code is part of the kept audit's key: a deploy never reads an old answer.
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def draw_audit(revisit: RevisitRound) -> DrawAudit | None:
    """`draw_repeated` and the number of winners, kept under the source's result version
    (2 queries when kept; None for a round chosen by hand, no query). The audit reads every
    winner of the source (they all take part in the draw); they change only with its
    published result set, which renews the version (scoring.result_cache)."""
    if revisit.selection != Selection.DRAW or revisit.seed is None or not revisit.sample_size:
        return None
    chosen = hashlib.sha256(repr(list(revisit.chosen)).encode()).hexdigest()[:16]
    name = (
        f"revisit-draw:{_code_digest()}:{revisit.pk}:{revisit.seed}:{revisit.sample_size}:{chosen}"
    )

    def compute() -> DrawAudit:
        by_key = winner_keys(revisit.source)
        return DrawAudit(len(by_key), _repeated(revisit, by_key))

    return cached(name, revisit.source, compute)


def verdict_for(*, award: Decimal, revisit: Decimal, threshold: Decimal) -> str:
    return Verdict.KEPT if award - revisit <= threshold else Verdict.DROPPED


@transaction.atomic
def revisit_conclude(
    *, revisit: RevisitRound, by: User, threshold: Decimal | None = None
) -> list[RevisitOutcome]:
    """Freeze the outcome of every RT whose expected sheets are all in (again: replaced)."""
    check_stage(revisit.competition, Write.REVISIT_CONCLUDE)
    revisit = RevisitRound.objects.select_for_update().get(pk=revisit.pk)
    if threshold is not None:
        revisit.threshold = threshold
    rules, inputs, _panel, _levels = results_inputs(revisit.competition)
    entries = dict(Entry.objects.filter(competition=revisit.competition).values_list("pk", "rt_id"))
    awards = {winner.rt.pk: winner.result for winner in published_winners(revisit.source)}
    revisit.outcomes.all().delete()
    outcomes = []
    for entry_input in inputs:
        if not entry_input.complete:
            continue
        scored = results.score_entry(entry_input, rules)
        rt_id = entries[entry_input.entry_id]
        award = awards.get(rt_id)
        if award is None:  # no longer a winner after a correction: nothing to compare to
            continue
        final = results.as_decimal(scored.final, 4)
        outcome = RevisitOutcome(
            round=revisit,
            rt_id=rt_id,
            award_final=award.final,
            revisit_final=final,
            pillar_scores={
                code: str(results.as_decimal(scored.pillar_scores[code], 4))
                for code in rules.pillar_order
            },
            verdict=verdict_for(award=award.final, revisit=final, threshold=revisit.threshold),
        )
        outcome.full_clean()
        outcome.save()
        outcomes.append(outcome)
    revisit.concluded_at = timezone.now()
    revisit.concluded_by = by
    try:
        revisit.full_clean()
    except ValidationError as error:
        raise ValidationError(ERROR_THRESHOLD, code="threshold") from error
    revisit.save()
    return outcomes


# --- Pages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevisitRow:
    rt: RT
    entry: Entry
    award: Result | None
    team: str  # "" before the round's entry is assigned
    submitted: int
    expected: int
    outcome: RevisitOutcome | None


@dataclass
class RevisitPage:
    revisit: RevisitRound
    rows: list[RevisitRow]  # in the order chosen (the draw's order)
    audit: DrawAudit | None  # None: chosen by hand

    @property
    def winners(self) -> int | None:
        """The source's published winners now (a drawn round's page says "n of them")."""
        return self.audit.winners if self.audit else None

    @property
    def repeated(self) -> bool | None:
        return self.audit.repeated if self.audit else None

    @property
    def kept(self) -> int:
        return sum(1 for row in self.rows if row.outcome and row.outcome.verdict == Verdict.KEPT)

    @property
    def dropped(self) -> int:
        return sum(1 for row in self.rows if row.outcome and row.outcome.verdict == Verdict.DROPPED)


def chosen_awards(revisit: RevisitRound) -> dict[int, Result]:
    """The chosen RTs' awards in the source's published result set, by RT (1 query): the
    round's RTs only, never every winner of the city."""
    # From the RTs' entries, not from the result set (`_published_winners`' `entries`).
    chosen = Entry.objects.filter(rt_id__in=list(revisit.chosen))
    rows = _published_winners(revisit.source_id, entries=chosen).select_related("entry").order_by()
    return {row.entry.rt_id: row for row in rows}


def revisit_page(revisit: RevisitRound) -> RevisitPage:
    """What the round's page and its xlsx show, in a fixed number of queries, reading the
    round's own RTs and their awards only (the draw's audit is kept: `draw_audit`)."""
    competition = revisit.competition
    awards = chosen_awards(revisit)
    entries = {
        entry.rt_id: entry
        for entry in Entry.objects.filter(competition=competition)
        .select_related("rt__kelurahan__kecamatan", "assignment__team")
        .order_by()
    }
    coverage = sheet_coverage(competition, jury_panel(competition))
    outcomes = {outcome.rt_id: outcome for outcome in revisit.outcomes.all()}
    rows = []
    for rt_id in revisit.chosen:
        entry = entries.get(rt_id)
        if entry is None:
            continue
        assignment = getattr(entry, "assignment", None)
        found = coverage.get(entry.pk)
        rows.append(
            RevisitRow(
                entry.rt,
                entry,
                awards.get(rt_id),
                assignment.team.name if assignment else "",
                found.submitted if found else 0,
                found.expected if found else 0,
                outcomes.get(rt_id),
            )
        )
    return RevisitPage(revisit, rows, draw_audit(revisit))


@dataclass(frozen=True)
class RTRevisit:
    """One outcome as the RT's public page shows it."""

    title: str
    source_title: str
    concluded_at: datetime | None
    outcome: RevisitOutcome


def rt_revisits(rt: RT) -> list[RTRevisit]:
    """The RT's concluded re-visit outcomes, newest first (1 query)."""
    rows = (
        RevisitOutcome.objects.filter(rt=rt, round__concluded_at__isnull=False)
        .select_related("round__competition", "round__source")
        .order_by("-round__concluded_at")
    )
    return [
        RTRevisit(revisit_title(row.round), row.round.source.title, row.round.concluded_at, row)
        for row in rows
    ]


# --- The award's photos beside the re-visit's (scoring.comparisons) -----------------------


def revisit_earlier_photos(entries: list[Entry]) -> dict[int, list[EarlierPhoto]]:
    """For the entries of re-visit rounds: the award entry's photos of the same RT, by
    indicator (3 queries whatever the number of entries; none for a list without a round)."""
    rounds = dict(
        RevisitRound.objects.filter(
            competition_id__in={entry.competition_id for entry in entries}
        ).values_list("competition_id", "source_id")
    )
    if not rounds:
        return {}
    years = dict(Competition.objects.filter(pk__in=rounds.values()).values_list("pk", "year"))
    wanted = {
        (rounds[entry.competition_id], entry.rt_id): entry.pk
        for entry in entries
        if entry.competition_id in rounds
    }
    found: dict[int, list[EarlierPhoto]] = {}
    photos = (
        Evidence.objects.filter(
            entry__competition_id__in=set(rounds.values()),
            entry__rt_id__in={rt_id for _source, rt_id in wanted},
            indicator__isnull=False,
        )
        .order_by("pk")
        .values_list(
            "pk", "entry__competition_id", "entry__rt_id", "indicator_id", "latitude", "longitude"
        )
    )
    for pk, source_id, rt_id, indicator_id, latitude, longitude in photos:
        entry_id = wanted.get((source_id, rt_id))
        if entry_id is None:
            continue
        found.setdefault(entry_id, []).append(
            EarlierPhoto(
                pk=pk,
                indicator_id=indicator_id,
                thumb_url=reverse("revisit-photo", args=[entry_id, pk, "thumb"]),
                web_url=reverse("revisit-photo", args=[entry_id, pk, "web"]),
                caption=_("Foto lomba %(year)s") % {"year": years[source_id]},
                latitude=latitude,
                longitude=longitude,
            )
        )
    return found
