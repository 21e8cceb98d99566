"""Charts as SVG or PNG, with their alt text and data (JSON, CSV); cached by data fingerprint."""
import hashlib
import json

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.views import APIView

from research import charts
from research.models.choices import MeasureKind
from research.selectors.catalog import alliance_get
from research.selectors.charts import alliance_chart, alliance_chart_input, project_chart_from_results
from research.selectors.projects import project_for_results
from research.selectors.results import data_fingerprint, results_for

from .caching import cached, etag_matches, not_modified, tag_response
from .common import ProjectScopedMixin
from .csv_export import csv_response
from .permissions import PublicReadMixin

FORMATS = ("svg", "png", "json", "csv")


@extend_schema_field({"anyOf": [{"type": "number", "nullable": True}, {"type": "string"}, {"type": "boolean"}],
                      "description": 'A number, a label, true/false, null, or "c" where withheld.'})
class TableValue(serializers.Field):
    """Described by its schema only: chart data is answered as drawn."""


class ChartDataOut(serializers.Serializer):
    title = serializers.CharField()
    alt_text = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    table = serializers.ListField(child=serializers.DictField(child=TableValue()),
                                 help_text="The rows behind the chart, by column name.")


CHART_RESPONSES = {
    (200, "image/svg+xml"): OpenApiTypes.BINARY, (200, "image/png"): OpenApiTypes.BINARY,
    (200, "application/json"): ChartDataOut, (200, "text/csv"): OpenApiTypes.BINARY, 304: None,
}


class ChartQuery(serializers.Serializer):
    measure = serializers.IntegerField(required=False, allow_null=True, default=None)
    measure_kind = serializers.ChoiceField(choices=MeasureKind.choices, required=False, allow_null=True,
                                           default=None)


def chart_body(spec: charts.ChartSpec, fmt: str) -> tuple[bytes, str]:
    """What a chart request answers: the image, or the text alternative and the data behind it."""
    if fmt in ("svg", "png"):
        return charts.render(spec, fmt), charts.CONTENT_TYPES[fmt]
    if fmt == "json":
        body = {"title": spec.title, "alt_text": spec.alt_text, "columns": spec.columns, "table": spec.table}
        return json.dumps(body).encode(), "application/json"
    response = csv_response(spec.columns, ([row.get(c) for c in spec.columns] for row in spec.table), "chart.csv")
    return response.content, "text/csv; charset=utf-8"


def chart_response(body: bytes, content_type: str, fingerprint: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    if not content_type.startswith("image/"):
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return tag_response(response, fingerprint)


def _query(request) -> dict:
    query = ChartQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


class ProjectChartView(PublicReadMixin, ProjectScopedMixin, APIView):
    """trajectory, distribution, gap (per measure: ?measure=) and effects (all measures)."""

    project_selector = staticmethod(project_for_results)

    @extend_schema(parameters=[OpenApiParameter("measure", int)], responses=CHART_RESPONSES)
    def get(self, request, project_id, name, fmt):
        project = self.get_project()
        measure = _query(request)["measure"]
        # The title is drawn on the chart (the question is in the data fingerprint already).
        fingerprint = data_fingerprint(user=request.user, project=project,
                                       extra=("chart", name, measure, fmt, project.title))
        if etag_matches(request, fingerprint):
            return not_modified(fingerprint)

        def build():
            # Shares the results cache with /results/: a chart after the results costs only the drawing.
            results_key = data_fingerprint(user=request.user, project=project, extra=("results", None))
            results = cached("results", results_key, lambda: results_for(user=request.user, project=project))
            spec = project_chart_from_results(results, project.title, name, measure, question=project.research_question)
            return chart_body(spec, fmt)

        body, content_type = cached("chart", fingerprint, build)
        return chart_response(body, content_type, fingerprint, f"{name}.{fmt}")


class AllianceChartView(PublicReadMixin, APIView):
    """forest (?measure_kind=), pipeline and collaboration: as the viewer may see the alliance."""

    @extend_schema(parameters=[OpenApiParameter("measure_kind", str, enum=MeasureKind.values)],
                   responses=CHART_RESPONSES)
    def get(self, request, alliance_id, name, fmt):
        alliance = alliance_get(alliance_id=alliance_id)
        data = alliance_chart_input(user=request.user, alliance=alliance, name=name,
                                    measure_kind=_query(request)["measure_kind"])
        fingerprint = hashlib.sha256(json.dumps([name, fmt, data], sort_keys=True, default=str)
                                     .encode()).hexdigest()[:32]
        if etag_matches(request, fingerprint):
            return not_modified(fingerprint)
        body, content_type = cached("chart", fingerprint, lambda: chart_body(alliance_chart(data, name), fmt))
        return chart_response(body, content_type, fingerprint, f"{name}.{fmt}")
