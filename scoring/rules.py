"""Who may do what in scoring (django-rules). Refusals answer 403."""

from __future__ import annotations

import rules

from bantar.models import Role, User


@rules.predicate
def is_panitia(user: User) -> bool:
    return user.is_authenticated and (user.role in (Role.PANITIA, Role.ADMIN) or user.is_superuser)


@rules.predicate
def is_juror(user: User) -> bool:
    return user.is_authenticated and user.role == Role.JURI


rules.add_perm("scoring.manage_teams", is_panitia)
rules.add_perm("scoring.review_sheets", is_panitia)
rules.add_perm("scoring.score", is_juror)
