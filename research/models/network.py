"""Collaboration beyond one alliance (issue 15): partnerships between two alliances."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q


class PartnershipStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    DECLINED = "declined", "Declined"
    ENDED = "ended", "Ended"


LIVE_PARTNERSHIP = (PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE)


class Partnership(models.Model):
    """Two alliances agreeing to work together: one alliance's lead proposes, the other's accepts.
    Either lead may end it; an ended partnership stays as a record."""

    proposer = models.ForeignKey("Alliance", on_delete=models.CASCADE, related_name="partnerships_proposed")
    partner = models.ForeignKey("Alliance", on_delete=models.CASCADE, related_name="partnerships_received")
    status = models.CharField(max_length=10, choices=PartnershipStatus.choices, default=PartnershipStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(proposer=F("partner")), name="partnership_of_two_alliances"),
            models.UniqueConstraint(fields=["proposer", "partner"], condition=Q(status__in=LIVE_PARTNERSHIP),
                                    name="one_live_partnership_per_pair"),
        ]


class SharedProject(models.Model):
    """A project its alliance opened to a partner alliance: the partner's teachers see and join it as if it
    were their own alliance's. Only while the partnership is active: ending it removes these rows."""

    project = models.ForeignKey("Project", on_delete=models.CASCADE, related_name="shares")
    alliance = models.ForeignKey("Alliance", on_delete=models.CASCADE, related_name="shared_projects")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "alliance"], name="one_share_per_partner")]


class Hub(models.Model):
    """A group of alliances (a regional teaching school hub, a trust network). Its leads see the member
    alliances' pipeline and pooled effects, aggregates only."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    alliances = models.ManyToManyField("Alliance", related_name="hubs", blank=True)
    leads = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="hubs_led", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
