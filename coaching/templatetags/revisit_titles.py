"""`{{ round|revisit_title }}`: a re-visit round's title in the reader's language
(coaching.revisits.revisit_title; the stored one is in the portal's language)."""

from __future__ import annotations

from django import template

from coaching.models import RevisitRound
from coaching.revisits import revisit_title as title_of

register = template.Library()


@register.filter
def revisit_title(revisit: RevisitRound) -> str:
    return title_of(revisit)
