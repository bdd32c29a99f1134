"""Check and re-encode evidence photos: pure Pillow work, no models, no files.

Jurors upload from tablets; the browser usually downscales to 2048 px, but the
server trusts nothing it receives. A photo is identified by its content,
decoded with bounded memory, turned upright, flattened to RGB and saved again
as three fresh JPEGs without any metadata. Capture time and GPS are read from
EXIF first and returned separately so they can be kept private.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import imagehash
import pillow_heif
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

pillow_heif.register_heif_opener()

ERROR_PHOTO_EMPTY = _("Berkas foto kosong. Ambil atau pilih fotonya lagi.")
ERROR_PHOTO_TOO_LARGE = _("Berkas foto terlalu besar. Ukuran paling besar %(limit_mb)s MB.")
ERROR_PHOTO_NOT_IMAGE = _("Berkas ini bukan foto. Kirim foto JPEG, PNG, WEBP atau HEIC.")
ERROR_PHOTO_SVG = _(
    "Gambar SVG tidak diterima karena dapat memuat skrip. Kirim foto JPEG, PNG, WEBP atau HEIC."
)
ERROR_PHOTO_FORMAT = _("Format %(format)s tidak diterima. Kirim foto JPEG, PNG, WEBP atau HEIC.")
ERROR_PHOTO_TOO_MANY_PIXELS = _(
    "Resolusi foto terlalu besar untuk diproses. Kecilkan fotonya lalu kirim lagi."
)
ERROR_PHOTO_BROKEN = _("Berkas foto rusak atau tidak lengkap. Ambil atau kirim ulang fotonya.")

# Pillow format name -> the name we store. MPO is how Pillow reports a JPEG
# that carries extra frames (many Android and camera JPEGs): still a JPEG.
ACCEPTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "HEIF"}
# Only these plugins ever parse an upload. Pillow can open dozens of exotic
# formats with weak signatures; keeping them away from untrusted bytes keeps
# the attack surface to the four formats we need.
OPEN_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
# Formats with a solid signature that people do send by mistake; recognising
# them only changes the message ("format GIF not accepted"), never decodes.
REFUSED_FORMATS = ("GIF", "BMP", "TIFF", "ICO", "PSD", "JPEG2000", "AVIF")

JAKARTA = ZoneInfo("Asia/Jakarta")  # Jambi is on WIB; cameras rarely record an offset
WHITE = (255, 255, 255)
SNIFF_BYTES = 4096
# libjpeg can decode at 1/2, 1/4 or 1/8 scale almost for free. A 4000 px photo
# halves to 2000 px, 2 % under the 2048 px edge: nobody sees that, and it saves
# the full-size decode plus a 12-megapixel LANCZOS pass, most of the time budget.
DRAFT_SLACK = 0.9
RESIZE_FILTER = Image.Resampling.LANCZOS
REDUCING_GAP = 2.0  # box-reduce first, then LANCZOS over the last factor of 2

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
TAG_ORIENTATION = 0x0112
TAG_DATETIME = 0x0132
TAG_DATETIME_ORIGINAL = 0x9003
TAG_OFFSET_TIME = 0x9010
TAG_OFFSET_TIME_ORIGINAL = 0x9011
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4
# The same table as ImageOps.exif_transpose; applied to the small copy, not the
# full decode, so turning a portrait photo costs a 2048 px transpose at most.
ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
OFFSET_PATTERN = re.compile(r"^([+-])(\d{2}):(\d{2})$")


@dataclass(frozen=True)
class ProcessedPhoto:
    full: bytes  # JPEG, upright, no metadata, long edge <= BANTAR_PHOTO_MAX_EDGE
    web: bytes  # the same within BANTAR_PHOTO_WEB_EDGE
    thumb: bytes  # the same within BANTAR_PHOTO_THUMB_EDGE
    width: int  # of `full`
    height: int
    sha256: str  # of the bytes as uploaded: the same file sent twice
    phash: str  # 16 hex chars of the upright picture: the same photo sent twice
    taken_at: datetime | None  # private, never in the JPEGs
    latitude: Decimal | None  # private, signed degrees, 6 decimals
    longitude: Decimal | None
    source_format: str  # "JPEG", "PNG", "WEBP" or "HEIF"


@dataclass(frozen=True)
class PhotoMetadata:
    """What EXIF says, read before the pixels are turned and the metadata dropped."""

    orientation: int = 1
    taken_at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def process_photo(data: bytes) -> ProcessedPhoto:
    """Check an uploaded photo and re-encode it as full, web and thumbnail JPEGs.

    Raises ValidationError with one of the ERROR_PHOTO_* messages; no other
    exception escapes for any input bytes.
    """
    _check_size(data)
    image = _open(data)
    source_format = _source_format(image)
    _check_pixels(image.size)
    _decode(image)
    metadata = _read_metadata(image)
    full = _full_copy(image, metadata.orientation)
    web = _shrink(full, settings.BANTAR_PHOTO_WEB_EDGE)
    thumb = _shrink(web, settings.BANTAR_PHOTO_THUMB_EDGE)
    return ProcessedPhoto(
        full=_encode(full),
        web=_encode(web),
        thumb=_encode(thumb),
        width=full.width,
        height=full.height,
        sha256=hashlib.sha256(data).hexdigest(),
        # The thumbnail is upright and already small; phash shrinks to 32x32 anyway.
        phash=str(imagehash.phash(thumb)),
        taken_at=metadata.taken_at,
        latitude=metadata.latitude,
        longitude=metadata.longitude,
        source_format=source_format,
    )


def phash_distance(a: str, b: str) -> int:
    """Hamming distance (0-64) between two 16-hex-char perceptual hashes."""
    if len(a) != 16 or len(b) != 16:
        raise ValueError("a perceptual hash has 16 hex characters")
    return (int(a, 16) ^ int(b, 16)).bit_count()


# --- Checks before decoding ----------------------------------------------------


def _check_size(data: bytes) -> None:
    if not data:
        raise ValidationError(ERROR_PHOTO_EMPTY, code="photo_empty")
    limit = settings.BANTAR_PHOTO_MAX_BYTES
    if len(data) > limit:
        raise ValidationError(
            ERROR_PHOTO_TOO_LARGE,
            code="photo_too_large",
            params={"limit_mb": floatformat(limit / 1024 / 1024, -1)},
        )


def _open(data: bytes) -> Image.Image:
    """Identify the bytes with the accepted plugins only; reads the header, decodes nothing."""
    if _looks_like_svg(data):
        raise ValidationError(ERROR_PHOTO_SVG, code="photo_svg")
    try:
        with _pillow_warnings():
            return Image.open(io.BytesIO(data), formats=_registered(OPEN_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels() from error
    except Image.UnidentifiedImageError as error:
        raise _unaccepted(data) from error
    except Exception as error:  # Pillow's plugins raise many types on bad headers
        raise ValidationError(ERROR_PHOTO_BROKEN, code="photo_broken") from error


def _looks_like_svg(data: bytes) -> bool:
    head = data[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in head


def _unaccepted(data: bytes) -> ValidationError:
    """A known image format we refuse gets its own message; anything else is not a photo."""
    try:
        with _pillow_warnings():
            refused = Image.open(io.BytesIO(data), formats=_registered(REFUSED_FORMATS))
        name = refused.format or ""
    except Exception:  # only choosing a message here; the upload is refused either way
        name = ""
    if not name:
        return ValidationError(ERROR_PHOTO_NOT_IMAGE, code="photo_not_image")
    return ValidationError(ERROR_PHOTO_FORMAT, code="photo_format", params={"format": name})


def _source_format(image: Image.Image) -> str:
    name = image.format or ""
    if name not in ACCEPTED_FORMATS:  # a plugin reporting a surprising name: refuse it
        raise ValidationError(ERROR_PHOTO_FORMAT, code="photo_format", params={"format": name})
    return ACCEPTED_FORMATS[name]


def _registered(formats: tuple[str, ...]) -> list[str]:
    # Image.open raises KeyError for a format this Pillow build lacks (AVIF, say).
    Image.init()
    return [name for name in formats if name in Image.OPEN]


def _check_pixels(size: tuple[int, int]) -> None:
    width, height = size
    if width * height > settings.BANTAR_PHOTO_MAX_PIXELS:
        raise _too_many_pixels()


def _too_many_pixels() -> ValidationError:
    return ValidationError(ERROR_PHOTO_TOO_MANY_PIXELS, code="photo_too_many_pixels")


@contextmanager
def _pillow_warnings() -> Iterator[None]:
    """Bomb warnings become errors; Pillow's notes about damaged EXIF are dropped.

    A damaged EXIF block is the uploader's camera, not a fault worth a log
    line; whatever could be read is still used.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


# --- Decoding --------------------------------------------------------------------


def _decode(image: Image.Image) -> None:
    """Decode the pixels, at a reduced scale for JPEG when the result is still big enough."""
    try:
        with _pillow_warnings():
            if image.format in ("JPEG", "MPO"):
                image.draft("RGB", _draft_box(image.size, settings.BANTAR_PHOTO_MAX_EDGE))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels() from error
    except Exception as error:  # truncated, corrupt, or a decoder bug: all mean a broken file
        raise ValidationError(ERROR_PHOTO_BROKEN, code="photo_broken") from error


def _draft_box(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """The size to ask libjpeg for: it picks the largest 1/2^n scale that still covers it."""
    scale = 1
    while scale < 8 and max(size) / (scale * 2) >= edge * DRAFT_SLACK:
        scale *= 2
    # Floor division so that Pillow's own `size // box` arrives at exactly `scale`.
    return max(1, size[0] // scale), max(1, size[1] // scale)


# --- Metadata ----------------------------------------------------------------------


def _read_metadata(image: Image.Image) -> PhotoMetadata:
    """Orientation, capture time and GPS from EXIF; anything unreadable is simply absent."""
    with _pillow_warnings():
        try:
            exif = image.getexif()
        except Exception:  # a damaged EXIF block must not cost the juror the photo
            return PhotoMetadata()
        latitude, longitude = _gps_position(_ifd(exif, GPS_IFD))
        return PhotoMetadata(
            orientation=_orientation(exif),
            taken_at=_taken_at(exif, _ifd(exif, EXIF_IFD)),
            latitude=latitude,
            longitude=longitude,
        )


def _ifd(exif: Image.Exif, tag: int) -> dict[int, Any]:
    try:
        return dict(exif.get_ifd(tag))
    except Exception:  # a broken sub-IFD only loses what it holds
        return {}


def _orientation(exif: Image.Exif) -> int:
    value = exif.get(TAG_ORIENTATION, 1)
    return value if isinstance(value, int) and value in ORIENTATION_TRANSPOSE else 1


def _taken_at(exif: Image.Exif, exif_ifd: dict[int, Any]) -> datetime | None:
    original = _exif_datetime(
        exif_ifd.get(TAG_DATETIME_ORIGINAL), exif_ifd.get(TAG_OFFSET_TIME_ORIGINAL)
    )
    if original is not None:
        return original
    # DateTime is when the file was last changed; the best we have without the original.
    return _exif_datetime(exif.get(TAG_DATETIME), exif_ifd.get(TAG_OFFSET_TIME))


def _exif_datetime(value: Any, offset: Any) -> datetime | None:
    text = _exif_text(value)
    try:
        moment = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return moment.replace(tzinfo=_exif_timezone(offset))


def _exif_timezone(offset: Any) -> timezone | ZoneInfo:
    match = OFFSET_PATTERN.match(_exif_text(offset))
    if match is None:
        return JAKARTA
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14):
        return JAKARTA
    return timezone(-delta if sign == "-" else delta)


def _exif_text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return value.strip("\x00 ") if isinstance(value, str) else ""


def _gps_position(gps: dict[int, Any]) -> tuple[Decimal | None, Decimal | None]:
    latitude = _gps_coordinate(gps.get(GPS_LATITUDE), gps.get(GPS_LATITUDE_REF), "NS", 90)
    longitude = _gps_coordinate(gps.get(GPS_LONGITUDE), gps.get(GPS_LONGITUDE_REF), "EW", 180)
    if latitude is None or longitude is None:
        return None, None  # half a position is no position
    return latitude, longitude


def _gps_coordinate(value: Any, ref: Any, hemispheres: str, bound: int) -> Decimal | None:
    """Degrees, minutes, seconds as rationals plus a hemisphere letter -> signed degrees."""
    hemisphere = _exif_text(ref).upper()
    if hemisphere not in (hemispheres[0], hemispheres[1]):
        return None
    try:
        degrees, minutes, seconds = (_rational(part) for part in value)
        if not all(part.is_finite() and part >= 0 for part in (degrees, minutes, seconds)):
            return None
        total = degrees + minutes / 60 + seconds / 3600
    except (ArithmeticError, TypeError, ValueError):  # wrong shape, 1/0, 0/0
        return None
    if total > bound:
        return None
    signed = -total if hemisphere == hemispheres[1] else total
    return signed.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def _rational(part: Any) -> Decimal:
    # Pillow gives IFDRational; numerator and denominator keep the division exact.
    numerator = getattr(part, "numerator", part)
    denominator = getattr(part, "denominator", 1)
    return Decimal(numerator) / Decimal(denominator)


# --- Re-encoding ---------------------------------------------------------------------


def _full_copy(image: Image.Image, orientation: int) -> Image.Image:
    """RGB, upright, long edge within BANTAR_PHOTO_MAX_EDGE, alpha flattened onto white."""
    pixels = _shrink(_resizable(image), settings.BANTAR_PHOTO_MAX_EDGE)
    if orientation in ORIENTATION_TRANSPOSE:
        pixels = pixels.transpose(ORIENTATION_TRANSPOSE[orientation])
    return _flatten(pixels)


def _resizable(image: Image.Image) -> Image.Image:
    """RGB or RGBA: the modes LANCZOS handles well (palette images resize by nearest)."""
    if image.mode.startswith("I"):
        # 16-bit greyscale PNG: scale to 8 bits; a plain convert would clip to white.
        return image.convert("I").point(lambda value: value / 256).convert("RGB")
    if image.mode in ("LA", "La", "PA", "RGBa") or "transparency" in image.info:
        return image if image.mode == "RGBA" else image.convert("RGBA")
    return image if image.mode in ("RGB", "RGBA") else image.convert("RGB")


def _shrink(image: Image.Image, edge: int) -> Image.Image:
    target = _fit(image.size, edge)
    if target == image.size:
        return image
    return image.resize(target, RESIZE_FILTER, reducing_gap=REDUCING_GAP)


def _fit(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """Scale so the long edge is at most `edge`, keeping the aspect ratio; never enlarge."""
    width, height = size
    if max(width, height) <= edge:
        return size
    ratio = edge / max(width, height)
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    background = Image.new("RGB", image.size, WHITE)
    background.paste(image, mask=image.getchannel("A"))
    return background


def _encode(image: Image.Image) -> bytes:
    # Pillow copies some metadata (a JPEG comment, for one) from image.info into
    # the file it saves; an empty info guarantees a copy with pixels only.
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=settings.BANTAR_PHOTO_JPEG_QUALITY, optimize=False)
    return buffer.getvalue()
