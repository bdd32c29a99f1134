"""Formatting shared by the templates: Rupiah and report cells."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from bantar import access, dates, language, numbers
from bantar.exports import DECIMAL, INTEGER, MONEY, Column

register = template.Library()


@register.simple_tag
def javascript_catalog_url() -> str:
    """`<script src="{% javascript_catalog_url %}">`: gettext() for the scripts, this language."""
    return language.catalogue_url()


@register.filter(needs_autoescape=True)
def official(value: Any, autoescape: bool = True) -> str | SafeString:
    """Domain text kept in its official Indonesian (indicator texts, guidance, level
    descriptors): on a page in another language it is marked lang="id", so that a screen
    reader reads it as Indonesian (WCAG 2.1 "Language of Parts")."""
    text = conditional_escape(value) if autoescape else str(value)
    if not value or translation.get_language() == settings.LANGUAGE_CODE:
        return text
    return format_html('<span lang="{}">{}</span>', settings.LANGUAGE_CODE, text)


@register.filter
def may(user: Any, permission: str) -> bool:
    """`{% if user|may:"scoring.score" %}`: the same rules as the views (`bantar.access.may`)."""
    return access.may(user, permission)


@register.filter
def rupiah(value: Any) -> str:
    """10000000 -> 'Rp 10.000.000' (the city writes money with dots)."""
    if value is None or value == "":
        return ""
    return "Rp " + f"{int(value):,}".replace(",", ".")


def _decimal(value: Any) -> str:
    """Half up to 2 places, with a decimal comma: the one rule (bantar.numbers)."""
    return numbers.comma(value)


@register.filter
def cell(value: Any, column: Column) -> str:
    if value is None:
        return ""
    if column.kind == MONEY and isinstance(value, int | Decimal):
        return rupiah(value)
    if column.kind == DECIMAL and isinstance(value, int | float | Decimal):
        return _decimal(value)
    if column.kind == INTEGER and isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, Decimal):
        return _decimal(value) if value != value.to_integral() else str(int(value))
    return str(value)


@register.filter
def comma(value: Any) -> str:
    """85.7143 -> '85,71' for display."""
    return "" if value in (None, "") else _decimal(value)


@register.filter
def index(sequence: Any, position: int) -> Any:
    return sequence[position]


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key, key)


@register.filter
def tanggal(value: Any) -> str:
    """A day as "26 Oktober 2020" (bantar.dates: the one date format)."""
    return dates.tanggal(value)


@register.filter
def waktu(value: Any) -> str:
    """A moment as "26 Oktober 2020 14:30 WIB" (bantar.dates)."""
    return dates.waktu(value)
