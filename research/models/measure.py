from django.db import models

from .choices import MeasureKind


class Measure(models.Model):
    """One instrument in an alliance's shared library (a test, a well-being scale...)."""

    alliance = models.ForeignKey("Alliance", on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=MeasureKind.choices)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=40, blank=True, help_text="e.g. 'marks', 'points', '%'")
    scale_min = models.FloatField()
    scale_max = models.FloatField()
    higher_is_better = models.BooleanField(default=True)

    class Meta:
        ordering = ["alliance", "name"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "name"], name="unique_measure_name"),
            models.CheckConstraint(condition=models.Q(scale_max__gt=models.F("scale_min")), name="measure_scale_order"),
        ]

    def __str__(self) -> str:
        return self.name
