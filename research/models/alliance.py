from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from .choices import Role, SchoolPhase

urn_validator = RegexValidator(r"^\d{6}$", "A URN is the school's 6-digit unique reference number.")


class Alliance(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    min_schools_per_project = models.PositiveSmallIntegerField(default=2, validators=[MinValueValidator(1)])
    # Cells (group x stage x measure, subgroups) with fewer pupils are hidden from non-members.
    min_cell_size = models.PositiveSmallIntegerField(default=6, validators=[MinValueValidator(1)])
    schools = models.ManyToManyField("School", through="AllianceSchool", related_name="alliances")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    name = models.CharField(max_length=200)
    urn = models.CharField("URN", max_length=6, unique=True, validators=[urn_validator])
    phase = models.CharField(max_length=20, choices=SchoolPhase.choices)
    region = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"


class AllianceSchool(models.Model):
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE)
    school = models.ForeignKey(School, on_delete=models.CASCADE)
    joined_on = models.DateField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alliance", "school"], name="unique_alliance_school")]

    def __str__(self) -> str:
        return f"{self.school} in {self.alliance}"


class Membership(models.Model):
    """A user's place in an alliance: the school they teach at and their role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "alliance"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) at {self.school} in {self.alliance}"
