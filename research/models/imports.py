"""What an alliance's outcome imports remember: the spellings its schools' exports use, and the codes
they write for an absent pupil (issue 13; research/imports/mapping.py reads both)."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from .outcomes import OutcomeGroup


class AliasRole(models.TextChoices):
    SCHOOL = "school", "School"
    MEASURE = "measure", "Measure"
    GROUP = "group", "Group"


class ImportAlias(models.Model):
    """A file value confirmed once as meaning a school, a measure or a group of the alliance.

    Stored when an upload with explicit maps succeeds, so the next file with the same spelling needs
    none. Compared by `value_normalised` (research.imports.mapping.normalise_value: any case, letters
    and digits only). The target is a real foreign key per role, so an alias never outlives its school
    or measure.
    """

    alliance = models.ForeignKey("Alliance", on_delete=models.CASCADE, related_name="import_aliases")
    role = models.CharField(max_length=10, choices=AliasRole.choices)
    value = models.CharField(max_length=200, help_text="The spelling as the file first had it.")
    value_normalised = models.CharField(max_length=200)
    school = models.ForeignKey("School", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    measure = models.ForeignKey("Measure", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=12, choices=OutcomeGroup.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["role", "value_normalised"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "role", "value_normalised"], name="unique_import_alias"),
            models.CheckConstraint(name="import_alias_one_target", condition=(
                Q(role="school", school__isnull=False, measure__isnull=True, group="")
                | Q(role="measure", school__isnull=True, measure__isnull=False, group="")
                | Q(role="group", school__isnull=True, measure__isnull=True, group__in=list(OutcomeGroup.values))
            )),
        ]

    def __str__(self) -> str:
        return f"{self.role} '{self.value}' in {self.alliance_id}"

    @property
    def target_id(self):
        return {AliasRole.SCHOOL: self.school_id, AliasRole.MEASURE: self.measure_id}.get(self.role, self.group)


class ImportSettings(models.Model):
    """An alliance's own list of absence codes (none stored: the defaults in research.imports.mapping)."""

    alliance = models.OneToOneField("Alliance", on_delete=models.CASCADE, related_name="import_settings")
    absence_codes = models.JSONField(default=list)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"import settings of {self.alliance_id}"
