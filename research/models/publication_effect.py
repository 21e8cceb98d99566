from django.db import models


class PublicationEffect(models.Model):
    """A published finding's headline effect on one kind of measure, as it published it: what the public
    evidence map pools. Written with the publication (research.services.evidence_map) from its frozen
    results, so the map never reads whole findings."""

    publication = models.ForeignKey("Publication", on_delete=models.CASCADE, related_name="effects")
    measure_kind = models.CharField(max_length=20)
    measure_name = models.CharField(max_length=200, blank=True)
    g = models.FloatField(null=True)
    variance = models.FloatField(null=True)
    n = models.PositiveIntegerField(null=True)
    padlocks = models.PositiveSmallIntegerField(null=True)
    schools = models.PositiveSmallIntegerField(null=True)  # the finding's published count of schools
    reason = models.CharField(max_length=300, blank=True)  # why there is no effect to pool

    class Meta:
        constraints = [models.UniqueConstraint(fields=["publication", "measure_kind"],
                                               name="one_effect_per_kind_per_publication")]
