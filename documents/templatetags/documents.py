"""Words of the printed documents."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def kampung(name: str) -> str:
    """'Melati' -> 'Kampung Melati'; a name that already says 'Kampung ...' stays as it is."""
    name = (name or "").strip()
    if not name or name.lower().startswith("kampung"):
        return name
    return _("Kampung %(name)s") % {"name": name}
