"""The hostile-input corpus, made by code: no binary file is kept in the repository.

Each case is (id, content or rows, what the user must be told). Tests feed them
through the real pages and check that nothing is saved.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass

from PIL import Image

from competitions.validators import ERROR_FORMULA, ERROR_PHONE
from scoring.images import (
    ERROR_PHOTO_BROKEN,
    ERROR_PHOTO_EMPTY,
    ERROR_PHOTO_FORMAT,
    ERROR_PHOTO_NOT_IMAGE,
    ERROR_PHOTO_SVG,
    ERROR_PHOTO_TOO_LARGE,
    ERROR_PHOTO_TOO_MANY_PIXELS,
)


def jpeg(width: int = 800, height: int = 600) -> bytes:
    image = Image.new("RGB", (width, height), (30, 120, 60))
    for x in range(0, width, 40):
        image.putpixel((x, x % height), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height: a decompression bomb's calling card."""
    raw = io.BytesIO()
    Image.new("L", (1, 1)).save(raw, "PNG")
    data = bytearray(raw.getvalue())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17])) & 0xFFFFFFFF
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 0, 0)).save(buffer, "GIF")
    return buffer.getvalue()


@dataclass(frozen=True)
class UploadCase:
    id: str
    content: bytes
    message: str  # what the juror reads


def upload_cases(limit_bytes: int) -> list[UploadCase]:
    return [
        UploadCase(
            "text-named-jpg", b"Ini catatan rapat, bukan foto.\n" * 20, str(ERROR_PHOTO_NOT_IMAGE)
        ),
        UploadCase(
            "pdf-named-jpg",
            b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
            str(ERROR_PHOTO_NOT_IMAGE),
        ),
        UploadCase("truncated-jpeg", jpeg()[:2500], str(ERROR_PHOTO_BROKEN)),
        UploadCase(
            "decompression-bomb", png_claiming(40000, 40000), str(ERROR_PHOTO_TOO_MANY_PIXELS)
        ),
        UploadCase(
            "svg-with-script",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
            str(ERROR_PHOTO_SVG),
        ),
        UploadCase("zero-bytes", b"", str(ERROR_PHOTO_EMPTY)),
        UploadCase(
            "over-the-limit",
            jpeg() + b"\0" * (limit_bytes + 1),
            str(ERROR_PHOTO_TOO_LARGE % {"limit_mb": _mb(limit_bytes)}),
        ),
        UploadCase("gif", gif(), str(ERROR_PHOTO_FORMAT % {"format": "GIF"})),
    ]


def _mb(limit: int) -> str:
    mb = limit / (1024 * 1024)
    return f"{mb:g}".replace(".", ",")


# Accepted, but only a fresh encode is kept: the payload never reaches a served file.
POLYGLOT_PAYLOAD = b"PK\x03\x04<html><script>alert(1)</script></html>"


def polyglot() -> bytes:
    return jpeg() + POLYGLOT_PAYLOAD


@dataclass(frozen=True)
class ImportCase:
    id: str
    header: list[str]
    rows: list[list[object]]
    message: str


GOOD = ["15.71.11.1003", 1, "Kampung Melati", "Pak Ahmad", 120]
HEADER = ["kode_kelurahan", "nomor_rt", "nama_kampung", "ketua_rt", "jumlah_kk", "telepon"]


def import_cases() -> list[ImportCase]:
    return [
        ImportCase(
            "missing-column",
            HEADER[:3] + HEADER[4:],
            [["15.71.11.1003", 1, "K", 120, ""]],
            "Kolom wajib tidak ada di berkas: ketua_rt.",
        ),
        ImportCase(
            "wrong-type-kk",
            HEADER,
            [[*GOOD[:4], "seratus", ""]],
            "&#x27;seratus&#x27; bukan bilangan bulat.",
        ),
        ImportCase(
            "wrong-type-rt",
            HEADER,
            [["15.71.11.1003", "satu", "K", "Pak A", 80, ""]],
            "bukan bilangan bulat",
        ),
        ImportCase(
            "duplicate-rt", HEADER, [[*GOOD, ""], [*GOOD, ""]], "sudah ada di baris 2 berkas ini"
        ),
        ImportCase(
            "unknown-kelurahan",
            HEADER,
            [["15.71.99.9999", 1, "K", "Pak A", 80, ""]],
            "Kode kelurahan &#x27;15.71.99.9999&#x27; tidak dikenal.",
        ),
        ImportCase(
            "formula-cell",
            HEADER,
            [["15.71.11.1003", 2, '=HYPERLINK("http://x","klik")', "Pak A", 80, ""]],
            str(ERROR_FORMULA),
        ),
        ImportCase(
            "formula-number",
            HEADER,
            [["15.71.11.1003", 3, "K", "Pak A", "=50+50", ""]],
            str(ERROR_FORMULA),
        ),
        ImportCase("bad-phone", HEADER, [[*GOOD, "12345"]], str(ERROR_PHONE)),
        ImportCase("kk-below-minimum", HEADER, [[*GOOD[:4], 12, ""]], "kurang dari 30 KK"),
    ]


SCRIPT = '<script>alert("bantar")</script><img src=x onerror=alert(1)>'
