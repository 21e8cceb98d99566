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
from .common import BackupError, Report, backed_up_models, describe
from .restore import restore
from .write import backup

__all__ = ["BackupError", "Report", "backed_up_models", "backup", "describe", "restore"]
