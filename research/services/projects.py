"""Proposing and editing projects. Status changes live in research.lifecycle, not here."""
from django.db import transaction

from .. import access
from ..errors import Forbidden, InvalidInput
from ..models import Alliance, Measure, Membership, Project, ProjectMember, Stage, Theme
from ..models.choices import STAGE_ORDER
from .notifications import proposal_submitted_notify
from .criteria import criteria_measures_check, planned_power_clean, success_criteria_clean
from .common import model_update
from .plans import PLAN_FIELDS, plan_is_frozen, plan_snapshot_create
from .read_only import writing_check_open
from .summaries import effect_summaries_refresh


def _check_measures(alliance_id: int, measures: list[Measure]) -> None:
    foreign = [m.name for m in measures if m.alliance_id != alliance_id]
    if foreign:
        raise InvalidInput(
            "Choose measures from this alliance's library.",
            fields={"measures": [f"{', '.join(foreign)} belong{'s' if len(foreign) == 1 else ''} to another alliance."]},
        )


@transaction.atomic
def project_propose(*, actor, alliance: Alliance, title: str, research_question: str, subject: str,
                    phase: str, academic_year: str, rationale: str = "", success_notes: str = "",
                    success_criteria: list | None = None, term: str = "", themes: list[Theme] | None = None,
                    measures: list[Measure] | None = None, planned_pupils_per_group: int | None = None,
                    planned_schools: int | None = None, assumed_icc: float = 0.15,
                    pre_post_correlation: float = 0.7) -> Project:
    """A teacher proposes a research question; they lead the project and bring their school."""
    if not access.can_propose(actor, alliance.id):
        raise InvalidInput(
            "You can only propose projects in an alliance you belong to.",
            code="not_alliance_member",
            fields={"alliance": ["You are not a member of this alliance."]},
        )
    _check_measures(alliance.id, measures or [])
    power = planned_power_clean({"planned_pupils_per_group": planned_pupils_per_group,
                                 "planned_schools": planned_schools, "assumed_icc": assumed_icc,
                                 "pre_post_correlation": pre_post_correlation})
    criteria = success_criteria_clean(criteria=success_criteria or [], measures=measures or [])
    membership = Membership.objects.get(user=actor, alliance=alliance)
    project = Project.objects.create(
        alliance=alliance, title=title, research_question=research_question, subject=subject, phase=phase,
        academic_year=academic_year, rationale=rationale, success_notes=success_notes,
        success_criteria=criteria, term=term, lead=actor, **power,
    )
    Stage.objects.bulk_create([Stage(project=project, kind=kind) for kind in STAGE_ORDER])
    ProjectMember.objects.create(project=project, user=actor, school=membership.school)
    project.themes.set(themes or [])
    project.measures.set(measures or [])
    proposal_submitted_notify(project=project, actor=actor)
    return project


# What project_update may change: the status moves only through research.lifecycle, and the
# lead and the alliance are not edited at all.
PROJECT_UPDATE_FIELDS = (
    "title", "research_question", "subject", "phase", "academic_year", "term", "rationale", "success_notes",
    "success_criteria", "planned_pupils_per_group", "planned_schools", "assumed_icc", "pre_post_correlation",
    "themes", "measures", "qualitative_enquiry",
)


def project_changes_clean(*, project: Project, changes: dict) -> dict:
    """The changes project_update would store, checked against the project: the power numbers and
    the success criteria (against the measures it will have), every problem at once as InvalidInput.
    The admin's project form calls it to show the same refusals as form errors."""
    unknown = sorted(set(changes) - set(PROJECT_UPDATE_FIELDS))
    if unknown:
        raise TypeError(f"project_update cannot change {', '.join(unknown)}")
    changes = dict(changes)
    measures = changes.get("measures")
    if measures is not None:
        _check_measures(project.alliance_id, measures)
    current_measures = list(project.measures.all()) if measures is not None or "success_criteria" in changes else []
    problems = {}  # every problem of the power numbers and the criteria at once
    try:
        changes.update(planned_power_clean(changes))
    except InvalidInput as error:
        problems.update(error.fields)
    try:
        if "success_criteria" in changes:
            changes["success_criteria"] = success_criteria_clean(
                criteria=changes["success_criteria"], measures=measures if measures is not None else current_measures)
        elif measures is not None:
            criteria_measures_check(criteria=project.success_criteria, measures=measures,
                                    names={m.id: m.name for m in current_measures})
    except InvalidInput as error:
        problems.update(error.fields)
    if problems:
        listed = " ".join(f"{name}: {' '.join(messages)}" for name, messages in problems.items())
        raise InvalidInput(f"Please correct the plan. {listed}", fields=problems)
    return changes


@transaction.atomic
def project_update(*, actor, project: Project, revision_reason: str = "", **changes) -> Project:
    """Edit the plan. After the freeze, a change to the plan is recorded as a new revision."""
    if not access.can_edit_project(actor, project):
        raise Forbidden("Only the project lead or the alliance lead can edit this project now.")
    project = Project.objects.select_for_update().get(pk=project.pk)
    writing_check_open(project)  # under the row's lock: an edit racing the publish is refused
    changes = project_changes_clean(project=project, changes=changes)
    # None for themes or measures means "not sent": leave them as they are.
    data = {name: value for name, value in changes.items() if value is not None or name not in ("themes", "measures")}
    project, changed = model_update(instance=project, fields=PROJECT_UPDATE_FIELDS, data=data)
    if set(changed) & set(PLAN_FIELDS) and plan_is_frozen(project):
        plan_snapshot_create(project=project, actor=actor, reason=revision_reason or "Plan edited after the freeze.")
    if "measures" in changed:
        effect_summaries_refresh(project=project)
    return project
