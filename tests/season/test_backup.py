"""`manage.py backup` and `manage.py restore`: one archive, restored all or nothing.

These tests restore into a really empty database: `flush` empties every table
(migrate's content types and permissions are made anew, with other ids) and
MEDIA_ROOT is removed, as on a fresh server.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from bantar.models import User
from competitions.models import RT, Kelurahan
from indicators.models import Indicator
from scoring import results
from scoring.images import process_photo
from scoring.models import Evidence, Result, ResultSet
from scoring.result_selectors import results_inputs
from scoring.result_services import competition_finalise
from season.backup import (
    DATABASE_MEMBER,
    ERROR_ARCHIVE_MISSING,
    ERROR_MEMBER_CORRUPT,
    MANIFEST_MEMBER,
    backed_up_models,
)
from tests.scoring.conftest import jpeg_bytes
from tests.scoring.seasons import build_season

pytestmark = pytest.mark.django_db(transaction=True)

NOTHING_CHANGED = "Tidak ada yang diubah"


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def season(master_data, media, open_competition, panitia) -> ResultSet:
    """A finalised season of seven RTs, with one evidence photo of RT A."""
    entries = build_season(open_competition)
    result_set = competition_finalise(competition=open_competition, by=panitia)
    add_photo(entries["A"])
    return result_set


def add_photo(entry) -> Evidence:
    photo = process_photo(jpeg_bytes())
    evidence = Evidence(
        entry=entry,
        indicator=Indicator.objects.get(code="B1"),
        juror=User.objects.get(username="juri.satu"),
        width=photo.width,
        height=photo.height,
        sha256=photo.sha256,
        phash=photo.phash,
    )
    for field, content, suffix in (
        (evidence.image, photo.full, "full"),
        (evidence.web, photo.web, "web"),
        (evidence.thumb, photo.thumb, "thumb"),
    ):
        field.save(f"bukti-{suffix}.jpg", ContentFile(content), save=False)
    evidence.save()
    return evidence


def snapshot() -> dict[str, list]:
    """Every backed-up row exactly as the database returns it (to the microsecond), and
    the many-to-many links. No row of these tests points at a content type or permission,
    whose ids change with `flush`."""
    rows: dict[str, list] = {}
    for model in backed_up_models():
        label = model._meta.label_lower
        rows[label] = list(model._base_manager.order_by("pk").values())
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            ends = [f.attname for f in through._meta.fields if not f.primary_key]
            rows[f"{label}.{m2m.name}"] = sorted(through.objects.values_list(*ends))
    return rows


def counts() -> dict[str, int]:
    return {model._meta.label_lower: model._base_manager.count() for model in backed_up_models()}


def media_files(media: Path) -> dict[str, bytes]:
    return {
        path.relative_to(media).as_posix(): path.read_bytes()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }


def back_up(tmp_path: Path) -> Path:
    output = tmp_path / "cadangan"
    call_command("backup", output=output, stdout=io.StringIO())
    [archive] = output.glob("bantar-backup-*.tar.gz")
    return archive


def restore(archive: Path, *options: str) -> str:
    stdout = io.StringIO()
    call_command("restore", str(archive), *options, stdout=stdout)
    return stdout.getvalue()


def empty_the_portal(media: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media, ignore_errors=True)


def read_members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar.getmembers()}


def write_archive(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_a_season_restores_into_an_empty_database_with_identical_results(season, media, tmp_path):
    rows_before, counts_before, photos_before = snapshot(), counts(), media_files(media)
    results_before = list(Result.objects.order_by("pk").values())
    assert len(results_before) == 7 and len(photos_before) == 3
    archive = back_up(tmp_path)

    empty_the_portal(media)
    assert not User.objects.exists() and not media.exists()
    output = restore(archive)

    restored = ResultSet.objects.get()
    assert restored.inputs_hash == season.inputs_hash
    assert list(Result.objects.order_by("pk").values()) == results_before
    # The restored scores still produce the frozen fingerprint.
    rules, inputs, _panel, _levels = results_inputs(restored.competition)
    assert results.inputs_hash(inputs, rules) == season.inputs_hash
    assert counts() == counts_before
    assert snapshot() == rows_before
    assert media_files(media) == photos_before
    assert "scoring.result: 7" in output
    assert "3 berkas media" in output


def test_times_are_restored_to_the_microsecond(season, media, tmp_path):
    # Django's JSON encoder would keep milliseconds only: 12:00:00.000500 became 12:00:00.
    moment = datetime(2025, 8, 1, 5, 0, 0, 500, tzinfo=UTC)
    ResultSet.objects.update(finalised_at=moment)
    archive = back_up(tmp_path)
    empty_the_portal(media)
    restore(archive)
    assert ResultSet.objects.get().finalised_at == moment


def test_admin_log_and_permissions_find_their_content_types_again(master_data, media, tmp_path):
    admin = User.objects.create_superuser("admin", password="Rahasia-Kota-Jambi-1")
    group = Group.objects.create(name="Operator wilayah")
    group.permissions.add(Permission.objects.get(codename="change_kelurahan"))
    admin.groups.add(group)
    kelurahan = Kelurahan.objects.get(name="Eka Jaya")
    LogEntry.objects.log_actions(admin.pk, [kelurahan], CHANGE, change_message="Nama diperbaiki")
    old_ids = ContentType.objects.get_for_model(Kelurahan).pk, group.permissions.get().pk
    archive = back_up(tmp_path)
    empty_the_portal(media)
    # On another server, content types and permissions have other ids.
    ContentType.objects.filter(app_label="competitions", model="kelurahan").delete()
    ContentType.objects.clear_cache()
    create_permissions(apps.get_app_config("competitions"), verbosity=0)
    new_ids = (
        ContentType.objects.get_for_model(Kelurahan).pk,
        Permission.objects.get(codename="change_kelurahan").pk,
    )
    assert new_ids[0] != old_ids[0] and new_ids[1] != old_ids[1]
    restore(archive)

    entry = LogEntry.objects.get()
    assert entry.content_type.model_class() is Kelurahan
    assert entry.get_edited_object() == Kelurahan.objects.get(name="Eka Jaya")
    admin = User.objects.get(username="admin")
    assert admin.has_perm("competitions.change_kelurahan")
    assert admin.check_password("Rahasia-Kota-Jambi-1")


def test_the_audit_history_is_kept(season, media, tmp_path):
    history = {"competitions.historicalentry", "scoring.historicalscoresheet"}
    assert history <= {model._meta.label_lower for model in backed_up_models()}
    before = {label: count for label, count in counts().items() if label in history}
    assert all(before.values())
    archive = back_up(tmp_path)
    empty_the_portal(media)
    restore(archive)
    assert {label: count for label, count in counts().items() if label in history} == before


def test_the_manifest_names_version_counts_and_every_members_hash(season, media, tmp_path):
    archive = back_up(tmp_path)
    members = read_members(archive)
    manifest = json.loads(members[MANIFEST_MEMBER])

    assert manifest["format"] == "bantar-backup"
    assert manifest["portal_version"] == "0.1.0"
    assert manifest["created_at"]
    assert manifest["counts"] == counts()
    assert "axes.accessattempt" not in manifest["counts"]
    assert "sessions.session" not in manifest["counts"]
    assert set(manifest["members"]) == set(members) - {MANIFEST_MEMBER}
    for name, facts in manifest["members"].items():
        assert facts["sha256"] == hashlib.sha256(members[name]).hexdigest()
    photo = media_files(media)
    assert {f"media/{name}" for name in photo} <= set(members)
    assert archive.stat().st_mode & 0o777 == 0o600


def test_a_flipped_byte_in_a_member_is_refused_and_nothing_is_written(season, media, tmp_path):
    members = read_members(back_up(tmp_path))
    photo = next(name for name in members if name.endswith("-full.jpg"))
    damaged = bytearray(members[photo])
    damaged[len(damaged) // 2] ^= 0xFF
    archive = write_archive(tmp_path / "rusak.tar.gz", {**members, photo: bytes(damaged)})
    empty_the_portal(media)

    with pytest.raises(CommandError) as refused:
        restore(archive)
    assert str(refused.value) == str(ERROR_MEMBER_CORRUPT % {"member": photo})
    assert counts() == dict.fromkeys(counts(), 0)
    assert not media.exists() or media_files(media) == {}


def test_a_damaged_archive_file_is_refused_in_indonesian(season, media, tmp_path):
    archive = back_up(tmp_path)
    data = bytearray(archive.read_bytes())
    for offset in range(200, len(data), max(1, len(data) // 7)):
        data[offset] ^= 0xFF
    archive.write_bytes(bytes(data))
    empty_the_portal(media)

    with pytest.raises(CommandError, match=NOTHING_CHANGED):
        restore(archive)
    assert not User.objects.exists()
    assert not media.exists() or media_files(media) == {}


def test_a_missing_archive_is_named(db, tmp_path):
    missing = tmp_path / "tidak-ada.tar.gz"
    with pytest.raises(CommandError) as refused:
        restore(missing)
    assert str(refused.value) == str(ERROR_ARCHIVE_MISSING % {"path": missing})


def test_a_file_that_is_not_a_backup_is_refused(media, tmp_path, db):
    archive = write_archive(tmp_path / "lain.tar.gz", {DATABASE_MEMBER: b"{}\n"})
    empty_the_portal(media)
    with pytest.raises(CommandError, match=r"manifest\.json tidak ada"):
        restore(archive)


def test_a_database_with_data_is_refused_without_force(season, media, tmp_path):
    archive = back_up(tmp_path)
    RT.objects.create(kelurahan=Kelurahan.objects.get(name="Eka Jaya"), number=99)
    before = counts()

    with pytest.raises(CommandError, match=r"sudah berisi data.*--force"):
        restore(archive)
    assert counts() == before


def test_media_files_without_a_database_are_refused_without_force(season, media, tmp_path):
    archive = back_up(tmp_path)
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match=r"Folder media .* sudah berisi berkas"):
        restore(archive)
    assert not User.objects.exists()


def test_force_replaces_all_data_and_media(season, media, tmp_path):
    rows_before, photos_before = snapshot(), media_files(media)
    archive = back_up(tmp_path)
    User.objects.filter(username="panitia").update(first_name="Diubah")
    RT.objects.create(kelurahan=Kelurahan.objects.get(name="Eka Jaya"), number=99)
    (media / "sisa.jpg").write_bytes(b"bukan dari arsip")

    output = restore(archive, "--force")

    assert snapshot() == rows_before
    assert media_files(media) == photos_before
    assert "diganti" in output


def test_check_reads_the_archive_and_changes_nothing(season, media, tmp_path):
    archive = back_up(tmp_path)
    before = counts()
    output = restore(archive, "--check")
    assert "Arsip utuh" in output
    assert counts() == before


def test_every_model_of_the_portal_is_backed_up():
    kept = {model._meta.label_lower for model in backed_up_models()}
    left_out = {model._meta.label_lower for model in apps.get_models()} - kept
    assert left_out == {
        "contenttypes.contenttype",
        "auth.permission",
        "sessions.session",
        "competitions.importpreview",
        "axes.accessattempt",
        "axes.accessattemptexpiration",
        "axes.accesslog",
        "axes.accessfailurelog",
    }


def test_a_restore_on_postgresql_leaves_the_planner_counting_the_restored_rows(
    season, media, tmp_path
):
    """After a restore the planner must not believe the tables are empty (ANALYZE ran)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL keeps planner statistics; SQLite plans without them")
    archive = back_up(tmp_path)
    empty_the_portal(media)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE scoring_score")  # as autovacuum leaves a table seen empty
    restore(archive)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'scoring_score'")
        (estimated,) = cursor.fetchone()
    assert estimated > 0
