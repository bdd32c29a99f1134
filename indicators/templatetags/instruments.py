"""The legal basis a page's footer cites: the instrument's, or the competition's instrument's."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist

from indicators.models import Instrument

register = template.Library()


@register.filter
def legal_basis(thing: Any) -> str:
    """The instrument's legal basis, or that of the competition's instrument when the page
    already loaded it (select_related): the footer never costs a query. "" otherwise."""
    if isinstance(thing, Instrument):
        return thing.legal_basis
    meta = getattr(thing, "_meta", None)
    if meta is None:
        return ""
    try:
        field = meta.get_field("instrument")
    except FieldDoesNotExist:
        return ""
    if field.is_relation and field.is_cached(thing):
        instrument = field.get_cached_value(thing)
        return instrument.legal_basis if isinstance(instrument, Instrument) else ""
    return ""
