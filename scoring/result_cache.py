"""Result tables kept between requests, under the competition's data version (issue 19).

Every results page needs the whole competition's table (the ranking needs every RT), and
at 10x city scale computing it takes seconds. The table is therefore kept in Django's cache
(`CACHES["results"]`, a database table by default: every gunicorn process shares it) with
the competition's `ResultVersion` token. Every write that can change a result gives the
competition a new random token in the same transaction, so a table is never read once its
data differ; the first request after a write computes it again.

The token changes on the saves and deletions of the models below (the signals, connected
by `ScoringConfig.ready`): scores of a submitted sheet, sheets (submission, reopening),
recusals and excusals, teams, members and their remit, assignments, entries (category,
KK, status, calibration), evidence photos (the plenary's shared photos), jurors' names, competitions (rules, weights, normalisation, instrument, stage:
finalisation and reopening go through `competition_move`), size categories and prizes,
frozen result sets, the instrument's pillars and indicators, and the region names the
tables show. Writes that bypass `save()` (`QuerySet.update`, `bulk_create`: the demo
seeding, the benchmarks' city) must call `result_version_bump` themselves.

The key also names what the computation reads besides the database: the language (the
warnings are translated when computed), the missing-indicator setting, the competition
object's own fields (a caller's object may be older than the row) and a digest of the
code that computes the tables (a deploy never reads a table of the old code).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db.models import Model, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

from bantar.models import User
from competitions.models import RT, Competition, Entry, Kecamatan, Kelurahan, SizeCategory
from indicators.models import Indicator, Instrument, Pillar
from scoring.models import (
    Assignment,
    Evidence,
    Excusal,
    JuryMember,
    JuryTeam,
    Recusal,
    ResultSet,
    ResultVersion,
    Score,
    ScoreSheet,
    SheetStatus,
)

CACHE_ALIAS = "results"
T = TypeVar("T")

# The apps whose code computes kept values (the results tables, and the pages, homes,
# rekaps, panels and re-visit figures of scoring, season, coaching, documents and
# competitions): the digest of all their Python is part of every key, so a deploy never
# reads a value of the old code, whatever module made it or whatever shape it had.
_APPS = ("bantar", "competitions", "indicators", "scoring", "season", "coaching", "documents")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the apps' Python source (once per process: ~300 files, a few ms)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for app in _APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _new_token() -> str:
    return uuid.uuid4().hex


def result_version_bump(competition_ids: Iterable[int] | None = None) -> None:
    """A new token for these competitions (None: every competition), in the caller's
    transaction: the tables kept under the old one are never read again (1 query)."""
    versions = ResultVersion.objects.all()
    if competition_ids is not None:
        versions = versions.filter(competition_id__in=list(competition_ids))
    versions.update(token=_new_token())


def _bump_where(condition: Q) -> None:
    """A new token for the competitions `condition` (on ResultVersion) finds (1 query)."""
    ResultVersion.objects.filter(condition).update(token=_new_token())


def result_version(competition: Competition) -> str | None:
    """The competition's current token (1 query); None: no version yet, nothing is kept."""
    return (
        ResultVersion.objects.filter(competition_id=competition.pk)
        .values_list("token", flat=True)
        .first()
    )


def _key(name: str, competition: Competition) -> str:
    fields = repr([getattr(competition, f.attname) for f in competition._meta.concrete_fields])
    own = hashlib.sha256(fields.encode()).hexdigest()[:16]
    return ":".join(
        (
            "bantar-results",
            code_digest(),
            name,
            str(competition.pk),
            own,
            get_language() or "",
            str(settings.BANTAR_MISSING_INDICATOR),
        )
    )


def viewer(user: User) -> str:
    """What a kept page of one user depends on: who it is and what it may see. An officer the
    admin moves to another kelurahan, or a panitia made an officer, gets a new key, not the
    rows of the region or role it had (a User save renews no result version)."""
    # is_superuser too: it makes any role city-wide (User.is_city_wide).
    return f"{user.pk}.{user.role}.{int(user.is_superuser)}.{user.kecamatan_id}.{user.kelurahan_id}"


def cached(name: str, competition: Competition, compute: Callable[[], T]) -> T:
    """`compute()`'s value kept with the competition's data version (2 queries when kept).

    One entry per competition and name, holding (token, value): a new token replaces the
    entry instead of leaving the old table behind (4.8 MB at 10x city scale). The token is
    read before computing: a write committed meanwhile gives a new token, so a value
    computed from newer data under the older token is never older than its token says.
    """
    token = result_version(competition)
    if token is None:
        return compute()
    cache = caches[CACHE_ALIAS]
    key = _key(name, competition)
    found = cache.get(key)
    if found is not None and found[0] == token:
        return found[1]
    value = compute()
    cache.set(key, (token, value))
    return value


# --- Every write that can change a result gives its competition a new token ---------------


def _competition_saved(instance: Competition, created: bool, raw: bool, **_kwargs: Any) -> None:
    if raw:  # loaddata (a restore brings its own versions)
        return
    if created:
        ResultVersion.objects.get_or_create(
            competition_id=instance.pk, defaults={"token": _new_token()}
        )
    else:
        result_version_bump([instance.pk])


def _score_changed(instance: Score, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    # Only a submitted sheet's levels count; a juror's draft (every autosave) changes nothing.
    sheet = Score.sheet.field.get_cached_value(instance, None)
    if isinstance(sheet, ScoreSheet) and sheet.status != SheetStatus.SUBMITTED:
        return
    _bump_where(
        Q(competition__entries__sheets__pk=instance.sheet_id)
        & Q(competition__entries__sheets__status=SheetStatus.SUBMITTED)
    )


def _sheet_changed(instance: ScoreSheet, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if kwargs.get("created") and instance.status != SheetStatus.SUBMITTED:
        return  # a new draft: nothing of it counts yet
    _bump_where(Q(competition__entries__pk=instance.entry_id))


def _by_competition(instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    result_version_bump([instance.competition_id])


def _by_entry(instance: Recusal | Excusal | Evidence, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    _bump_where(Q(competition__entries__pk=instance.entry_id))


def _by_team(instance: JuryMember | Assignment, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    _bump_where(Q(competition__jury_teams__pk=instance.team_id))


def _remit_changed(
    instance: Model, action: str, reverse: bool, pk_set: set[int] | None, **_kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:  # a member's remit
        _bump_where(Q(competition__jury_teams__members__pk=instance.pk))
    elif pk_set:  # a pillar's members: theirs
        _bump_where(Q(competition__jury_teams__members__pk__in=pk_set))
    else:  # a pillar's members cleared: every competition of its instrument
        _bump_where(Q(competition__instrument__pillars__pk=instance.pk))


def _by_instrument(instance: Pillar | Indicator | Instrument, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    instrument = instance.pk if isinstance(instance, Instrument) else instance.instrument_id
    _bump_where(Q(competition__instrument_id=instrument))


def _every_competition(**kwargs: Any) -> None:
    """Region names and RT numbers: shown in every table, changed rarely."""
    if kwargs.get("raw"):
        return
    result_version_bump()


# A juror's name is shown in the plenary's blockers and progress; a login only stamps this.
_NAME_FIELDS = frozenset({"first_name", "last_name", "username"})


def _user_saved(instance: User, raw: bool, update_fields: Any = None, **_kwargs: Any) -> None:
    if raw or (update_fields is not None and not _NAME_FIELDS & set(update_fields)):
        return
    _bump_where(Q(competition__jury_teams__members__user_id=instance.pk))


_UID = "scoring.result_cache"


def connect() -> None:
    """Connect the signals above (from `ScoringConfig.ready`; idempotent by dispatch_uid)."""
    post_save.connect(_competition_saved, sender=Competition, dispatch_uid=f"{_UID}.competition")
    post_save.connect(_user_saved, sender=User, dispatch_uid=f"{_UID}.user")
    handlers: list[tuple[Callable[..., None], tuple[type[Model], ...]]] = [
        (_score_changed, (Score,)),
        (_sheet_changed, (ScoreSheet,)),
        (_by_competition, (Entry, SizeCategory, JuryTeam, ResultSet)),
        # Evidence: the plenary's shared photos (its facts are kept with the table).
        (_by_entry, (Recusal, Excusal, Evidence)),
        (_by_team, (JuryMember, Assignment)),
        (_by_instrument, (Pillar, Indicator, Instrument)),
        (_every_competition, (Kecamatan, Kelurahan, RT)),
    ]
    for signal, kind in ((post_save, "save"), (post_delete, "delete")):
        for handler, models in handlers:
            for model in models:
                uid = f"{_UID}.{model.__name__}.{kind}"
                signal.connect(handler, sender=model, dispatch_uid=uid)
    m2m_changed.connect(
        _remit_changed, sender=JuryMember.pillars.through, dispatch_uid=f"{_UID}.remit"
    )
