"""/findings/: the public library of published findings. No login; drafts never appear."""
import json

from django.http import FileResponse, HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.models import Publication
from research.models.choices import STAGE_ORDER
from research.models.publication import EffectDirection, PublicationStatus
from research.models.stage import STAGE_FIELDS
from research.selectors.findings import (
    FindingFilter,
    facets,
    finding_file_get,
    finding_get,
    finding_get_live,
    finding_list,
    finding_newer_slug,
    published,
)
from research.services.publications import publication_chart

from .caching import etag_matches, not_modified, tag_response
from .charts import CHART_RESPONSES, ChartQuery
from .csv_export import csv_response
from .filter_backend import FilterSetInSchema
from .pagination import PageNumberPagination
from .permissions import PublicReadMixin
from .projects.serializers import PowerField, SuccessCriterionOut
from .results import Count, Figure, MeasureInfoOut, ResultsOut, WholeFigure

RESULT_COLUMNS = ["measure", "kind", "section", "stage", "group", "subgroup", "n", "mean", "sd", "median", "q1",
                  "q3", "ci_low", "ci_high", "g", "months", "design", "padlocks"]


class HeadlineOut(serializers.Serializer):
    """The first measure's headline effect (attainment first), as published; only `direction`, `g` and
    `padlocks` when no effect could be estimated."""

    measure = MeasureInfoOut(required=False)
    design = serializers.CharField(required=False, allow_null=True)
    g = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(required=False)
    ci_high = serializers.FloatField(required=False)
    months = serializers.IntegerField(required=False, allow_null=True)
    n = Count(required=False)
    padlocks = serializers.IntegerField(allow_null=True)
    direction = serializers.CharField(help_text=f"One of: {', '.join(EffectDirection.values)}.")


class ContextOut(serializers.Serializer):
    """Where the finding comes from; pupils in bands, so no small count is published."""

    alliance = serializers.CharField()
    schools = serializers.IntegerField()
    subject = serializers.CharField()
    phase = serializers.CharField()
    academic_year = serializers.CharField()
    term = serializers.CharField()
    themes = serializers.ListField(child=serializers.CharField())
    pupils = serializers.CharField()


class FindingListOut(serializers.ModelSerializer):
    alliance = serializers.CharField(source="alliance.name")
    headline = serializers.SerializerMethodField()
    context = serializers.SerializerMethodField()

    class Meta:
        model = Publication
        fields = ["slug", "title", "research_question", "subject", "phase", "academic_year", "alliance",
                  "published_at", "evidence_strength", "effect_direction", "headline", "context"]

    @extend_schema_field(HeadlineOut)
    def get_headline(self, publication) -> dict:
        return publication.content.get("headline", {})

    @extend_schema_field(ContextOut)
    def get_context(self, publication) -> dict:
        return publication.content.get("context", {})


FACETS = ("subject", "phase", "academic_year", "direction", "evidence_strength", "theme", "measure_kind", "alliance")
FACET_SCHEMA = {
    "type": "object", "description": "Per filter, how many of the results each of its values would leave.",
    "properties": {name: {"type": "array", "items": {
        "type": "object", "required": ["value", "count"],
        "properties": {"value": {"oneOf": [{"type": "string"}, {"type": "integer"}]}, "label": {"type": "string"},
                       "count": {"type": "integer"}}}} for name in FACETS},
}


class FindingPagination(PageNumberPagination):
    """A page of findings, with the facets of the whole result set beside it."""

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["facets"] = FACET_SCHEMA
        paginated["required"] = [*paginated.get("required", []), "facets"]
        return paginated


class FindingListView(PublicReadMixin, generics.GenericAPIView):
    """Published findings. Filters, `search` (words in the title, question or findings), `ordering`
    (`-published` newest first, `published`, `-effect` largest effect first, `effect`), and
    `facets`: counts per filter value over the results."""

    # The filters research.selectors.findings.finding_list applies, documented.
    filter_backends = [FilterSetInSchema]
    filterset_class = FindingFilter
    pagination_class = FindingPagination

    def get_queryset(self):
        return published()  # what the schema describes

    @extend_schema(parameters=[OpenApiParameter("search", str),
                               OpenApiParameter("ordering", str, enum=["-published", "published", "-effect",
                                                                       "effect"])],
                   responses=FindingListOut(many=True))
    def get(self, request):
        rows = finding_list(filters=request.query_params)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        response = paginator.get_paginated_response(FindingListOut(page, many=True).data)
        response.data["facets"] = facets(rows)
        return response


class PlanOut(serializers.Serializer):
    """The plan as last frozen (research.models.PlanSnapshot)."""

    revision = serializers.IntegerField()
    frozen_at = serializers.CharField()
    research_question = serializers.CharField()
    agreed_question = serializers.CharField()
    success_notes = serializers.CharField()
    success_criteria = SuccessCriterionOut(many=True)
    measures = MeasureInfoOut(many=True)
    planned_pupils_per_group = serializers.IntegerField(allow_null=True)
    planned_schools = serializers.IntegerField(allow_null=True)
    assumed_icc = serializers.FloatField(allow_null=True)
    pre_post_correlation = serializers.FloatField(allow_null=True)
    power = PowerField(allow_null=True)


FindingStagesOut = inline_serializer("FindingStages", {
    kind.value: inline_serializer(f"Finding{kind.value.capitalize()}Writing", {
        "session_date": serializers.DateField(allow_null=True),
        **{name: serializers.CharField() for name in STAGE_FIELDS[kind]},
    }) for kind in STAGE_ORDER
}, required=False, help_text="Each stage's session date and writing, as published.")


class FindingChartRefOut(serializers.Serializer):
    name = serializers.CharField()
    measure = serializers.IntegerField(allow_null=True)
    measure_name = serializers.CharField(required=False)


class FindingEvidenceOut(serializers.Serializer):
    stage = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    link = serializers.CharField()
    text = serializers.CharField()
    file = inline_serializer("FindingFileRef", {
        "id": serializers.IntegerField(allow_null=True, help_text="Null in the publication preview (copied when "
                                                                  "published)."),
        "filename": serializers.CharField(),
        "content_type": serializers.CharField()}, allow_null=True)


class FindingOut(serializers.Serializer):
    """A published finding: the fields below `effect_direction` are frozen at publication. A withdrawn
    finding answers only `slug`, `status`, `title`, the withdrawal and `newer_version`."""

    slug = serializers.CharField()
    status = serializers.ChoiceField(choices=PublicationStatus.choices)
    version = serializers.IntegerField(required=False)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    alliance = serializers.CharField(required=False)
    subject = serializers.CharField(required=False)
    phase = serializers.CharField(required=False)
    academic_year = serializers.CharField(required=False)
    evidence_strength = serializers.IntegerField(required=False, allow_null=True)
    effect_direction = serializers.ChoiceField(choices=EffectDirection.choices, required=False)
    title = serializers.CharField(required=False)
    research_question = serializers.CharField(required=False)
    rationale = serializers.CharField(required=False)
    success_notes = serializers.CharField(required=False)
    qualitative_enquiry = serializers.BooleanField(
        required=False, help_text="The group chose a qualitative enquiry (no pupil scores needed); absent in "
                                  "findings published before the choice existed.")
    plan = PlanOut(required=False, allow_null=True)
    stages = FindingStagesOut
    context = ContextOut(required=False)
    headline = HeadlineOut(required=False)
    results = ResultsOut(required=False)
    charts = FindingChartRefOut(many=True, required=False)
    evidence = FindingEvidenceOut(many=True, required=False)
    withdrawn_at = serializers.DateTimeField(required=False)
    withdrawn_reason = serializers.CharField(required=False)
    newer_version = serializers.CharField(required=False, allow_null=True,
                                          help_text="The slug of the version now published, if any.")
    detail = serializers.CharField(required=False)


class FindingDetailView(PublicReadMixin, APIView):
    """A finding as published; a withdrawn one answers its withdrawal notice instead."""

    @extend_schema(responses={200: FindingOut})
    def get(self, request, slug):
        publication = finding_get(slug=slug)
        if publication.status == PublicationStatus.WITHDRAWN:
            newer = finding_newer_slug(publication=publication)
            return Response({
                "slug": publication.slug, "status": publication.status, "title": publication.title,
                "withdrawn_at": publication.withdrawn_at, "withdrawn_reason": publication.withdrawn_reason,
                "newer_version": newer,
                "detail": "This finding was withdrawn by its alliance. The reason is given below.",
            })
        return Response(finding_body(publication))


def finding_body(publication: Publication) -> dict:
    """A published finding as readers get it (also the publication preview's, from an unsaved one)."""
    return {
        "slug": publication.slug, "status": publication.status, "version": publication.version,
        "published_at": publication.published_at, "alliance": publication.alliance.name,
        "subject": publication.subject, "phase": publication.phase, "academic_year": publication.academic_year,
        "evidence_strength": publication.evidence_strength, "effect_direction": publication.effect_direction,
        **publication.content,
    }


def _result_rows(results: dict):
    """The frozen (already suppressed) results, flattened for a spreadsheet."""
    for measure in results["measures"]:
        name, kind = measure["measure"]["name"], measure["measure"]["kind"]
        for row in measure.get("descriptives", []):
            yield {"measure": name, "kind": kind, "section": "descriptives", **row}
        effects = measure.get("effects") or {}
        for key in ("final", "gain", "within_group"):
            cell = effects.get(key)
            if cell:
                yield {"measure": name, "kind": kind, "section": f"effect ({key})", **cell}
        strength = measure.get("evidence_strength") or {}
        yield {"measure": name, "kind": kind, "section": "evidence strength", "padlocks": strength.get("padlocks")}
        for row in (measure.get("gap") or {}).get("subgroups", []):
            yield {"measure": name, "kind": kind, "section": "disadvantaged gap", **row}


class FindingResultRowOut(serializers.Serializer):
    """One row of the table: a cell of the frozen results with its measure and section (the cell's
    other fields, as in the results, may follow)."""

    measure = serializers.CharField()
    kind = serializers.CharField()
    section = serializers.CharField()
    stage = serializers.CharField(required=False)
    group = serializers.CharField(required=False)
    subgroup = serializers.CharField(required=False)
    n = Count(required=False)
    mean, sd, median, q1, q3 = (Figure(required=False) for _ in range(5))
    ci_low, ci_high, g = (Figure(required=False) for _ in range(3))
    months = WholeFigure(required=False)
    design = serializers.CharField(required=False)
    padlocks = WholeFigure(required=False)


FindingResultsOut = inline_serializer("FindingResultsTable", {
    "columns": serializers.ListField(child=serializers.CharField()),
    "rows": FindingResultRowOut(many=True),
})


class FindingResultsView(PublicReadMixin, APIView):
    """The finding's results table as CSV or JSON (as published: small cells suppressed)."""

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, "application/json"): FindingResultsOut})
    def get(self, request, slug, fmt):
        publication = finding_get_live(slug=slug)
        rows = list(_result_rows(publication.content["results"]))
        if fmt == "json":
            response = HttpResponse(json.dumps({"columns": RESULT_COLUMNS, "rows": rows}, default=str),
                                    content_type="application/json")
            response["Content-Disposition"] = f'attachment; filename="{slug}-results.json"'
            return response
        return csv_response(RESULT_COLUMNS, ([row.get(c) for c in RESULT_COLUMNS] for row in rows),
                            f"{slug}-results.csv")


class FindingChartView(PublicReadMixin, APIView):
    """A finding's chart as drawn from its frozen results: SVG, PNG, or its data (JSON, CSV)."""

    @extend_schema(parameters=[OpenApiParameter("measure", int)], responses=CHART_RESPONSES)
    def get(self, request, slug, name, fmt):
        publication = finding_get_live(slug=slug)
        query = ChartQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        chart = publication_chart(publication=publication, name=name, measure_id=query.validated_data["measure"])
        fingerprint = f"pub{publication.pk}-chart{chart.pk}-{fmt}"
        if etag_matches(request, fingerprint):
            return not_modified(fingerprint)
        if fmt == "svg":
            response = HttpResponse(chart.svg, content_type="image/svg+xml")
        elif fmt == "png":
            response = HttpResponse(bytes(chart.png), content_type="image/png")
        elif fmt == "json":
            response = HttpResponse(json.dumps({"title": chart.title, "alt_text": chart.alt_text,
                                                "columns": chart.columns, "table": chart.table}),
                                    content_type="application/json")
        else:
            response = csv_response(chart.columns, ([row.get(c) for c in chart.columns] for row in chart.table),
                                    f"{name}.csv")
        # A published drawing never changes: caches may keep it.
        return tag_response(response, fingerprint)


class FindingFileView(PublicReadMixin, APIView):
    """A copy of evidence that was public when the finding was published."""

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    def get(self, request, slug, file_id):
        copy = finding_file_get(publication=finding_get_live(slug=slug), file_id=file_id)
        response = FileResponse(copy.file.open("rb"), as_attachment=True, filename=copy.filename,
                                content_type=copy.content_type or "application/octet-stream")
        response["X-Content-Type-Options"] = "nosniff"
        return response
