"""Photo evidence through the juror's endpoint: real JPEGs, private files, no orphans."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from scoring.evidence import evidence_add
from scoring.images import ERROR_PHOTO_BROKEN, ERROR_PHOTO_NOT_IMAGE
from scoring.models import Evidence
from scoring.services import ERROR_SHEET_LOCKED
from tests.scoring.conftest import jpeg_bytes, score_all

pytestmark = pytest.mark.django_db


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else []


def upload(
    client, entry, content: bytes, *, indicator: str = "B3", client_id: str | None = None, **extra
):
    photo = io.BytesIO(content)
    photo.name = "foto.jpg"
    data = {
        "client_id": client_id or str(uuid.uuid4()),
        "indicator": indicator,
        "photo": photo,
        **extra,
    }
    return client.post(f"/penilaian/{entry.pk}/foto/", data)


@pytest.fixture
def as_juror(client, juror, team1):
    client.force_login(juror)
    return client


def test_a_photo_is_stored_privately_as_three_copies(
    as_juror, entry_eka_jaya, juror, private_media
):
    response = upload(
        as_juror,
        entry_eka_jaya,
        jpeg_bytes(3000, 2000),
        taken_at="2026-11-20T09:15:00+07:00",
        latitude="-1.619",
        longitude="103.612",
    )
    assert response.status_code == 201
    evidence = Evidence.objects.get()
    assert (evidence.juror, evidence.indicator.code, evidence.width, evidence.height) == (
        juror,
        "B3",
        2048,
        1365,
    )
    assert (str(evidence.latitude), str(evidence.longitude)) == ("-1.619000", "103.612000")
    assert len(files_under(private_media)) == 3
    body = response.json()
    thumb = as_juror.get(body["thumb"])
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size) == 320


def test_a_retried_upload_stores_the_photo_once(as_juror, entry_eka_jaya, private_media):
    change = str(uuid.uuid4())
    first = upload(as_juror, entry_eka_jaya, jpeg_bytes(), client_id=change)
    second = upload(as_juror, entry_eka_jaya, jpeg_bytes(), client_id=change)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Evidence.objects.count() == 1 and len(files_under(private_media)) == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"ini bukan foto, hanya teks yang dinamai .jpg", str(ERROR_PHOTO_NOT_IMAGE)),
        (jpeg_bytes()[:4000], str(ERROR_PHOTO_BROKEN)),
    ],
)
def test_a_bad_file_is_refused_and_leaves_nothing(
    as_juror, entry_eka_jaya, private_media, content, message
):
    response = upload(as_juror, entry_eka_jaya, content)
    assert response.status_code == 400
    assert response.json()["error"] == message
    assert not Evidence.objects.exists()
    assert files_under(private_media) == []


def test_a_failure_after_the_files_are_written_removes_them(
    as_juror, entry_eka_jaya, juror_polri, private_media
):
    """Another juror's upload reuses a client id: the row is refused after its files were written."""
    upload(as_juror, entry_eka_jaya, jpeg_bytes(), indicator="B3")
    before = files_under(private_media)
    taken = Evidence.objects.get().client_id
    with pytest.raises(ValidationError):
        evidence_add(
            entry=entry_eka_jaya,
            juror=juror_polri,
            indicator=None,
            data=jpeg_bytes(),
            client_id=taken,
        )
    assert files_under(private_media) == before
    assert Evidence.objects.count() == 1


def test_other_jurors_and_officers_cannot_open_a_photo(
    client, as_juror, juror_polri, officer_eka_jaya, pejabat, entry_eka_jaya
):
    url = upload(as_juror, entry_eka_jaya, jpeg_bytes()).json()["web"]
    for user in (juror_polri, officer_eka_jaya):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(pejabat)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


def test_the_served_copies_carry_no_gps(as_juror, entry_eka_jaya):
    image = Image.new("RGB", (800, 600), (10, 90, 200))
    exif = Image.Exif()
    gps = {1: "S", 2: (1.0, 37.0, 8.4), 3: "E", 4: (103.0, 36.0, 43.2)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    body = upload(as_juror, entry_eka_jaya, buffer.getvalue()).json()
    evidence = Evidence.objects.get()
    assert evidence.latitude is not None and evidence.latitude < 0
    for variant in ("web", "thumb"):
        served = b"".join(as_juror.get(body[variant]).streaming_content)
        assert b"Exif" not in served
        assert not Image.open(io.BytesIO(served)).getexif()


def test_a_juror_deletes_its_photo_until_the_sheet_is_submitted(
    as_juror, entry_eka_jaya, private_media, django_capture_on_commit_callbacks
):
    first = upload(as_juror, entry_eka_jaya, jpeg_bytes()).json()
    second = upload(as_juror, entry_eka_jaya, jpeg_bytes(colour=(200, 30, 30))).json()
    with django_capture_on_commit_callbacks(execute=True):
        assert as_juror.post(first["delete"]).json() == {"ok": True}
    assert Evidence.objects.count() == 1
    score_all(as_juror, entry_eka_jaya)
    as_juror.post(f"/penilaian/{entry_eka_jaya.pk}/kirim/")
    refused = as_juror.post(second["delete"])
    assert refused.status_code == 409 and refused.json()["error"] == str(ERROR_SHEET_LOCKED)
    assert upload(as_juror, entry_eka_jaya, jpeg_bytes()).status_code == 409
    assert Evidence.objects.count() == 1 and len(files_under(private_media)) == 3


def test_a_juror_cannot_delete_another_jurors_photo(client, as_juror, juror_polri, entry_eka_jaya):
    body = upload(as_juror, entry_eka_jaya, jpeg_bytes()).json()
    client.force_login(juror_polri)
    assert client.post(body["delete"]).status_code == 404
    assert Evidence.objects.count() == 1


def test_the_juror_list_counts_photos(as_juror, entry_eka_jaya):
    upload(as_juror, entry_eka_jaya, jpeg_bytes())
    upload(as_juror, entry_eka_jaya, jpeg_bytes(colour=(1, 2, 3)), indicator="A1")
    assert "2 foto" in as_juror.get("/penilaian/").content.decode()
