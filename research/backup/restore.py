"""Restoring a backup into a freshly migrated, empty database: verify, insert, check, or roll back."""
from __future__ import annotations

import hashlib
import json
import itertools
import os
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.files.base import File
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from .common import (
    BATCH, DATA, FORMAT, MANIFEST, MEDIA, VERSION, BackupError, Report, backed_up_models, file_fields,
    key_check, migration_state, row_label, safe_media_path, sha256_path,
)


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
    data_sha, _ = sha256_path(root / DATA) if (root / DATA).exists() else (None, 0)
    if data_sha != manifest["data"]["sha256"]:
        problems.append(f"{DATA}: missing or changed since the backup was made")
    for entry in manifest["files"]:
        path = safe_media_path(root / MEDIA, entry["name"])
        if not path.is_file():
            problems.append(f"{MEDIA}/{entry['name']}: missing")
        elif sha256_path(path)[0] != entry["sha256"]:
            problems.append(f"{MEDIA}/{entry['name']}: sha256 differs from the manifest")
    if problems:
        raise BackupError("The backup is damaged; nothing was restored:\n  " + "\n  ".join(problems))


def _check_target(manifest: dict, database: str) -> list[str]:
    connection = connections[database]
    warnings = []
    applied = migration_state(connection)
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
        for file_field in file_fields(model):
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
        for label, lines in itertools.groupby(stream, key=row_label):
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
                with safe_media_path(root / MEDIA, name).open("rb") as source:
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
