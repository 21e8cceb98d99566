"""/projects/{id}/results/: tables, effect sizes, months, padlocks; suppressed for non-members."""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.selectors.projects import project_for_results
from research.selectors.results import data_fingerprint, results_for

from .caching import cached, etag_matches, not_modified, tag_response
from .common import ProjectScopedMixin


class MeasureQuery(serializers.Serializer):
    measure = serializers.IntegerField(required=False, allow_null=True, default=None)


class ResultsView(ProjectScopedMixin, APIView):
    project_selector = staticmethod(project_for_results)

    @extend_schema(parameters=[OpenApiParameter("measure", int, description="Only this measure.")],
                   responses={200: dict, 304: None})
    def get(self, request, project_id):
        project = self.get_project()
        query = MeasureQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        measure = query.validated_data["measure"]
        fingerprint = data_fingerprint(user=request.user, project=project, extra=("results", measure))
        if etag_matches(request, fingerprint):
            return not_modified(fingerprint)
        body = cached("results", fingerprint,
                      lambda: results_for(user=request.user, project=project, measure_id=measure))
        return tag_response(Response(body), fingerprint)
