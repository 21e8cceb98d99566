"""Recording who read pupil-level rows (research.models.PupilRowRead)."""
from django.db import transaction

from ..models import Project, PupilRowRead


@transaction.atomic
def pupil_row_read_record(*, user, project: Project, endpoint: str, format: str, row_count: int) -> PupilRowRead:
    """One read of `row_count` pupil rows of `project` by `user`, through `endpoint` in `format`."""
    return PupilRowRead.objects.create(project=project, user=user, username=user.get_username(), endpoint=endpoint,
                                       format=format, row_count=row_count)
