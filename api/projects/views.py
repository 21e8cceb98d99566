from drf_spectacular.utils import extend_schema
from rest_framework import filters, mixins, permissions, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from research import lifecycle
from research.models import PlanSnapshot, StageTransition
from research.selectors.projects import (
    LIST_FIELDS,
    ProjectFilter,
    project_get,
    project_list_rows,
    projects_visible,
)
from research.services.projects import project_propose, project_update

from ..common import ProjectScopedMixin
from ..filter_backend import QueryFilterBackend
from .serializers import (
    PlanSnapshotOut,
    ProjectDetailOut,
    ProjectIn,
    ProjectListOut,
    ProjectUpdateIn,
    TransitionIn,
    TransitionOut,
)


class ProjectViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Research projects. Creating one proposes it; status changes go through /transitions/."""

    filter_backends = [QueryFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    filterset_class = ProjectFilter
    search_fields = ["title", "research_question"]
    ordering_fields = ["created_at", "updated_at", "title", "academic_year", "status"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return projects_visible(self.request.user)

    def list(self, request, *args, **kwargs):
        rows = self.filter_queryset(self.get_queryset()).values(*LIST_FIELDS)
        page = project_list_rows(self.paginate_queryset(rows))
        return self.get_paginated_response(ProjectListOut(page, many=True).data)

    def get_object(self):
        return project_get(user=self.request.user, project_id=self.kwargs["pk"])

    def get_serializer_class(self):
        return ProjectListOut if self.action == "list" else ProjectDetailOut

    def get_permissions(self):
        if self.action in ("create", "partial_update", "update"):
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

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


class TransitionsView(ProjectScopedMixin, APIView):
    """The project's history (GET) and moving it on (POST {"action": ...})."""

    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    @extend_schema(responses=TransitionOut(many=True))
    def get(self, request, project_id):
        records = StageTransition.objects.filter(project=self.get_project()).select_related("actor")
        return Response(TransitionOut(records, many=True).data)

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


class PlanSnapshotsView(ProjectScopedMixin, APIView):
    """The frozen plan and its later revisions, oldest first."""

    @extend_schema(responses=PlanSnapshotOut(many=True))
    def get(self, request, project_id):
        snapshots = PlanSnapshot.objects.filter(project=self.get_project()).select_related("created_by")
        return Response(PlanSnapshotOut(snapshots, many=True).data)
