"""Proposing and editing projects. Status changes live in research.lifecycle, not here."""
from django.db import transaction

from .. import access
from ..errors import Forbidden, InvalidInput
from ..models import Alliance, Measure, Membership, Project, ProjectMember, Stage, Theme
from ..models.choices import STAGE_ORDER
from .plans import PLAN_FIELDS, plan_is_frozen, plan_snapshot_create
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
                    phase: str, academic_year: str, rationale: str = "", success_criteria: str = "",
                    term: str = "", themes: list[Theme] | None = None,
                    measures: list[Measure] | None = None) -> Project:
    """A teacher proposes a research question; they lead the project and bring their school."""
    if not access.can_propose(actor, alliance.id):
        raise InvalidInput(
            "You can only propose projects in an alliance you belong to.",
            code="not_alliance_member",
            fields={"alliance": ["You are not a member of this alliance."]},
        )
    _check_measures(alliance.id, measures or [])
    membership = Membership.objects.get(user=actor, alliance=alliance)
    project = Project.objects.create(
        alliance=alliance, title=title, research_question=research_question, subject=subject, phase=phase,
        academic_year=academic_year, rationale=rationale, success_criteria=success_criteria, term=term,
        lead=actor,
    )
    Stage.objects.bulk_create([Stage(project=project, kind=kind) for kind in STAGE_ORDER])
    ProjectMember.objects.create(project=project, user=actor, school=membership.school)
    project.themes.set(themes or [])
    project.measures.set(measures or [])
    return project


@transaction.atomic
def project_update(*, actor, project: Project, revision_reason: str = "", **changes) -> Project:
    """Edit the plan. After the freeze, a change to the plan is recorded as a new revision."""
    if not access.can_edit_project(actor, project):
        raise Forbidden("Only the project lead or the alliance lead can edit this project now.")
    project = Project.objects.select_for_update().get(pk=project.pk)
    themes = changes.pop("themes", None)
    measures = changes.pop("measures", None)
    plan_changed = any(
        name in changes and changes[name] != getattr(project, name) for name in PLAN_FIELDS if name != "measures"
    )
    if measures is not None:
        _check_measures(project.alliance_id, measures)
        plan_changed |= {m.id for m in measures} != set(project.measures.values_list("id", flat=True))
    for name, value in changes.items():
        setattr(project, name, value)
    project.save()
    if themes is not None:
        project.themes.set(themes)
    if measures is not None:
        project.measures.set(measures)
    if plan_changed and plan_is_frozen(project):
        plan_snapshot_create(project=project, actor=actor, reason=revision_reason or "Plan edited after the freeze.")
    if measures is not None:
        effect_summaries_refresh(project=project)
    return project
