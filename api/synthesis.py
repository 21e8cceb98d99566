"""/alliances/{id}/synthesis/ (pooled effects across projects) and /pipeline/ (projects by status)."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.analysis.synthesis import DEFAULT_METHOD, METHODS
from research.models.choices import MeasureKind, Status
from research.selectors.catalog import alliance_get, theme_list
from research.selectors.charts import alliance_pipeline
from research.selectors.synthesis import alliance_synthesis

from .permissions import PublicReadMixin

METHOD_HELP = "dl (DerSimonian-Laird, the default) or reml (REML with the Hartung-Knapp-Sidik-Jonkman CI)"


class SynthesisQuery(serializers.Serializer):
    measure_kind = serializers.ChoiceField(choices=MeasureKind.choices, required=False)
    theme = serializers.SlugRelatedField(slug_field="slug", queryset=theme_list(), required=False)
    method = serializers.ChoiceField(
        choices=list(METHODS.items()), required=False, default=DEFAULT_METHOD,
        error_messages={"invalid_choice": f'"{{input}}" is not a pooling method: use {METHOD_HELP}.'})


class AllianceNameOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PooledProjectOut(serializers.Serializer):
    project_id = serializers.IntegerField()
    label = serializers.CharField()
    n = serializers.IntegerField(allow_null=True)
    g = serializers.FloatField()
    variance = serializers.FloatField()
    se = serializers.FloatField()
    ci_low = serializers.FloatField()
    ci_high = serializers.FloatField()
    weight = serializers.FloatField(allow_null=True, help_text="Share of the pool (0-1).")


class LeftOutProjectOut(serializers.Serializer):
    project_id = serializers.IntegerField()
    label = serializers.CharField()
    reason = serializers.CharField(allow_null=True)


class PredictionIntervalOut(serializers.Serializer):
    low = serializers.FloatField()
    high = serializers.FloatField()
    distribution = serializers.CharField()


class PooledEstimateOut(serializers.Serializer):
    """A pooled estimate (research.analysis.synthesis.pool_effects), as the alliance synthesis, a hub's
    synthesis and the evidence map all give it."""

    method = serializers.CharField()
    method_code = serializers.CharField()
    k = serializers.IntegerField(help_text="Effects pooled: projects, or findings on the evidence map.")
    g = serializers.FloatField(allow_null=True)
    se = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    ci_distribution = serializers.CharField(allow_null=True)
    tau2 = serializers.FloatField(allow_null=True)
    i2_percent = serializers.FloatField(allow_null=True)
    q = serializers.FloatField(allow_null=True)
    q_df = serializers.IntegerField(allow_null=True)
    q_pvalue = serializers.FloatField(allow_null=True)
    prediction_interval = PredictionIntervalOut(allow_null=True)
    prediction_interval_reason = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_null=True, help_text="Why there is no pooled estimate, or null.")


class PoolOut(PooledEstimateOut):
    """One pool (research.analysis.synthesis.pool_effects): the projects sharing a measure kind."""

    measure_kind = serializers.CharField()
    measure_kind_label = serializers.CharField()
    theme = serializers.CharField(allow_null=True)
    projects = PooledProjectOut(many=True)
    excluded = LeftOutProjectOut(many=True, help_text="Projects left out, each once, with its reason.")


class SynthesisOut(serializers.Serializer):
    alliance = AllianceNameOut()
    measure_kind = serializers.CharField(allow_null=True)
    theme = serializers.CharField(allow_null=True)
    method = serializers.CharField()
    groups = PoolOut(many=True)


class SynthesisView(PublicReadMixin, APIView):
    """Members of the alliance (and staff) pool every active or published project; anyone else
    pools published findings only. Only effects whose cells pass disclosure control count.
    `?method=reml` pools with REML and the Hartung-Knapp-Sidik-Jonkman CI (better with few projects)."""

    @extend_schema(parameters=[OpenApiParameter("measure_kind", str, enum=MeasureKind.values),
                               OpenApiParameter("theme", str, description="Theme slug"),
                               OpenApiParameter("method", str, enum=list(METHODS), default=DEFAULT_METHOD,
                                                description=f"Pooling method: {METHOD_HELP}")],
                   responses={200: SynthesisOut})
    def get(self, request, alliance_id):
        alliance = alliance_get(alliance_id=alliance_id)
        query = SynthesisQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        theme = query.validated_data.get("theme")
        return Response(alliance_synthesis(user=request.user, alliance=alliance,
                                           measure_kind=query.validated_data.get("measure_kind"),
                                           theme=theme.slug if theme else None,
                                           method=query.validated_data["method"]))


class PipelineRowOut(serializers.Serializer):
    term_label = serializers.CharField()
    status = serializers.CharField()
    count = serializers.IntegerField()


class PipelineOut(serializers.Serializer):
    alliance = AllianceNameOut()
    statuses = inline_serializer("PipelineStatusCounts",
                                 {status: serializers.IntegerField() for status in Status.values})
    by_term = PipelineRowOut(many=True)


class PipelineView(PublicReadMixin, APIView):
    """How many of the alliance's projects (that you may see) are at each status, overall and per term."""

    @extend_schema(responses={200: PipelineOut})
    def get(self, request, alliance_id):
        return Response(alliance_pipeline(user=request.user, alliance=alliance_get(alliance_id=alliance_id)))
