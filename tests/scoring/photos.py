"""Real photos for the evidence pages' tests: little scenes drawn with Pillow, re-encoded by
the juror's pipeline (`scoring.images.process_photo`), so every copy is a real JPEG."""

from __future__ import annotations

import io
import random
import uuid
from datetime import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from bantar.models import User
from competitions.models import Entry
from indicators.models import Indicator
from scoring.images import process_photo
from scoring.models import Evidence


def scene(seed: int) -> bytes:
    """Sky, ground and houses, different for every seed (so is the perceptual hash)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (640, 480), (120 + rng.randrange(100), 170 + rng.randrange(60), 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 280 + rng.randrange(80), 640, 480], fill=(60, 120 + rng.randrange(80), 50))
    for _house in range(rng.randrange(3, 9)):
        x, y = rng.randrange(0, 560), rng.randrange(120, 380)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.rectangle([x, y, x + rng.randrange(30, 140), y + rng.randrange(30, 110)], fill=colour)
        draw.ellipse([x, y - 60, x + 40, y - 20], fill=(rng.randrange(256), 200, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def add_photo(
    entry: Entry,
    juror: User,
    code: str | None,
    data: bytes,
    *,
    taken_at: datetime | None = None,
    located: bool = False,
) -> Evidence:
    """One photo as the pipeline stores it (`process_photo`'s three copies), written straight
    to the model: the season's sheets are submitted, and a submitted sheet takes no photo."""
    processed = process_photo(data)
    photo = Evidence(
        entry=entry,
        indicator=Indicator.objects.get(code=code) if code else None,
        juror=juror,
        width=processed.width,
        height=processed.height,
        sha256=processed.sha256,
        phash=processed.phash,
        taken_at=taken_at,
        latitude=Decimal("-1.610000") if located else None,
        longitude=Decimal("103.610000") if located else None,
    )
    stem = uuid.uuid4().hex
    photo.image.save(f"{stem}-full.jpg", ContentFile(processed.full), save=False)
    photo.web.save(f"{stem}-web.jpg", ContentFile(processed.web), save=False)
    photo.thumb.save(f"{stem}-thumb.jpg", ContentFile(processed.thumb), save=False)
    photo.full_clean()
    photo.save()
    return photo
