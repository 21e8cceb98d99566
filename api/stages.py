"""/projects/{id}/stages/{stage}/: a stage's session and writing."""
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.models import Stage
from research.models.choices import STAGE_ORDER
from research.models.stage import STAGE_FIELDS
from research.selectors.stages import known_stage_kind, stage_get, stage_list
from research.services.stages import stage_is_reached, stage_update

from .common import ProjectScopedMixin
from .permissions import PublicReadMixin

WRITING_FIELDS = [name for kind in STAGE_ORDER for name in STAGE_FIELDS[kind]]


class StageOut(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField(source="get_kind_display")
    reached = serializers.SerializerMethodField()
    session_date = serializers.DateField(allow_null=True)
    attendees = serializers.ListField(child=serializers.CharField())
    writing = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()

    def get_reached(self, stage) -> bool:
        return stage_is_reached(self.context["project"], stage.kind)

    @extend_schema_field(serializers.DictField(child=serializers.CharField(),
                                               help_text="The stage's writing, by field (see /taxonomy/)."))
    def get_writing(self, stage) -> dict:
        return {name: getattr(stage, name) for name in STAGE_FIELDS[stage.kind]}


class StageIn(serializers.ModelSerializer):
    attendees = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=200, required=False,
        help_text="Names of those who attended the session.",
    )

    revision_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                            help_text="Why the plan changed (when editing the frozen theory stage).")
    confirm_outside_year = serializers.BooleanField(
        required=False, help_text="Keep a session date outside the project's academic year (1 September to "
                                  "31 August); without it such a date is refused (400).")

    class Meta:
        model = Stage
        fields = ["session_date", "attendees", "revision_reason", "confirm_outside_year", *WRITING_FIELDS]
        extra_kwargs = {name: {"required": False} for name in ["session_date", *WRITING_FIELDS]}


class StageListView(PublicReadMixin, ProjectScopedMixin, APIView):
    @extend_schema(responses=StageOut(many=True))
    def get(self, request, project_id):
        project = self.get_project()
        return Response(StageOut(stage_list(project=project), many=True, context={"project": project}).data)


class StageDetailView(PublicReadMixin, ProjectScopedMixin, APIView):
    @extend_schema(responses=StageOut)
    def get(self, request, project_id, kind):
        project = self.get_project()
        return Response(StageOut(stage_get(project=project, kind=kind), context={"project": project}).data)

    @extend_schema(request=StageIn, responses=StageOut)
    def patch(self, request, project_id, kind):
        project = self.get_project()
        data = StageIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        unset_date = "session_date" in values and values["session_date"] is None
        stage = stage_update(actor=request.user, project=project, kind=known_stage_kind(kind),
                             unset_session_date=unset_date, **values)
        return Response(StageOut(stage, context={"project": project}).data)
