"""A published finding's writing is read-only: what the page shows and what is public stay the same."""
from .. import access
from ..errors import Conflict
from ..models import Project

PUBLISHED_READ_ONLY = (
    "The findings are published, so the project's writing (question, plan, stages and evidence) is read-only. "
    "To change it, the alliance lead unpublishes the findings, giving a reason; publishing again makes a new "
    "version."
)


def writing_check_open(project: Project) -> None:
    """Conflict (409, code published_read_only) while the project is published."""
    if access.writing_locked(project):
        raise Conflict(PUBLISHED_READ_ONLY, code="published_read_only",
                       conditions=["the findings are published: a change needs unpublishing with a reason"])
