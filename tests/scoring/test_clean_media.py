"""`manage.py clean_media`: photo files left without a row by a killed upload are removed."""

from __future__ import annotations

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from scoring.models import Evidence
from tests.scoring.conftest import jpeg_bytes
from tests.scoring.test_evidence import files_under, upload

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60


@pytest.fixture
def as_juror(client, juror, team1):
    client.force_login(juror)
    return client


def leftover(media: Path, entry, name: str, *, age: int) -> Path:
    """A file as a killed upload leaves it: in the RT's folder, with no row, `age` s old."""
    path = media / "evidence" / str(entry.competition_id) / str(entry.pk) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(jpeg_bytes(64, 48))
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def clean(*args: str) -> str:
    out = StringIO()
    call_command("clean_media", *args, stdout=out)
    return out.getvalue()


def test_old_files_without_a_row_go_and_everything_else_stays(
    as_juror, entry_eka_jaya, private_media
):
    assert upload(as_juror, entry_eka_jaya, jpeg_bytes()).status_code == 201
    stored = files_under(private_media)
    old = leftover(private_media, entry_eka_jaya, "dead-full.jpg", age=2 * DAY)
    fresh = leftover(private_media, entry_eka_jaya, "inflight-full.jpg", age=60)

    output = clean()

    assert not old.exists()
    assert fresh.exists()  # may belong to an upload in progress
    assert files_under(private_media) == sorted([*stored, fresh])
    assert "1 berkas foto tanpa catatan dihapus." in output
    evidence = Evidence.objects.get()
    for field in (evidence.image, evidence.web, evidence.thumb):
        assert (private_media / field.name).exists()


def test_a_dry_run_only_names_the_files(entry_eka_jaya, private_media):
    old = leftover(private_media, entry_eka_jaya, "dead-web.jpg", age=2 * DAY)
    output = clean("--dry-run")
    assert old.exists()
    assert "dead-web.jpg" in output and "1 berkas foto tanpa catatan akan dihapus." in output


def test_hours_sets_how_old_a_file_must_be(entry_eka_jaya, private_media):
    file = leftover(private_media, entry_eka_jaya, "dead-thumb.jpg", age=3 * 60 * 60)
    clean("--hours", "6")
    assert file.exists()
    clean("--hours", "2")
    assert not file.exists()


def test_an_empty_media_folder_is_fine(db, private_media):
    assert "0 berkas foto tanpa catatan dihapus." in clean()
