from django.db import models


class EffectSummary(models.Model):
    """A project's headline effect on one measure, as a non-member may see it.

    Derived from the outcome rows (research.services.summaries refreshes it after every upload,
    delete or change of measures) so that alliance synthesis never re-reads millions of rows.
    """

    project = models.ForeignKey("Project", on_delete=models.CASCADE, related_name="effect_summaries")
    measure = models.ForeignKey("Measure", on_delete=models.CASCADE, related_name="+")
    measure_kind = models.CharField(max_length=20)
    g = models.FloatField(null=True)
    variance = models.FloatField(null=True)
    n = models.PositiveIntegerField(default=0)
    # Usable in pooling: between-group, computed, and every cell behind it passes disclosure.
    usable = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True)
    # The alliance's minimum cell size this was computed under: a summary computed under a smaller
    # minimum must never be pooled after the alliance raises it.
    min_cell_size = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "measure"], name="one_summary_per_measure")]
        indexes = [models.Index(fields=["measure_kind", "usable"])]
