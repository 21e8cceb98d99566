"""Who read pupil-level rows: one row per read, never edited (research.services.audit writes them)."""
from django.conf import settings
from django.db import models
from django.utils import timezone


class PupilRowRead(models.Model):
    """One read of a project's pupil rows: who, when, through which endpoint and format, how many rows.

    The alliance lead reads the trail (GET /api/v1/projects/{id}/pupil-row-reads/). It goes with its
    project, like the project's other audit rows (StageTransition); it outlives the reader's account,
    keeping their username.
    """

    project = models.ForeignKey("Project", on_delete=models.CASCADE, related_name="pupil_row_reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now)
    endpoint = models.CharField(max_length=40)  # which read: "outcomes" (GET /projects/{id}/outcomes/)
    format = models.CharField(max_length=10)  # json, csv, or api (the browsable API page)
    row_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["project", "-at", "-id"], name="pupil_row_read_project_at")]

    def __str__(self) -> str:
        return f"{self.username} read {self.row_count} pupil rows of project {self.project_id} ({self.format})"
