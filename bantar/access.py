"""Access helpers shared by every app.

Two rules, applied the same way everywhere:
- scope: an object outside the user's region answers 404. Each model's
  queryset has `for_user(user)`, built on `region_filter` below;
- role: an action the user's role may not take answers 403. Each action is a
  django-rules permission named once in an app's `rules.py` (built on the
  role predicates of `bantar/rules.py`); a view asks for it with
  `permission_required` or `require`. Anonymous users go to the login page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from bantar.models import Role

if TYPE_CHECKING:
    from bantar.models import User

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=Model)
M_co = TypeVar("M_co", bound=Model, covariant=True)
NOTHING = Q(pk__in=[])


def region_filter(user: User, *, kelurahan: str | None, kecamatan: str | None) -> Q:
    """The Q that narrows a queryset to the user's region.

    `kelurahan` and `kecamatan` are the lookup paths from the model to the
    region's id (for example "rt__kelurahan" and "rt__kelurahan__kecamatan").
    A path of None means the role sees nothing of this model by region.
    """
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_city_wide:
        return Q()
    if user.role == Role.KELURAHAN and kelurahan and user.kelurahan_id:
        return Q(**{kelurahan: user.kelurahan_id})
    if user.role == Role.KECAMATAN and kecamatan and user.kecamatan_id:
        return Q(**{kecamatan: user.kecamatan_id})
    return NOTHING


class Scoped(Protocol[M_co]):
    """A manager or queryset with the model's scope (`for_user`)."""

    def for_user(self, user: User) -> QuerySet[M_co]: ...


class AuthenticatedRequest(HttpRequest):
    """The request of a view behind `login_required` or `permission_required`: a real user."""

    user: User  # narrower than HttpRequest's User | AnonymousUser


def get_for_user_or_404(scoped: Scoped[M], user: User, **lookup: Any) -> M:
    """Fetch one object through the model's `for_user` scope, or answer 404."""
    return get_object_or_404(scoped.for_user(user), **lookup)


def may(user: User, permission: str, obj: Any = None) -> bool:
    """Whether the user's role allows an action (django-rules).

    Asked of rules directly, not of `user.has_perm`: Django lets a superuser
    through every permission, but proposing an RT or scoring a sheet belongs to
    a kelurahan officer or a juror, whoever administers the server.
    """
    return rules.has_perm(permission, user, obj)


class RuleRefused(PermissionDenied):
    """403 from a named rule. The rule is for the log; the message stays empty, since some
    answers show the exception's text to the user (scoring.views' JSON)."""

    def __init__(self, rule: str) -> None:
        super().__init__()
        self.rule = rule


def require(user: User, permission: str, obj: Any = None) -> None:
    """403 unless the user's role allows the action on `obj` (after `for_user` found it)."""
    if not may(user, permission, obj):
        raise RuleRefused(permission)


def log_refusal(request: HttpRequest, exception: Exception) -> None:
    """One WARNING line per 403: who, where, which rule (else the refusal's reason).

    A refusal is the portal working as meant, not a fault: no traceback.
    """
    rule = getattr(exception, "rule", "") or str(exception) or "-"
    user = getattr(request, "user", None)
    username = user.get_username() if user is not None and user.is_authenticated else "-"
    # Escaped like Django's own request log, so that a path cannot forge a second line.
    path, rule = (text.encode("unicode_escape").decode("ascii") for text in (request.path, rule))
    logger.warning("403 refused: user=%s path=%s rule=%s", username, path, rule)


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def permission_required(permission: str) -> Callable[[ViewFunc], ViewFunc]:
    """The one way a view says who may use it: log in first, then the action's rule (else 403).

    Object-level rules are asked inside the view with `require(user, permission, obj)`
    once the object was looked up through its `for_user` scope (404 outside it).
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require(cast("User", request.user), permission)
            return view(request, *args, **kwargs)

        return cast(ViewFunc, login_required(wrapped))

    return decorator
