"""/evidence-map/: published findings from every alliance, pooled by strand (theme x measure kind x
phase). Public and read-only; cached under a fingerprint of the publications, so publishing or
withdrawing a finding changes the answer at once."""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.analysis.evidence_map import DIRECTIONS, PADLOCK_RULE
from research.selectors.evidence_map import (
    EvidenceMapFilter, clean_filters, evidence_map, evidence_map_fingerprint, evidence_strand, evidence_strand_chart,
)
from research.selectors.findings import published

from .caching import cached, etag_matches, not_modified, tag_response
from .charts import CHART_RESPONSES, chart_body, chart_response
from .filter_backend import FilterSetInSchema
from .permissions import PublicReadMixin
from .synthesis import PooledEstimateOut


class StrandPoolOut(PooledEstimateOut):
    """research.analysis.synthesis.pool_effects with method reml: REML tau^2, Hartung-Knapp-Sidik-Jonkman CI."""


DirectionCountsOut = type("StrandDirectionsOut", (serializers.Serializer,), {
    "__doc__": "Findings by result: positive or negative when their 95% CI excludes 0, null when it includes 0, "
               "not_estimated when they published no effect to pool. None is ever dropped.",
    **{name: serializers.IntegerField() for name in DIRECTIONS}})


class EggerOut(serializers.Serializer):
    k = serializers.IntegerField()
    intercept = serializers.FloatField()
    ci_low = serializers.FloatField()
    ci_high = serializers.FloatField()
    p_value = serializers.FloatField()
    slope = serializers.FloatField()
    method = serializers.CharField()


class StrandOut(serializers.Serializer):
    key = serializers.CharField(help_text="theme--measure kind--phase: the strand's address.")
    theme = serializers.CharField()
    theme_label = serializers.CharField()
    measure_kind = serializers.CharField()
    measure_kind_label = serializers.CharField()
    phase = serializers.CharField()
    phase_label = serializers.CharField()
    pool = StrandPoolOut()
    months = serializers.IntegerField(allow_null=True, help_text="EEF months' progress (attainment strands only), "
                                                                 "from the pooled g rounded to 2 dp.")
    findings = serializers.IntegerField(help_text="Published findings in the strand, pooled or not.")
    projects = serializers.IntegerField()
    schools = serializers.IntegerField(help_text="Sum of the findings' schools (a school in two projects counts twice).")
    pupils = serializers.IntegerField(help_text="Sum of the pooled findings' published n.")
    directions = DirectionCountsOut()
    padlocks = serializers.IntegerField(help_text=PADLOCK_RULE)
    padlock_reasons = serializers.ListField(child=serializers.CharField())
    egger = EggerOut(allow_null=True, help_text="Egger's test (strand detail only, 10+ pooled findings).")
    egger_reason = serializers.CharField(allow_null=True)


class EvidenceMapFiltersOut(serializers.Serializer):
    subject = serializers.CharField(allow_null=True)
    phase = serializers.CharField(allow_null=True)
    theme = serializers.CharField(allow_null=True)
    measure_kind = serializers.CharField(allow_null=True)
    min_padlocks = serializers.IntegerField(allow_null=True)


class EvidenceMapOut(serializers.Serializer):
    filters = EvidenceMapFiltersOut()
    count = serializers.IntegerField(help_text="Strands listed.")
    findings = serializers.IntegerField(help_text="Published findings behind the strands listed or filtered out.")
    strands = StrandOut(many=True)


class StrandFindingOut(serializers.Serializer):
    """A finding in the strand with what it published: g and variance (se) recompute the pool."""

    slug = serializers.CharField()
    link = serializers.SerializerMethodField()
    project_id = serializers.IntegerField()
    title = serializers.CharField()
    alliance = serializers.CharField()
    subject = serializers.CharField()
    measure = serializers.CharField(allow_null=True)
    g = serializers.FloatField(allow_null=True)
    variance = serializers.FloatField(allow_null=True)
    se = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    n = serializers.IntegerField(allow_null=True)
    schools = serializers.IntegerField(allow_null=True)
    padlocks = serializers.IntegerField(allow_null=True)
    direction = serializers.ChoiceField(choices=DIRECTIONS)
    pooled = serializers.BooleanField()
    weight = serializers.FloatField(allow_null=True, help_text="Share of the pool (0-1).")
    reason = serializers.CharField(allow_null=True, help_text="Why it is not pooled, or null.")

    def get_link(self, row) -> str:
        return f"/findings/{row['slug']}/"


class StrandDetailOut(StrandOut):
    subject = serializers.CharField(allow_null=True, help_text="The subject the findings were narrowed to, if any.")
    rows = StrandFindingOut(many=True, help_text="Every finding in the strand, pooled or not.")


class EvidenceMapView(PublicReadMixin, APIView):
    """Strands of published findings from every alliance, each pooled (random effects, REML with the
    Hartung-Knapp-Sidik-Jonkman CI) with its 95% prediction interval, months (attainment), counts and a
    padlock rating; null and negative findings counted. `subject` pools only findings in that subject;
    `phase`, `theme`, `measure_kind` and `min_padlocks` choose strands."""

    filter_backends = [FilterSetInSchema]
    filterset_class = EvidenceMapFilter

    def get_queryset(self):
        return published()  # what the schema's filters describe

    @extend_schema(operation_id="v1_evidence_map_list", responses={200: EvidenceMapOut, 304: None})
    def get(self, request):
        fingerprint = evidence_map_fingerprint(extra=["map", clean_filters(request.query_params)])
        if etag_matches(request, fingerprint):
            return not_modified(fingerprint)
        body = cached("evidence-map", fingerprint,
                      lambda: dict(EvidenceMapOut(evidence_map(filters=request.query_params)).data))
        return tag_response(Response(body), fingerprint)


STRAND_PARAMETERS = [OpenApiParameter("subject", str, description="Pool only findings in this subject")]


def _subject(request) -> str | None:
    subject = request.query_params.get("subject")
    return clean_filters({"subject": subject} if subject else {})["subject"]


def _strand_fingerprint(strand: str, subject: str | None) -> str:
    return evidence_map_fingerprint(extra=["strand", strand, subject])


def _strand_data(strand: str, subject: str | None, fingerprint: str) -> dict:
    return cached("evidence-strand", fingerprint,
                  lambda: dict(StrandDetailOut(evidence_strand(key=strand, filters={"subject": subject})).data))


class EvidenceStrandView(PublicReadMixin, APIView):
    """One strand: its pool, Egger's test for small-study effects (10+ pooled findings) and every
    finding in it with the g, variance and n it published."""

    @extend_schema(operation_id="v1_evidence_map_strand", parameters=STRAND_PARAMETERS,
                   responses={200: StrandDetailOut, 304: None})
    def get(self, request, strand):
        subject = _subject(request)
        fingerprint = _strand_fingerprint(strand, subject)
        if etag_matches(request, fingerprint):
            return not_modified(fingerprint)
        return tag_response(Response(_strand_data(strand, subject, fingerprint)), fingerprint)


class EvidenceStrandChartView(PublicReadMixin, APIView):
    """forest (every strand) and funnel (10+ pooled findings), as SVG, PNG, or the data (JSON, CSV)."""

    @extend_schema(parameters=STRAND_PARAMETERS, responses=CHART_RESPONSES)
    def get(self, request, strand, name, fmt):
        subject = _subject(request)
        strand_fingerprint = _strand_fingerprint(strand, subject)
        fingerprint = f"{strand_fingerprint}-{name}-{fmt}"
        if etag_matches(request, fingerprint):
            return not_modified(fingerprint)

        def build():
            data = _strand_data(strand, subject, strand_fingerprint)
            return chart_body(evidence_strand_chart(strand=data, name=name), fmt)

        body, content_type = cached("chart", fingerprint, build)
        return chart_response(body, content_type, fingerprint, f"{name}.{fmt}")
