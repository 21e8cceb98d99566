"""Freezing what people outside a project see of its results (at every status change)."""
from __future__ import annotations

from django.db import transaction

from .. import access
from ..analysis.public_view import public_results
from ..models import DisclosedResults, Project
from ..selectors.results import measure_infos, outcome_frame
from .summaries import effect_summaries_refresh


def disclosed_results_compute(*, project: Project) -> DisclosedResults:
    """The non-member view of the rows as they stand, audited against every earlier one: the row the
    next freeze stores, unsaved (what the publication preview shows, writing nothing)."""
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
