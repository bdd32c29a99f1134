"""Backups of the whole portal in one archive, and restoring them all or nothing.

An archive (`bantar-backup-YYYYmmdd-HHMMSS.tar.gz`) holds three things:

- `database.jsonl`: every row of every model of the portal, Django's JSON lines
  serialisation, so that it loads into SQLite and PostgreSQL alike. The audit
  history (simple_history's tables) and the admin log are models too and are kept.
  Left out are the rows `migrate` makes anew in every database (content types,
  permissions; rows that point at them name them by natural key), sessions, and
  django-axes' login records.
- `media/...`: the files under MEDIA_ROOT (the jurors' private evidence photos).
- `manifest.json`: portal version, when, database vendor, applied migrations,
  rows per model, and the size and sha256 of every other member.

Restoring checks every member against the manifest before it touches anything,
refuses a database (or MEDIA_ROOT) that already holds data unless forced, loads
the rows in one transaction, and moves the media files into place from a staging
folder only inside that transaction, undoing the move if the transaction fails.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import tomllib
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import import_module, metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JSONLSerializer
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FORMAT = "bantar-backup"
FORMAT_VERSION = 1
DATABASE_MEMBER = "database.jsonl"
MANIFEST_MEMBER = "manifest.json"
MEDIA_PREFIX = "media/"
# Staging folders of a restore live inside MEDIA_ROOT (same file system, so moving
# files into place is a rename); they are never backed up nor counted as data.
STAGING_PREFIX = ".bantar-restore-"
MANIFEST_MAX_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024

# Rows that `migrate` creates in every database, with ids of its own.
REBUILT_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}
# Not worth restoring: sessions end with a restore, login records are not the portal's data,
# an import waiting for confirmation lives minutes and holds a file of phone numbers.
LEFT_OUT = {"sessions.session", "competitions.importpreview"}
LEFT_OUT_APPS = {"axes"}
# Left out, yet pointing at rows a restore replaces: emptied with them (PostgreSQL refuses to
# empty a table that another one still references).
EMPTIED_ON_RESTORE = {"competitions.importpreview"}

ERROR_ARCHIVE_MISSING = _("Arsip cadangan %(path)s tidak ditemukan.")
ERROR_ARCHIVE_UNREADABLE = _(
    "%(path)s bukan arsip cadangan Portal BANTAR yang utuh (%(reason)s). "
    "Tidak ada yang diubah; pakai salinan cadangan yang lain."
)
ERROR_NOT_A_BACKUP = _(
    "%(path)s bukan arsip cadangan Portal BANTAR: %(reason)s. Tidak ada yang diubah."
)
ERROR_MEMBER_CORRUPT = _(
    "Arsip rusak: isi %(member)s tidak cocok dengan sidik sha256 di manifest. "
    "Tidak ada yang diubah; pakai salinan cadangan yang lain."
)
ERROR_MEMBER_MISSING = _(
    "Arsip tidak lengkap: %(member)s tercantum di manifest tetapi tidak ada di arsip. "
    "Tidak ada yang diubah."
)
ERROR_MEMBER_UNEXPECTED = _(
    "Arsip berisi %(member)s yang tidak tercantum di manifest. Tidak ada yang diubah."
)
ERROR_CANNOT_UNPACK = _(
    "Arsip tidak dapat dibuka ke %(path)s (%(reason)s); periksa ruang disk dan izin folder. "
    "Tidak ada yang diubah."
)
ERROR_DATABASE_NOT_EMPTY = _(
    "Basis data ini sudah berisi data (%(summary)s). Pemulihan akan menggantinya "
    "seluruhnya: buat dulu cadangan isinya sekarang, lalu ulangi dengan --force."
)
ERROR_MEDIA_NOT_EMPTY = _(
    "Folder media %(path)s sudah berisi berkas. Pemulihan akan menggantinya "
    "seluruhnya: buat dulu cadangan isinya sekarang, lalu ulangi dengan --force."
)
ERROR_MIGRATIONS_MISSING = _(
    "Basis data ini belum memiliki semua migrasi yang ada di arsip (%(missing)s). "
    "Pasang versi portal %(version)s atau yang lebih baru, jalankan `manage.py migrate`, "
    "lalu ulangi. Tidak ada yang diubah."
)
ERROR_COUNTS_DIFFER = _(
    "Setelah dimuat, jumlah baris %(model)s adalah %(found)s, padahal arsip mencatat "
    "%(expected)s. Pemulihan dibatalkan; tidak ada yang diubah."
)


class BackupError(Exception):
    """A backup or restore refused with a message for the person at the console."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    manifest: dict[str, Any]


@dataclass
class RestoreSummary:
    archive: Path
    manifest: dict[str, Any]
    counts: dict[str, int] = field(default_factory=dict)
    media_files: int = 0
    replaced: bool = False
    newer_migrations: list[str] = field(default_factory=list)


# --- What is backed up ------------------------------------------------------------


def backed_up_models(using: str = DEFAULT_DB_ALIAS) -> list[type[Model]]:
    """Every concrete model of the portal whose rows a backup keeps, in registry order."""
    return [
        model
        for model in apps.get_models()
        if not model._meta.proxy
        and model._meta.managed
        and model._meta.label_lower not in REBUILT_BY_MIGRATE | LEFT_OUT
        and model._meta.app_label not in LEFT_OUT_APPS
        and router.allow_migrate_model(using, model)
    ]


class PortableSerializer(JSONLSerializer):
    """JSON lines with primary keys, except references to rows that `migrate` creates
    (content types, permissions): those have other ids in another database and are
    written as natural keys, which Django's loader resolves."""

    def handle_fk_field(self, obj: Model, model_field: Any) -> None:
        self.use_natural_foreign_keys = _rebuilt_by_migrate(model_field.remote_field.model)
        super().handle_fk_field(obj, model_field)

    def handle_m2m_field(self, obj: Model, model_field: Any) -> None:
        self.use_natural_foreign_keys = _rebuilt_by_migrate(model_field.remote_field.model)
        super().handle_m2m_field(obj, model_field)


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder keeps milliseconds of a time; a backup keeps every microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def _rebuilt_by_migrate(model: type[Model]) -> bool:
    return model._meta.label_lower in REBUILT_BY_MIGRATE


def portal_version() -> str:
    pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
    try:
        return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        try:
            return metadata.version("bantar-portal")
        except metadata.PackageNotFoundError:
            return "unknown"


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


# --- Backup ---------------------------------------------------------------------


def backup_create(*, output_dir: Path, using: str = DEFAULT_DB_ALIAS) -> BackupSummary:
    """Write one archive of the database and MEDIA_ROOT into output_dir; return its path.

    The archive is readable by its owner only: it holds password hashes and the
    photos' GPS positions.
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    created = timezone.localtime()
    target = output_dir / f"bantar-backup-{created:%Y%m%d-%H%M%S}.tar.gz"
    partial = target.with_name(target.name + ".part")
    with tempfile.TemporaryDirectory(prefix="bantar-backup-") as work:
        dump = Path(work) / DATABASE_MEMBER
        counts, migrations = _dump_database(dump, using=using)
        # The database first, then the files: a photo saved meanwhile is at worst an
        # extra file; a row never points at a photo the archive lacks.
        members: dict[str, dict[str, Any]] = {}
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                members[DATABASE_MEMBER] = _add_file(tar, dump, DATABASE_MEMBER)
                for path, name in _media_files(Path(settings.MEDIA_ROOT)):
                    members[name] = _add_file(tar, path, name)
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "portal_version": portal_version(),
                    "django_version": django.get_version(),
                    "created_at": created.isoformat(),
                    "database_vendor": connections[using].vendor,
                    "migrations": migrations,
                    "counts": counts,
                    "media_files": sum(name.startswith(MEDIA_PREFIX) for name in members),
                    "members": members,
                }
                _add_bytes(tar, MANIFEST_MEMBER, _manifest_bytes(manifest))
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupSummary(path=target, manifest=manifest)


def _dump_database(path: Path, *, using: str) -> tuple[dict[str, int], list[str]]:
    """All backed-up rows as JSON lines, read in one consistent snapshot."""
    connection = connections[using]
    counts: dict[str, int] = {}
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using), path.open("w", encoding="utf-8") as stream:
        if outermost and connection.vendor == "postgresql":
            # Every table read as of the same moment, while jurors may keep saving.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for model in backed_up_models(using):
            rows = model._base_manager.using(using).order_by("pk")
            counted = _Counted(rows.iterator(chunk_size=2000))
            PortableSerializer().serialize(counted, stream=stream, cls=ExactJSONEncoder)
            counts[model._meta.label_lower] = counted.count
        migrations = applied_migrations(using)
    return counts, migrations


class _Counted:
    def __init__(self, items: Iterable[Model]) -> None:
        self.items = items
        self.count = 0

    def __iter__(self) -> Iterator[Model]:
        for item in self.items:
            self.count += 1
            yield item


def _media_files(media_root: Path) -> Iterator[tuple[Path, str]]:
    if not media_root.is_dir():
        return
    for directory, subdirectories, files in os.walk(media_root):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith(STAGING_PREFIX))
        for filename in sorted(files):
            path = Path(directory) / filename
            if path.is_file() and not path.is_symlink():
                yield path, MEDIA_PREFIX + path.relative_to(media_root).as_posix()


class _HashingReader:
    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha256.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    with path.open("rb") as stream:
        info = tar.gettarinfo(fileobj=stream, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mode = 0o600
        reader = _HashingReader(stream)
        tar.addfile(info, reader)
    return {"sha256": reader.sha256.hexdigest(), "size": info.size}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, _BytesReader(data))


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data = memoryview(data)
        self.offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk = bytes(self.data[self.offset : end])
        self.offset += len(chunk)
        return chunk


def _manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True).encode("utf-8")


# --- Restore --------------------------------------------------------------------


def backup_restore(
    *, archive: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS
) -> RestoreSummary:
    """Replace the portal's data and media with the archive's, all or nothing."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(ERROR_ARCHIVE_MISSING % {"path": archive})
    media_root = Path(settings.MEDIA_ROOT)
    if not force:
        _refuse_if_not_empty(media_root, using=using)
    made_media_root = not media_root.exists()
    media_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=media_root))
    try:
        manifest = _extract_verified(archive, staging)
        summary = RestoreSummary(archive=archive, manifest=manifest, replaced=force)
        summary.newer_migrations = _check_migrations(manifest, using=using)
        _restore_into_place(staging, media_root, manifest, summary, using=using)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if made_media_root and not any(media_root.iterdir()):
            media_root.rmdir()
    return summary


def archive_verify(archive: Path) -> dict[str, Any]:
    """Check an archive against its manifest without restoring it; return the manifest."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(ERROR_ARCHIVE_MISSING % {"path": archive})
    with tempfile.TemporaryDirectory(prefix="bantar-verify-") as work:
        return _extract_verified(archive, Path(work))


def _refuse_if_not_empty(media_root: Path, *, using: str) -> None:
    rows = {
        model._meta.label_lower: model._base_manager.using(using).count()
        for model in backed_up_models(using)
    }
    filled = sorted(((count, label) for label, count in rows.items() if count), reverse=True)
    if filled:
        summary = ", ".join(f"{label}: {count}" for count, label in filled[:3])
        if len(filled) > 3:
            summary += ", …"
        raise BackupError(ERROR_DATABASE_NOT_EMPTY % {"summary": summary})
    if next(_media_files(media_root), None) is not None:
        raise BackupError(ERROR_MEDIA_NOT_EMPTY % {"path": media_root})


def _extract_verified(archive: Path, staging: Path) -> dict[str, Any]:
    """Unpack the archive into staging and check it against its manifest.

    Layout of staging: `database.jsonl` and `media/...` as in the archive.
    """
    found: dict[str, dict[str, Any]] = {}
    manifest_data = None
    try:
        with tarfile.open(archive, mode="r|gz") as tar:
            for member in tar:
                name = _checked_name(archive, member, seen=found)
                source = tar.extractfile(member)
                assert source is not None  # a regular file, checked above
                if name == MANIFEST_MEMBER:
                    manifest_data = source.read(MANIFEST_MAX_BYTES + 1)
                    found[name] = {}
                else:
                    found[name] = _copy_hashing(source, staging / name)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupError(ERROR_ARCHIVE_UNREADABLE % {"path": archive, "reason": error}) from error
    manifest = _parse_manifest(archive, manifest_data)
    _compare_members(manifest["members"], found)
    return manifest


def _checked_name(archive: Path, member: tarfile.TarInfo, *, seen: dict[str, Any]) -> str:
    name = member.name
    path = PurePosixPath(name)
    safe = (
        member.isreg()
        and not path.is_absolute()
        and ".." not in path.parts
        and (name in (MANIFEST_MEMBER, DATABASE_MEMBER) or name.startswith(MEDIA_PREFIX))
        and name not in seen
    )
    if not safe:
        reason = _("isi yang tidak diharapkan: %(member)s") % {"member": name}
        raise BackupError(ERROR_NOT_A_BACKUP % {"path": archive, "reason": reason})
    return name


def _copy_hashing(source: IO[bytes], target: Path) -> dict[str, Any]:
    sha256 = hashlib.sha256()
    size = 0
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = target.open("xb")
    except OSError as error:
        raise BackupError(ERROR_CANNOT_UNPACK % {"path": target, "reason": error}) from error
    with out:
        while chunk := source.read(CHUNK):  # a damaged archive fails here, while reading
            sha256.update(chunk)
            size += len(chunk)
            try:
                out.write(chunk)
            except OSError as error:
                raise BackupError(
                    ERROR_CANNOT_UNPACK % {"path": target, "reason": error}
                ) from error
    return {"sha256": sha256.hexdigest(), "size": size}


def _parse_manifest(archive: Path, data: bytes | None) -> dict[str, Any]:
    def refuse(reason: Any) -> BackupError:
        return BackupError(ERROR_NOT_A_BACKUP % {"path": archive, "reason": reason})

    if data is None:
        raise refuse(_("manifest.json tidak ada"))
    if len(data) > MANIFEST_MAX_BYTES:
        raise refuse(_("manifest.json terlalu besar"))
    try:
        manifest = json.loads(data)
    except ValueError as error:
        raise refuse(_("manifest.json tidak terbaca")) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise refuse(_("manifest.json bukan milik Portal BANTAR"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise refuse(
            _("format versi %(found)s, yang dikenal hanya versi %(known)s")
            % {"found": manifest.get("format_version"), "known": FORMAT_VERSION}
        )
    if not isinstance(manifest.get("members"), dict) or DATABASE_MEMBER not in manifest["members"]:
        raise refuse(_("manifest.json tidak mencantumkan %(member)s") % {"member": DATABASE_MEMBER})
    return manifest


def _compare_members(expected: dict[str, dict[str, Any]], found: dict[str, dict[str, Any]]) -> None:
    found = {name: facts for name, facts in found.items() if name != MANIFEST_MEMBER}
    for name in sorted(expected):
        if name not in found:
            raise BackupError(ERROR_MEMBER_MISSING % {"member": name})
        if found[name] != {
            "sha256": expected[name].get("sha256"),
            "size": expected[name].get("size"),
        }:
            raise BackupError(ERROR_MEMBER_CORRUPT % {"member": name})
    for name in sorted(set(found) - set(expected)):
        raise BackupError(ERROR_MEMBER_UNEXPECTED % {"member": name})


def _check_migrations(manifest: dict[str, Any], *, using: str) -> list[str]:
    """Refuse a database behind the archive's schema; name the migrations it is ahead by."""
    here = set(applied_migrations(using))
    archived = set(manifest.get("migrations", []))
    missing = sorted(archived - here)
    if missing:
        shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
        raise BackupError(
            ERROR_MIGRATIONS_MISSING
            % {"missing": shown, "version": manifest.get("portal_version", "?")}
        )
    return sorted(here - archived)


def _restore_into_place(
    staging: Path,
    media_root: Path,
    manifest: dict[str, Any],
    summary: RestoreSummary,
    *,
    using: str,
) -> None:
    moves = _MediaSwap(new=staging / "media", old=staging / "replaced", media_root=media_root)
    try:
        with transaction.atomic(using=using):
            _delete_portal_rows(using)
            _delete_sessions(using)
            added = _upgrade_before_instruments(staging / DATABASE_MEMBER, manifest)
            _upgrade_result_columns(staging / DATABASE_MEMBER, manifest)
            _upgrade_before_ready(staging / DATABASE_MEMBER, manifest)
            call_command("loaddata", str(staging / DATABASE_MEMBER), database=using, verbosity=0)
            summary.counts = _check_counts({**manifest["counts"], **added}, using=using)
            _refresh_planner_statistics(using)
            summary.media_files = moves.swap()
    except BaseException:
        moves.undo()
        raise


def _rewrite_rows(
    dump: Path, change: Callable[[dict[str, Any]], bool], *, first: Sequence[dict[str, Any]] = ()
) -> bool:
    """Upgrade the dump line by line, as each migration the archive predates would have:
    `change(row)` edits a row in place and answers whether it is one it upgrades; every other
    line is copied byte for byte. `first` rows go before the others. The dump is replaced only
    when a row was upgraded (then `first` too is written); answers whether it was. The one
    home of the three upgrades' loop (duplicate D1 of season/backup.py)."""
    upgraded = dump.with_suffix(".upgrading")
    changed = False
    with dump.open(encoding="utf-8") as rows, upgraded.open("w", encoding="utf-8") as out:
        for added in first:
            out.write(json.dumps(added, ensure_ascii=False) + "\n")
        for line in rows:
            row = json.loads(line) if line.strip() else None
            if row is not None and change(row):
                line = json.dumps(row, ensure_ascii=False) + "\n"
                changed = True
            out.write(line)
    if changed:
        upgraded.replace(dump)
    else:
        upgraded.unlink()
    return changed


# Issue 14: rows written before competitions used an instrument have no "instrument" field.
INSTRUMENT_MIGRATION = "indicators.0002_instrument"
ROWS_ON_AN_INSTRUMENT = {
    "indicators.pillar",
    "indicators.indicator",
    "competitions.competition",
    "competitions.historicalcompetition",
}


def _upgrade_before_instruments(dump: Path, manifest: dict[str, Any]) -> dict[str, int]:
    """An archive from before instruments gets what `migrate` gave such a database: the Perwali
    11/2019 instrument, and its pillars, indicators and competitions on it. Other lines are
    copied as they are. Returns the rows added, for the count check."""
    if INSTRUMENT_MIGRATION in manifest.get("migrations", [INSTRUMENT_MIGRATION]):
        return {}
    # The migration's own record of the instrument, so a restore upgrades exactly like migrate.
    perwali = import_module("indicators.migrations.0002_instrument")
    instrument = {
        "model": "indicators.instrument",
        "pk": 1,
        "fields": {**perwali.PERWALI, "parent": None, "created_at": perwali.PERWALI_CREATED},
    }

    def on_the_instrument(row: dict[str, Any]) -> bool:
        if row.get("model") not in ROWS_ON_AN_INSTRUMENT:
            return False
        row["fields"].setdefault("instrument", instrument["pk"])
        return True

    # Nothing sits on an instrument: the archive is restored as it is, with no instrument added.
    if not _rewrite_rows(dump, on_the_instrument, first=[instrument]):
        return {}
    return {"indicators.instrument": 1}


# Issue 14 follow-up: an instrument row from before indicators 0003 has no "ready" field, and
# the model's default (a draft) would leave a restored portal with no instrument to choose.
READY_MIGRATION = "indicators.0003_instrument_ready"


def _upgrade_before_ready(dump: Path, manifest: dict[str, Any]) -> None:
    """An archive from before the ready flag gets what that migration gave such a database:
    the shipped instrument and every one a competition holds are ready, an unused copy a
    draft (the migration's own rule). Every other line is copied as it is."""
    if READY_MIGRATION in manifest.get("migrations", [READY_MIGRATION]):
        return
    rule = import_module("indicators.migrations.0003_instrument_ready").was_ready
    held = set()
    with dump.open(encoding="utf-8") as rows:
        for line in rows:
            row = json.loads(line) if line.strip() else None
            if row is not None and row.get("model") == "competitions.competition":
                held.add(row["fields"].get("instrument"))

    def made_ready(row: dict[str, Any]) -> bool:
        if row.get("model") != "indicators.instrument":
            return False
        fields = row["fields"]
        fields.setdefault(
            "ready", rule(has_parent=fields.get("parent") is not None, held=row["pk"] in held)
        )
        return True

    _rewrite_rows(dump, made_ready)


# Issue 14: a frozen result kept its pillar scores in three columns before
# scoring 0006; that migration's own conversion upgrades such rows.
RESULT_COLUMNS_MIGRATION = "scoring.0006_result_pillar_scores"


def _upgrade_result_columns(dump: Path, manifest: dict[str, Any]) -> None:
    """An archive from before scoring 0006 gets its results' `pillar_scores` as migrate
    gives them; every other line is copied as it is."""
    if RESULT_COLUMNS_MIGRATION in manifest.get("migrations", [RESULT_COLUMNS_MIGRATION]):
        return
    upgrade = import_module("scoring.migrations.0006_result_pillar_scores")

    def by_pillar_code(row: dict[str, Any]) -> bool:
        if row.get("model") != "scoring.result":
            return False
        fields = row["fields"]
        fields.setdefault("pillar_scores", upgrade.legacy_pillar_scores(fields))
        for column in upgrade.LEGACY_COLUMNS:
            fields.pop(column, None)
        return True

    _rewrite_rows(dump, by_pillar_code)


def _delete_portal_rows(using: str) -> None:
    """Empty every backed-up table (and its many-to-many tables), without signals."""
    connection = connections[using]
    tables = [apps.get_model(label)._meta.db_table for label in sorted(EMPTIED_ON_RESTORE)]
    for model in backed_up_models(using):
        tables.append(model._meta.db_table)
        throughs = (m2m.remote_field.through for m2m in model._meta.local_many_to_many)
        tables += [t._meta.db_table for t in throughs if t is not None and t._meta.auto_created]
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=False)
    connection.ops.execute_sql_flush(statements)


def _delete_sessions(using: str) -> None:
    """Everybody logs in again after a restore: old sessions may name other users."""
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        from django.contrib.sessions.models import Session

        Session.objects.using(using).all().delete()


def _refresh_planner_statistics(using: str) -> None:
    """PostgreSQL: ANALYZE the restored rows, so that the first results page after a restore
    does not plan for the empty tables autovacuum may have analysed after `migrate`."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _check_counts(expected: dict[str, int], *, using: str) -> dict[str, int]:
    counts = {}
    for model in backed_up_models(using):
        label = model._meta.label_lower
        counts[label] = model._base_manager.using(using).count()
        if counts[label] != expected.get(label, 0):
            raise BackupError(
                ERROR_COUNTS_DIFFER
                % {"model": label, "found": counts[label], "expected": expected.get(label, 0)}
            )
    return counts


@dataclass
class _MediaSwap:
    """Moves the current media aside and the restored ones in, and can undo both."""

    new: Path
    old: Path
    media_root: Path
    done: list[tuple[Path, Path]] = field(default_factory=list)

    def swap(self) -> int:
        self.old.mkdir(parents=True, exist_ok=True)
        for entry in sorted(self.media_root.iterdir()):
            if not entry.name.startswith(STAGING_PREFIX):
                self._move(entry, self.old / entry.name)
        if self.new.is_dir():
            for entry in sorted(self.new.iterdir()):
                self._move(entry, self.media_root / entry.name)
        return sum(1 for _ in _media_files(self.media_root))

    def _move(self, source: Path, target: Path) -> None:
        os.replace(source, target)
        self.done.append((source, target))

    def undo(self) -> None:
        for source, target in reversed(self.done):
            os.replace(target, source)
        self.done.clear()
