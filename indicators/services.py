"""Writing instruments: a new version is a deep copy, and only an unlocked version is edited.

A revised regulation (or another city's contest) starts from `instrument_copy`: pillars,
indicators and level descriptors are copied into version + 1 with `parent` set, and the
copy is edited with the services below. Every edit first asks `check_instrument_editable`:
an instrument a competition has used past registration is what juries scored against,
so it never changes (the refusal names the competition and its stage).

Which stages lock is the competitions' stage table (Write.INSTRUMENT_EDIT). This layer
may not import competitions, so competitions registers its check here at start-up
(`LOCK_CHECKS`), and the follow-up that keeps a draft competition's weights and scale in
step with its instrument (`FOLLOWERS`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, ProtectedError
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, Instrument, Level, Pillar
from indicators.selectors import InstrumentLock

ERROR_LAST_PILLAR = _("Instrumen harus punya paling sedikit satu pilar.")
ERROR_LAST_INDICATOR = _("Pilar harus punya paling sedikit satu indikator; hapus pilarnya saja.")
ERROR_IN_USE = _("%(thing)s sudah dipakai dalam penilaian dan tidak dapat dihapus.")
ERROR_DESCRIPTOR_OUTSIDE_SCALE = _(
    "Uraian untuk nilai %(value)s di luar skala instrumen (%(low)s-%(high)s)."
)
ERROR_NO_MOVE = _("Pilar ini sudah di ujung urutan.")
# The scoring page offers a juror only the values that have a descriptor: each one needs its own.
ERROR_DESCRIPTOR_MISSING = _(
    "Tulis uraian untuk setiap nilai skala; belum ada untuk nilai %(values)s."
)

# Marking an instrument ready (siap dipakai), and what a new competition asks of it.
ERROR_READY_NO_PILLAR = _(
    "Instrumen belum dapat ditandai siap dipakai: belum ada pilar yang berisi indikator."
)
# Its weight would count a pillar total with nothing in it in every result.
ERROR_READY_EMPTY_PILLAR = _(
    "Instrumen belum dapat ditandai siap dipakai: pilar %(codes)s belum berisi indikator."
)
ERROR_READY_SCALE = _(
    "Instrumen belum dapat ditandai siap dipakai: skala atau nama tingkatnya tidak sah. %(reason)s"
)
ERROR_READY_DESCRIPTORS = _(
    "Instrumen belum dapat ditandai siap dipakai: indikator %(codes)s belum punya uraian "
    "untuk setiap nilai skala."
)
# Pillars and indicators are what a competition's weights and score sheets are made of, and
# what the public guide shows RTs preparing for it: once the panitia has marked a version
# ready (every competition is made on a ready one), its structure stays; a new one is a copy.
ERROR_READY_STRUCTURE = _(
    "%(instrument)s sudah ditandai siap dipakai: pilar dan indikatornya tidak dapat "
    "ditambah atau dihapus lagi, agar kompetisi yang memakainya dan panduan publik tetap sama. "
    "Salin ke versi baru, ubah salinannya, lalu tandai siap dipakai."
)
# The pillars' order is the tie-break order of every competition on the instrument (and the
# order of the public guide and of the score sheet): a ready version keeps it too.
ERROR_READY_ORDER = _(
    "%(instrument)s sudah ditandai siap dipakai: urutan pilarnya (juga urutan penentu "
    "peringkat bila nilai akhir sama) tidak dapat diubah lagi, agar kompetisi yang memakainya "
    "dan panduan publik tetap sama. Salin ke versi baru, ubah salinannya, lalu tandai siap "
    "dipakai."
)
# A wider scale would offer values no indicator has a descriptor for: a ready version would
# no longer be ready (the scoring page offers a juror only described values, and a new
# competition on it is refused). A narrower one keeps every value described.
ERROR_READY_WIDER_SCALE = _(
    "%(instrument)s sudah ditandai siap dipakai: skalanya tidak dapat diperluas ke nilai "
    "%(values)s, karena indikatornya belum punya uraian untuk nilai itu. Salin ke versi baru, "
    "ubah salinannya, lalu tandai siap dipakai."
)
ERROR_NOT_READY = _(
    "Instrumen %(instrument)s masih draf. Tandai dulu siap dipakai di halaman instrumen "
    "sebelum membuat kompetisi dengannya."
)

# Each answers, for the instruments asked about, the competitions that lock each (with the
# stage table's refusal); an instrument it leaves out, or answers with [], is editable. One
# query for any number of instruments, so the list page does not grow a query per version.
LOCK_CHECKS: list[Callable[[Sequence[Instrument]], dict[int, list[InstrumentLock]]]] = []
# Each brings what points at the instrument (a draft competition's weights and scale) in
# step after an edit; it raises ValidationError when it cannot, and the edit is undone.
FOLLOWERS: list[Callable[[Instrument], None]] = []


def instruments_locks(instruments: Sequence[Instrument]) -> dict[int, list[InstrumentLock]]:
    """Instrument pk -> the competitions past registration holding it, each with its reason."""
    locks: dict[int, list[InstrumentLock]] = {instrument.pk: [] for instrument in instruments}
    for check in LOCK_CHECKS:
        for pk, found in check(instruments).items():
            locks[pk].extend(found)
    return locks


def instrument_locks(instrument: Instrument) -> list[InstrumentLock]:
    """The competitions past registration holding the instrument: why it can no longer change.
    The pages list these, so which stages lock is decided by the stage table alone."""
    return instruments_locks([instrument])[instrument.pk]


def check_instrument_editable(instrument: Instrument) -> None:
    locks = instrument_locks(instrument)
    if locks:
        # The stage table's code on each, as tests/competitions/test_stages.py asks.
        raise ValidationError(
            [ValidationError(lock.reason, code="instrument_locked") for lock in locks]
        )


def _check_structure_editable(instrument: Instrument) -> None:
    """Refuse adding or removing a pillar or an indicator of a ready instrument (after the
    lock, whose refusal names the competitions). Read from the database, not the object the
    caller holds: a pillar's cached instrument may predate its marking ready."""
    if _is_ready(instrument):
        raise ValidationError(
            ERROR_READY_STRUCTURE,
            code="instrument_ready_structure",
            params={"instrument": str(instrument)},
        )


def _is_ready(instrument: Instrument) -> bool:
    # From the database: a cached instrument may predate its marking ready.
    return Instrument.objects.filter(pk=instrument.pk, ready=True).exists()


def _followed(instrument: Instrument) -> None:
    for follow in FOLLOWERS:
        follow(instrument)


def _saved(obj: Instrument | Pillar | Indicator | Level) -> None:
    obj.full_clean()
    obj.save()


def instrument_readiness_problems(instrument: Instrument) -> list[ValidationError]:
    """What keeps the instrument from being used by a competition: no pillar with indicators,
    a scale without its level names, an indicator without a descriptor for every value of the
    scale (the scoring page would not offer a juror that value), a pillar without indicators.
    Two queries."""
    problems: list[ValidationError] = []
    try:
        instrument.full_clean(exclude=["parent"], validate_unique=False)
    except ValidationError as error:
        problems.append(
            ValidationError(
                ERROR_READY_SCALE, code="ready_scale", params={"reason": " ".join(error.messages)}
            )
        )
    sizes = (
        Pillar.objects.filter(instrument=instrument)
        .annotate(size=Count("indicators"))
        .order_by("order")
        .values_list("code", "size")
    )
    empty = [code for code, size in sizes if not size]
    if len(empty) == len(sizes):
        problems.append(ValidationError(ERROR_READY_NO_PILLAR, code="ready_no_pillar"))
    elif empty:
        # Named only beside pillars that are fine: with none, the refusal above says it all.
        problems.append(
            ValidationError(
                ERROR_READY_EMPTY_PILLAR,
                code="ready_empty_pillar",
                params={"codes": ", ".join(empty)},
            )
        )
    scale = list(instrument.scale)
    incomplete = [
        code for code, values in _descriptor_values(instrument).items() if not set(scale) <= values
    ]
    if incomplete:
        problems.append(
            ValidationError(
                ERROR_READY_DESCRIPTORS,
                code="ready_descriptors",
                params={"codes": ", ".join(incomplete)},
            )
        )
    return problems


def _descriptor_values(instrument: Instrument) -> dict[str, set[int]]:
    """Indicator code -> the values it has a non-blank descriptor for, in guide order."""
    found: dict[str, set[int]] = {}
    rows = (
        Indicator.objects.filter(instrument=instrument)
        .order_by("pillar__order", "number")
        .values_list("code", "levels__value", "levels__descriptor")
    )
    for code, value, descriptor in rows:
        values = found.setdefault(code, set())
        if value is not None and (descriptor or "").strip():
            values.add(value)
    return found


def check_instrument_ready(instrument: Instrument) -> None:
    """Refuse a competition on a draft instrument, or on a ready one edited into a state that
    could not be scored."""
    if not instrument.ready:
        raise ValidationError(
            ERROR_NOT_READY, code="instrument_not_ready", params={"instrument": str(instrument)}
        )
    problems = instrument_readiness_problems(instrument)
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def instrument_mark_ready(*, instrument: Instrument) -> Instrument:
    """The panitia's word that the copy is finished: from now on it may be chosen for a new
    competition, and as the newest ready one it becomes the default. Allowed on a locked
    instrument too (it changes nothing juries score against)."""
    problems = instrument_readiness_problems(instrument)
    if problems:
        raise ValidationError(problems)
    instrument.ready = True
    _saved(instrument)
    return instrument


@transaction.atomic
def instrument_copy(*, instrument: Instrument) -> Instrument:
    """Version + 1 of the instrument's name: every pillar, indicator and descriptor copied.

    Always allowed (the original is only read); the copy belongs to no competition yet.
    """
    newest = Instrument.objects.filter(name=instrument.name).aggregate(v=Max("version"))["v"]
    copy = Instrument(
        name=instrument.name,
        legal_basis=instrument.legal_basis,
        version=(newest or instrument.version) + 1,
        scale_min=instrument.scale_min,
        scale_max=instrument.scale_max,
        level_names=dict(instrument.level_names),
        parent=instrument,
        # A draft until the panitia marks it ready: never the default while being edited.
        ready=False,
    )
    _saved(copy)
    for pillar in Pillar.objects.filter(instrument=instrument).order_by("order"):
        new_pillar = Pillar(
            instrument=copy,
            code=pillar.code,
            name=pillar.name,
            order=pillar.order,
            description=pillar.description,
        )
        _saved(new_pillar)
        for indicator in pillar.indicators.order_by("number").prefetch_related("levels"):
            new_indicator = Indicator(
                instrument=copy,
                pillar=new_pillar,
                code=indicator.code,
                number=indicator.number,
                text=indicator.text,
                guidance=indicator.guidance,
            )
            _saved(new_indicator)
            Level.objects.bulk_create(
                Level(indicator=new_indicator, value=level.value, descriptor=level.descriptor)
                for level in indicator.levels.all()
            )
    return copy


@transaction.atomic
def instrument_update(
    *,
    instrument: Instrument,
    name: str,
    legal_basis: str,
    scale_min: int,
    scale_max: int,
    level_names: Mapping[int, str],
) -> Instrument:
    """The instrument's own fields. Descriptors of values the new scale drops are removed.
    A ready instrument's scale may narrow, never widen (ERROR_READY_WIDER_SCALE)."""
    check_instrument_editable(instrument)
    added = sorted(set(range(scale_min, scale_max + 1)) - set(instrument.scale))
    if added and _is_ready(instrument):
        raise ValidationError(
            ERROR_READY_WIDER_SCALE,
            code="instrument_ready_wider_scale",
            params={"instrument": str(instrument), "values": ", ".join(map(str, added))},
        )
    instrument.name = name
    instrument.legal_basis = legal_basis
    instrument.scale_min = scale_min
    instrument.scale_max = scale_max
    instrument.level_names = {str(value): text for value, text in level_names.items()}
    _saved(instrument)
    Level.objects.filter(indicator__instrument=instrument).exclude(
        value__in=list(instrument.scale)
    ).delete()
    _followed(instrument)
    return instrument


@transaction.atomic
def pillar_add(*, instrument: Instrument, code: str, name: str, description: str = "") -> Pillar:
    """A pillar at the end of the order (the tie-break order too). Only on a draft: on a
    ready instrument it would be an empty pillar with a weight in its competitions."""
    check_instrument_editable(instrument)
    _check_structure_editable(instrument)
    last = Pillar.objects.filter(instrument=instrument).aggregate(o=Max("order"))["o"]
    pillar = Pillar(
        instrument=instrument,
        code=code.strip().upper(),
        name=name,
        order=(last or 0) + 1,
        description=description,
    )
    _saved(pillar)
    _followed(instrument)
    return pillar


@transaction.atomic
def pillar_update(*, pillar: Pillar, name: str, description: str) -> Pillar:
    check_instrument_editable(pillar.instrument)
    pillar.name = name
    pillar.description = description
    _saved(pillar)
    return pillar


@transaction.atomic
def pillar_move(*, pillar: Pillar, up: bool) -> Pillar:
    """Swap the pillar with its neighbour above (or below): page order and tie-break order.
    Only on a draft (ERROR_READY_ORDER)."""
    check_instrument_editable(pillar.instrument)
    if _is_ready(pillar.instrument):
        raise ValidationError(
            ERROR_READY_ORDER,
            code="instrument_ready_order",
            params={"instrument": str(pillar.instrument)},
        )
    siblings = Pillar.objects.filter(instrument=pillar.instrument_id)
    neighbour = (
        siblings.filter(order__lt=pillar.order).order_by("-order").first()
        if up
        else siblings.filter(order__gt=pillar.order).order_by("order").first()
    )
    if neighbour is None:
        raise ValidationError(ERROR_NO_MOVE, code="no_move")
    mine, theirs = pillar.order, neighbour.order
    # (instrument, order) is unique: park one pillar on a free order while they swap.
    free = (siblings.aggregate(o=Max("order"))["o"] or 0) + 1
    Pillar.objects.filter(pk=pillar.pk).update(order=free)
    # Saved, not updated: a pillar's save is what tells the apps above that the instrument
    # changed (scoring.result_cache renews the result version of its competitions, so a kept
    # table never shows the old order); a QuerySet.update tells nobody.
    for moved, order in ((neighbour, mine), (pillar, theirs)):
        moved.order = order
        moved.full_clean()
        moved.save(update_fields=["order"])  # the order only: the caller's copy may be older
    return pillar


@transaction.atomic
def pillar_remove(*, pillar: Pillar) -> None:
    """The pillar with its indicators and their descriptors."""
    instrument = pillar.instrument
    check_instrument_editable(instrument)
    _check_structure_editable(instrument)
    if Pillar.objects.filter(instrument=instrument).count() <= 1:
        raise ValidationError(ERROR_LAST_PILLAR, code="last_pillar")
    try:
        Level.objects.filter(indicator__pillar=pillar).delete()
        Indicator.objects.filter(pillar=pillar).delete()
        pillar.delete()
    except ProtectedError as error:
        raise ValidationError(ERROR_IN_USE, code="in_use", params={"thing": pillar.name}) from error
    _followed(instrument)


@transaction.atomic
def indicator_add(*, pillar: Pillar, code: str, text: str, guidance: str = "") -> Indicator:
    """An indicator at the end of its pillar; its descriptors are written with indicator_update.
    Only on a draft: on a ready instrument it would be a score-sheet row without descriptors."""
    check_instrument_editable(pillar.instrument)
    _check_structure_editable(pillar.instrument)
    last = Indicator.objects.filter(pillar=pillar).aggregate(n=Max("number"))["n"]
    indicator = Indicator(
        instrument=pillar.instrument,
        pillar=pillar,
        code=code.strip().upper(),
        number=(last or 0) + 1,
        text=text,
        guidance=guidance,
    )
    _saved(indicator)
    return indicator


@transaction.atomic
def indicator_update(
    *, indicator: Indicator, text: str, guidance: str, descriptors: Mapping[int, str]
) -> Indicator:
    """Text, guidance and the descriptor of every value of the scale (none may be blank)."""
    instrument = indicator.pillar.instrument
    check_instrument_editable(instrument)
    outside = sorted(set(descriptors) - set(instrument.scale))
    if outside:
        raise ValidationError(
            ERROR_DESCRIPTOR_OUTSIDE_SCALE,
            code="descriptor_outside_scale",
            params={
                "value": outside[0],
                "low": instrument.scale_min,
                "high": instrument.scale_max,
            },
        )
    missing = [v for v in instrument.scale if not (descriptors.get(v) or "").strip()]
    if missing:
        raise ValidationError(
            ERROR_DESCRIPTOR_MISSING,
            code="descriptor_missing",
            params={"values": ", ".join(str(v) for v in missing)},
        )
    indicator.text = text
    indicator.guidance = guidance
    _saved(indicator)
    existing = {level.value: level for level in indicator.levels.all()}
    for value, descriptor in descriptors.items():
        level = existing.get(value) or Level(indicator=indicator, value=value)
        level.descriptor = descriptor.strip()
        _saved(level)
    return indicator


@transaction.atomic
def indicator_remove(*, indicator: Indicator) -> None:
    pillar = indicator.pillar
    check_instrument_editable(pillar.instrument)
    _check_structure_editable(pillar.instrument)
    if Indicator.objects.filter(pillar=pillar).count() <= 1:
        raise ValidationError(ERROR_LAST_INDICATOR, code="last_indicator")
    try:
        indicator.levels.all().delete()
        indicator.delete()
    except ProtectedError as error:
        raise ValidationError(
            ERROR_IN_USE, code="in_use", params={"thing": indicator.code}
        ) from error
