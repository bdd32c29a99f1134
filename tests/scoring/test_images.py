"""Evidence photos: what a juror's upload turns into, and what the server refuses.

Every picture is generated here with Pillow; nothing binary lives in the repo.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import struct
import subprocess
import sys
import threading
import zipfile
import zlib
from contextlib import ExitStack
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import imagehash
import pillow_heif
import pytest
from django.core.exceptions import ValidationError
from PIL import Image, ImageCms, ImageDraw, ImageFile, TiffImagePlugin

from scoring.images import (
    ERROR_PHOTO_BROKEN,
    ERROR_PHOTO_BUSY,
    ERROR_PHOTO_EMPTY,
    ERROR_PHOTO_FORMAT,
    ERROR_PHOTO_NOT_IMAGE,
    ERROR_PHOTO_SVG,
    ERROR_PHOTO_TOO_LARGE,
    ERROR_PHOTO_TOO_MANY_PIXELS,
    MB,
    PhotoBusyError,
    ProcessedPhoto,
    decode_cost,
    decoded_size,
    largest_accepted,
    phash_distance,
    photo_slot,
    process_photo,
    read_header,
)

JAKARTA = ZoneInfo("Asia/Jakarta")
RED = (230, 20, 20)
# Kantor Wali Kota Jambi, roughly: 1°36'36.36" S, 103°36'47.16" E.
JAMBI_GPS = {
    1: "S",
    2: (1.0, 36.0, 36.36),
    3: "E",
    4: (103.0, 36.0, 47.16),
}
TAKEN = {0x9003: "2024:08:17 09:30:00"}


# --- Pictures made on the spot -----------------------------------------------------


def scene(width: int = 800, height: int = 600, *, variant: int = 0) -> Image.Image:
    """Something like a photo: gradients, a few big shapes, sensor noise; `variant` moves the shapes."""
    ramp = Image.linear_gradient("L").resize((width, height))
    glow = Image.radial_gradient("L").resize((width, height))
    picture = Image.merge("RGB", (ramp, glow, ramp.transpose(Image.Transpose.ROTATE_180)))
    draw = ImageDraw.Draw(picture)
    rng = random.Random(variant)
    for _ in range(5):
        left, top = rng.randrange(width * 3 // 4), rng.randrange(height * 3 // 4)
        box = (left, top, left + width // 3, top + height // 3)
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    grain = Image.effect_noise((max(1, width // 4), max(1, height // 4)), 30).resize(
        (width, height)
    )
    return Image.blend(picture, grain.convert("RGB"), 0.12)


def encode(image: Image.Image, format: str = "JPEG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def exif_bytes(
    orientation: int | None = None, gps: dict | None = None, exif_ifd: dict | None = None
) -> bytes:
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if gps is not None:
        exif[0x8825] = gps
    if exif_ifd is not None:
        exif[0x8769] = exif_ifd
    return exif.tobytes()


def heif_bytes(image: Image.Image, **options: object) -> bytes:
    """HEIC as an iPhone sends it; a build without the encoder must not pass unnoticed in CI."""
    try:
        buffer = io.BytesIO()
        pillow_heif.from_pillow(image).save(buffer, format="HEIF", **options)
        return buffer.getvalue()
    except Exception as error:
        message = f"pillow-heif cannot encode HEIF in this build: {error!r}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a size its (absent) pixels never deliver."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat = b"IDAT" + zlib.compress(b"\x00" * 64)
    tail = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return (
        b"\x89PNG\r\n\x1a\n"
        + ihdr
        + struct.pack(">I", len(idat) - 4)
        + idat
        + struct.pack(">I", zlib.crc32(idat))
        + tail
    )


def marked(width: int, height: int) -> Image.Image:
    """Grey picture with a red band along its left side, as the sensor stored it."""
    picture = Image.new("RGB", (width, height), (90, 110, 130))
    ImageDraw.Draw(picture).rectangle((0, 0, width // 10, height), fill=RED)
    return picture


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def is_red(pixel: tuple[int, ...]) -> bool:
    red, green, blue = pixel[:3]
    return red > 180 and green < 80 and blue < 80


def refusal(data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        process_photo(data)
    return error.value


def assert_clean_jpegs(photo: ProcessedPhoto) -> None:
    """Served copies are fresh JPEGs that carry pixels and nothing else."""
    for data in (photo.full, photo.web, photo.thumb):
        image = opened(data)
        assert image.format == "JPEG"
        assert image.mode == "RGB"
        assert dict(image.getexif()) == {}
        assert b"Exif" not in data
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info)


@pytest.fixture(scope="module")
def twelve_megapixels() -> bytes:
    return encode(scene(4000, 3000), quality=90)


# --- What comes out ------------------------------------------------------------------


def test_a_12_megapixel_jpeg_comes_out_as_three_jpegs_within_their_edges(
    twelve_megapixels, settings
):
    photo = process_photo(twelve_megapixels)

    # libjpeg halves 4000 px for free; 2000 px is within the 2048 px edge (DRAFT_SLACK).
    assert (photo.width, photo.height) == (2000, 1500)
    assert opened(photo.full).size == (2000, 1500)
    assert opened(photo.web).size == (1600, 1200)
    assert opened(photo.thumb).size == (320, 240)
    assert max(opened(photo.web).size) <= settings.BANTAR_PHOTO_WEB_EDGE
    assert photo.source_format == "JPEG"
    assert_clean_jpegs(photo)


def test_a_photo_that_libjpeg_cannot_halve_is_resized_to_the_exact_edge():
    photo = process_photo(encode(scene(3000, 2250), quality=90))

    assert (photo.width, photo.height) == (2048, 1536)
    assert opened(photo.web).size == (1600, 1200)
    assert opened(photo.thumb).size == (320, 240)


def test_a_photo_already_downscaled_by_the_browser_keeps_its_size():
    photo = process_photo(encode(scene(2048, 1536), quality=85))

    assert (photo.width, photo.height) == (2048, 1536)
    assert opened(photo.full).size == (2048, 1536)


def test_a_small_photo_is_never_enlarged():
    photo = process_photo(encode(scene(300, 200)))

    assert opened(photo.full).size == (300, 200)
    assert opened(photo.web).size == (300, 200)
    assert opened(photo.thumb).size == (300, 200)


def test_the_edges_follow_the_settings(settings):
    settings.BANTAR_PHOTO_MAX_EDGE = 1000
    settings.BANTAR_PHOTO_WEB_EDGE = 500
    settings.BANTAR_PHOTO_THUMB_EDGE = 100

    photo = process_photo(encode(scene(1200, 900), format="PNG"))

    assert opened(photo.full).size == (1000, 750)
    assert opened(photo.web).size == (500, 375)
    assert opened(photo.thumb).size == (100, 75)


@pytest.mark.parametrize(
    ("orientation", "size", "expected_size", "red_at"),
    [
        (6, (400, 200), (200, 400), "top"),  # tablet held upright, camera turned right
        (8, (400, 200), (200, 400), "bottom"),
        (3, (400, 200), (400, 200), "right"),  # upside down
        (1, (400, 200), (400, 200), "left"),
        (6, (4000, 2000), (1000, 2000), "top"),  # through libjpeg's reduced-scale decode
    ],
)
def test_it_turns_the_photo_the_way_the_juror_held_the_tablet(
    orientation, size, expected_size, red_at
):
    data = encode(marked(*size), exif=exif_bytes(orientation=orientation), quality=95)

    full = opened(process_photo(data).full)

    assert full.size == expected_size
    width, height = full.size
    near = {
        "top": (width // 2, 5),
        "bottom": (width // 2, height - 6),
        "left": (5, height // 2),
        "right": (width - 6, height // 2),
    }
    assert is_red(full.getpixel(near[red_at]))
    for side, point in near.items():
        if side != red_at:
            assert not is_red(full.getpixel(point)), side


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP"])
def test_it_keeps_gps_and_capture_time_private(format):
    exif = exif_bytes(gps=JAMBI_GPS, exif_ifd={**TAKEN, 0x9011: "+07:00"})
    photo = process_photo(encode(scene(), format=format, exif=exif))

    assert photo.latitude == Decimal("-1.610100")
    assert photo.longitude == Decimal("103.613100")
    assert photo.taken_at == datetime(2024, 8, 17, 9, 30, tzinfo=JAKARTA)
    assert photo.taken_at.utcoffset() == timedelta(hours=7)
    assert_clean_jpegs(photo)
    for data in (photo.full, photo.web, photo.thumb):
        assert b"2024:08:17" not in data


def test_a_capture_time_without_offset_is_taken_as_jambi_time():
    photo = process_photo(encode(scene(), exif=exif_bytes(exif_ifd=TAKEN)))

    assert photo.taken_at == datetime(2024, 8, 17, 9, 30, tzinfo=JAKARTA)
    assert photo.taken_at.utcoffset() == timedelta(hours=7)


def test_a_recorded_offset_wins_over_jambi_time():
    exif = exif_bytes(exif_ifd={**TAKEN, 0x9011: "+08:00"})

    photo = process_photo(encode(scene(), exif=exif))

    assert photo.taken_at.utcoffset() == timedelta(hours=8)
    assert photo.taken_at == datetime(2024, 8, 17, 8, 30, tzinfo=JAKARTA)


def test_the_file_date_stands_in_when_the_capture_date_is_missing():
    exif = Image.Exif()
    exif[0x0132] = "2024:08:18 14:05:00"

    photo = process_photo(encode(scene(), exif=exif.tobytes()))

    assert photo.taken_at == datetime(2024, 8, 18, 14, 5, tzinfo=JAKARTA)


def test_a_photo_without_exif_has_no_time_or_place():
    photo = process_photo(encode(scene()))

    assert (photo.taken_at, photo.latitude, photo.longitude) == (None, None, None)


@pytest.mark.parametrize(
    "exif",
    [
        exif_bytes(exif_ifd={0x9003: "0000:00:00 00:00:00"}, gps={1: "S", 2: (1.0, 2.0, 3.0)}),
        exif_bytes(exif_ifd={0x9003: "kemarin sore"}, gps={**JAMBI_GPS, 1: "X"}),
        exif_bytes(
            gps={
                **JAMBI_GPS,
                2: (TiffImagePlugin.IFDRational(1, 0), TiffImagePlugin.IFDRational(0, 0), 1.0),
            }
        ),
        exif_bytes(gps={**JAMBI_GPS, 2: (95.0, 0.0, 0.0)}),  # beyond the pole
        b"Exif\x00\x00not a TIFF block at all",
    ],
    ids=["zero-date-half-gps", "words-and-bad-ref", "zero-denominators", "out-of-range", "garbage"],
)
def test_unreadable_exif_costs_the_time_and_place_but_not_the_photo(exif):
    photo = process_photo(encode(scene(), exif=exif))

    assert (photo.taken_at, photo.latitude, photo.longitude) == (None, None, None)
    assert opened(photo.full).size == (800, 600)


def test_comments_colour_profiles_and_xmp_are_left_behind():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(
        scene(),
        comment=b"<script>alert('rt')</script>",
        icc_profile=profile,
        xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>rahasia</x:xmpmeta>",
    )

    photo = process_photo(data)

    assert_clean_jpegs(photo)
    for copy in (photo.full, photo.web, photo.thumb):
        assert b"<script>" not in copy
        assert b"rahasia" not in copy


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P"])
def test_a_transparent_png_is_flattened_onto_white(mode):
    picture = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    ImageDraw.Draw(picture).rectangle((0, 0, 149, 199), fill=(200, 0, 0, 255))
    if mode == "P":
        picture = picture.convert("P", palette=Image.Palette.ADAPTIVE)
        picture.info["transparency"] = picture.getpixel((299, 199))
    elif mode == "LA":
        picture = picture.convert("LA")

    photo = process_photo(encode(picture, format="PNG"))

    full = opened(photo.full)
    assert photo.source_format == "PNG"
    assert full.mode == "RGB"
    assert min(full.getpixel((280, 100))) > 245  # was transparent: now white, not black
    assert max(full.getpixel((20, 100))) < 230  # the opaque half keeps its colour


def test_a_16_bit_greyscale_png_keeps_its_tones():
    picture = Image.linear_gradient("L").resize((256, 256)).convert("I").point(lambda v: v * 256)

    full = opened(process_photo(encode(picture.convert("I;16"), format="PNG")).full)

    assert full.getpixel((128, 5))[0] < 30
    assert 100 < full.getpixel((128, 128))[0] < 160
    assert full.getpixel((128, 250))[0] > 225


def test_a_webp_becomes_a_jpeg():
    photo = process_photo(encode(scene(1000, 750), format="WEBP", quality=80))

    assert photo.source_format == "WEBP"
    assert opened(photo.full).size == (1000, 750)
    assert_clean_jpegs(photo)


def test_a_cmyk_jpeg_becomes_rgb():
    photo = process_photo(encode(scene().convert("CMYK")))

    assert photo.source_format == "JPEG"
    assert_clean_jpegs(photo)


def test_a_multi_picture_jpeg_from_a_camera_is_a_jpeg():
    data = encode(scene(), format="MPO", save_all=True, append_images=[scene(variant=1)])
    assert opened(data).format == "MPO"

    photo = process_photo(data)

    assert photo.source_format == "JPEG"
    assert opened(photo.full).size == (800, 600)


def test_a_heic_from_an_iphone_becomes_a_jpeg():
    data = heif_bytes(scene(1200, 900), exif=exif_bytes(gps=JAMBI_GPS, exif_ifd=TAKEN))

    photo = process_photo(data)

    assert photo.source_format == "HEIF"
    assert opened(photo.full).size == (1200, 900)
    assert photo.latitude == Decimal("-1.610100")
    assert photo.taken_at == datetime(2024, 8, 17, 9, 30, tzinfo=JAKARTA)
    assert_clean_jpegs(photo)


def test_a_turned_heic_is_turned_once_not_twice():
    data = heif_bytes(marked(400, 200), exif=exif_bytes(orientation=6))

    full = opened(process_photo(data).full)

    assert full.size == (200, 400)
    assert is_red(full.getpixel((100, 5)))
    assert not is_red(full.getpixel((100, 394)))


@pytest.mark.parametrize(
    ("image_format", "payload"),
    [
        ("JPEG", "zip"),
        ("JPEG", "html"),
        ("PNG", "html"),
        ("PNG", "zip"),
    ],
)
def test_a_polyglot_is_accepted_but_its_payload_does_not_survive(image_format, payload):
    if payload == "zip":
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.writestr("payload.html", "<script>alert('polyglot')</script>")
        extra = archive.getvalue()
    else:
        extra = b"<html><body><script>alert('polyglot')</script></body></html>"
    data = encode(scene(), format=image_format) + extra

    photo = process_photo(data)

    assert opened(photo.full).size == (800, 600)
    for copy in (photo.full, photo.web, photo.thumb):
        assert b"PK\x03\x04" not in copy
        assert b"polyglot" not in copy
        assert b"<script" not in copy


# --- Duplicates --------------------------------------------------------------------------


def test_the_same_photo_gives_the_same_fingerprints():
    data = encode(scene(1200, 900))

    first, again = process_photo(data), process_photo(data)

    assert first.sha256 == again.sha256 == hashlib.sha256(data).hexdigest()
    assert first.phash == again.phash
    assert len(first.phash) == 16
    int(first.phash, 16)


def test_the_fingerprint_is_taken_of_the_photo_as_the_juror_saw_it(settings):
    picture = scene(1200, 900)
    stored = picture.transpose(Image.Transpose.ROTATE_90)  # orientation 6 turns it back
    limit = settings.BANTAR_PHOTO_DUPLICATE_DISTANCE

    photo = process_photo(encode(stored, exif=exif_bytes(orientation=6)))

    assert phash_distance(photo.phash, str(imagehash.phash(picture))) <= limit
    assert phash_distance(photo.phash, str(imagehash.phash(stored))) > limit


@pytest.mark.parametrize(
    "copy",
    [
        lambda picture: encode(picture, quality=55),  # sent again through a messenger
        lambda picture: encode(picture.resize((600, 450)), quality=80),  # downscaled by the browser
        lambda picture: encode(picture, format="PNG"),
    ],
    ids=["recompressed", "downscaled", "as-png"],
)
def test_a_copy_of_a_photo_is_recognised_as_a_duplicate(copy, settings):
    picture = scene(1200, 900)
    original = process_photo(encode(picture, quality=92))

    again = process_photo(copy(picture))

    assert again.sha256 != original.sha256
    assert phash_distance(original.phash, again.phash) <= settings.BANTAR_PHOTO_DUPLICATE_DISTANCE


@pytest.mark.parametrize("variant", [1, 2, 3])
def test_a_different_photo_is_not_a_duplicate(variant, settings):
    one = process_photo(encode(scene(1200, 900)))
    other = process_photo(encode(scene(1200, 900, variant=variant)))

    assert phash_distance(one.phash, other.phash) > settings.BANTAR_PHOTO_DUPLICATE_DISTANCE


def test_phash_distance_counts_differing_bits():
    assert phash_distance("0" * 16, "0" * 16) == 0
    assert phash_distance("0" * 16, "f" * 16) == 64
    assert phash_distance("8000000000000001", "0000000000000000") == 2
    with pytest.raises(ValueError):
        phash_distance("abc", "0" * 16)


# --- What is refused -------------------------------------------------------------------


def test_it_refuses_an_empty_file():
    error = refusal(b"")

    assert error.messages == [str(ERROR_PHOTO_EMPTY)]
    assert error.code == "photo_empty"


def test_it_refuses_a_file_over_the_limit_and_says_the_limit(settings):
    settings.BANTAR_PHOTO_MAX_BYTES = 1024 * 1024
    photo = encode(scene())

    error = refusal(photo + b"\x00" * (1024 * 1024 - len(photo) + 1))

    assert error.messages == [str(ERROR_PHOTO_TOO_LARGE) % {"limit_mb": "1"}]
    assert error.code == "photo_too_large"


def test_a_file_exactly_at_the_limit_is_accepted(settings):
    settings.BANTAR_PHOTO_MAX_BYTES = 1024 * 1024
    photo = encode(scene())

    processed = process_photo(photo + b"\x00" * (1024 * 1024 - len(photo)))

    assert processed.width == 800


@pytest.mark.parametrize(
    "data",
    [
        b"Ini bukan foto, hanya catatan juri.",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b"PK\x03\x04" + b"\x00" * 60,
        b"\x00" * 100,
        b"\xff\xd8",  # the first two bytes of a JPEG and nothing else
    ],
    ids=["text", "pdf", "html", "zip", "zeros", "jpeg-magic-only"],
)
def test_it_refuses_bytes_that_are_not_a_photo_whatever_the_file_is_called(data):
    error = refusal(data)

    assert error.messages == [str(ERROR_PHOTO_NOT_IMAGE)]
    assert error.code == "photo_not_image"


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>',
        b'\xef\xbb\xbf\n  <!-- peta RT --><svg><script>fetch("/")</script></svg>',
    ],
    ids=["with-prolog", "bare", "bom-and-comment"],
)
def test_it_refuses_an_svg_with_a_script(data):
    error = refusal(data)

    assert error.messages == [str(ERROR_PHOTO_SVG)]
    assert error.code == "photo_svg"


@pytest.mark.parametrize("format", ["GIF", "BMP", "TIFF", "ICO"])
def test_it_refuses_an_image_format_outside_the_list_and_names_it(format):
    error = refusal(encode(scene(64, 48), format=format))

    assert error.messages == [str(ERROR_PHOTO_FORMAT) % {"format": format}]
    assert error.code == "photo_format"


@pytest.mark.parametrize(
    ("width", "height", "max_pixels"),
    [
        (30000, 30000, None),  # Pillow's own bomb error, far past its limit
        (10000, 6000, None),  # under Pillow's limit, over ours: refused from the header alone
        (10000, 10000, 10**10),  # our limit raised: Pillow's bomb warning still refuses it
    ],
    ids=["pillow-error", "our-header-check", "pillow-warning"],
)
def test_it_refuses_a_decompression_bomb_before_decoding_it(width, height, max_pixels, settings):
    if max_pixels is not None:
        settings.BANTAR_PHOTO_MAX_PIXELS = max_pixels

    error = refusal(png_header_only(width, height))

    assert error.messages == [str(ERROR_PHOTO_TOO_MANY_PIXELS)]
    assert error.code == "photo_too_many_pixels"


def test_it_refuses_a_real_photo_over_the_pixel_limit_and_accepts_one_at_it(settings):
    settings.BANTAR_PHOTO_MAX_PIXELS = 1000 * 1000

    error = refusal(encode(scene(1001, 1000), format="PNG"))
    accepted = process_photo(encode(scene(1000, 1000), format="PNG"))

    assert error.messages == [str(ERROR_PHOTO_TOO_MANY_PIXELS)]
    assert accepted.width == 1000


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP"])
def test_it_refuses_a_truncated_photo(format):
    data = encode(scene(), format=format)

    error = refusal(data[: len(data) // 2])

    assert error.messages == [str(ERROR_PHOTO_BROKEN)]
    assert error.code == "photo_broken"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_it_refuses_a_truncated_12_megapixel_jpeg_decoded_at_reduced_scale(twelve_megapixels):
    error = refusal(twelve_megapixels[: len(twelve_megapixels) // 2])

    assert error.messages == [str(ERROR_PHOTO_BROKEN)]


def test_it_refuses_a_png_with_damaged_pixel_data():
    data = bytearray(encode(Image.effect_noise((200, 200), 40).convert("RGB"), format="PNG"))
    data[data.index(b"IDAT") + 200] ^= 0xFF

    error = refusal(bytes(data))

    assert error.messages == [str(ERROR_PHOTO_BROKEN)]


def test_it_refuses_a_truncated_heic():
    data = heif_bytes(scene())

    error = refusal(data[: len(data) // 2])

    assert error.messages == [str(ERROR_PHOTO_BROKEN)]


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP"])
def test_damaged_bytes_only_ever_give_a_clear_refusal(format):
    """Flip, cut and insert bytes at random (seeded): a photo or a ValidationError, nothing else."""
    rng = random.Random(format)
    original = encode(scene(160, 120), format=format, exif=exif_bytes(6, JAMBI_GPS, TAKEN))
    outcomes = set()
    for _ in range(80):
        data = bytearray(original)
        for _ in range(rng.choice([1, 3, 10])):
            position = rng.randrange(min(len(data), rng.choice([64, 600, len(data)])))
            data[position : position + rng.randrange(0, 8)] = rng.randbytes(rng.randrange(0, 8))
        try:
            process_photo(bytes(data))
            outcomes.add("accepted")
        except ValidationError as error:
            outcomes.add(error.code)
    assert "photo_broken" in outcomes  # the damage did reach the decoder


# --- Memory: every photo within BANTAR_PHOTO_MEMORY_MB, measured for real ------------------

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_photo.py"
BUDGET_MB = 150  # DESIGN.md: every image format decoded within 150 MB peak per photo


def peak_in_a_fresh_process(tmp_path: Path, data: bytes, env: dict[str, str] | None = None) -> dict:
    """process_photo once in a new process: its resident high-water mark above the size before.

    Pillow allocates in C, where tracemalloc sees nothing; the benchmark's child resets the
    kernel's mark after start-up and reads VmHWM (an upper bound if the kernel cannot reset).
    """
    path = tmp_path / "photo.bin"
    path.write_bytes(data)
    result = subprocess.run(
        [sys.executable, str(BENCH), "--child", "ours", str(path), "1"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def header(data: bytes):
    with Image.open(io.BytesIO(data)) as image:
        return read_header(image, data)


def flat_png(size: tuple[int, int], mode: str = "RGB") -> bytes:
    """A large PNG that is tiny on disk: a flat picture with one rectangle compresses ~1000:1."""
    image = Image.new(mode, size, (200, 210, 190, 255)[: len(mode)] if mode != "P" else 3)
    ImageDraw.Draw(image).rectangle((size[0] // 7, size[1] // 7, size[0] // 2, size[1] // 2), 90)
    return encode(image, format="PNG", compress_level=9)


def test_a_49_megapixel_png_is_refused_from_its_header_and_would_have_cost_more(tmp_path):
    data = flat_png((7000, 7000))
    assert len(data) < 300 * 1024  # the 186 KB PNG, near enough

    refused = peak_in_a_fresh_process(tmp_path, data)
    lifted = peak_in_a_fresh_process(tmp_path, data, {"BANTAR_PHOTO_MEMORY_MB": "100000"})

    assert refused["outcomes"] == ["photo_too_many_pixels"]
    assert refused["peak_mb"] < 10  # nothing was decoded
    assert refused_message(data) == [str(ERROR_PHOTO_TOO_MANY_PIXELS)]
    # What the header check saves: decoding it anyway costs more than the budget.
    assert lifted["outcomes"] == ["ok"]
    assert lifted["peak_mb"] > BUDGET_MB


def refused_message(data: bytes) -> list[str]:
    return refusal(data).messages


def test_a_12_megapixel_jpeg_stays_within_the_budget(tmp_path, twelve_megapixels):
    measured = peak_in_a_fresh_process(tmp_path, twelve_megapixels)

    assert measured["outcomes"] == ["ok"]
    assert measured["peak_mb"] <= BUDGET_MB
    assert measured["peak_mb"] * MB <= decode_cost(header(twelve_megapixels))


def picture_in(mode: str, size: tuple[int, int]) -> Image.Image:
    """Gradients: quick to make at 20+ megapixels and small on disk. What is decoded
    costs the same whatever the content, and the file stays under the byte limit."""
    ramp = Image.linear_gradient("L").resize(size)
    glow = Image.radial_gradient("L").resize(size)
    base = Image.merge("RGB", (ramp, glow, ramp.transpose(Image.Transpose.ROTATE_180)))
    if mode == "RGBA":
        base.putalpha(glow)
    return base.quantize(64) if mode == "P" else base


@pytest.mark.parametrize(
    ("format", "mode", "options"),
    [
        ("PNG", "RGB", {}),
        ("PNG", "RGBA", {}),
        ("PNG", "P", {}),
        ("JPEG", "RGB", {"progressive": True, "subsampling": 0, "quality": 90}),
        ("WEBP", "RGB", {"quality": 80}),
        ("HEIF", "RGB", {"quality": 60}),
    ],
    ids=["png", "png-alpha", "png-palette", "progressive-jpeg", "webp", "heic"],
)
def test_each_format_at_its_largest_accepted_size_stays_within_the_budget(
    tmp_path, format, mode, options
):
    """The estimate must be an upper bound where it matters most: right at the limit."""

    def made(size: tuple[int, int]) -> bytes:
        if format == "HEIF":
            return heif_bytes(picture_in(mode, size), **options)
        return encode(picture_in(mode, size), format=format, **options)

    width, height = largest_accepted(header(made((64, 48))))
    data = made((width, height))

    measured = peak_in_a_fresh_process(tmp_path, data)

    assert measured["outcomes"] == ["ok"]
    assert measured["peak_mb"] <= decode_cost(header(data)) / MB <= BUDGET_MB
    # One column more (and its rows) and the header alone refuses it.
    assert decode_cost(header(data), (width + 4, (width + 4) * 3 // 4)) > BUDGET_MB * MB


def test_a_photo_one_byte_over_the_memory_budget_is_refused_and_one_at_it_accepted(settings):
    data = encode(scene(1200, 900), format="PNG")
    cost = decode_cost(header(data))

    settings.BANTAR_PHOTO_MEMORY_MB = (cost - 1) / MB
    error = refusal(data)
    settings.BANTAR_PHOTO_MEMORY_MB = cost / MB
    accepted = process_photo(data)

    assert error.messages == [str(ERROR_PHOTO_TOO_MANY_PIXELS)]
    assert error.code == "photo_too_many_pixels"
    assert accepted.width == 1200


@pytest.mark.parametrize(
    ("size", "decoded"),
    [
        ((4000, 3000), (2000, 1500)),
        ((4001, 3001), (2001, 1501)),
        ((7999, 5999), (2000, 1500)),
        ((3000, 2250), (2048, 1536)),  # not halved: decoded in full, then resized
    ],
)
def test_the_estimate_knows_the_scale_libjpeg_decodes_at(size, decoded):
    data = encode(Image.new("RGB", size, (90, 110, 130)), quality=70)

    photo = process_photo(data)

    assert (photo.width, photo.height) == decoded
    assert _fit_edge(decoded_size(header(data))) == decoded


def _fit_edge(size: tuple[int, int], edge: int = 2048) -> tuple[int, int]:
    ratio = min(1, edge / max(size))
    return round(size[0] * ratio), round(size[1] * ratio)


def test_a_multi_scan_jpeg_is_charged_for_its_whole_coefficient_buffer():
    picture = scene(1600, 1200)
    baseline = encode(picture, quality=90)
    progressive = encode(picture, quality=90, progressive=True)
    # A first scan that carries one of three components: libjpeg buffers the whole image too.
    sos = baseline.index(b"\xff\xda")
    separate = baseline[: sos + 4] + b"\x01" + baseline[sos + 5 :]

    assert not header(baseline).jpeg_multi_scan
    assert header(progressive).jpeg_multi_scan
    assert header(separate).jpeg_multi_scan
    # 1600x1200 at 4:2:0: 1.92 M luma + 2 x 0.48 M chroma samples, 2 bytes each
    extra = decode_cost(header(progressive)) - decode_cost(header(baseline))
    assert extra == 2 * (1600 * 1200 + 2 * 800 * 600)


# --- At most BANTAR_PHOTO_CONCURRENCY photos at once per process ---------------------------


class HeldSlots:
    """Threads that take photo slots and keep them until told to let go."""

    def __init__(self, count: int) -> None:
        self.release = threading.Event()
        self.taken = threading.Barrier(count + 1)
        self.threads = [threading.Thread(target=self._hold) for _ in range(count)]
        for thread in self.threads:
            thread.start()
        self.taken.wait(timeout=10)

    def _hold(self) -> None:
        with photo_slot():
            self.taken.wait(timeout=10)
            self.release.wait(timeout=30)

    def let_go(self) -> None:
        self.release.set()
        for thread in self.threads:
            thread.join(timeout=10)


@pytest.fixture
def two_slots(settings):
    settings.BANTAR_PHOTO_CONCURRENCY = 2
    settings.BANTAR_PHOTO_WAIT_SECONDS = 0.2
    return settings


def test_a_third_photo_is_refused_as_busy_while_two_are_processed(two_slots):
    held = HeldSlots(2)
    try:
        with pytest.raises(PhotoBusyError) as error:
            process_photo(encode(scene()))
    finally:
        held.let_go()

    assert error.value.messages == [str(ERROR_PHOTO_BUSY)]
    assert error.value.code == "photo_busy"
    assert isinstance(error.value, ValidationError)  # every view refuses it with its message
    assert process_photo(encode(scene())).width == 800  # the slots came back


def test_a_third_photo_waits_for_a_slot_and_then_goes_through(two_slots):
    two_slots.BANTAR_PHOTO_WAIT_SECONDS = 20
    held = HeldSlots(2)
    finished = threading.Event()
    results: list[ProcessedPhoto] = []

    def third() -> None:
        results.append(process_photo(encode(scene())))
        finished.set()

    waiting = threading.Thread(target=third)
    waiting.start()
    try:
        assert not finished.wait(timeout=0.5)  # both slots taken: it waits
        held.release.set()
        assert finished.wait(timeout=15)
    finally:
        held.let_go()
        waiting.join(timeout=15)
    assert results[0].width == 800


def test_a_refused_photo_gives_its_slot_back(settings):
    settings.BANTAR_PHOTO_CONCURRENCY = 1
    settings.BANTAR_PHOTO_WAIT_SECONDS = 0.2
    broken = encode(scene(), format="PNG")

    for _ in range(3):  # refused inside the slot, while decoding
        assert refusal(broken[: len(broken) // 2]).code == "photo_broken"

    assert process_photo(encode(scene())).width == 800


def test_the_bound_follows_the_setting(settings):
    settings.BANTAR_PHOTO_CONCURRENCY = 3
    settings.BANTAR_PHOTO_WAIT_SECONDS = 0.2
    with ExitStack() as stack:
        for _ in range(2):
            stack.enter_context(photo_slot())
        assert process_photo(encode(scene())).width == 800  # the third of three
        stack.enter_context(photo_slot())
        with pytest.raises(PhotoBusyError):
            process_photo(encode(scene()))


def test_a_truncated_photo_is_refused_after_a_pdf_library_turned_truncated_loading_on():
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES when imported (documents/pdf.py)."""
    import weasyprint  # noqa: F401 - the import is the point

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as it is left by any library that wants it
    data = encode(scene(), format="JPEG")
    error = refusal(data[: len(data) // 2])
    assert error.code == "photo_broken"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
