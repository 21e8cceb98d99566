import uuid

from django.conf import settings
from django.db import models

from .choices import EvidenceKind, Visibility


def evidence_path(instance: "Evidence", filename: str) -> str:
    # The stored name is opaque; the original name is kept in `filename` for downloads.
    return f"evidence/{instance.stage.project_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    stage = models.ForeignKey("Stage", on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=evidence_path, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    link = models.URLField(max_length=500, blank=True)
    text = models.TextField(max_length=20000, blank=True)
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.GROUP)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title


class EvidenceChange(models.Model):
    """Audit row: evidence edited or deleted, by whom and when, never edited itself.

    It keeps the evidence's id and title (not a link to it): a deleted item's record outlives it.
    """

    class Action(models.TextChoices):
        EDITED = "edited", "Edited"
        DELETED = "deleted", "Deleted"

    project = models.ForeignKey("Project", on_delete=models.CASCADE, related_name="evidence_changes")
    evidence_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=Action.choices)
    # {field: [before, after]} for an edit; empty for a deletion.
    changes = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.title} {self.action} by {self.actor_name}"
