"""Writing a backup: one consistent snapshot of the rows, the files they name, a manifest."""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import django
from django.core import serializers
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from .common import (
    DATA, FORMAT, MANIFEST, MEDIA, SERIAL_FORMAT, SERIAL_MODULE, VERSION, BackupError, Report, backed_up_models,
    file_fields, key_check, migration_state, row_label, safe_media_path, sha256_path,
)


def _referenced_files(chosen, database: str) -> list[tuple[str, object]]:
    """(name, storage) of every stored file a row refers to, each name once."""
    seen: dict[str, object] = {}
    for model in chosen:
        for file_field in file_fields(model):
            names = model._base_manager.using(database).exclude(**{file_field.attname: ""}).exclude(
                **{f"{file_field.attname}__isnull": True}).values_list(file_field.attname, flat=True)
            for name in names.iterator():
                seen.setdefault(name, file_field.storage)
    return sorted(seen.items())




def _count_lines(path: Path) -> Counter:
    with path.open(encoding="utf-8") as handle:
        return Counter(label for line in handle if (label := row_label(line)))


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
    serializers.register_serializer(SERIAL_FORMAT, SERIAL_MODULE)
    with _snapshot(database):
        call_command("dumpdata", *labels, format=SERIAL_FORMAT, output=str(data_path), natural_foreign=True,
                     use_base_manager=True, database=database, verbosity=0)
        live = {m._meta.label_lower: m._base_manager.using(database).count() for m in chosen}
        files = _referenced_files(chosen, database)
        migrations_applied = migration_state(connection)
    os.chmod(data_path, 0o600)
    dumped = _count_lines(data_path)
    counts = {label: dumped.get(label, 0) for label in sorted(live)}
    if counts != live:
        raise BackupError(f"The dump does not match the database: {counts} != {live}.")
    media_root = root / MEDIA
    entries, missing, total = [], [], 0
    for name, storage in files:
        target = safe_media_path(media_root, name)
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
    data_sha, data_size = sha256_path(data_path)
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
