"""Hostile uploads through the juror's photo endpoint: a clear message, nothing saved."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from PIL import Image

from scoring.models import Evidence
from tests.corpus.generate import POLYGLOT_PAYLOAD, polyglot, upload_cases

pytestmark = pytest.mark.django_db
LIMIT = 512 * 1024


def files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def send(client, entry, content: bytes, name: str = "foto.jpg"):
    photo = io.BytesIO(content)
    photo.name = name
    return client.post(
        f"/penilaian/{entry.pk}/foto/",
        {"client_id": str(uuid.uuid4()), "indicator": "B1", "photo": photo},
    )


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
