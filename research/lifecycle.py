"""Every change of a project's status happens here.

Transitions are data (the TRANSITIONS table). Each run locks the project row, checks who may
act (research.access), that the project is still where the actor thinks it is, and every
guard at once; then it writes the new status and exactly one StageTransition, and runs the
transition's effects (freezing the plan at theory -> progress) in the same transaction. Every
transition also freezes what people outside the project see of its results
(research.services.disclosed): those figures change here and nowhere else.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from . import access
from .errors import Conflict, Forbidden, InvalidInput, NotFound
from .models import OutcomeRecord, Project, Stage, StageTransition
from .models.choices import StageKind, Status
from .statuses import ACTIVE_STATUSES

Guard = Callable[[Project], list[str]]
Effect = Callable[[Project, object, str], None]  # (project, actor, comment)


def _stage(project: Project, kind: str) -> Stage:
    return project.stages.get(kind=kind)


def theory_complete(project: Project) -> list[str]:
    unmet = []
    theory = _stage(project, StageKind.THEORY)
    if not theory.agreed_question.strip():
        unmet.append("no agreed research question for the theory session")
    school_count = project.memberships.values("school_id").distinct().count()
    needed = project.alliance.min_schools_per_project
    if school_count < needed:
        unmet.append(f"members from {school_count} school{'s' if school_count != 1 else ''}, {needed} needed")
    if not project.measures.exists():
        unmet.append("no measure chosen")
    if theory.session_date is None:
        unmet.append("no session date for the theory session")
    return unmet


def progress_complete(project: Project) -> list[str]:
    progress = _stage(project, StageKind.PROGRESS)
    unmet = []
    if not progress.key_learning.strip():
        unmet.append("no key learning written for the progress update")
    if not progress.impact_on_practice.strip():
        unmet.append("no impact on practice written for the progress update")
    return unmet


def _stages_with_scores(project: Project) -> list[set[str]]:
    """For each measure with pupil scores, the stages they were given at."""
    by_measure: dict[int, set[str]] = {}
    rows = OutcomeRecord.objects.filter(project=project).values_list("measure_id", "stage__kind").distinct()
    for measure_id, kind in rows:
        by_measure.setdefault(measure_id, set()).add(kind)
    return list(by_measure.values())


# A finding about pupils rests on scores at the baseline (theory) and the final session (dissemination),
# for at least one measure: baseline ones before dissemination starts (the final ones can only be given
# once it has), both before the finding is published. A group answering its question without scores says
# so explicitly (Project.qualitative_enquiry), and the finding states it.
NO_BASELINE = ("no baseline pupil scores (theory session) for any measure: upload them, or record that the "
               "project is a qualitative enquiry")
NO_BASELINE_AND_FINAL = ("no pupil scores for any measure at both the baseline (theory session) and the final "
                         "session (dissemination): upload them, or record that the project is a qualitative enquiry")


def baseline_scores_or_qualitative(project: Project) -> list[str]:
    if project.qualitative_enquiry or any(StageKind.THEORY in kinds for kinds in _stages_with_scores(project)):
        return []
    return [NO_BASELINE]


def final_scores_or_qualitative(project: Project) -> list[str]:
    if project.qualitative_enquiry or any({StageKind.THEORY, StageKind.DISSEMINATION} <= kinds
                                          for kinds in _stages_with_scores(project)):
        return []
    return [NO_BASELINE_AND_FINAL]


def dissemination_complete(project: Project) -> list[str]:
    dissemination = _stage(project, StageKind.DISSEMINATION)
    unmet = []
    if not dissemination.findings.strip():
        unmet.append("no findings written for dissemination")
    if not dissemination.conclusions.strip():
        unmet.append("no conclusions written for dissemination")
    return unmet


def freeze_plan(project: Project, actor, comment: str) -> None:
    from .services.plans import plan_snapshot_create

    plan_snapshot_create(project=project, actor=actor, reason="Frozen when the theory stage closed.")


def publish(project: Project, actor, comment: str) -> None:
    from .services.publications import publication_create

    publication_create(project=project, actor=actor)


def unpublish(project: Project, actor, comment: str) -> None:
    from .services.publications import publication_withdraw

    publication_withdraw(project=project, actor=actor, reason=comment.strip())


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    needs_reason: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition("accept", Status.PROPOSED, Status.THEORY),
    Transition("decline", Status.PROPOSED, Status.DECLINED),
    Transition("advance", Status.THEORY, Status.PROGRESS, guards=(theory_complete,), effects=(freeze_plan,)),
    Transition("advance", Status.PROGRESS, Status.DISSEMINATION, guards=(progress_complete,
                                                                              baseline_scores_or_qualitative)),
    Transition("publish", Status.DISSEMINATION, Status.PUBLISHED, guards=(dissemination_complete,
                                                                          final_scores_or_qualitative),
               effects=(publish,)),
    Transition("unpublish", Status.PUBLISHED, Status.DISSEMINATION, needs_reason=True, effects=(unpublish,)),
    *(Transition("withdraw", status, Status.WITHDRAWN) for status in ACTIVE_STATUSES),
)
ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS))


def find_transition(action: str, status: str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.action == action and t.source == status), None)


def unmet_conditions(project: Project, action: str) -> list[str] | None:
    """What still stands in the way of `action` from the current status (None: not possible from here)."""
    transition = find_transition(action, project.status)
    if transition is None:
        return None
    return [message for guard in transition.guards for message in guard(project)]


@dataclass
class TransitionResult:
    project: Project
    record: StageTransition
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def project_transition(*, project_id: int, action: str, actor, comment: str = "",
                       expected_status: str | None = None) -> TransitionResult:
    if action not in ACTIONS:
        raise InvalidInput(
            f"'{action}' is not an action. Choose one of: {', '.join(ACTIONS)}.", code="unknown_action"
        )
    try:
        project = Project.objects.select_for_update().select_related("alliance").get(pk=project_id)
    except Project.DoesNotExist:
        raise NotFound("No such project.") from None
    if not access.can_view_project(actor, project):
        raise NotFound("No such project.")
    if not access.can_transition(actor, project, action):
        raise Forbidden(f"You may not {action} this project.")
    if expected_status and expected_status != project.status:
        raise Conflict(
            f"This project is now '{project.get_status_display()}', not '{expected_status}': "
            "someone else has moved it on. Reload the page to see where it stands.",
            code="stale_status",
            conditions=[f"status is {project.status}, expected {expected_status}"],
        )
    transition = find_transition(action, project.status)
    if transition is None:
        raise Conflict(
            f"A project that is '{project.get_status_display()}' cannot be asked to {action}.",
            code="transition_not_allowed",
            conditions=[f"{action} is not possible from status {project.status}"],
        )
    unmet = [message for guard in transition.guards for message in guard(project)]
    if transition.needs_reason and not comment.strip():
        unmet.append(f"a reason is needed to {action}")
    if unmet:
        raise Conflict(
            f"The project cannot {action} yet: " + "; ".join(unmet) + ".",
            code="guard_failed",
            conditions=unmet,
        )
    from_status = project.status
    project.status = transition.target
    project.save(update_fields=["status", "updated_at"])
    record = StageTransition.objects.create(
        project=project, action=action, from_status=from_status, to_status=transition.target,
        actor=actor if access.is_authenticated(actor) else None, comment=comment.strip(),
    )
    from .services.disclosed import disclosed_results_freeze

    disclosed_results_freeze(project=project, reason=action)  # before publish, which copies it
    for effect in transition.effects:
        effect(project, actor, comment)
    from .services.notifications import project_transition_notify

    project_transition_notify(project=project, action=action, actor=actor, comment=comment)
    return TransitionResult(project=project, record=record)
