"""PDF from Django templates with WeasyPrint: A4, the city's letterhead, nothing fetched.

Every document is an HTML template extending `documents/pdf_base.html` (its CSS sets
the page size, margins and the page numbers with @page counters). WeasyPrint gets a
URL fetcher that answers only `data:` URIs: the letterhead's logo and the QR codes are
inlined by the portal, so rendering never reaches the network or the disk, whatever a
template holds.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, TypeVar, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify

View = TypeVar("View", bound=Callable[..., HttpResponse])
PDF_TYPE = "application/pdf"
# Magic bytes of the two logo formats a letterhead may use.
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
LOGO_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Kop:
    """The letterhead (kop surat) at the top of every document."""

    lines: tuple[str, ...]
    logo: str  # a data: URI, or "" for none


@lru_cache(maxsize=4)
def _logo_uri(path: str, mtime: float) -> str:
    """The logo file as a data: URI, once per file version; "" if it is not a PNG or JPEG."""
    content = Path(path).read_bytes()[: LOGO_MAX_BYTES + 1]
    kind = next((t for magic, t in LOGO_TYPES.items() if content.startswith(magic)), None)
    if kind is None or len(content) > LOGO_MAX_BYTES:
        return ""
    return f"data:{kind};base64,{base64.b64encode(content).decode()}"


def kop() -> Kop:
    """BANTAR_KOP_LINES and BANTAR_KOP_LOGO (a missing or unreadable logo is left out)."""
    logo = ""
    path = Path(settings.BANTAR_KOP_LOGO) if settings.BANTAR_KOP_LOGO else None
    if path is not None and path.is_file():
        logo = _logo_uri(str(path), path.stat().st_mtime)
    return Kop(tuple(settings.BANTAR_KOP_LINES), logo)


def in_indonesian(view: View) -> View:
    """The view's document in Indonesian, whatever language the user reads the portal in.

    The documents are the city's official papers: their headings, dates and month
    names are Indonesian, and so are the rows built for them (the report's columns).
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> HttpResponse:
        with translation.override("id"):
            return view(*args, **kwargs)

    return cast(View, wrapped)


def render_pdf(template: str, context: dict[str, Any], *, request: HttpRequest | None) -> bytes:
    """The template rendered to PDF (in Indonesian), with the letterhead in its context."""
    from PIL import ImageFile
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES, for the whole process, when it is
    # first imported: a truncated evidence photo would then pass. Our documents only carry
    # whole images (the kop's logo, QR codes), so it goes back off at once.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    # data: only, and a refused URL stops the rendering instead of leaving a gap.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    with translation.override("id"):
        html = render_to_string(template, {"kop": kop(), **context}, request=request)
        return HTML(string=html, url_fetcher=fetcher).write_pdf()


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}.pdf"'
    return response
