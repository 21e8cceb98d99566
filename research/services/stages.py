"""Writing a stage: its session and its own text."""
from datetime import date

from django.db import transaction

from .. import access
from ..errors import Conflict, Forbidden, InvalidInput
from ..models import Project, Stage
from ..models.project import academic_year_dates
from ..models.choices import STAGE_ORDER, Status
from ..models.stage import STAGE_FIELDS
from .common import model_update
from .plans import STAGE_PLAN_FIELDS, plan_is_frozen, plan_snapshot_create
from .read_only import writing_check_open

# How far a project has got: a stage can be written once the project has reached it.
REACHED_STAGE_INDEX = {
    Status.PROPOSED: 0, Status.THEORY: 0, Status.PROGRESS: 1, Status.DISSEMINATION: 2, Status.PUBLISHED: 2,
}


def session_date_check(*, project: Project, session_date: date | None, confirm_outside_year: bool) -> None:
    """A session belongs in the project's academic year (1 September to 31 August); one outside it is
    kept only when the group confirms it (a 2025/26 project's session dated 2027 is usually a typo)."""
    if session_date is None or confirm_outside_year:
        return
    first, last = academic_year_dates(project.academic_year)
    if not first <= session_date <= last:
        message = (f"The session date {session_date:%-d %B %Y} is outside the project's academic year "
                   f"{project.academic_year} ({first:%-d %B %Y} to {last:%-d %B %Y}). Correct the date, or "
                   "confirm that the session was held outside the year.")
        raise InvalidInput(message, code="session_outside_academic_year", fields={"session_date": [message]})


def stage_is_reached(project: Project, kind: str) -> bool:
    reached = REACHED_STAGE_INDEX.get(project.status)
    return reached is not None and STAGE_ORDER.index(kind) <= reached


@transaction.atomic
def stage_update(*, actor, project: Project, kind: str, session_date: date | None = None,
                 attendees: list[str] | None = None, unset_session_date: bool = False, revision_reason: str = "",
                 confirm_outside_year: bool = False, **writing) -> Stage:
    if not access.can_write_stage(actor, project):
        raise Forbidden("Only members of the project group can write its stages.")
    if not stage_is_reached(project, kind):
        raise Conflict(
            f"The project has not reached the {Stage(kind=kind).get_kind_display().lower()} yet.",
            code="stage_not_reached",
            conditions=[f"project status is {project.status}"],
        )
    allowed = set(STAGE_FIELDS[kind])
    foreign = sorted(set(writing) - allowed)
    if foreign:
        raise InvalidInput(
            "Some fields belong to another stage.",
            fields={name: [f"This field belongs to another stage, not the {kind} stage."] for name in foreign},
        )
    stage = Stage.objects.select_for_update().get(project=project, kind=kind)
    # Then the project (stage before project, the order imports use): an edit racing the
    # theory -> progress freeze either lands before it, in the frozen plan, or after it, as a revision.
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not (access.can_write_stage(actor, project) and stage_is_reached(project, kind)):
        raise Conflict("The project has changed status while you were writing: reload the page.",
                       code="stale_status")
    writing_check_open(project)
    if session_date != stage.session_date:  # a date confirmed before is not asked about again
        session_date_check(project=project, session_date=session_date, confirm_outside_year=confirm_outside_year)
    data = dict(writing)
    if session_date is not None or unset_session_date:
        data["session_date"] = session_date
    if attendees is not None:
        data["attendees"] = attendees
    stage, changed = model_update(instance=stage, fields=(*STAGE_FIELDS[kind], "session_date", "attendees"),
                                  data=data)
    if set(changed) & set(STAGE_PLAN_FIELDS) and plan_is_frozen(project):
        # The agreed question and rationale are part of the pre-registration: never rewrite them silently.
        plan_snapshot_create(project=project, actor=actor,
                             reason=revision_reason or "Theory stage edited after the freeze.")
    return stage
