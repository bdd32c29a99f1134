"""Hostile uploads through the juror's photo endpoint: a clear message, nothing saved."""

from __future__ import annotations

import io
import uuid
from contextlib import ExitStack
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from scoring.images import ERROR_PHOTO_BUSY, ERROR_PHOTO_TOO_MANY_PIXELS, photo_slot
from scoring.models import Evidence
from tests.corpus.generate import POLYGLOT_PAYLOAD, jpeg, polyglot, upload_cases

pytestmark = pytest.mark.django_db
LIMIT = 512 * 1024


def files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def send(client, entry, content: bytes, name: str = "foto.jpg", **fields: str):
    photo = io.BytesIO(content)
    photo.name = name
    data = {"client_id": str(uuid.uuid4()), "indicator": "B1", "photo": photo, **fields}
    return client.post(f"/penilaian/{entry.pk}/foto/", data)


@pytest.fixture
def as_juror(client, juror, team1, settings):
    settings.BANTAR_PHOTO_MAX_BYTES = LIMIT
    client.force_login(juror)
    return client


@pytest.mark.parametrize("case", upload_cases(LIMIT), ids=lambda case: case.id)
def test_a_hostile_upload_is_refused_and_leaves_nothing(
    as_juror, entry_eka_jaya, private_media, case
):
    response = send(as_juror, entry_eka_jaya, case.content)
    assert response.status_code == 400
    assert response.json()["error"] == case.message
    assert not Evidence.objects.exists()
    assert files(private_media) == []


def test_a_polyglot_is_stored_only_as_a_fresh_image(as_juror, entry_eka_jaya, private_media):
    body = send(as_juror, entry_eka_jaya, polyglot()).json()
    for stored in files(private_media):
        assert POLYGLOT_PAYLOAD not in stored.read_bytes()
    served = b"".join(as_juror.get(body["web"]).streaming_content)
    assert POLYGLOT_PAYLOAD not in served and Image.open(io.BytesIO(served)).format == "JPEG"


def test_a_heic_photo_from_an_iphone_is_accepted(as_juror, entry_eka_jaya):
    import pillow_heif

    buffer = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (640, 480), (200, 150, 40))).save(
        buffer, format="HEIF"
    )
    response = send(as_juror, entry_eka_jaya, buffer.getvalue(), name="IMG_0001.HEIC")
    assert response.status_code == 201
    assert Evidence.objects.get().width == 640


def png_of_49_megapixels() -> bytes:
    """7000x7000, about 160 KB: small on the wire, 190 MB and more once decoded."""
    image = Image.new("RGB", (7000, 7000), (200, 210, 190))
    ImageDraw.Draw(image).rectangle((1000, 1000, 6000, 6000), fill=(30, 90, 160))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=9)
    return buffer.getvalue()


def test_a_49_megapixel_png_is_refused_from_its_header_and_leaves_nothing(
    as_juror, entry_eka_jaya, private_media
):
    content = png_of_49_megapixels()
    assert len(content) < LIMIT

    response = send(as_juror, entry_eka_jaya, content, name="denah.png")

    assert response.status_code == 400
    assert response.json()["error"] == str(ERROR_PHOTO_TOO_MANY_PIXELS)
    assert not Evidence.objects.exists()
    assert files(private_media) == []


def test_a_busy_server_answers_503_keeps_nothing_and_takes_the_retry(
    as_juror, entry_eka_jaya, private_media, settings
):
    settings.BANTAR_PHOTO_CONCURRENCY = 2
    settings.BANTAR_PHOTO_WAIT_SECONDS = 0.1
    change = str(uuid.uuid4())
    with ExitStack() as busy:  # two photos being processed in this process
        busy.enter_context(photo_slot())
        busy.enter_context(photo_slot())
        refused = send(as_juror, entry_eka_jaya, jpeg(), client_id=change)
        assert not Evidence.objects.exists()
        assert files(private_media) == []

    retried = send(as_juror, entry_eka_jaya, jpeg(), client_id=change)

    # 503 with JSON: the tablet's outbox keeps the photo and sends it again later.
    assert refused.status_code == 503
    assert refused.json()["error"] == str(ERROR_PHOTO_BUSY)
    assert retried.status_code == 201
    assert Evidence.objects.count() == 1


@pytest.mark.parametrize(
    "position",
    [{"latitude": "-1.619"}, {"longitude": "103.612"}],
    ids=["latitude-only", "longitude-only"],
)
def test_half_a_position_from_the_tablet_is_dropped_and_the_photo_kept(
    as_juror, entry_eka_jaya, position
):
    response = send(as_juror, entry_eka_jaya, jpeg(), **position)

    assert response.status_code == 201
    evidence = Evidence.objects.get()
    assert (evidence.latitude, evidence.longitude) == (None, None)


def test_half_a_position_in_exif_is_dropped_and_the_tablets_whole_one_kept(
    as_juror, entry_eka_jaya
):
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (1.0, 36.0, 36.36)}  # latitude, no longitude
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (30, 120, 60)).save(buffer, "JPEG", exif=exif.tobytes())

    response = send(as_juror, entry_eka_jaya, buffer.getvalue(), latitude="-1.5", longitude="103.5")

    assert response.status_code == 201
    evidence = Evidence.objects.get()
    assert (str(evidence.latitude), str(evidence.longitude)) == ("-1.500000", "103.500000")
