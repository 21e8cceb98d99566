"""/projects/{id}/pupil-row-reads/: who read the project's pupil rows (the alliance lead and staff)."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.views import APIView

from research.selectors.audit import project_for_audit, pupil_row_reads_for

from .common import ProjectScopedMixin, UserRefOut
from .pagination import PageNumberPagination


class PupilRowReadOut(serializers.Serializer):
    id = serializers.IntegerField()
    user = UserRefOut(allow_null=True, help_text="Null once the account is deleted; `username` remains.")
    username = serializers.CharField()
    at = serializers.DateTimeField()
    endpoint = serializers.CharField(help_text="Which read: `outcomes` (GET /projects/{id}/outcomes/).")
    format = serializers.CharField(help_text="json, csv, or api (the browsable API page).")
    row_count = serializers.IntegerField()


class PupilRowReadsView(ProjectScopedMixin, APIView):
    """Every read of this project's pupil rows, newest first: 404 if the project is not visible,
    403 for anyone but the alliance lead and staff."""

    project_selector = staticmethod(project_for_audit)

    @extend_schema(
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses=inline_serializer("PaginatedPupilRowReadList", {
            "count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True), "results": PupilRowReadOut(many=True)}),
    )
    def get(self, request, project_id):
        reads = pupil_row_reads_for(user=request.user, project=self.get_project())
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(reads, request, view=self)
        return paginator.get_paginated_response(PupilRowReadOut(page, many=True).data)
