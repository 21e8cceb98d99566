from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .choices import JoinRequestStatus, Phase, Status, Subject, Term

def academic_year_validator(value: str) -> None:
    """'2025/26': a school year runs across two consecutive calendar years."""
    import re

    match = re.fullmatch(r"20(\d\d)/(\d\d)", value or "")
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValidationError("Write the academic year like 2025/26 (two consecutive years).")


def academic_year_dates(value: str) -> tuple:
    """'2025/26' -> (1 September 2025, 31 August 2026): the days a session of that year may fall on."""
    from datetime import date

    start = int(value[:4])
    return date(start, 9, 1), date(start + 1, 8, 31)


class Theme(models.Model):
    """A shared theme (feedback, oracy, well-being...) so schools can find each other's work."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    alliance = models.ForeignKey("Alliance", on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(max_length=200)
    research_question = models.TextField(max_length=1000)
    rationale = models.TextField(max_length=5000, blank=True)
    subject = models.CharField(max_length=20, choices=Subject.choices)
    phase = models.CharField(max_length=20, choices=Phase.choices)
    themes = models.ManyToManyField(Theme, blank=True, related_name="projects")
    # Free-text notes on what success means; the checkable criteria are `success_criteria`.
    success_notes = models.TextField(max_length=5000, blank=True)
    # [{"measure", "statistic", "comparison", "threshold", "score", "subgroup"}]: written only through
    # research.services.criteria (checked against the project's measures), frozen with the plan.
    success_criteria = models.JSONField(default=list, blank=True)
    # Planned numbers for the power calculation (research.analysis.power), frozen with the plan.
    planned_pupils_per_group = models.PositiveIntegerField(null=True, blank=True)
    planned_schools = models.PositiveIntegerField(null=True, blank=True)
    assumed_icc = models.FloatField(default=0.15)
    pre_post_correlation = models.FloatField(default=0.7)
    # The group chose to answer its question without pupil scores (pupil voice, observation...):
    # dissemination then needs no baseline and final data (research.lifecycle), and the finding says so.
    qualitative_enquiry = models.BooleanField(default=False)
    academic_year = models.CharField(max_length=7, validators=[academic_year_validator])
    term = models.CharField(max_length=10, choices=Term.choices, blank=True)
    # Changed only by research.lifecycle.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED, db_index=True)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_projects")
    measures = models.ManyToManyField("Measure", blank=True, related_name="projects")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the view people outside the project see was last frozen (research.models.DisclosedResults):
    # their ETags follow this, never updated_at, which moves with every upload.
    disclosed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["alliance", "status"]),
                   models.Index(fields=["-created_at", "-id"], name="project_newest_first")]
        constraints = [
            models.CheckConstraint(condition=models.Q(assumed_icc__gte=0, assumed_icc__lt=1), name="project_icc_range"),
            models.CheckConstraint(condition=models.Q(pre_post_correlation__gte=0, pre_post_correlation__lt=1),
                                   name="project_pre_post_correlation_range"),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectMember(models.Model):
    """A teacher in a project group, with the school they bring to it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships")
    school = models.ForeignKey("School", on_delete=models.PROTECT, related_name="project_memberships")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="unique_project_member")]

    def __str__(self) -> str:
        return f"{self.user} in {self.project}"


class JoinRequest(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    school = models.ForeignKey("School", on_delete=models.PROTECT, related_name="+")
    message = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_join_request",
            )
        ]


class StageTransition(models.Model):
    """Audit row: one for every status change, never edited."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField(max_length=2000, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class PlanSnapshot(models.Model):
    """The plan frozen when the theory stage closes (a pre-registration).

    Later changes are new revisions; an existing revision is never overwritten.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="plan_snapshots")
    revision = models.PositiveIntegerField()
    research_question = models.TextField()
    agreed_question = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    success_notes = models.TextField(blank=True)
    # The structured criteria as agreed, each with its "label" (research.analysis.criteria).
    success_criteria = models.JSONField(default=list)
    # [{"id", "name", "kind", "scale_min", "scale_max", "higher_is_better"}]: copied, not linked,
    # so a later edit of the measure library cannot rewrite the pre-registration.
    measures = models.JSONField(default=list)
    # The planned numbers and the MDES shown when frozen (research.selectors.power.planned_power).
    # Null in revisions frozen before power was planned.
    planned_pupils_per_group = models.PositiveIntegerField(null=True, blank=True)
    planned_schools = models.PositiveIntegerField(null=True, blank=True)
    assumed_icc = models.FloatField(null=True, blank=True)
    pre_post_correlation = models.FloatField(null=True, blank=True)
    power = models.JSONField(null=True, blank=True)
    reason = models.TextField(max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "revision"]
        constraints = [models.UniqueConstraint(fields=["project", "revision"], name="unique_plan_revision")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("A frozen plan cannot be edited; record a new revision instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("A frozen plan cannot be deleted.")
