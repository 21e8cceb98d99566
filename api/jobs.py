"""/jobs/{id}/: a background job, polled by the person who started it; and the import task itself.

An outcome file above IMPORT_JOB_ROWS rows (POST /projects/{id}/outcome-uploads/) is answered 202 with
a job; the worker runs the task below, which runs the import exactly as the request would have
(research.services.import_jobs.import_job_run) and keeps, as the job's report, the body and status the
synchronous upload would have answered with, built by the same code (api.outcomes.import_response):
the two can never differ. The task lives here, beside the view it finishes, because that body is the
API's to build; research/ never imports api/.
"""
from __future__ import annotations

import json

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from research.errors import DomainError
from research.selectors.jobs import import_job_get, import_job_report
from research.services.import_jobs import (
    ImportResult,
    import_job_abandon,
    import_job_enqueued,
    import_job_run,
)
from research.tasks_api import task

from .errors import _domain_response

KIND_OUTCOME_IMPORT = "outcome_import"


def _nullable(component: str, description: str) -> dict:
    # By name: api.outcomes declares these bodies (and imports this module for its 202).
    return {"allOf": [{"$ref": f"#/components/schemas/{component}"}], "nullable": True, "description": description}


@task()
def run_outcome_import_job(job_id: int) -> dict:
    """The worker's entry point: run one queued import job to its end."""
    job = import_job_run(job_id=job_id, report=import_report)
    return {"job": job_id, "status": job.status if job is not None else "not_queued"}


def import_report(outcome: ImportResult | DomainError) -> tuple[int, dict]:
    """What the synchronous upload answers for this outcome: its status and its body, as JSON."""
    from .outcomes import import_response  # api.outcomes imports this module

    response = _domain_response(outcome) if isinstance(outcome, DomainError) else import_response(outcome)
    return response.status_code, json.loads(JSONRenderer().render(response.data))


def accept_import_job(job) -> Response:
    """Queue the job's task and answer 202 with the job (Location: where to poll)."""
    try:
        queued = run_outcome_import_job.enqueue(job.pk)
    except Exception:
        import_job_abandon(job=job)
        raise
    import_job_enqueued(job=job, task_id=queued.id)
    job.refresh_from_db()  # the immediate backend (tests) has already run it
    body = JobOut(job).data
    return Response(body, status=202, headers={"Location": body["url"]})


class JobOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="Where to poll: GET it every second or two.")
    kind = serializers.SerializerMethodField(help_text="outcome_import: an outcome file, imported in the background.")
    status = serializers.ChoiceField(choices=["queued", "running", "done", "failed"],
                                     help_text="queued, running, then done or failed.")
    project = serializers.IntegerField(source="project_id")
    stage = serializers.SerializerMethodField()
    dry_run = serializers.SerializerMethodField()
    rows_total = serializers.IntegerField(help_text="Rows in the file: counted without reading it, then as read.")
    rows_read = serializers.IntegerField()
    rows_validated = serializers.IntegerField(help_text="Rows checked (all, unless the file was refused whole).")
    rows_to_store = serializers.IntegerField(allow_null=True, help_text="Scores to store once checked (null "
                                             "before, or when a row failed); a wide file has one per measure.")
    rows_stored = serializers.IntegerField(help_text="Scores stored so far. All or nothing: a failed job "
                                           "stored none.")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    result_status = serializers.IntegerField(source="report_status", allow_null=True,
                                             help_text="The status the upload would have answered without a job "
                                                       "(201 stored, 200 checked, 400 problems in the file...).")
    result = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    def get_url(self, job) -> str:
        return f"/api/v1/jobs/{job.pk}/"

    def get_kind(self, job) -> str:
        return KIND_OUTCOME_IMPORT

    def get_stage(self, job) -> str:
        return job.options.get("stage_kind", "")

    def get_dry_run(self, job) -> bool:
        return bool(job.options.get("dry_run"))

    def _report(self, job) -> dict | None:
        if not hasattr(job, "_report"):
            job._report = import_job_report(job)
        return job._report

    @extend_schema_field(_nullable("OutcomeImport", "Once done: the body a synchronous upload answers with "
                                   "(the stored upload, or what a dry run found)."))
    def get_result(self, job) -> dict | None:
        return self._report(job) if job.status == "done" else None

    @extend_schema_field(_nullable("OutcomeImportRejected", "Once failed: why, as a synchronous upload would "
                                   "have said it (every problem in the file with its row; or why the import could "
                                   "not run). Nothing was stored."))
    def get_error(self, job) -> dict | None:
        return self._report(job) if job.status == "failed" else None


class JobView(APIView):
    @extend_schema(responses={200: JobOut})
    def get(self, request, job_id):
        return Response(JobOut(import_job_get(user=request.user, job_id=job_id)).data)
