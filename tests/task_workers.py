"""The database task backend's worker (django-tasks-db's db_worker) inside a test: in this thread until the
queue is empty, or in a thread of its own until stopped.

On an in-memory SQLite test database a second connection would meet SQLite's shared-cache table locks,
so the worker thread then uses the test's own connection, as pytest-django's live server does; on a
file or on PostgreSQL it has a connection of its own, as a real worker has.
"""
from __future__ import annotations

import threading

from django.db import connections

BACKENDS = {
    "database": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}},
    "immediate": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}},
}


def database_worker(*, batch: bool, interval: float = 0.05, worker_id: str = "test-worker"):
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(queue_names=["default"], interval=interval, batch=batch, backend_name="default",
                  startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[])


def run_queued_tasks() -> None:
    """What `manage.py run_worker --batch` does: every queued task, here, then return."""
    database_worker(batch=True).run()


def in_memory_sqlite(connection) -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


class WorkerThread(threading.Thread):
    """A database worker polling in its own thread until stop()."""

    def __init__(self, interval: float = 0.05) -> None:
        super().__init__(name="task-worker", daemon=True)
        self.worker = database_worker(batch=False, interval=interval, worker_id="test-worker-thread")
        main = connections["default"]
        self.shared = main if in_memory_sqlite(main) else None
        if self.shared is not None:
            self.shared.inc_thread_sharing()
        self.failure: BaseException | None = None

    def run(self) -> None:
        if self.shared is not None:
            connections["default"] = self.shared
        try:
            self.worker.run()
        except BaseException as error:  # reported by stop()
            self.failure = error
        finally:
            if self.shared is None:
                connections.close_all()

    def stop(self) -> None:
        self.worker.running = False
        self.join(timeout=30)
        if self.shared is not None:
            self.shared.dec_thread_sharing()
        assert not self.is_alive(), "the worker did not stop"
        if self.failure is not None:
            raise self.failure
