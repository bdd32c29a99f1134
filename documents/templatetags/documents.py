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


@register.inclusion_tag("documents/_home_links.html", takes_context=True)
def documents_links(context: template.Context) -> dict[str, object]:
    """The latest published competition's Lampiran SK and piagam, one tap from a city home."""
    from bantar.access import may
    from scoring.public import published_competitions

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not may(user, "scoring.read_plenary"):
        return {"competition": None}
    return {"competition": published_competitions().first()}
