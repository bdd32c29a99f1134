"""What each role may do with competitions and entries, named once (django-rules).

Scope (which entries a user sees at all) is `Entry.objects.for_user`; these
rules say what the user's role may do with an entry it can see. Whether the
competition's stage still allows it is `competitions.stages`, asked by the
services, which explain themselves to the user. A refused action answers 403.
"""

from __future__ import annotations

import rules

from bantar.models import User
from bantar.rules import (
    is_city_reader,
    is_kecamatan_officer,
    is_kelurahan_officer,
    is_panitia,
    is_region_officer,
)
from competitions.models import Entry


@rules.predicate
def is_entry_kelurahan_officer(user: User, entry: Entry | None) -> bool:
    return (
        entry is not None
        and is_kelurahan_officer(user)
        and entry.rt.kelurahan_id == user.kelurahan_id
    )


@rules.predicate
def is_entry_kecamatan_officer(user: User, entry: Entry | None) -> bool:
    return (
        entry is not None
        and is_kecamatan_officer(user)
        and entry.rt.kelurahan.kecamatan_id == user.kecamatan_id
    )


rules.add_perm("competitions.view_entries", is_region_officer | is_city_reader)
rules.add_perm("competitions.propose_entry", is_kelurahan_officer)
rules.add_perm("competitions.edit_entry", is_entry_kelurahan_officer)
rules.add_perm("competitions.verify_entries", is_kecamatan_officer)
rules.add_perm("competitions.verify_entry", is_entry_kecamatan_officer)
rules.add_perm("competitions.import_entries", is_panitia)
rules.add_perm("competitions.advance_stage", is_panitia)
# Who sees a head of RT's name and phone is `scoring.see_contacts` (scoring/rules.py): it
# needs the jury's assignments, which live above this app.
# Issue 14: a new competition on a chosen instrument (competitions.instrument_views).
rules.add_perm("competitions.create_competition", is_panitia)
