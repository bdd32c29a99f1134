"""Check and re-encode evidence photos: pure Pillow work, no models, no files.

Jurors upload from tablets; the browser usually downscales to 2048 px, but the
server trusts nothing it receives. A photo is identified by its content,
decoded with bounded memory, turned upright, flattened to RGB and saved again
as three fresh JPEGs without any metadata. Capture time and GPS are read from
EXIF first and returned separately so they can be kept private.

Memory is bounded twice. Per photo: before any pixel is decoded, the header
tells what decoding will cost (JPEG at libjpeg's reduced scale, the other
formats at full size) and a photo whose estimate exceeds
BANTAR_PHOTO_MEMORY_MB is refused. Per process: at most
BANTAR_PHOTO_CONCURRENCY photos are decoded at once; the next one waits up to
BANTAR_PHOTO_WAIT_SECONDS and is then refused as busy (PhotoBusyError), which
the tablet sends again later.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
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
from PIL import Image, ImageFile

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
ERROR_PHOTO_BUSY = _(
    "Server sedang sibuk memproses foto lain. Coba lagi sebentar lagi; "
    "foto tetap tersimpan di perangkat."
)

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

MB = 1024 * 1024
# What decoding costs, in bytes per decoded pixel, beside Pillow's own image
# (benchmarks/bench_photo.py measures every format against these):
# - WEBP: Pillow's WebPAnimDecoder keeps two RGBA canvases and hands over a
#   third copy; the canvases stay with the image until it is dropped.
# - HEIF: libheif's decoded buffer, until Pillow has copied it.
DECODER_BYTES = {"WEBP": 12, "HEIF": 4}
RETAINED_DECODER_BYTES = {"WEBP": 12}  # the canvases and the frame's bytes
# libjpeg keeps every DCT coefficient of the whole image (2 bytes a sample, at
# full size whatever the reduced scale) when the file has more than one scan:
# progressive JPEG, or components sent in separate scans.
COEFFICIENT_BYTES = 2
# The three JPEGs, their encoders, the upright and flattened copies, phash:
# the same for any photo, since each stays within BANTAR_PHOTO_MAX_EDGE.
FIXED_BYTES = 30 * MB
# Modes that LANCZOS resizes as they are (the small result is converted
# afterwards); any other mode is converted at full size first. RGBA and LA are
# resized premultiplied: Pillow makes that copy.
RESIZES_AS_IS = ("L", "RGB", "RGBX", "CMYK", "I", "F", "RGBA", "LA")
PREMULTIPLIED = ("RGBA", "LA")
JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # not DHT, JPG, DAC
JPEG_PROGRESSIVE_SOF = frozenset({0xC2, 0xC6, 0xCA, 0xCE})
JPEG_NO_LENGTH = frozenset({0x01, *range(0xD0, 0xD9)})  # TEM, RSTn, SOI


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
    exception escapes for any input bytes. When this process is already
    decoding BANTAR_PHOTO_CONCURRENCY photos and none finishes within
    BANTAR_PHOTO_WAIT_SECONDS, raises PhotoBusyError (a ValidationError with
    code "photo_busy") so the caller can answer "try again later".
    """
    _check_size(data)
    # A library in the same process may have turned this on (WeasyPrint does, on import):
    # a truncated photo is refused here whatever anyone set.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    image = _open(data)
    source_format = _source_format(image)
    _check_pixels(image.size)
    _check_cost(image, data)
    with photo_slot():
        # The list hands over the only reference, so that the full-size decode
        # can be dropped as soon as its first smaller copy exists.
        source = [image]
        del image
        full, metadata = _upright_copy(source)
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


# --- Memory: what a photo will cost, known before its pixels are decoded -------------


class PhotoBusyError(ValidationError):
    """This process is decoding as many photos as it may; the photo is sent again later.

    A ValidationError, so any form or JSON view refuses it with its message;
    its code "photo_busy" lets the photo endpoint answer 503 instead of 400,
    which the tablet's outbox treats as "keep it and try again".
    """

    def __init__(self) -> None:
        super().__init__(ERROR_PHOTO_BUSY, code="photo_busy")


class _Gate:
    """One BoundedSemaphore per process, rebuilt when BANTAR_PHOTO_CONCURRENCY changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._limit = 0
        self._semaphore = threading.BoundedSemaphore(1)

    def semaphore(self) -> threading.BoundedSemaphore:
        limit = max(1, int(settings.BANTAR_PHOTO_CONCURRENCY))
        with self._lock:
            if limit != self._limit:
                # Holders of the old semaphore release that one; nothing is lost.
                self._limit, self._semaphore = limit, threading.BoundedSemaphore(limit)
            return self._semaphore


_GATE = _Gate()


@contextmanager
def photo_slot() -> Iterator[None]:
    """Hold one of the process's BANTAR_PHOTO_CONCURRENCY photo slots, or refuse as busy.

    Each photo stays within BANTAR_PHOTO_MEMORY_MB; the slots make sure that
    concurrent uploads (threads of one worker) cannot add up beyond
    CONCURRENCY times that.
    """
    semaphore = _GATE.semaphore()
    if not semaphore.acquire(timeout=float(settings.BANTAR_PHOTO_WAIT_SECONDS)):
        raise PhotoBusyError()
    try:
        yield
    finally:
        semaphore.release()


@dataclass(frozen=True)
class PhotoHeader:
    """What the header says about the decoding to come; read before any pixel is decoded."""

    format: str  # Pillow's name: JPEG, MPO, PNG, WEBP, HEIF
    mode: str  # of the decoded pixels
    size: tuple[int, int]  # as stored; a JPEG is decoded smaller (decoded_size)
    transparency: bool  # a transparent colour (PNG tRNS): converted to RGBA at full size
    jpeg_multi_scan: bool  # libjpeg buffers every coefficient of the whole image
    jpeg_sampling: tuple[tuple[int, int], ...]  # (horizontal, vertical) per component


def read_header(image: Image.Image, data: bytes) -> PhotoHeader:
    """The facts decode_cost needs, from an image that Image.open has identified."""
    jpeg = image.format in ("JPEG", "MPO")
    layers = getattr(image, "layer", []) if jpeg else []
    return PhotoHeader(
        format=image.format or "",
        mode=image.mode,
        size=image.size,
        transparency="transparency" in image.info,
        jpeg_multi_scan=jpeg and _jpeg_multi_scan(data),
        # Pillow's SOF parser keeps (id, h, v, table); a repeated SOF appends more:
        # counting them all only overestimates.
        jpeg_sampling=tuple((max(1, h), max(1, v)) for _id, h, v, _table in layers),
    )


def decoded_size(header: PhotoHeader, size: tuple[int, int] | None = None) -> tuple[int, int]:
    """The size the pixels are decoded at: a JPEG at libjpeg's 1/2, 1/4 or 1/8 scale."""
    width, height = size or header.size
    if header.format not in ("JPEG", "MPO"):
        return width, height
    scale = _draft_scale((width, height), settings.BANTAR_PHOTO_MAX_EDGE)
    return _ceil_div(width, scale), _ceil_div(height, scale)  # as Pillow's draft rounds


def decode_cost(header: PhotoHeader, size: tuple[int, int] | None = None) -> int:
    """Estimated peak bytes to turn this photo (or the same file at `size`) into its JPEGs.

    The larger of the decoder's peak and the first resize's peak, plus the fixed
    part: the first resize works on the decoded pixels (or a full-size
    conversion of them, after which the decode is dropped); everything after it
    is within BANTAR_PHOTO_MAX_EDGE. benchmarks/bench_photo.py checks that the
    real peak of each format at its largest accepted size stays under this.
    """
    source = size or header.size
    width, height = decoded_size(header, source)
    pixels = width * height
    stored = pixels * _stored_bytes(header.mode)
    coefficients = _jpeg_coefficient_bytes(header, source)
    decoding = stored + pixels * DECODER_BYTES.get(header.format, 0) + coefficients
    retained = pixels * RETAINED_DECODER_BYTES.get(header.format, 0)
    conversion = _conversion_mode(header.mode, header.transparency)
    if conversion is None:
        converting, resize_mode, base = 0, header.mode, stored + retained
    else:
        # Both exist for a moment, then the decode (and its decoder's buffers) are dropped.
        base = pixels * _stored_bytes(conversion)
        converting, resize_mode = stored + retained + base, conversion
    resizing = base + _resize_bytes(resize_mode, (width, height), settings.BANTAR_PHOTO_MAX_EDGE)
    return max(decoding, converting, resizing) + FIXED_BYTES


def largest_accepted(header: PhotoHeader, aspect: tuple[int, int] = (4, 3)) -> tuple[int, int]:
    """The largest size of this aspect that decode_cost and BANTAR_PHOTO_MAX_PIXELS accept.

    For the README and the benchmark: what "at the limit" means per format.
    """
    wide, high = aspect

    def accepted(width: int) -> bool:
        size = (width, max(1, width * high // wide))
        within = size[0] * size[1] <= settings.BANTAR_PHOTO_MAX_PIXELS
        return within and decode_cost(header, size) <= memory_limit_bytes()

    low, top = 1, 1 << 17  # JPEG, PNG and WEBP headers cannot say more than 65535 px
    while low < top:
        middle = (low + top + 1) // 2
        low, top = (middle, top) if accepted(middle) else (low, middle - 1)
    return low, max(1, low * high // wide)


def memory_limit_bytes() -> int:
    return int(float(settings.BANTAR_PHOTO_MEMORY_MB) * MB)


def _check_cost(image: Image.Image, data: bytes) -> None:
    """Refuse, from the header alone, a photo whose decoding would exceed the budget."""
    try:
        cost = decode_cost(read_header(image, data))
    except Exception as error:  # a header Pillow accepted but that makes no sense
        raise ValidationError(ERROR_PHOTO_BROKEN, code="photo_broken") from error
    if cost > memory_limit_bytes():
        raise _too_many_pixels()


def _resize_bytes(mode: str, size: tuple[int, int], edge: int) -> int:
    """What Image.resize(LANCZOS, reducing_gap) allocates beside its source and its result.

    Pillow premultiplies RGBA and LA into a full copy, box-reduces by the whole
    factor that keeps REDUCING_GAP, then resizes horizontally first: the
    intermediate has the target's width and the (reduced) source's height.
    """
    width, height = size
    target = _fit(size, edge)
    if target == size:
        return 0
    per_pixel = _stored_bytes(mode)
    total = width * height * per_pixel if mode in PREMULTIPLIED else 0
    factor_x = max(1, int(width / target[0] / REDUCING_GAP))
    factor_y = max(1, int(height / target[1] / REDUCING_GAP))
    if factor_x > 1 or factor_y > 1:
        width, height = _ceil_div(width, factor_x), _ceil_div(height, factor_y)
        total += width * height * per_pixel
    return total + target[0] * height * per_pixel


def _conversion_mode(mode: str, transparency: bool) -> str | None:
    """The mode a decode is converted to at full size before resizing, or None: as it is.

    Palette and 1-bit images would resize by nearest neighbour, 16-bit ones not
    at all, and a transparent colour (PNG tRNS) would be averaged away.
    """
    if mode.startswith("I;16"):
        return "I"
    if mode in ("I", "F"):
        return None
    if mode in ("La", "PA", "RGBa") or transparency:
        return None if mode in PREMULTIPLIED else "RGBA"
    return None if mode in RESIZES_AS_IS else "RGB"


def _stored_bytes(mode: str) -> int:
    """Bytes per pixel in Pillow's memory: 1 for 1, L and P, 2 for I;16, 4 for the rest."""
    if mode in ("1", "L", "P"):
        return 1
    return 2 if mode.startswith("I;16") else 4


def _jpeg_coefficient_bytes(header: PhotoHeader, size: tuple[int, int]) -> int:
    """The whole-image coefficient buffer libjpeg allocates for a multi-scan JPEG, else 0."""
    if not header.jpeg_multi_scan:
        return 0
    if not header.jpeg_sampling:
        return size[0] * size[1] * COEFFICIENT_BYTES * 4  # cannot tell: CMYK at full size
    h_max = max(h for h, _v in header.jpeg_sampling)
    v_max = max(v for _h, v in header.jpeg_sampling)
    total = 0
    for h, v in header.jpeg_sampling:  # each component, in whole 8x8 blocks at its resolution
        columns = _ceil_div(_ceil_div(size[0] * h, h_max), 8) * 8
        rows = _ceil_div(_ceil_div(size[1] * v, v_max), 8) * 8
        total += columns * rows * COEFFICIENT_BYTES
    return total


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(numerator // -denominator)


def _jpeg_multi_scan(data: bytes) -> bool:
    """True when libjpeg must buffer the whole image: a progressive frame, or a first
    scan that does not carry every component (libjpeg's has_multiple_scans).

    Walks the markers from SOI to the first SOS; anything unexpected counts as
    multi-scan, the expensive case.
    """
    position, components, progressive = 2, 0, False
    while position + 4 < len(data):
        if data[position] != 0xFF:
            return True
        marker = data[position + 1]
        if marker == 0xFF:  # a fill byte before the marker
            position += 1
            continue
        if marker in JPEG_NO_LENGTH:
            position += 2
            continue
        if marker == 0xDA:  # SOS: the number of components in this scan follows the length
            return progressive or data[position + 4] < components
        if marker in JPEG_SOF and position + 9 < len(data):
            components = data[position + 9]
            progressive = marker in JPEG_PROGRESSIVE_SOF
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
    return True


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
    scale = _draft_scale(size, edge)
    # Floor division so that Pillow's own `size // box` arrives at exactly `scale`.
    return max(1, size[0] // scale), max(1, size[1] // scale)


def _draft_scale(size: tuple[int, int], edge: int) -> int:
    scale = 1
    while scale < 8 and max(size) / (scale * 2) >= edge * DRAFT_SLACK:
        scale *= 2
    return scale


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


def _upright_copy(source: list[Image.Image]) -> tuple[Image.Image, PhotoMetadata]:
    """Decode the one image in `source` and return its full copy and its metadata.

    The full copy is RGB, upright, long edge within BANTAR_PHOTO_MAX_EDGE, alpha
    flattened onto white. Each bigger step is dropped (rebinding `pixels`) as
    soon as the next one exists, so the peak is what decode_plan estimated.
    """
    pixels = source.pop()
    _decode(pixels)
    metadata = _read_metadata(pixels)
    conversion = _conversion_mode(pixels.mode, "transparency" in pixels.info)
    if conversion is not None:
        pixels = pixels.convert(conversion)
    pixels = _resizable(_shrink(pixels, settings.BANTAR_PHOTO_MAX_EDGE))
    if metadata.orientation in ORIENTATION_TRANSPOSE:
        pixels = pixels.transpose(ORIENTATION_TRANSPOSE[metadata.orientation])
    return _flatten(pixels), metadata


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
