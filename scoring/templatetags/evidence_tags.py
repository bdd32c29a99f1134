"""An indicator's photos out of `scoring.evidence.PhotoGroups`, for the sheet and explain pages."""

from __future__ import annotations

from django import template

from scoring.evidence import PhotoCard, PhotoGroups

register = template.Library()


@register.filter
def photos_of(groups: PhotoGroups | None, code: str) -> list[PhotoCard]:
    """The first photos of indicator `code` ("" for the RT as a whole); none when it has none."""
    return groups.by_indicator.get(code or "", []) if groups else []


@register.filter
def more_photos_of(groups: PhotoGroups | None, code: str) -> int:
    """How many more photos of `code` the photo page holds than the sheet and explain pages show."""
    return groups.more.get(code or "", 0) if groups else 0
