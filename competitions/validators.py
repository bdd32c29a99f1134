"""Input rules shared by forms and imports."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERROR_PHONE = _(
    "Nomor telepon tidak valid. Tulis nomor HP atau telepon rumah Indonesia, "
    "misalnya 0812-3456-7890 atau 0741-123456."
)
ERROR_FORMULA = _("Isian tidak boleh diawali tanda = (rumus Excel).")

# After removing spaces, dashes, dots and brackets: 0 or +62/62, then an area code
# or mobile prefix (2-9), then 6 to 11 more digits.
PHONE_PATTERN = re.compile(r"^(?:\+?62|0)([2-9]\d{6,11})$")


def normalize_phone(value: str) -> str:
    """'+62 812-3456 7890' -> '081234567890'; refuses what is not a phone number."""
    compact = re.sub(r"[\s\-.()]", "", value or "")
    if not compact:
        return ""
    match = PHONE_PATTERN.match(compact)
    if not match or len(set(match.group(1))) == 1:
        raise ValidationError(ERROR_PHONE, code="phone")
    return "0" + match.group(1)


def refuse_formula(value: str) -> str:
    if is_formula(str(value or "")):
        raise ValidationError(ERROR_FORMULA, code="formula")
    return value


def is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.lstrip().startswith("=")


def formula_errors(row: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The columns of a row whose cell is an Excel formula, each with the refusal."""
    return {str(column): [ERROR_FORMULA] for column, value in row.items() if is_formula(value)}
