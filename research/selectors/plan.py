"""Reading the plan's power and success criteria as people see them (no queries beyond the
project's prefetched measures)."""
from __future__ import annotations

from django.db.models import QuerySet

from ..analysis.criteria import criterion_label
from ..analysis.power import mdes
from ..models import PlanSnapshot, Project

MISSING_REASON = ("Enter the planned pupils per group and the planned number of schools to see the smallest effect "
                  "this project could detect.")


def planned_power(project: Project) -> dict:
    """The MDES of the planned numbers (research.analysis.power.mdes, plus "reason": None), or
    {"mdes": None, "reason": why not} when they are missing or make no design."""
    pupils, schools = project.planned_pupils_per_group, project.planned_schools
    if pupils is None or schools is None:
        return {"mdes": None, "reason": MISSING_REASON}
    if pupils < schools:
        return {"mdes": None, "reason": f"Every school needs pupils in both groups: plan at least as many pupils per "
                                        f"group as schools ({schools})."}
    try:
        result = mdes(pupils_per_group=pupils, schools=schools, icc=project.assumed_icc,
                      pre_post_correlation=project.pre_post_correlation)
    except ValueError as error:
        return {"mdes": None, "reason": f"The smallest detectable effect cannot be worked out from these numbers: {error}"}
    return {**result, "reason": None}


def labelled_criteria(project: Project) -> list[dict]:
    """The project's success criteria, each with its plain-English "label"."""
    names = {m.id: m.name for m in project.measures.all()}
    return [{**c, "label": criterion_label(c, names.get(c["measure"], f"measure {c['measure']}"))}
            for c in project.success_criteria]


def plan_snapshot_list(*, project: Project) -> QuerySet[PlanSnapshot]:
    """The frozen plan and its later revisions, oldest first, each with its author."""
    return PlanSnapshot.objects.filter(project=project).select_related("created_by")
