"""Keeping each project's stored headline effects in step with what non-members see of it."""
from django.db import transaction
from django.utils import timezone

from .. import access
from ..analysis import synthesis_effect
from ..errors import Forbidden, InvalidInput
from ..models import Alliance, EffectSummary, Project
from ..selectors.results import disclosed_view, measure_infos


def _reason(measure_result: dict) -> str:
    effects = measure_result.get("effects") or {}
    if (effects.get("design") or "").startswith("within"):
        return "No comparison group: within-group change is not pooled."
    return str(effects.get("headline_reason") or measure_result.get("reason") or
            "Not computable, or suppressed for small groups.")[:300]


@transaction.atomic
def effect_summaries_refresh(*, project: Project, view: dict | None = None) -> list[EffectSummary]:
    """Store the project's effect per measure as the frozen non-member view shows it.

    Pooled figures change only when that view does (at a status change), so alliance synthesis
    cannot be read before and after an upload either. `view`: the view just frozen, if the
    caller holds it (in the order of measure_infos); otherwise it is read.
    """
    measures = measure_infos(project)
    results = disclosed_view(project=project, measures=measures) if view is None else view
    # A measure with no data yet is not a project left out of a pool: it has no summary at all.
    with_data = [(m, r) for m, r in zip(measures, results["measures"]) if r.get("groups")]
    EffectSummary.objects.filter(project=project).exclude(measure_id__in=[m.id for m, _ in with_data]).delete()
    summaries = []
    for measure, measure_result in with_data:
        effect = synthesis_effect(measure_result, project.pk, project.title)
        summary, _ = EffectSummary.objects.update_or_create(
            project=project, measure_id=measure.id,
            defaults={
                "measure_kind": measure.kind,
                "g": effect.g if effect else None,
                "variance": effect.variance if effect else None,
                "n": (effect.n or 0) if effect else 0,
                "usable": effect is not None,
                "reason": "" if effect else _reason(measure_result),
                "min_cell_size": access.min_cell_size_for(project),
            },
        )
        summaries.append(summary)
    return summaries


def alliance_min_cell_size_update(*, actor, alliance: Alliance, min_cell_size: int) -> Alliance:
    """Change the disclosure threshold and recompute every stored effect under it."""
    if not access.is_staff(actor):
        raise Forbidden("Only site staff can change an alliance's minimum cell size.")
    if min_cell_size < 1:
        raise InvalidInput("The minimum cell size must be at least 1.",
                           fields={"min_cell_size": ["Must be at least 1."]})
    with transaction.atomic():
        Alliance.objects.filter(pk=alliance.pk).update(min_cell_size=min_cell_size)
        alliance.refresh_from_db()
        Project.objects.filter(alliance=alliance).update(updated_at=timezone.now())  # new ETags
        for project in Project.objects.filter(alliance=alliance).select_related("alliance"):
            effect_summaries_refresh(project=project)
    return alliance
