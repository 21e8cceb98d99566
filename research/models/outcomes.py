from django.conf import settings
from django.db import models

from .. import vocabulary
from .choices import vocabulary_choices

# INTERVENTION, COMPARISON
OutcomeGroup = vocabulary_choices("OutcomeGroup", vocabulary.GROUP_LABELS)


class UploadMode(models.TextChoices):
    APPEND = "append", "Append"
    REPLACE = "replace", "Replace"


class UploadStatus(models.TextChoices):
    IMPORTED = "imported", "Imported"
    REPLACED = "replaced", "Replaced by a later upload"
    DELETED = "deleted", "Deleted"


class OutcomeUpload(models.Model):
    """One imported file. The raw file is never kept: only what is needed to audit the import."""

    project = models.ForeignKey("Project", on_delete=models.CASCADE, related_name="outcome_uploads")
    stage = models.ForeignKey("Stage", on_delete=models.CASCADE, related_name="outcome_uploads")
    measure = models.ForeignKey("Measure", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    mode = models.CharField(max_length=10, choices=UploadMode.choices)
    status = models.CharField(max_length=10, choices=UploadStatus.choices, default=UploadStatus.IMPORTED)
    row_count = models.PositiveIntegerField()
    record_count = models.PositiveIntegerField()
    replaced_count = models.PositiveIntegerField(default=0)
    columns_read = models.JSONField(default=list)
    columns_dropped = models.JSONField(default=list)
    read_as = models.JSONField(default=dict)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]


class OutcomeRecord(models.Model):
    """One pupil's score on one measure at one stage, keyed by a pseudonym (never a name or UPN)."""

    # Each index costs every imported row: project and stage are covered by the composite
    # index and constraint below; measure and school are looked up only by rare deletes.
    project = models.ForeignKey("Project", on_delete=models.CASCADE, related_name="+", db_index=False)
    stage = models.ForeignKey("Stage", on_delete=models.CASCADE, related_name="outcome_records", db_index=False)
    measure = models.ForeignKey("Measure", on_delete=models.PROTECT, related_name="+", db_index=False)
    upload = models.ForeignKey(OutcomeUpload, on_delete=models.CASCADE, related_name="records")
    pupil_key = models.CharField(max_length=64)
    school = models.ForeignKey("School", on_delete=models.PROTECT, related_name="+", db_index=False)
    group = models.CharField(max_length=12, choices=OutcomeGroup.choices)
    score = models.FloatField()
    year_group = models.SmallIntegerField(null=True, blank=True)
    disadvantaged = models.BooleanField(null=True, blank=True)
    send = models.BooleanField(null=True, blank=True)
    eal = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "measure", "pupil_key"], name="one_score_per_pupil_stage_measure")
        ]
        indexes = [models.Index(fields=["project", "measure"])]
