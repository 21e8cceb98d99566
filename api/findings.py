"""/findings/: the public library of published findings. No login; drafts never appear."""
import json

from django.http import HttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.errors import Gone, NotFound
from research.models import Publication, PublicationFile
from research.models.publication import PublicationStatus
from research.selectors.findings import FindingFilter, facets, finding_get, order, published, search
from research.services.publications import publication_chart

from .caching import etag_matches, not_modified, tag_response
from .charts import CHART_RESPONSES, ChartQuery
from .csv_export import csv_response
from .pagination import PageNumberPagination

RESULT_COLUMNS = ["measure", "kind", "section", "stage", "group", "subgroup", "n", "mean", "sd", "median", "q1",
                  "q3", "ci_low", "ci_high", "g", "months", "design", "padlocks"]


class FindingListOut(serializers.ModelSerializer):
    alliance = serializers.CharField(source="alliance.name")
    headline = serializers.SerializerMethodField()
    context = serializers.SerializerMethodField()

    class Meta:
        model = Publication
        fields = ["slug", "title", "research_question", "subject", "phase", "academic_year", "alliance",
                  "published_at", "evidence_strength", "effect_direction", "headline", "context"]

    def get_headline(self, publication) -> dict:
        return publication.content.get("headline", {})

    def get_context(self, publication) -> dict:
        return publication.content.get("context", {})


class FindingListView(generics.GenericAPIView):
    """Published findings. Filters, `search` (words in the title, question or findings), `ordering`
    (`-published` newest first, `published`, `-effect` largest effect first, `effect`), and
    `facets`: counts per filter value over the results."""

    queryset = Publication.objects.none()  # for the schema: filtering happens in research.selectors.findings
    filter_backends = [DjangoFilterBackend]
    filterset_class = FindingFilter

    @extend_schema(parameters=[OpenApiParameter("search", str),
                               OpenApiParameter("ordering", str, enum=["-published", "published", "-effect",
                                                                       "effect"])],
                   responses=FindingListOut(many=True))
    def get(self, request):
        filtered = FindingFilter(request.query_params, queryset=published())
        if not filtered.is_valid():
            raise serializers.ValidationError(filtered.errors)
        rows = order(search(filtered.qs, request.query_params.get("search", "")),
                     request.query_params.get("ordering"))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        response = paginator.get_paginated_response(FindingListOut(page, many=True).data)
        response.data["facets"] = facets(rows)
        return response


def live_finding(slug: str) -> Publication:
    """A finding that is currently published (a withdrawn one's parts are no longer served)."""
    publication = finding_get(slug)
    if publication.status != PublicationStatus.PUBLISHED:
        raise Gone("This finding has been withdrawn by its alliance; its page gives the reason.",
                   code="finding_withdrawn")
    return publication


class FindingDetailView(APIView):
    """A finding as published; a withdrawn one answers its withdrawal notice instead."""

    @extend_schema(responses={200: dict})
    def get(self, request, slug):
        publication = finding_get(slug)
        if publication.status == PublicationStatus.WITHDRAWN:
            newer = (Publication.objects.filter(project_id=publication.project_id, status=PublicationStatus.PUBLISHED)
                     .values_list("slug", flat=True).first())
            return Response({
                "slug": publication.slug, "status": publication.status, "title": publication.title,
                "withdrawn_at": publication.withdrawn_at, "withdrawn_reason": publication.withdrawn_reason,
                "newer_version": newer,
                "detail": "This finding was withdrawn by its alliance. The reason is given below.",
            })
        return Response({
            "slug": publication.slug, "status": publication.status, "version": publication.version,
            "published_at": publication.published_at, "alliance": publication.alliance.name,
            "subject": publication.subject, "phase": publication.phase, "academic_year": publication.academic_year,
            "evidence_strength": publication.evidence_strength, "effect_direction": publication.effect_direction,
            **publication.content,
        })


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


class FindingResultsView(APIView):
    """The finding's results table as CSV or JSON (as published: small cells suppressed)."""

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, "application/json"): dict})
    def get(self, request, slug, fmt):
        publication = live_finding(slug)
        rows = list(_result_rows(publication.content["results"]))
        if fmt == "json":
            response = HttpResponse(json.dumps({"columns": RESULT_COLUMNS, "rows": rows}, default=str),
                                    content_type="application/json")
            response["Content-Disposition"] = f'attachment; filename="{slug}-results.json"'
            return response
        return csv_response(RESULT_COLUMNS, ([row.get(c) for c in RESULT_COLUMNS] for row in rows),
                            f"{slug}-results.csv")


class FindingChartView(APIView):
    """A finding's chart as drawn from its frozen results: SVG, PNG, or its data (JSON, CSV)."""

    @extend_schema(parameters=[OpenApiParameter("measure", int)], responses=CHART_RESPONSES)
    def get(self, request, slug, name, fmt):
        publication = live_finding(slug)
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


class FindingFileView(APIView):
    """A copy of evidence that was public when the finding was published."""

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    def get(self, request, slug, file_id):
        from django.http import FileResponse

        publication = live_finding(slug)
        try:
            copy = PublicationFile.objects.get(pk=file_id, publication=publication)
        except PublicationFile.DoesNotExist:
            raise NotFound("No such file in this finding.") from None
        response = FileResponse(copy.file.open("rb"), as_attachment=True, filename=copy.filename,
                                content_type=copy.content_type or "application/octet-stream")
        response["X-Content-Type-Options"] = "nosniff"
        return response
