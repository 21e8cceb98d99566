"""/projects/{id}/outcome-uploads/ and /outcomes/: pupil data, for the project group only."""
from drf_spectacular.utils import (OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema, extend_schema_field,
                                   inline_serializer)
from rest_framework import parsers, renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.models.choices import StageKind
from research.models.outcomes import UploadMode
from research.selectors.outcomes import outcome_csv_rows, outcome_records_for, outcome_upload_get, outcome_uploads_for
from research.services.import_jobs import import_job_create
from research.services.outcomes import (
    ImportResult,
    check_may_see_outcomes,
    check_outcome_file_size,
    outcome_upload_delete,
    outcomes_import,
)

from .common import ProjectScopedMixin, display_name
from .csv_export import csv_response
from .import_mapping import JSONMapField, mapping_body, mapping_fields, maps_from
from .jobs import JobOut, accept_import_job
from .pagination import PageNumberPagination
from .throttles import UploadThrottle


class OutcomeUploadIn(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, help_text="CSV (comma, semicolon or tab) or XLSX.")
    stage = serializers.ChoiceField(choices=StageKind.choices)
    measure = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text="The measure of a long-format file (one score column).")
    mode = serializers.ChoiceField(choices=UploadMode.choices, default=UploadMode.APPEND)
    dry_run = serializers.BooleanField(default=False, help_text="Validate and report; store nothing.")
    school_map = JSONMapField(required=False, help_text="JSON object: a school as the file writes it -> school id.")
    measure_map = JSONMapField(required=False, help_text=(
        "JSON object: a measure as the file writes it, or a wide file's column heading -> measure id."))
    group_map = JSONMapField(required=False, help_text="JSON object: a group as the file writes it -> "
                                                       "'intervention' or 'comparison'.")


class ReadAsOut(serializers.Serializer):
    """How the file was read: its format, where the header was, which column is which. A file that
    could not be read says as much as was found."""

    format = serializers.CharField(required=False, allow_null=True, help_text="csv or xlsx.")
    encoding = serializers.CharField(required=False, allow_null=True)
    delimiter = serializers.CharField(required=False, allow_null=True)
    sheet = serializers.CharField(required=False, allow_null=True)
    header_row = serializers.IntegerField(required=False, allow_null=True)
    layout = serializers.CharField(required=False, help_text="long or wide.")
    measures = inline_serializer("ReadMeasureColumn", {
        "column": serializers.CharField(), "measure_id": serializers.IntegerField(),
        "measure": serializers.CharField()}, many=True, required=False)
    columns_used = serializers.DictField(child=serializers.CharField(), required=False,
                                         help_text="The column read for each role (pupil_id, group, score...).")
    columns_ignored = serializers.ListField(child=serializers.CharField(), required=False)
    columns_not_used = inline_serializer("ColumnNotUsed", {
        "column": serializers.CharField(), "reason": serializers.CharField()}, many=True, required=False,
        help_text="Every column neither used nor dropped as identifying, with why.")


@extend_schema_field(ReadAsOut)
class ReadAsField(serializers.DictField):
    """The stored description, as it is."""


class OutcomeUploadOut(serializers.Serializer):
    id = serializers.IntegerField()
    stage = serializers.CharField(source="stage.kind")
    measure = serializers.IntegerField(source="measure_id", allow_null=True)
    measure_name = serializers.CharField(source="measure.name", default=None)
    uploaded_by = serializers.SerializerMethodField()
    uploaded_at = serializers.DateTimeField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    mode = serializers.CharField()
    status = serializers.CharField()
    row_count = serializers.IntegerField()
    record_count = serializers.IntegerField()
    replaced_count = serializers.IntegerField()
    columns_read = serializers.ListField(child=serializers.CharField())
    columns_dropped = serializers.ListField(child=serializers.CharField())
    read_as = ReadAsField()
    deleted_by = serializers.SerializerMethodField()
    deleted_at = serializers.DateTimeField(allow_null=True)

    def get_uploaded_by(self, upload) -> str:
        return display_name(upload.uploaded_by)

    def get_deleted_by(self, upload) -> str | None:
        return display_name(upload.deleted_by) if upload.deleted_by_id else None


class ImportSummaryOut(serializers.Serializer):
    measure = serializers.IntegerField()
    group = serializers.CharField()
    records = serializers.IntegerField()


class RowErrorOut(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True,
                                   help_text="As a spreadsheet numbers it (header = 1); null: the whole file.")
    column = serializers.CharField(allow_null=True)
    value = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    problem = serializers.CharField(help_text="The kind of problem, a stable code (as in error_groups).")


def _import_fields(required: bool) -> dict:
    return {
        "dry_run": serializers.BooleanField(required=required),
        "stored": serializers.BooleanField(required=required),
        "rows_read": serializers.IntegerField(required=required),
        "records": serializers.IntegerField(required=required, help_text="Rows stored (or that would be)."),
        "would_replace": serializers.IntegerField(required=required, help_text="Stored rows a replace removes."),
        "summary": ImportSummaryOut(many=True, required=required, help_text="Records per measure and group."),
        "columns_read": serializers.ListField(child=serializers.CharField(), required=required),
        "columns_dropped": serializers.ListField(child=serializers.CharField(), required=required,
                                                 help_text="Identifying columns dropped unread."),
        "read_as": ReadAsOut(required=required),
        "upload": OutcomeUploadOut(required=required, allow_null=True, help_text="The stored upload, or null."),
        **mapping_fields(required),
    }


OutcomeImportOut = inline_serializer("OutcomeImport", _import_fields(required=True))
# 400: a file with problems (every row error, nothing stored), or a form or file refused before reading.
OutcomeImportRejectedOut = inline_serializer("OutcomeImportRejected", {
    "code": serializers.CharField(help_text="invalid_file: row_errors lists the problems; else see errors."),
    "detail": serializers.CharField(),
    "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False),
    "row_errors": RowErrorOut(many=True, required=False),
    "error_total": serializers.IntegerField(required=False),
    **_import_fields(required=False),
})


def _summary(result: ImportResult) -> list[dict]:
    records = result.parsed.records
    if records.empty:
        return []
    counts = records.groupby(["measure_id", "group"]).size()
    return [{"measure": int(m), "group": g, "records": int(n)} for (m, g), n in counts.items()]


def import_response(result: ImportResult) -> Response:
    parsed = result.parsed
    body = {
        "dry_run": result.dry_run,
        "stored": result.upload is not None,
        "rows_read": parsed.row_count,
        "records": len(parsed.records) if result.ok else 0,
        "would_replace": result.would_replace,
        "summary": _summary(result),
        "columns_read": parsed.columns_read,
        "columns_dropped": parsed.columns_dropped,
        "read_as": parsed.read_as,
        "upload": OutcomeUploadOut(result.upload).data if result.upload else None,
        **mapping_body(result),
    }
    if not result.ok:
        body.update({
            "code": "invalid_file",
            "detail": f"The file has {body['error_summary']['text']}; nothing was saved. "
                      "Fix them and upload the file again.",
            "row_errors": [error.as_dict() for error in result.errors],
            "error_total": result.error_total,
        })
        return Response(body, status=400)
    return Response(body, status=201 if result.upload else 200)


class OutcomeUploadsView(ProjectScopedMixin, APIView):
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    throttle_classes = [UploadThrottle]

    @extend_schema(responses=OutcomeUploadOut(many=True))
    def get(self, request, project_id):
        uploads = outcome_uploads_for(user=request.user, project=self.get_project())
        return Response(OutcomeUploadOut(uploads, many=True).data)

    @extend_schema(request={"multipart/form-data": OutcomeUploadIn},
                   responses={201: OutcomeImportOut, 200: OutcomeImportOut, 400: OutcomeImportRejectedOut,
                              202: OpenApiResponse(JobOut, description="A file above IMPORT_JOB_ROWS rows: imported "
                                                   "in the background. The body is the job (GET /api/v1/jobs/{id}/ "
                                                   "to follow it); its result is this answer's 200/201/400 body.")})
    def post(self, request, project_id):
        project = self.get_project()
        check_may_see_outcomes(request.user, project)  # before looking at the form: non-members get 404
        data = OutcomeUploadIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        upload = values["file"]
        check_outcome_file_size(upload.size)  # before reading it into memory
        content, filename = upload.read(), upload.name or ""
        # outcomes_import's other arguments: a job (a file above IMPORT_JOB_ROWS rows) keeps them as JSON.
        options = {"stage_kind": values["stage"], "measure_id": values["measure"], "mode": values["mode"],
                   "dry_run": values["dry_run"], "maps": maps_from(values)}
        job = import_job_create(actor=request.user, project=project, data=content, filename=filename, options=options)
        if job is not None:
            return accept_import_job(job)  # 202: the job runs in the worker
        result = outcomes_import(actor=request.user, project=project, data=content, filename=filename, **options)
        return import_response(result)


class OutcomeUploadDetailView(ProjectScopedMixin, APIView):
    @extend_schema(responses=OutcomeUploadOut)
    def get(self, request, project_id, upload_id):
        upload = outcome_upload_get(user=request.user, project=self.get_project(), upload_id=upload_id)
        return Response(OutcomeUploadOut(upload).data)

    @extend_schema(responses={200: OutcomeUploadOut})
    def delete(self, request, project_id, upload_id):
        upload = outcome_upload_delete(actor=request.user, project=self.get_project(), upload_id=upload_id)
        return Response(OutcomeUploadOut(upload).data)


class OutcomeOut(serializers.Serializer):
    id = serializers.IntegerField()
    stage = serializers.CharField(source="stage.kind")
    measure = serializers.IntegerField(source="measure_id")
    pupil_key = serializers.CharField()
    school = serializers.IntegerField(source="school_id")
    group = serializers.CharField()
    score = serializers.FloatField()
    year_group = serializers.IntegerField(allow_null=True)
    disadvantaged = serializers.BooleanField(allow_null=True)
    send = serializers.BooleanField(allow_null=True)
    eal = serializers.BooleanField(allow_null=True)
    upload = serializers.IntegerField(source="upload_id")


class CSVRenderer(renderers.BaseRenderer):
    """Lets ?format=csv through content negotiation; the view builds the CSV itself."""

    media_type = "text/csv"
    format = "csv"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class CSVDownloadMixin:
    """Errors stay JSON even when the request asked for CSV."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(response, "exception", False) and isinstance(response, Response):
            response.accepted_renderer = renderers.JSONRenderer()
            response.accepted_media_type = "application/json"
            response["Content-Type"] = "application/json"
        return response


CSV_HEADER = ["stage", "measure", "pupil_key", "school_urn", "group", "score", "year_group", "disadvantaged",
              "send", "eal", "upload"]


class OutcomesView(CSVDownloadMixin, ProjectScopedMixin, APIView):
    """Pseudonymised pupil rows (members only). ?format=csv downloads all matching rows."""

    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("stage", str), OpenApiParameter("measure", int),
                    OpenApiParameter("group", str), OpenApiParameter("school", int),
                    OpenApiParameter("format", str, enum=["json", "csv"])],
        responses={200: inline_serializer("PaginatedOutcomeList", {
            "count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True), "results": OutcomeOut(many=True)}),
            (200, "text/csv"): OpenApiTypes.BINARY},
    )
    def get(self, request, project_id):
        project = self.get_project()
        rows = outcome_records_for(user=request.user, project=project, read_as=request.accepted_renderer.format,
                                   filters=request.query_params)  # each fetch is audited
        if request.accepted_renderer.format == "csv":
            return csv_response(CSV_HEADER, outcome_csv_rows(records=rows), f"project-{project.pk}-outcomes.csv")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(OutcomeOut(page, many=True).data)
