from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from research import lifecycle
from research.selectors.plan import plan_snapshot_list
from research.selectors.projects import (
    ORDERING_FIELDS,
    SEARCH_FIELDS,
    ProjectFilter,
    project_get,
    project_list,
    project_list_rows,
    projects_visible,
    transition_list,
)
from research.services.projects import project_propose, project_update

from ..common import ProjectScopedMixin
from ..filter_backend import FilterSetInSchema, OrderingInSchema, SearchInSchema
from ..permissions import PublicReadMixin
from .serializers import (
    PlanSnapshotOut,
    ProjectDetailOut,
    ProjectIn,
    ProjectListOut,
    ProjectUpdateIn,
    TransitionIn,
    TransitionOut,
)


class ProjectViewSet(PublicReadMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    """Research projects. Creating one proposes it; status changes go through /transitions/."""

    # The filters, search and ordering research.selectors.projects.project_list applies, documented.
    filter_backends = [FilterSetInSchema, SearchInSchema, OrderingInSchema]
    filterset_class = ProjectFilter
    search_fields = SEARCH_FIELDS
    ordering_fields = ORDERING_FIELDS
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return projects_visible(self.request.user)  # what the schema and the browsable API describe

    def list(self, request, *args, **kwargs):
        rows = project_list(user=request.user, filters=request.query_params)
        page = project_list_rows(page=self.paginate_queryset(rows))
        return self.get_paginated_response(ProjectListOut(page, many=True).data)

    def get_object(self):
        return project_get(user=self.request.user, project_id=self.kwargs["pk"])

    def get_serializer_class(self):
        return ProjectListOut if self.action == "list" else ProjectDetailOut

    def _detail(self, project, status=200):
        project = project_get(user=self.request.user, project_id=project.pk)
        return Response(ProjectDetailOut(project, context=self.get_serializer_context()).data, status=status)

    @extend_schema(request=ProjectIn, responses={201: ProjectDetailOut})
    def create(self, request, *args, **kwargs):
        data = ProjectIn(data=request.data)
        data.is_valid(raise_exception=True)
        project = project_propose(actor=request.user, **data.validated_data)
        return self._detail(project, status=201)

    @extend_schema(request=ProjectUpdateIn, responses=ProjectDetailOut)
    def partial_update(self, request, *args, **kwargs):
        project = self.get_object()
        data = ProjectUpdateIn(project, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        project = project_update(actor=request.user, project=project, **data.validated_data)
        return self._detail(project)


class TransitionsView(PublicReadMixin, ProjectScopedMixin, APIView):
    """The project's history (GET) and moving it on (POST {"action": ...})."""

    @extend_schema(responses=TransitionOut(many=True))
    def get(self, request, project_id):
        return Response(TransitionOut(transition_list(project=self.get_project()), many=True).data)

    @extend_schema(request=TransitionIn, responses={200: TransitionOut})
    def post(self, request, project_id):
        project = self.get_project()
        data = TransitionIn(data=request.data)
        data.is_valid(raise_exception=True)
        result = lifecycle.project_transition(
            project_id=project.pk, action=data.validated_data["action"], actor=request.user,
            comment=data.validated_data["comment"], expected_status=data.validated_data["from_status"] or None,
        )
        return Response(TransitionOut(result.record).data)


class PlanSnapshotsView(PublicReadMixin, ProjectScopedMixin, APIView):
    """The frozen plan and its later revisions, oldest first."""

    @extend_schema(responses=PlanSnapshotOut(many=True))
    def get(self, request, project_id):
        return Response(PlanSnapshotOut(plan_snapshot_list(project=self.get_project()), many=True).data)
