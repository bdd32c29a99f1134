"""Keeping the coaching view's figures when results are published (issue 19).

The coaching page reads; it never writes. Each publication (and reopening) changes what the
page shows, so then, after the commit (`scoring.signals`, received from `CoachingConfig`):

- each current published set's indicator sums (`KeptSums`) and narrow results
  (`KeptShowing`), worked out once: a set never changes (a correction is a new set), and
  summing its explanations took 1.25 s at city scale, 6.1 s at 10x, on the first page
  after a publication;
- the view of today's sets together (`KeptView`): each RT's list and position, each drop's
  rank, each kelurahan's counts, so a page is a range of an index, not a pass over every
  result of the city.

The page trusts a view only over the master data it was worked out over (each kelurahan's
fingerprint, for the area it shows); when an RT was added or moved since, the page counts in
SQL as before until the next publication, or `manage.py coaching_keep`.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from typing import Any

from django.db import connection, transaction

from coaching.models import KeptCount, KeptDrop, KeptShowing, KeptStanding, KeptSums, KeptView
from coaching.selectors import (
    CITY_PART,
    _AreaSQL,
    _fetch,
    _is_kept,
    area_fingerprints,
    published_editions,
    set_sums,
    view_key,
)
from competitions.models import Entry, Kelurahan
from scoring.models import Result

# The set's results, narrow (coaching.models.KeptShowing), in one statement.
_KEEP_SHOWINGS_SQL = """
    INSERT INTO {kept} (result_set_id, rt_id, final, is_winner)
    SELECT r.result_set_id, e.rt_id, r.final, r.is_winner
    FROM {result} r JOIN {entry} e ON e.id = r.entry_id WHERE r.result_set_id = %s
    ON CONFLICT DO NOTHING
"""
# Each RT's list and its position in the master data's order (`_LISTS_SQL`'s "listed").
_KEEP_STANDING_SQL = """
    INSERT INTO {standing} (view_id, rt_id, kelurahan_id, position, kind)
    {lists}
    SELECT %s, id, kelurahan_id, ROW_NUMBER() OVER (ORDER BY code, number), list FROM listed
"""
# Each drop with its rank in the page's order (`_DROPS_PAGE_SQL`'s).
_KEEP_DROPS_SQL = """
    INSERT INTO {drop} (view_id, rank, rt_id, kelurahan_id, before_set, before_final,
                        before_winner, after_set, after_final, after_winner)
    {drops}
    SELECT %s, ROW_NUMBER() OVER (
               ORDER BY ROUND((final - before_final) * 10000), name, code, number, pos),
           rt_id, kelurahan_id, before_set, before_final, before_winner, set_id, final,
           is_winner
    FROM drops
"""


# The key of the PostgreSQL advisory lock that makes keeps wait for each other (any int64).
_KEEP_LOCK = zlib.crc32(b"coaching.kept.coaching_keep")


def _one_at_a_time() -> None:
    """Keeps wait for each other until the one before has committed.

    Each keep deletes the kept rows and inserts them anew. Two at once (two publications
    committed together, or `manage.py coaching_keep` during one) each inserted the same view
    and sums: under PostgreSQL's READ COMMITTED the second's delete does not see the first's
    new rows, and its insert then failed on their unique key (kept_sums_unique_part, the
    view's `sets`). A transaction-scoped advisory lock, taken first, serialises them; it is
    released at the commit or rollback, and taken again by the same transaction it stacks.
    SQLite needs none: the settings open every transaction IMMEDIATE, which takes the
    database's write lock at BEGIN, so a second keep already waits there."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_KEEP_LOCK])


def set_keep(result_set: int) -> None:
    """One published set's sums and narrow results, computed and kept (again: replaced)."""
    kept = set_sums(result_set)
    showings = _KEEP_SHOWINGS_SQL.format(
        kept=KeptShowing._meta.db_table, result=Result._meta.db_table, entry=Entry._meta.db_table
    )
    with transaction.atomic():  # the set's rows replaced at once
        _one_at_a_time()
        KeptSums.objects.filter(result_set_id=result_set).delete()
        KeptSums.objects.bulk_create(
            [
                KeptSums(result_set_id=result_set, part=part, sums=sums)
                for part, sums in kept.items()
            ]
        )
        KeptShowing.objects.filter(result_set_id=result_set).delete()
        with connection.cursor() as cursor:
            cursor.execute(showings, [result_set])


def _set_is_current(result_set: int) -> bool:
    """Whether a set's kept sums are there and each kelurahan's part holds the RTs that are
    the kelurahan's today (an RT moved since: computed again)."""
    parts = dict(KeptSums.objects.filter(result_set_id=result_set).values_list("part", "sums"))
    if not _is_kept(parts.get(CITY_PART)):
        return False
    members: dict[int, set[int]] = defaultdict(set)
    rows = Result.objects.filter(result_set_id=result_set).values_list(
        "entry__rt__kelurahan_id", "entry__rt_id"
    )
    for kelurahan_id, rt_id in rows.order_by():
        members[kelurahan_id].add(rt_id)
    return all(_is_kept(parts.get(pk), ids) for pk, ids in members.items()) and not [
        pk for pk, part in parts.items() if pk != CITY_PART and pk not in members and part["ids"]
    ]


@transaction.atomic
def coaching_keep() -> int | None:
    """Keeps what the coaching page reads for today's published sets: each set's sums and
    results when not kept (or kept over RTs that moved since), then the sets' view, replacing
    any other (an older combination is never read again). The view's pk, None without a
    published edition. Two at once: the second waits for the first (`_one_at_a_time`)."""
    _one_at_a_time()
    editions = published_editions()
    for edition in editions:
        if not _set_is_current(edition.result_set):
            set_keep(edition.result_set)
    KeptView.objects.all().delete()
    if not editions:
        return None
    view = KeptView.objects.create(sets=view_key(editions))
    area = _AreaSQL(None, editions)
    lists_sql, lists_params = area.lists()
    standing = _KEEP_STANDING_SQL.format(standing=KeptStanding._meta.db_table, lists=lists_sql)
    drops_sql, drops_params = area.drops()
    drops = _KEEP_DROPS_SQL.format(drop=KeptDrop._meta.db_table, drops=drops_sql)
    with connection.cursor() as cursor:
        cursor.execute(standing, [*lists_params, view.pk])
        cursor.execute(drops, [*drops_params, view.pk])
    years = sorted({edition.year for edition in editions})
    kelurahan = {k.pk: k for k in Kelurahan.objects.all()}
    fingerprints = area_fingerprints(kelurahan, city=True)
    KeptCount.objects.bulk_create(
        KeptCount(
            view=view,
            kelurahan_id=row[0],
            counts=[int(value) for value in row[1:]],
            fingerprint=fingerprints[row[0]],
        )
        for row in _fetch(*area.counts(years))
    )
    return view.pk


def keep_on_results(sender: Any, **kwargs: Any) -> None:
    """scoring.signals' receiver: results published or reopened, after the commit."""
    coaching_keep()
