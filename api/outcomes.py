"""/projects/{id}/outcome-uploads/ and /outcomes/: pupil data, for the project group only."""
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, inline_serializer
from rest_framework import parsers, permissions, renderers, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from research.errors import NotFound
from research.models.choices import StageKind
from research.models.outcomes import UploadMode
from research.selectors.outcomes import OutcomeFilter, outcome_records_for, outcome_uploads_for
from research.services.outcomes import (
    ImportResult,
    check_may_see_outcomes,
    check_outcome_file_size,
    outcome_upload_delete,
    outcomes_import,
)

from .common import ProjectScopedMixin, display_name
from .csv_export import csv_response
from .pagination import PageNumberPagination
from .throttles import UploadThrottle


class OutcomeUploadIn(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, help_text="CSV (comma, semicolon or tab) or XLSX.")
    stage = serializers.ChoiceField(choices=StageKind.choices)
    measure = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text="The measure of a long-format file (one score column).")
    mode = serializers.ChoiceField(choices=UploadMode.choices, default=UploadMode.APPEND)
    dry_run = serializers.BooleanField(default=False, help_text="Validate and report; store nothing.")


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
    read_as = serializers.DictField()
    deleted_by = serializers.SerializerMethodField()
    deleted_at = serializers.DateTimeField(allow_null=True)

    def get_uploaded_by(self, upload) -> str:
        return display_name(upload.uploaded_by)

    def get_deleted_by(self, upload) -> str | None:
        return display_name(upload.deleted_by) if upload.deleted_by_id else None


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
    }
    if not result.ok:
        shown = len(result.errors)
        more = f" The first {shown} are listed." if result.error_total > shown else ""
        body.update({
            "code": "invalid_file",
            "detail": f"The file has {result.error_total} problem{'s' if result.error_total != 1 else ''}; "
                      f"nothing was saved.{more} Fix them and upload the file again.",
            "row_errors": [error.as_dict() for error in result.errors],
            "error_total": result.error_total,
        })
        return Response(body, status=400)
    return Response(body, status=201 if result.upload else 200)


class OutcomeUploadsView(ProjectScopedMixin, APIView):
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    throttle_classes = [UploadThrottle]
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=OutcomeUploadOut(many=True))
    def get(self, request, project_id):
        uploads = outcome_uploads_for(user=request.user, project=self.get_project())
        return Response(OutcomeUploadOut(uploads, many=True).data)

    @extend_schema(request={"multipart/form-data": OutcomeUploadIn}, responses={201: dict, 200: dict, 400: dict})
    def post(self, request, project_id):
        project = self.get_project()
        check_may_see_outcomes(request.user, project)  # before looking at the form: non-members get 404
        data = OutcomeUploadIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        upload = values["file"]
        check_outcome_file_size(upload.size)  # before reading it into memory
        result = outcomes_import(
            actor=request.user, project=project, stage_kind=values["stage"], data=upload.read(),
            filename=upload.name or "", measure_id=values["measure"], mode=values["mode"],
            dry_run=values["dry_run"],
        )
        return import_response(result)


class OutcomeUploadDetailView(ProjectScopedMixin, APIView):
    permission_classes = [permissions.IsAuthenticated]

    def _upload(self, request, upload_id):
        uploads = outcome_uploads_for(user=request.user, project=self.get_project())
        try:
            return uploads.get(pk=upload_id)
        except uploads.model.DoesNotExist:
            raise NotFound("No such upload.") from None

    @extend_schema(responses=OutcomeUploadOut)
    def get(self, request, project_id, upload_id):
        return Response(OutcomeUploadOut(self._upload(request, upload_id)).data)

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

    permission_classes = [permissions.IsAuthenticated]
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
        rows = OutcomeFilter(request.query_params, queryset=outcome_records_for(
            user=request.user, project=project, read_as=request.accepted_renderer.format))  # each fetch is audited
        if not rows.is_valid():
            raise ValidationError(rows.errors)
        if request.accepted_renderer.format == "csv":
            values = rows.qs.values_list("stage__kind", "measure__name", "pupil_key", "school__urn", "group",
                                         "score", "year_group", "disadvantaged", "send", "eal", "upload_id")
            return csv_response(CSV_HEADER, values.iterator(), f"project-{project.pk}-outcomes.csv")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows.qs, request, view=self)
        return paginator.get_paginated_response(OutcomeOut(page, many=True).data)
