"""Who and why on the audit history: the one place that stamps django-simple-history's fields."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Model

if TYPE_CHECKING:
    from bantar.models import User


def stamp(instance: Model, *, by: User | None, reason: str | None = None) -> None:
    """The next history record of `instance` names `by` and `reason` (None leaves it unset).

    django-simple-history reads these two attributes when the instance is saved;
    they are set with setattr because the model classes do not declare them.
    """
    if by is not None:
        setattr(instance, "_history_user", by)  # noqa: B010
    if reason is not None:
        setattr(instance, "_change_reason", str(reason))  # noqa: B010
