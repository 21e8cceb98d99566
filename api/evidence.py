"""/projects/{id}/evidence/: files, links and notes attached to a stage, shown by visibility."""
from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import parsers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research import access
from research.errors import NotFound
from research.models.choices import EvidenceKind, StageKind, Visibility
from research.selectors.evidence import evidence_get, evidence_list
from research.services.evidence import evidence_create, evidence_delete, evidence_update

from .common import ProjectScopedMixin, display_name
from .parsers import StrictJSONParser
from .permissions import PublicReadMixin
from .throttles import UploadThrottle


class EvidenceIn(serializers.Serializer):
    stage = serializers.ChoiceField(choices=StageKind.choices)
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    title = serializers.CharField(max_length=200)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.GROUP)
    file = serializers.FileField(required=False, allow_empty_file=True, max_length=255)
    link = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    text = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class EvidenceUpdateIn(serializers.Serializer):
    """What an edit may change; a link stays a link and a note a note (a file: delete and add again)."""

    kind = serializers.ChoiceField(choices=EvidenceKind.choices, required=False)
    title = serializers.CharField(max_length=200, required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    link = serializers.URLField(max_length=500, required=False)
    text = serializers.CharField(max_length=20000, required=False)


class EvidenceOut(serializers.Serializer):
    id = serializers.IntegerField()
    stage = serializers.CharField(source="stage.kind")
    kind = serializers.CharField()
    title = serializers.CharField()
    visibility = serializers.CharField()
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    link = serializers.CharField()
    text = serializers.CharField()
    uploader = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()
    can_change = serializers.SerializerMethodField()

    def get_can_change(self, evidence) -> bool:
        """The viewer may edit or delete it now (its uploader or the project lead, not while published)."""
        user, project = self.context.get("user"), self.context.get("project")
        return bool(project and access.can_delete_evidence(user, evidence, project)
                    and not access.writing_locked(project))

    def get_uploader(self, evidence) -> str:
        return display_name(evidence.uploader)

    def get_download_url(self, evidence) -> str | None:
        if not evidence.file:
            return None
        return f"/api/v1/projects/{evidence.stage.project_id}/evidence/{evidence.id}/download/"


class EvidenceScopedMixin(PublicReadMixin, ProjectScopedMixin):
    def get_evidence(self, evidence_id):
        return evidence_get(user=self.request.user, project=self.get_project(), evidence_id=evidence_id)


class EvidenceListView(EvidenceScopedMixin, APIView):
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, StrictJSONParser]
    throttle_classes = [UploadThrottle]

    @extend_schema(parameters=[OpenApiParameter("stage", str, description="Only this stage's evidence.")],
                   responses=EvidenceOut(many=True))
    def get(self, request, project_id):
        project = self.get_project()
        rows = evidence_list(user=request.user, project=project, filters=request.query_params)
        return Response(EvidenceOut(rows, many=True, context={"user": request.user, "project": project}).data)

    @extend_schema(request={"multipart/form-data": EvidenceIn}, responses={201: EvidenceOut})
    def post(self, request, project_id):
        data = EvidenceIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        evidence = evidence_create(actor=request.user, project=self.get_project(), stage_kind=values.pop("stage"),
                                   **values)
        return Response(EvidenceOut(evidence, context={"user": request.user, "project": self.get_project()}).data,
                        status=201)


class EvidenceDetailView(EvidenceScopedMixin, APIView):
    parser_classes = [StrictJSONParser]

    def _out(self, evidence):
        return EvidenceOut(evidence, context={"user": self.request.user, "project": self.get_project()}).data

    @extend_schema(responses=EvidenceOut)
    def get(self, request, project_id, evidence_id):
        return Response(self._out(self.get_evidence(evidence_id)))

    @extend_schema(request=EvidenceUpdateIn, responses=EvidenceOut)
    def patch(self, request, project_id, evidence_id):
        """Edit it (its uploader or the project lead); recorded with who and when."""
        data = EvidenceUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = evidence_update(actor=request.user, project=self.get_project(),
                                   evidence=self.get_evidence(evidence_id), **data.validated_data)
        return Response(self._out(evidence))

    @extend_schema(responses={204: None})
    def delete(self, request, project_id, evidence_id):
        evidence_delete(actor=request.user, project=self.get_project(), evidence=self.get_evidence(evidence_id))
        return Response(status=204)


class EvidenceDownloadView(EvidenceScopedMixin, APIView):
    """The file itself, only for those who may see this evidence; always as an attachment."""

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    def get(self, request, project_id, evidence_id):
        evidence = self.get_evidence(evidence_id)
        if not evidence.file:
            raise NotFound("This evidence has no file: it is a link or a text.")
        response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.filename,
                                content_type=evidence.content_type or "application/octet-stream")
        response["X-Content-Type-Options"] = "nosniff"
        return response
