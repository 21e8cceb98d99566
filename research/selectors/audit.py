"""Reading the trail of pupil-row reads: the alliance lead and staff (research.access.can_read_pupil_row_audit)."""
from django.db.models import QuerySet

from .. import access
from ..errors import Forbidden, NotFound
from ..models import Project, PupilRowRead
from .projects import projects_visible


def project_for_audit(*, user, project_id) -> Project:
    """A project the user may see (NotFound otherwise), with nothing else loaded: the trail reads only its id
    and alliance."""
    try:
        return projects_visible(user).get(pk=project_id)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such project, or you do not have access to it.") from None


def pupil_row_reads_for(*, user, project: Project) -> QuerySet[PupilRowRead]:
    """The project's reads of pupil rows, newest first, each with its reader."""
    if not access.can_read_pupil_row_audit(user, project):
        raise Forbidden("Only the alliance lead can see who read this project's pupil rows.")
    return PupilRowRead.objects.filter(project=project).select_related("user").order_by("-at", "-id")
