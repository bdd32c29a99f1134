"""Links a juror taps in the field: call or WhatsApp the head of RT, open the map app."""

from __future__ import annotations

import re
from decimal import Decimal

from django import template

register = template.Library()


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


@register.filter
def tel_url(phone: str) -> str:
    """`tel:` link for a number stored as 08.../0741... (README: phone numbers)."""
    digits = _digits(phone)
    return f"tel:{digits}" if digits else ""


@register.filter
def whatsapp_url(phone: str) -> str:
    """wa.me link for a mobile number (08...), in international form; landlines have none."""
    digits = _digits(phone)
    if digits.startswith("08"):
        return f"https://wa.me/62{digits[1:]}"
    if digits.startswith("628"):
        return f"https://wa.me/{digits}"
    return ""


@register.simple_tag
def geo_url(latitude: Decimal | None, longitude: Decimal | None) -> str:
    """`geo:` URI (RFC 5870): the device's own map app opens it; no map tiles from us."""
    if latitude is None or longitude is None:
        return ""
    return f"geo:{latitude.normalize():f},{longitude.normalize():f}"
