"""Background jobs a person follows from the page: a large pupil-outcome import (issue 13).

The task framework (research/tasks_api.py) runs the work; this row is what the uploader polls
(GET /api/v1/jobs/{id}/): where the job is, how far it got, and at the end the same report a
synchronous upload answers with. research.services.import_jobs writes it.

Pupil data: the file waits in `file_data` sealed (AES-GCM under a key derived from SECRET_KEY, which
never reaches the database or a backup) and is deleted when the job ends, done or failed. The
report can quote cells of the file (a malformed UPN in an error), so it is sealed too, and the
whole row goes IMPORT_JOB_KEEP_HOURS after the job ends.
"""
from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


FINISHED_STATUSES = (JobStatus.DONE, JobStatus.FAILED)


class ImportJob(models.Model):
    """One outcome file imported in the background, from upload to report."""

    project = models.ForeignKey("Project", on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    # What the upload asked for (stage, measure, mode, dry_run, maps): outcomes_import's arguments.
    options = models.JSONField(default=dict)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # The file (and its name) sealed; null once the job has ended.
    file_data = models.BinaryField(null=True, editable=False)
    rows_total = models.PositiveIntegerField(default=0, help_text="Rows in the file: counted cheaply, then read.")
    rows_read = models.PositiveIntegerField(default=0)
    rows_validated = models.PositiveIntegerField(default=0)
    rows_to_store = models.PositiveIntegerField(null=True)
    rows_stored = models.PositiveIntegerField(default=0)
    # The answer the synchronous upload would have given: its HTTP status and its body, sealed.
    report_status = models.PositiveSmallIntegerField(null=True)
    report_data = models.BinaryField(null=True, editable=False)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "finished_at"], name="import_job_status_finished")]

    def __str__(self) -> str:
        return f"import job {self.pk} ({self.status}) for project {self.project_id}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES
