"""Freezing what people outside a project see of its results (at every status change)."""
from __future__ import annotations

from django.db import transaction

from .. import access
from ..analysis.public_view import public_results
from ..models import DisclosedResults, Project
from ..selectors.results import measure_infos, outcome_frame
from .summaries import effect_summaries_refresh


def disclosed_results_compute(*, project: Project) -> DisclosedResults:
    """The non-member view of the rows as they stand, audited against every earlier one (previews
    included): the row the next freeze stores, unsaved."""
    earlier = DisclosedResults.objects.filter(project=project).values_list("terms", flat=True)
    min_cell = access.min_cell_size_for(project)  # the stricter of its alliance's and partners' (issue 15)
    public = public_results(outcome_frame(project), measure_infos(project), min_cell,
                            earlier=list(earlier), criteria=project.success_criteria)
    return DisclosedResults(project=project, min_cell_size=min_cell, results=public.view,
                            terms=public.terms)


@transaction.atomic
def disclosed_results_freeze(*, project: Project, reason: str) -> DisclosedResults:
    """Compute the non-member view from the rows as they stand, audited against every earlier one.

    Called by research.lifecycle inside each transition, so figures outside the group change only
    when the project moves on (or is published), never with an upload.
    """
    frozen = disclosed_results_compute(project=project)
    frozen.reason = reason[:40]
    frozen.save()
    Project.objects.filter(pk=project.pk).update(disclosed_at=frozen.created_at)
    project.disclosed_at = frozen.created_at
    effect_summaries_refresh(project=project, view=frozen.results)
    return frozen


def disclosed_results_preview(*, project: Project) -> DisclosedResults:
    """The view the publish transition would freeze now, for the publication preview, recorded.

    The preview is read outside the group, from the rows as they stand, so two previews either side
    of an upload would subtract to the new pupil's score unless each is audited against the ones
    before: the record (reason PREVIEW, never served) is what later previews and the publication are
    audited against. A preview that shows nothing new is not recorded again. Returns the view unsaved
    (the preview's `frozen_at` stays null: it is frozen when published).
    """
    view = disclosed_results_compute(project=project)
    latest = DisclosedResults.objects.filter(project=project).order_by("-id").first()
    if latest is None or (latest.results, latest.terms) != (view.results, view.terms):
        DisclosedResults.objects.create(project=project, reason=DisclosedResults.PREVIEW,
                                        min_cell_size=view.min_cell_size, results=view.results, terms=view.terms)
    return view
