"""Backup and restore: the database (Django serialisation) plus the media files its rows name.

A backup is a directory:
    manifest.json   what is in it: rows per model, sha256 of every file, migration state
    data.jsonl      `dumpdata --natural-foreign` as JSON lines (times kept to the microsecond),
                    portable between SQLite and PostgreSQL; `loaddata` can read it too, but restore
                    inserts it in batches, which is many times faster
    media/          the stored files the rows refer to (evidence, publication copies), same names

Primary keys are kept (the API, frozen publications and plan snapshots carry ids), while
permissions and content types are referred to by natural key, so the data loads into any freshly
migrated database. Secrets never go into a backup: not SECRET_KEY and not PSEUDONYM_KEY. Only a
check value of the pseudonym key (an HMAC of a fixed text) is kept, so that a restore can warn
when the server's key differs: the restored rows stay as they are, but pupils in new uploads will
not link to them.

A backup does hold password hashes, API tokens and pseudonymised pupil data: keep it as securely
as the database itself.
"""
from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import json
import itertools
import os
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import File
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "research-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.jsonl"
MEDIA = "media"
# Rebuilt by `migrate` (content types, permissions) or not worth keeping (sessions, admin log).
EXCLUDED_APPS = ("contenttypes", "sessions", "admin")
EXCLUDED_MODELS = ("auth.permission",)
KEY_CHECK_TEXT = b"research-backup pseudonym key check"
BATCH = 2000


class ExactJSONEncoder(DjangoJSONEncoder):
    """Keeps microseconds (DjangoJSONEncoder cuts times to milliseconds, which would change every timestamp)."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    """JSON lines with exact times: the `dumpdata` format of a backup. `loaddata` reads it as plain jsonl."""

    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder

    def end_object(self, obj):
        # json.dumps uses the C encoder; json.dump (as jsonl does) the pure-Python one, several times slower.
        self.stream.write(json.dumps(self.get_dump_object(obj), **self.json_kwargs) + "\n")
        self._current = None


Deserializer = jsonl.Deserializer
SERIAL_FORMAT = "backupjsonl"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class Report:
    counts: dict[str, int]
    files: int
    bytes: int
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete model whose rows a backup holds (many-to-many rows travel with their owner)."""
    chosen = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.app_label in EXCLUDED_APPS or meta.label_lower in EXCLUDED_MODELS:
            continue
        if router.allow_migrate_model(DEFAULT_DB_ALIAS, model):
            chosen.append(model)
    return chosen


def _file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def key_check() -> str:
    """Identifies the pseudonym key without revealing it."""
    return hmac.new(settings.PSEUDONYM_KEY.encode(), KEY_CHECK_TEXT, hashlib.sha256).hexdigest()


def _sha256_path(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _safe_media_path(root: Path, name: str) -> Path:
    """Where a stored file's copy lives in the backup; refuses names that would leave `root`."""
    relative = PurePosixPath(name)
    if not name or relative.is_absolute() or ".." in relative.parts:
        raise BackupError(f"Refusing an unsafe stored file name: {name!r}.")
    return root.joinpath(*relative.parts)


def _migration_state(connection) -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connection).applied_migrations():
        state.setdefault(app_label, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def _referenced_files(chosen, database: str) -> list[tuple[str, object]]:
    """(name, storage) of every stored file a row refers to, each name once."""
    seen: dict[str, object] = {}
    for model in chosen:
        for file_field in _file_fields(model):
            names = model._base_manager.using(database).exclude(**{file_field.attname: ""}).exclude(
                **{f"{file_field.attname}__isnull": True}).values_list(file_field.attname, flat=True)
            for name in names.iterator():
                seen.setdefault(name, file_field.storage)
    return sorted(seen.items())


def _label(line: str) -> str:
    # Each line starts {"model": "app.model", ...} and a label holds no comma.
    return json.loads(line.split(",", 1)[0] + "}")["model"] if line.strip() else ""


def _count_lines(path: Path) -> Counter:
    with path.open(encoding="utf-8") as handle:
        return Counter(label for line in handle if (label := _label(line)))


@contextmanager
def _snapshot(database: str):
    """One consistent view of the database for the rows, the counts and the list of files."""
    connection = connections[database]
    if connection.vendor == "sqlite" and connection.get_autocommit():
        # A deferred read transaction: a stable snapshot under WAL, without the write lock that
        # Django's BEGIN IMMEDIATE (transaction_mode) would hold for the whole backup.
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=database):
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def backup(directory: str | os.PathLike, *, database: str = DEFAULT_DB_ALIAS) -> Report:
    """Write a backup of the whole database and its media files into `directory` (new or empty)."""
    root = Path(directory)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise BackupError(f"{root} is not an empty directory: choose a new one, so that no backup mixes with another.")
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    chosen = backed_up_models()
    labels = [m._meta.label for m in chosen]
    connection = connections[database]
    data_path = root / DATA
    serializers.register_serializer(SERIAL_FORMAT, __name__)
    with _snapshot(database):
        call_command("dumpdata", *labels, format=SERIAL_FORMAT, output=str(data_path), natural_foreign=True,
                     use_base_manager=True, database=database, verbosity=0)
        live = {m._meta.label_lower: m._base_manager.using(database).count() for m in chosen}
        files = _referenced_files(chosen, database)
        migrations_applied = _migration_state(connection)
    os.chmod(data_path, 0o600)
    dumped = _count_lines(data_path)
    counts = {label: dumped.get(label, 0) for label in sorted(live)}
    if counts != live:
        raise BackupError(f"The dump does not match the database: {counts} != {live}.")
    media_root = root / MEDIA
    entries, missing, total = [], [], 0
    for name, storage in files:
        target = _safe_media_path(media_root, name)
        if not storage.exists(name):
            missing.append(name)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with storage.open(name, "rb") as source, target.open("wb") as copy:
            for block in iter(lambda: source.read(1 << 20), b""):
                digest.update(block)
                copy.write(block)
        size = target.stat().st_size
        total += size
        entries.append({"name": name, "sha256": digest.hexdigest(), "size": size})
    data_sha, data_size = _sha256_path(data_path)
    manifest = {
        "format": FORMAT, "version": VERSION, "created_at": timezone.now().isoformat(),
        "django": django.get_version(), "database_vendor": connection.vendor,
        "data": {"file": DATA, "sha256": data_sha, "size": data_size},
        "counts": counts, "files": entries, "missing_files": missing, "migrations": migrations_applied,
        "pseudonym_key_check": key_check(),
        "not_included": ["SECRET_KEY", "PSEUDONYM_KEY", "sessions", "admin log", "content types and permissions "
                         "(rebuilt by migrate)"],
    }
    manifest_path = root / MANIFEST
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.chmod(manifest_path, 0o600)
    return Report(counts=counts, files=len(entries), bytes=total, missing=missing)


def read_manifest(root: Path) -> dict:
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{root} holds no {MANIFEST}: it is not a backup made by `manage.py backup`.") from None
    except ValueError as error:
        raise BackupError(f"{root / MANIFEST} is not valid JSON ({error}).") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r} version {manifest.get('version')!r}.")
    return manifest


def verify_backup(root: Path, manifest: dict) -> None:
    """Every byte of the backup is as the manifest says, before anything is written."""
    problems = []
    data_sha, _ = _sha256_path(root / DATA) if (root / DATA).exists() else (None, 0)
    if data_sha != manifest["data"]["sha256"]:
        problems.append(f"{DATA}: missing or changed since the backup was made")
    for entry in manifest["files"]:
        path = _safe_media_path(root / MEDIA, entry["name"])
        if not path.is_file():
            problems.append(f"{MEDIA}/{entry['name']}: missing")
        elif _sha256_path(path)[0] != entry["sha256"]:
            problems.append(f"{MEDIA}/{entry['name']}: sha256 differs from the manifest")
    if problems:
        raise BackupError("The backup is damaged; nothing was restored:\n  " + "\n  ".join(problems))


def _check_target(manifest: dict, database: str) -> list[str]:
    connection = connections[database]
    warnings = []
    applied = _migration_state(connection)
    missing = sorted(f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names
                     if name not in applied.get(app, []))
    if missing:
        raise BackupError("This database lacks migrations the backup was made with: " + ", ".join(missing)
                          + ". Run `manage.py migrate` with code at least as new as the backup's, then restore.")
    newer = sorted(f"{app}.{name}" for app, names in applied.items() for name in names
                   if name not in manifest["migrations"].get(app, []) and app in manifest["migrations"])
    if newer:
        warnings.append("This database has migrations newer than the backup (" + ", ".join(newer)
                        + "); the rows load with the new fields' defaults.")
    chosen = {m._meta.label_lower: m for m in backed_up_models()}
    unknown = sorted(set(manifest["counts"]) - set(chosen))
    if unknown:
        raise BackupError("The backup holds models this code does not know: " + ", ".join(unknown) + ".")
    occupied = {label: n for label, model in sorted(chosen.items())
                if (n := model._base_manager.using(database).count())}
    if occupied:
        raise BackupError(
            "Restore needs an empty, migrated database, and this one holds data ("
            + ", ".join(f"{label}: {n}" for label, n in occupied.items())
            + "). Create a new database, run `manage.py migrate`, then restore into it."
        )
    if manifest.get("pseudonym_key_check") != key_check():
        warnings.append(
            "This server's PSEUDONYM_KEY is not the one the backup was made under. The restored outcome rows "
            "are kept as they are, but pupils in new uploads will not link to them (their keys will differ). "
            "Set the original PSEUDONYM_KEY before accepting new uploads if you still have it."
        )
    return warnings


def _storage_for(manifest_files: list[dict], database: str):
    """{file name: storage}, from the file fields that refer to each name once the rows are loaded."""
    storages = {}
    for model in backed_up_models():
        for file_field in _file_fields(model):
            names = set(model._base_manager.using(database).exclude(**{file_field.attname: ""})
                        .values_list(file_field.attname, flat=True))
            for entry in manifest_files:
                if entry["name"] in names:
                    storages.setdefault(entry["name"], file_field.storage)
    return storages


def _insert_raw(model, objects: list, database: str) -> None:
    """INSERT as stored: raw, so auto_now / auto_now_add keep the backed-up times (bulk_create would reset them)."""
    if not objects:
        return
    if model._meta.parents:  # multi-table inheritance: let Django save each row
        for obj in objects:
            models.Model.save_base(obj, using=database, raw=True)
        return
    fields = [f for f in model._meta.local_concrete_fields if not f.generated
              and not (f is model._meta.auto_field and objects[0].pk is None)]  # m2m links get new ids
    size = connections[database].ops.bulk_batch_size(fields, objects) or len(objects)
    for start in range(0, len(objects), size):
        model._base_manager.using(database)._insert(objects[start:start + size], fields=fields, raw=True)


def load_rows(path: Path, database: str) -> None:
    """Insert the backup's rows in batches, ids kept (`loaddata` saves one row at a time: hours for millions).

    Rows come grouped by model, users before the rows that name them by natural key, so each
    group's references resolve against groups already inserted.
    """
    connection = connections[database]
    loaded = []
    with path.open(encoding="utf-8") as stream:
        for label, lines in itertools.groupby(stream, key=_label):
            if not label:
                continue
            model = apps.get_model(label)
            loaded.append(model)
            while chunk := list(itertools.islice(lines, BATCH)):
                items = list(serializers.deserialize("jsonl", chunk, using=database, handle_forward_references=True))
                unresolved = [item for item in items if item.deferred_fields]
                if unresolved:
                    raise BackupError(f"{label} rows refer to rows that are not in the backup: "
                                      f"{[item.object.pk for item in unresolved[:5]]}.")
                _insert_raw(model, [item.object for item in items], database)
                links: dict = {}
                for item in items:
                    for name, targets in (item.m2m_data or {}).items():
                        relation = model._meta.get_field(name)
                        through = relation.remote_field.through
                        source, target = f"{relation.m2m_field_name()}_id", f"{relation.m2m_reverse_field_name()}_id"
                        links.setdefault(through, []).extend(
                            through(**{source: item.object.pk, target: pk}) for pk in targets)
                for through, rows in links.items():
                    _insert_raw(through, rows, database)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), loaded):
            cursor.execute(statement)
    connection.check_constraints(table_names=[t for m in loaded for t in (
        m._meta.db_table, *(f.remote_field.through._meta.db_table for f in m._meta.many_to_many))])


def restore(directory: str | os.PathLike, *, database: str = DEFAULT_DB_ALIAS) -> Report:
    """Load a backup into an empty, migrated database, copy its files back, and verify both."""
    root = Path(directory)
    manifest = read_manifest(root)
    verify_backup(root, manifest)
    warnings = _check_target(manifest, database)
    saved: list[tuple[object, str]] = []
    try:
        with transaction.atomic(using=database):
            load_rows(root / DATA, database)
            storages = _storage_for(manifest["files"], database)
            unreferenced = sorted({e["name"] for e in manifest["files"]} - set(storages))
            if unreferenced:
                raise BackupError("Files in the manifest that no row refers to: " + ", ".join(unreferenced) + ".")
            total = 0
            for entry in manifest["files"]:
                name, storage = entry["name"], storages[entry["name"]]
                if storage.exists(name):
                    with storage.open(name, "rb") as present:
                        if hashlib.sha256(present.read()).hexdigest() != entry["sha256"]:
                            raise BackupError(f"A different file is already stored as {name}; "
                                              "restore into empty media storage.")
                    continue
                with _safe_media_path(root / MEDIA, name).open("rb") as source:
                    stored = storage.save(name, File(source, name=name))
                saved.append((storage, stored))
                if stored != name:
                    raise BackupError(f"The storage saved {name} as {stored}; restore into empty media storage.")
                with storage.open(name, "rb") as check:
                    if hashlib.sha256(check.read()).hexdigest() != entry["sha256"]:
                        raise BackupError(f"{name} reads back differently from the backup.")
                total += entry["size"]
            counts = {label: model._base_manager.using(database).count()
                      for label, model in ((m._meta.label_lower, m) for m in backed_up_models())
                      if label in manifest["counts"]}
            if counts != manifest["counts"]:
                differ = {k: (counts.get(k), v) for k, v in manifest["counts"].items() if counts.get(k) != v}
                raise BackupError(f"Row counts after loading differ from the manifest (now, expected): {differ}.")
    except BaseException:
        for storage, name in saved:
            storage.delete(name)
        raise
    return Report(counts=counts, files=len(manifest["files"]), bytes=total,
                  missing=list(manifest.get("missing_files", [])), warnings=warnings)


def describe(report: Report) -> str:
    out = io.StringIO()
    for label, count in report.counts.items():
        out.write(f"  {label:<32} {count:>10}\n")
    out.write(f"  files: {report.files} ({report.bytes} bytes)\n")
    for name in report.missing:
        out.write(f"  WARNING: a row refers to {name}, which was not in storage when the backup was made\n")
    for warning in report.warnings:
        out.write(f"  WARNING: {warning}\n")
    return out.getvalue()
