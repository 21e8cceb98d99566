"""What the product tells people: in-app notifications and how each person wants them by email (issue 14).

research.services.notifications writes both; a notification names a project or an alliance and links to
its place in the frontend. It never carries pupil data: its text is made from titles and names only.
"""
from django.conf import settings
from django.db import models


class NotificationKind(models.TextChoices):
    PROPOSAL_SUBMITTED = "proposal_submitted", "Proposal submitted"
    PROPOSAL_ACCEPTED = "proposal_accepted", "Proposal accepted"
    PROPOSAL_DECLINED = "proposal_declined", "Proposal declined"
    JOIN_REQUESTED = "join_requested", "Request to join"
    JOIN_APPROVED = "join_approved", "Request to join approved"
    JOIN_DECLINED = "join_declined", "Request to join declined"
    INVITED = "invited", "Invitation"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    INVITATION_DECLINED = "invitation_declined", "Invitation declined"
    STAGE_MOVED = "stage_moved", "Stage moved on"
    PROJECT_WITHDRAWN = "project_withdrawn", "Project withdrawn"
    FINDINGS_PUBLISHED = "findings_published", "Findings published"
    FINDINGS_UNPUBLISHED = "findings_unpublished", "Findings unpublished"
    UPLOAD_FINISHED = "upload_finished", "Upload finished"
    UPLOAD_FAILED = "upload_failed", "Upload failed"


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", "An email for each notification"
    DAILY = "daily", "One email a day listing what is unread"
    OFF = "off", "No email (the inbox only)"


class Notification(models.Model):
    """One thing one person is told, in their inbox until read."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    project = models.ForeignKey("Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    alliance = models.ForeignKey("Alliance", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    # Where it happened, as a path of the frontend ("/projects/12/#members").
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # When it went out by email (on its own or in a digest): a digest lists each item once.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_recipient_unread")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.text}"


class NotificationSettings(models.Model):
    """A person's choice of email; without a row, the default (immediately)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_settings")
    delivery = models.CharField(max_length=12, choices=Delivery.choices, default=Delivery.IMMEDIATELY)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.delivery}"
