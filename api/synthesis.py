"""/alliances/{id}/synthesis/ (pooled effects across projects) and /pipeline/ (projects by status)."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.models import Alliance, Theme
from research.models.choices import MeasureKind, Status
from research.selectors.charts import pipeline_counts
from research.selectors.synthesis import alliance_synthesis


class SynthesisQuery(serializers.Serializer):
    measure_kind = serializers.ChoiceField(choices=MeasureKind.choices, required=False)
    theme = serializers.SlugRelatedField(slug_field="slug", queryset=Theme.objects.all(), required=False)


class SynthesisView(APIView):
    """Members of the alliance (and staff) pool every active or published project; anyone else
    pools published findings only. Only effects whose cells pass disclosure control count."""

    @extend_schema(parameters=[OpenApiParameter("measure_kind", str, enum=MeasureKind.values),
                               OpenApiParameter("theme", str, description="Theme slug")],
                   responses={200: dict})
    def get(self, request, alliance_id):
        alliance = get_object_or_404(Alliance, pk=alliance_id)
        query = SynthesisQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        theme = query.validated_data.get("theme")
        return Response(alliance_synthesis(user=request.user, alliance=alliance,
                                           measure_kind=query.validated_data.get("measure_kind"),
                                           theme=theme.slug if theme else None))


class PipelineView(APIView):
    """How many of the alliance's projects (that you may see) are at each status, overall and per term."""

    @extend_schema(responses={200: dict})
    def get(self, request, alliance_id):
        alliance = get_object_or_404(Alliance, pk=alliance_id)
        by_term = pipeline_counts(request.user, alliance)
        totals: dict[str, int] = {status: 0 for status in Status.values}
        for row in by_term:
            totals[row["status"]] += row["count"]
        return Response({"alliance": {"id": alliance.id, "name": alliance.name}, "statuses": totals,
                         "by_term": by_term})
