"""Large outcome imports as background jobs (issue 13): accepted in the request, run by a worker.

In the request, import_job_create makes the checks outcomes_import makes before reading a file (who,
the project's status, the stage, the mode, the size, the measure), counts the file's rows without
parsing it (research.imports.row_estimate) and, above IMPORT_JOB_ROWS, keeps the file sealed in a
new ImportJob row (research.sealed: encrypted under a key derived from SECRET_KEY, which the database
never holds). The API enqueues the task and answers 202.

In the worker, import_job_run claims the job and runs the same outcomes_import a synchronous upload
runs, so all or nothing holds as it does there: one transaction stores the rows, and a failure, or a
worker killed half-way, leaves nothing. The job's counters are written as it goes, each a short write
of its own, never inside the import's transaction (reads of the project never wait on a job): rows
read and checked on the worker's connection once the file is parsed; rows stored, while the import's
transaction is open, on a second connection (PostgreSQL; SQLite has one writer, which is then the
import, so there the count moves from 0 to all at the commit). At the end one write records the
report (the body the synchronous upload would have answered, sealed: errors can quote cells) and
deletes the file, whether the job is done or failed.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
import traceback
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.utils import timezone

from ..errors import DomainError
from ..imports.limits import configured_limits
from ..imports.row_estimate import estimate_rows
from ..imports.specs import FileRejected, ParsedOutcomes
from ..models import ImportJob, Project
from ..models.jobs import JobStatus
from ..sealed import SealBroken, seal, unseal
from .notifications import upload_finished_notify
from .outcomes import ImportResult, check_outcome_import, outcomes_import

logger = logging.getLogger(__name__)  # ids, counts and exception class names only: never a cell value

FILE_PURPOSE = "import-job-file"
REPORT_PURPOSE = "import-job-report"
PROGRESS_SECONDS = 0.5  # at most two counter writes a second
# A running job that has written nothing for this long lost its worker (stopped or killed mid-way;
# its transaction was rolled back): the longest import parses for well under a minute.
STALE_AFTER = timedelta(minutes=15)

Report = Callable[[ImportResult | DomainError], tuple[int, dict]]


class ImportJobCrashed(Exception):
    """An import job stopped on an unexpected error. The message names the job and the error's class
    only: the task backends store and log it, and an error's own text can quote a cell of the file."""


# --- in the request ----------------------------------------------------------------------------

def outcome_file_rows(data: bytes) -> int:
    """The file's rows, counted without parsing it (0 when it cannot be counted cheaply)."""
    return estimate_rows(data, configured_limits())


def import_job_create(*, actor, project: Project, data: bytes, filename: str, options: dict) -> ImportJob | None:
    """A queued job for a file above IMPORT_JOB_ROWS rows; None for a smaller one (import it in the
    request). `options` are outcomes_import's other keyword arguments (stage_kind, measure_id, mode,
    dry_run...), as JSON. Raises what outcomes_import would raise before reading the file."""
    rows = outcome_file_rows(data)
    if rows <= settings.IMPORT_JOB_ROWS:
        return None
    check_outcome_import(actor=actor, project=project, stage_kind=options["stage_kind"], size=len(data),
                         measure_id=options.get("measure_id"), mode=options.get("mode", "append"))
    json.dumps(options)  # the job keeps them as JSON: fail here, in the request, if they are not
    digest = hashlib.sha256(data).hexdigest()
    name = (filename or "")[:255].encode()
    sealed = seal(len(name).to_bytes(2, "big") + name + data, purpose=FILE_PURPOSE,
                  context=_file_context(project.pk, actor.pk, digest))
    job = ImportJob.objects.create(project=project, created_by=actor, options=options, size=len(data),
                                   sha256=digest, file_data=sealed, rows_total=rows)
    logger.info("import job %s queued: project %s, about %d rows, %d bytes", job.pk, project.pk, rows, len(data))
    return job


def import_job_enqueued(*, job: ImportJob, task_id: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(task_id)[:64])
    job.task_id = str(task_id)[:64]


def import_job_abandon(*, job: ImportJob) -> None:
    """The job could not be queued: it fails at once, and its file goes."""
    _finish(job.pk, status=503, body={"code": "job_not_queued",
                                      "detail": "The import could not be queued. Nothing was stored; try again."},
            counts={})


# --- in the worker -----------------------------------------------------------------------------

def import_job_run(*, job_id: int, report: Report) -> ImportJob | None:
    """Run a queued job to its end; None if it is not queued (already taken, or gone).

    `report` turns the import's result, or the domain error it raised, into the HTTP status and body
    the synchronous upload would have answered with (the API's, so the two never differ)."""
    import_jobs_tidy()
    job = _claim(job_id)
    if job is None:
        logger.info("import job %s not run: it is not queued", job_id)
        return None
    progress = _Progress(job.pk)
    counts: dict = {}
    try:
        try:
            data, filename = _open_file(job)
            options = dict(job.options)
            result = outcomes_import(actor=job.created_by, project=job.project, data=data, filename=filename,
                                     progress=progress.stored, on_parsed=progress.parsed, **options)
            del data
            counts = _final_counts(result)
            status, body = report(result)
        except DomainError as error:
            status, body = report(error)
        except SealBroken:
            status, body = 409, {"code": "job_file_unreadable",
                                 "detail": "The uploaded file could not be read back (the server's key has changed "
                                           "since it was uploaded). Nothing was stored: upload it again."}
    except Exception as error:
        logger.error("import job %s failed: %s\n%s", job.pk, type(error).__name__,
                     "".join(traceback.format_tb(error.__traceback__)))
        _finish(job.pk, status=500, counts={}, body={
            "code": "job_failed",
            "detail": "The import stopped on an unexpected error, and nothing was stored. Try again; if it "
                      "happens again, tell the site's administrator (the server's log names the job)."})
        raise ImportJobCrashed(f"import job {job.pk} failed: {type(error).__name__}") from None
    finally:
        progress.close()
    _finish(job.pk, status=status, body=body, counts=counts)
    logger.info("import job %s %s (%d)", job.pk, "done" if status < 300 else "failed", status)
    return ImportJob.objects.get(pk=job.pk)


def _claim(job_id: int) -> ImportJob | None:
    """queued -> running in one conditional write: a task delivered twice runs once."""
    now = timezone.now()
    if not ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=now, updated_at=now):
        return None
    return ImportJob.objects.select_related("project", "created_by").get(pk=job_id)


def _open_file(job: ImportJob) -> tuple[bytes, str]:
    payload = unseal(job.file_data, purpose=FILE_PURPOSE,
                     context=_file_context(job.project_id, job.created_by_id, job.sha256))
    size = int.from_bytes(payload[:2], "big")
    return payload[2 + size:], payload[2:2 + size].decode(errors="replace")


def _final_counts(result: ImportResult) -> dict:
    parsed = result.parsed
    stored = result.upload.record_count if result.upload is not None else 0
    return {"rows_total": parsed.row_count, "rows_read": parsed.row_count,
            "rows_validated": _validated(parsed), "rows_stored": stored}


def _validated(parsed: ParsedOutcomes) -> int:
    """Rows the checks went through: all of them, unless the file as a whole was refused first."""
    return 0 if isinstance(parsed, FileRejected) else parsed.row_count


def _finish(job_id: int, *, status: int, body: dict, counts: dict) -> None:
    """The job's end in one write: done or failed, the report sealed, the file deleted; and the uploader
    told (research.services.notifications), in the same transaction."""
    now = timezone.now()
    sealed = seal(json.dumps(body).encode(), purpose=REPORT_PURPOSE, context=_report_context(job_id))
    with transaction.atomic():
        ImportJob.objects.filter(pk=job_id).update(
            status=JobStatus.DONE if status < 300 else JobStatus.FAILED, report_status=status, report_data=sealed,
            file_data=None, finished_at=now, updated_at=now, **counts)
        upload_finished_notify(job_id=job_id)


class _Progress:
    """The job's counters, written as the import goes (each write committed at once)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._side = None
        self._written = 0.0

    def parsed(self, parsed: ParsedOutcomes) -> None:
        # Called before the import's transaction opens: the worker's own connection commits it at once.
        ImportJob.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
            rows_total=parsed.row_count, rows_read=parsed.row_count, rows_validated=_validated(parsed),
            rows_to_store=len(parsed.records) if parsed.ok else None, updated_at=timezone.now())

    def stored(self, done: int, total: int) -> None:
        # Called inside the import's transaction: a write there would show only at its commit, so it
        # goes through a second connection. SQLite has one writer, the import itself: nothing to do.
        if connection.vendor == "sqlite" or done >= total:
            return
        if time.monotonic() - self._written < PROGRESS_SECONDS:
            return
        self._written = time.monotonic()
        try:
            if self._side is None:
                self._side = connections.create_connection(DEFAULT_DB_ALIAS)
            ops = self._side.ops
            table = ops.quote_name(ImportJob._meta.db_table)
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET {ops.quote_name('rows_stored')} = %s, {ops.quote_name('updated_at')} = %s "
                    f"WHERE {ops.quote_name('id')} = %s AND {ops.quote_name('status')} = %s",
                    [done, ops.adapt_datetimefield_value(timezone.now()), self.job_id, JobStatus.RUNNING])
        except DatabaseError as error:  # progress is a courtesy: never let it stop the import
            logger.warning("import job %s: progress not written (%s)", self.job_id, type(error).__name__)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


# --- reading and tidying -----------------------------------------------------------------------

def import_job_report(job: ImportJob) -> dict | None:
    """The finished job's report (the synchronous upload's body), opened; None before the end."""
    if job.report_data is None:
        return None
    try:
        return json.loads(unseal(job.report_data, purpose=REPORT_PURPOSE, context=_report_context(job.pk)))
    except SealBroken:
        return {"code": "job_report_unreadable",
                "detail": "The report of this import can no longer be read (the server's key has changed)."}


def import_jobs_tidy() -> int:
    """Fail the jobs whose worker was lost (nothing written for STALE_AFTER: its import rolled back),
    deleting their files; delete the jobs that ended more than IMPORT_JOB_KEEP_HOURS ago (their reports
    can quote the file). Run before each job, and when a worker starts."""
    now = timezone.now()
    for job_id in ImportJob.objects.filter(status=JobStatus.RUNNING, updated_at__lt=now - STALE_AFTER) \
            .values_list("pk", flat=True):
        logger.warning("import job %s: its worker stopped while it ran; marked failed", job_id)
        _finish(job_id, status=500, counts={"rows_stored": 0}, body={
            "code": "job_lost",
            "detail": "The import stopped part-way (the server running it was stopped), and nothing was stored. "
                      "Upload the file again."})
    deleted, _ = ImportJob.objects.filter(status__in=(JobStatus.DONE, JobStatus.FAILED),
                                          finished_at__lt=now - timedelta(hours=settings.IMPORT_JOB_KEEP_HOURS)
                                          ).delete()
    return deleted


def _file_context(project_id: int, user_id: int, digest: str) -> str:
    return f"import-job-file:{project_id}:{user_id}:{digest}"


def _report_context(job_id: int) -> str:
    return f"import-job-report:{job_id}"
