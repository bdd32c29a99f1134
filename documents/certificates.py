"""The piagam's code and QR code: unguessable, checkable, and needing no table of its own.

A certificate's code is the Result's id and an HMAC of it under the server's
SECRET_KEY (100 bits, base32): whoever holds a printed piagam can check it at
/piagam/<code>/, nobody can forge the code of another RT or walk through ids.
A key moved to SECRET_KEY_FALLBACKS keeps the codes already printed valid.
A correction of the results writes new Result rows, so the piagam of a superseded
result no longer verifies.
"""

from __future__ import annotations

import base64
import hmac

import segno
from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

SALT = "bantar.documents.piagam"
DIGEST_CHARS = 20  # base32: 5 bits each, 100 bits


def _digest(result_pk: int, secret: str) -> str:
    mac = salted_hmac(SALT, str(result_pk), secret=secret, algorithm="sha256").digest()
    return base64.b32encode(mac).decode().lower()[:DIGEST_CHARS]


def certificate_code(result_pk: int) -> str:
    """`<id>-<hmac>`: what the QR code carries and the verification page looks up."""
    return f"{result_pk}-{_digest(result_pk, settings.SECRET_KEY)}"


def result_pk_for(code: str) -> int | None:
    """The Result id a code stands for, or None if it is not a code this server made."""
    number, _, digest = code.partition("-")
    if not number.isdigit() or len(number) > 18 or len(digest) != DIGEST_CHARS:
        return None
    pk = int(number)
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if any(hmac.compare_digest(_digest(pk, secret), digest.lower()) for secret in secrets):
        return pk
    return None


def qr_svg(url: str) -> SafeString:
    """The URL as an inline SVG QR code (error correction M: survives a stamp or a fold)."""
    code = segno.make(url, error="m", micro=False)
    # svg_inline: no XML declaration, safe to put in HTML; the size comes from the CSS.
    return mark_safe(code.svg_inline(scale=4, border=2, omitsize=True))  # noqa: S308 (segno's own markup)
