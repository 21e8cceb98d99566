"""Reading import jobs: only the uploader follows one (research.access.can_follow_import_job)."""
from .. import access
from ..errors import NotFound
from ..models import ImportJob
from ..services.import_jobs import import_job_report


def import_job_get(*, user, job_id: int) -> ImportJob:
    """The job, without its file (a poll every second or two must not carry 20 MB); NotFound for
    anyone but its uploader, as if it did not exist."""
    job = ImportJob.objects.select_related("project").defer("file_data").filter(pk=job_id).first()
    if job is None or not access.can_follow_import_job(user, job):
        raise NotFound("No such job.")
    return job


__all__ = ["import_job_get", "import_job_report"]
