from django.conf import settings
from django.db import models


class PublicationStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class EffectDirection(models.TextChoices):
    POSITIVE = "positive", "Intervention did better"
    NEGATIVE = "negative", "Intervention did worse"
    UNCLEAR = "unclear", "No clear difference"
    NOT_ESTIMATED = "not_estimated", "Not estimated"


class Publication(models.Model):
    """A finding as published: frozen at that moment. Edits to the project never change it.

    Unpublishing marks it withdrawn (with the reason shown to readers) instead of deleting it;
    publishing again makes a new version.
    """

    project = models.ForeignKey("Project", on_delete=models.PROTECT, related_name="publications")
    slug = models.SlugField(max_length=100, unique=True)
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.PUBLISHED)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    withdrawn_reason = models.TextField(max_length=2000, blank=True)
    # Copied for search, filters and ordering (the frozen whole is in `content`).
    alliance = models.ForeignKey("Alliance", on_delete=models.PROTECT, related_name="publications")
    title = models.CharField(max_length=200)
    research_question = models.TextField()
    findings_text = models.TextField(blank=True)
    subject = models.CharField(max_length=20)
    phase = models.CharField(max_length=20)
    academic_year = models.CharField(max_length=7)
    evidence_strength = models.PositiveSmallIntegerField(null=True)
    effect_direction = models.CharField(max_length=15, choices=EffectDirection.choices)
    headline_g = models.FloatField(null=True)
    content = models.JSONField()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["project", "version"], name="unique_publication_version")]
        indexes = [models.Index(fields=["status", "published_at"])]


class PublicationTag(models.Model):
    """Facets that a publication has several of (themes, measure kinds), portable across databases."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=20)  # "theme" | "measure_kind"
    value = models.CharField(max_length=80)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["publication", "kind", "value"], name="unique_tag")]
        indexes = [models.Index(fields=["kind", "value"])]


class PublicationChart(models.Model):
    """A finding's chart, drawn once from the publication's frozen results and then kept as drawn."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="charts")
    name = models.CharField(max_length=20)
    measure_id = models.IntegerField(default=0)  # 0: a chart of all measures (a NULL would defeat uniqueness)
    title = models.TextField()
    alt_text = models.TextField()
    svg = models.TextField()
    png = models.BinaryField()
    columns = models.JSONField(default=list)
    table = models.JSONField(default=list)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["publication", "name", "measure_id"],
                                               name="one_drawing_per_chart")]


class PublicationFile(models.Model):
    """A copy of evidence marked public, so later edits or deletions do not change the finding."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="publications/")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)


class FollowKind(models.TextChoices):
    PROJECT = "project", "Project"
    THEME = "theme", "Theme"
    ALLIANCE = "alliance", "Alliance"


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    kind = models.CharField(max_length=10, choices=FollowKind.choices)
    target_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "target_id"], name="unique_follow")]
