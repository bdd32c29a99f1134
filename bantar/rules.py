"""The roles as django-rules predicates: the one vocabulary every app's rules build on.

Each app names its actions once, in its own `rules.py`, from these predicates
(`competitions.propose_entry`, `scoring.finalise`, ...). Views ask for an action
by name with `bantar.access.permission_required` or `require`; nothing else
compares a user's role to decide what the user may do.
"""

from __future__ import annotations

import rules

from bantar.models import Role, User


def _has(user: User, *roles: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_role(*roles))


@rules.predicate
def is_kelurahan_officer(user: User) -> bool:
    return _has(user, Role.KELURAHAN) and user.kelurahan_id is not None


@rules.predicate
def is_kecamatan_officer(user: User) -> bool:
    return _has(user, Role.KECAMATAN) and user.kecamatan_id is not None


@rules.predicate
def is_juror(user: User) -> bool:
    return _has(user, Role.JURI)


@rules.predicate
def is_panitia(user: User) -> bool:
    """The committee; the admin and a superuser act as the committee too."""
    return _has(user, Role.PANITIA, Role.ADMIN)


@rules.predicate
def is_pejabat(user: User) -> bool:
    return _has(user, Role.PEJABAT)


@rules.predicate
def is_admin(user: User) -> bool:
    return _has(user, Role.ADMIN)


is_city_reader = is_panitia | is_pejabat
is_region_officer = is_kelurahan_officer | is_kecamatan_officer

# The portal's own actions (each app names its own in its rules.py).
rules.add_perm("bantar.read_mail_log", is_panitia)
