from django.db import models

from .choices import StageKind

# The writing each stage holds; the API exposes only the current stage's own fields.
STAGE_FIELDS = {
    StageKind.THEORY: ("agreed_question", "rationale", "reading"),
    StageKind.PROGRESS: ("key_learning", "impact_on_practice", "adjustments"),
    StageKind.DISSEMINATION: ("findings", "conclusions", "recommendations", "what_did_not_work"),
}


class Stage(models.Model):
    project = models.ForeignKey("Project", on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(max_length=20, choices=StageKind.choices)
    session_date = models.DateField(null=True, blank=True)
    attendees = models.JSONField(default=list, blank=True)  # names as written by the group
    # theory
    agreed_question = models.TextField(max_length=1000, blank=True)
    rationale = models.TextField(max_length=5000, blank=True)
    reading = models.TextField(max_length=5000, blank=True)
    # progress
    key_learning = models.TextField(max_length=5000, blank=True)
    impact_on_practice = models.TextField(max_length=5000, blank=True)
    adjustments = models.TextField(max_length=5000, blank=True)
    # dissemination
    findings = models.TextField(max_length=10000, blank=True)
    conclusions = models.TextField(max_length=5000, blank=True)
    recommendations = models.TextField(max_length=5000, blank=True)
    what_did_not_work = models.TextField(max_length=5000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="unique_project_stage")]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_kind_display()}"
