"""Throwaway databases for a run against a live server: made here, dropped here, never the developer's.

SQLite: files in a temporary directory (a clone is a file copy).
PostgreSQL: databases on the server named by an admin URL (a clone is CREATE DATABASE ... TEMPLATE).
Schema and data are built with manage.py in a subprocess, so the runner never imports Django itself.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]


class ThrowawayDatabases:
    def __init__(self, *, workdir: Path, prefix: str, postgres_admin_url: str | None = None):
        self.workdir = workdir
        self.prefix = prefix
        self.admin_url = postgres_admin_url
        self.created: list[str] = []

    # Names and URLs -------------------------------------------------------------------------
    def url(self, name: str) -> str:
        if self.admin_url is None:
            return f"sqlite:///{self.workdir / (name + '.sqlite3')}"
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path="/" + name))

    def _full(self, name: str) -> str:
        return f"{self.prefix}_{name}".replace(".", "_").replace("-", "_").lower()

    # Lifecycle --------------------------------------------------------------------------------
    def create(self, name: str, *, template: str | None = None) -> str:
        """An empty database (or a copy of `template`, a name given earlier); returns its URL."""
        full = self._full(name)
        if self.admin_url is None:
            target = self.workdir / f"{full}.sqlite3"
            if template is not None:
                source = self.workdir / f"{self._full(template)}.sqlite3"
                db = sqlite3.connect(source)
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # fold the WAL into the file before copying
                db.close()
                shutil.copyfile(source, target)
        else:
            clause = f' TEMPLATE "{self._full(template)}"' if template else ""
            self._admin(f'CREATE DATABASE "{full}"{clause}')
        self.created.append(full)
        return self.url(full)

    def drop_all(self) -> None:
        for full in reversed(self.created):
            if self.admin_url is None:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.workdir / full}.sqlite3{suffix}").unlink(missing_ok=True)
            else:
                self._admin(f'DROP DATABASE IF EXISTS "{full}" WITH (FORCE)')
        self.created.clear()

    def _admin(self, sql: str) -> None:
        import psycopg  # a runtime dependency of the project already

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)


def manage(database_url: str, *args: str, env: dict | None = None, timeout: float = 900) -> str:
    """Run `manage.py <args>` against one database and return its stdout (raises on failure)."""
    # Setting up a throwaway database is local use: debug on (settings keep it off unless told), as
    # `make load` and `make schema-fuzz` set it; the servers under test run with debug off.
    full_env = {"DJANGO_DEBUG": "1", **os.environ, **(env or {}), "DATABASE_URL": database_url}
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, text=True,
                          capture_output=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout
