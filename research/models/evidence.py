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
