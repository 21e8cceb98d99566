"""What backing up and restoring share: the layout, the serialisation format, the report."""
from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, models, router
from django.db.migrations.recorder import MigrationRecorder

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
SERIAL_MODULE = __name__  # Django finds Serializer and Deserializer for the format here


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


def file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def key_check() -> str:
    """Identifies the pseudonym key without revealing it."""
    return hmac.new(settings.PSEUDONYM_KEY.encode(), KEY_CHECK_TEXT, hashlib.sha256).hexdigest()


def sha256_path(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def safe_media_path(root: Path, name: str) -> Path:
    """Where a stored file's copy lives in the backup; refuses names that would leave `root`."""
    relative = PurePosixPath(name)
    if not name or relative.is_absolute() or ".." in relative.parts:
        raise BackupError(f"Refusing an unsafe stored file name: {name!r}.")
    return root.joinpath(*relative.parts)




def migration_state(connection) -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connection).applied_migrations():
        state.setdefault(app_label, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}




def row_label(line: str) -> str:
    # Each line starts {"model": "app.model", ...} and a label holds no comma.
    return json.loads(line.split(",", 1)[0] + "}")["model"] if line.strip() else ""




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
