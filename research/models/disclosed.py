from django.db import models


class DisclosedResults(models.Model):
    """A project's results as people outside it see them, frozen when its status changes.

    Non-members never see figures computed from the live rows: between status changes the
    figures stand still, so reading them twice a day apart says nothing about an upload in
    between. `terms` is never served: it records which pupil scores (by one-way ids) each shown
    figure adds up, so every later view is audited against this one
    (research.analysis.public_view).
    """

    # A publication preview's view is recorded too (reason PREVIEW): the alliance lead has seen it, so every
    # later view is audited against it, but nobody is ever served it from here.
    PREVIEW = "preview"

    project = models.ForeignKey("Project", on_delete=models.CASCADE, related_name="disclosed_results")
    created_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=40)  # the lifecycle action that froze it
    min_cell_size = models.PositiveSmallIntegerField()
    results = models.JSONField()
    terms = models.JSONField(default=dict)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["project", "-id"])]
