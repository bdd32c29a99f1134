"""Who may act on an entry (django-rules). A refused action answers 403.

Scope (which entries a user sees at all) is `Entry.objects.for_user`; these
rules say what the user's role may do with an entry it can see. Whether the
competition's stage still allows it is checked by the services, which explain
themselves to the user.
"""

from __future__ import annotations

import rules

from bantar.models import Role, User
from competitions.models import Entry


@rules.predicate
def is_kelurahan_officer(user: User) -> bool:
    return user.is_authenticated and user.role == Role.KELURAHAN and user.kelurahan_id is not None


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
        and user.is_authenticated
        and user.role == Role.KECAMATAN
        and entry.rt.kelurahan.kecamatan_id == user.kecamatan_id
    )


@rules.predicate
def is_panitia(user: User) -> bool:
    return user.is_authenticated and (user.role in (Role.PANITIA, Role.ADMIN) or user.is_superuser)


rules.add_perm("competitions.propose_entry", is_kelurahan_officer)
rules.add_perm("competitions.edit_entry", is_entry_kelurahan_officer)
rules.add_perm("competitions.verify_entry", is_entry_kecamatan_officer)
rules.add_perm("competitions.import_entries", is_panitia)
