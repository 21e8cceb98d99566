"""/alliances/{id}/synthesis/ (pooled effects across projects) and /pipeline/ (projects by status)."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.analysis.synthesis import DEFAULT_METHOD, METHODS
from research.models import Alliance, Theme
from research.models.choices import MeasureKind, Status
from research.selectors.charts import pipeline_counts
from research.selectors.synthesis import alliance_synthesis

METHOD_HELP = "dl (DerSimonian-Laird, the default) or reml (REML with the Hartung-Knapp-Sidik-Jonkman CI)"


class SynthesisQuery(serializers.Serializer):
    measure_kind = serializers.ChoiceField(choices=MeasureKind.choices, required=False)
    theme = serializers.SlugRelatedField(slug_field="slug", queryset=Theme.objects.all(), required=False)
    method = serializers.ChoiceField(
        choices=list(METHODS.items()), required=False, default=DEFAULT_METHOD,
        error_messages={"invalid_choice": f'"{{input}}" is not a pooling method: use {METHOD_HELP}.'})


class SynthesisView(APIView):
    """Members of the alliance (and staff) pool every active or published project; anyone else
    pools published findings only. Only effects whose cells pass disclosure control count.
    `?method=reml` pools with REML and the Hartung-Knapp-Sidik-Jonkman CI (better with few projects)."""

    @extend_schema(parameters=[OpenApiParameter("measure_kind", str, enum=MeasureKind.values),
                               OpenApiParameter("theme", str, description="Theme slug"),
                               OpenApiParameter("method", str, enum=list(METHODS), default=DEFAULT_METHOD,
                                                description=f"Pooling method: {METHOD_HELP}")],
                   responses={200: dict})
    def get(self, request, alliance_id):
        alliance = get_object_or_404(Alliance, pk=alliance_id)
        query = SynthesisQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        theme = query.validated_data.get("theme")
        return Response(alliance_synthesis(user=request.user, alliance=alliance,
                                           measure_kind=query.validated_data.get("measure_kind"),
                                           theme=theme.slug if theme else None,
                                           method=query.validated_data["method"]))


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
