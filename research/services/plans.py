"""The pre-registered plan: frozen at theory -> progress, later changes as new revisions."""
from django.db import transaction
from django.db.models import Max

from ..models import PlanSnapshot, Project, Stage
from ..models.choices import StageKind
from ..selectors.plan import labelled_criteria, planned_power

# Project fields that make up the plan: changing one after the freeze records a revision.
PLAN_FIELDS = ("research_question", "rationale", "success_notes", "success_criteria", "planned_pupils_per_group",
               "planned_schools", "assumed_icc", "pre_post_correlation", "measures")
# Theory-stage writing that is part of the plan.
STAGE_PLAN_FIELDS = ("agreed_question", "rationale")


def plan_content(project: Project) -> dict:
    theory = Stage.objects.get(project=project, kind=StageKind.THEORY)
    return {
        "research_question": project.research_question,
        "agreed_question": theory.agreed_question,
        "rationale": theory.rationale or project.rationale,
        "success_notes": project.success_notes,
        # Each with its label, written with the measure's name at the freeze.
        "success_criteria": labelled_criteria(project),
        "planned_pupils_per_group": project.planned_pupils_per_group,
        "planned_schools": project.planned_schools,
        "assumed_icc": project.assumed_icc,
        "pre_post_correlation": project.pre_post_correlation,
        # The MDES as the group saw it: kept, so a later change of formula cannot rewrite it.
        "power": planned_power(project),
        "measures": [
            {
                "id": m.id, "name": m.name, "kind": m.kind, "scale_min": m.scale_min,
                "scale_max": m.scale_max, "higher_is_better": m.higher_is_better, "unit": m.unit,
            }
            for m in project.measures.order_by("name")
        ],
    }


@transaction.atomic
def plan_snapshot_create(*, project: Project, actor, reason: str) -> PlanSnapshot:
    # Numbering revisions and reading the plan under the project's lock: two edits at once get
    # consecutive revisions, each holding what was committed, never a clash.
    project = Project.objects.select_for_update().get(pk=project.pk)
    last = PlanSnapshot.objects.filter(project=project).aggregate(last=Max("revision"))["last"] or 0
    return PlanSnapshot.objects.create(
        project=project,
        revision=last + 1,
        reason=reason,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **plan_content(project),
    )


def plan_is_frozen(project: Project) -> bool:
    return PlanSnapshot.objects.filter(project=project).exists()
