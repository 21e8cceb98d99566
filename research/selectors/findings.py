"""The public findings library: published findings only, searchable, filterable, with facet counts."""
from __future__ import annotations

import re

import django_filters
from django.db import connection
from django.db.models import Count, F, Q, QuerySet

from ..errors import Gone, NotFound
from ..models import Publication, PublicationFile, PublicationTag, Theme
from ..models.choices import MeasureKind, Phase, Subject
from ..models.publication import EffectDirection, PublicationStatus
from .filtering import Filters, filtered
from .id_filter import WholeNumberFilter


def published() -> QuerySet[Publication]:
    return Publication.objects.filter(status=PublicationStatus.PUBLISHED).select_related("alliance")


class FindingFilter(django_filters.FilterSet):
    subject = django_filters.ChoiceFilter(choices=Subject.choices)
    phase = django_filters.ChoiceFilter(choices=Phase.choices)
    theme = django_filters.CharFilter(method="filter_tag", label="Theme slug")
    measure_kind = django_filters.ChoiceFilter(choices=MeasureKind.choices, method="filter_tag")
    academic_year = django_filters.CharFilter()
    alliance = WholeNumberFilter(field_name="alliance_id")
    evidence_strength = WholeNumberFilter(field_name="evidence_strength", lookup_expr="gte", min_value=0, max_value=5,
                                                    label="At least this many padlocks (0-5)")
    direction = django_filters.ChoiceFilter(field_name="effect_direction", choices=EffectDirection.choices)

    class Meta:
        model = Publication
        fields = ["subject", "phase", "theme", "measure_kind", "academic_year", "alliance", "evidence_strength",
                  "direction"]

    def filter_tag(self, queryset, name, value):
        return queryset.filter(tags__kind=name, tags__value=value)


def search(queryset: QuerySet[Publication], text: str) -> QuerySet[Publication]:
    """Full-text search on PostgreSQL (stemmed, ranked); every word must appear elsewhere."""
    text = text.strip()
    words = re.findall(r"\w+", text)[:10]
    if not words:  # nothing searchable (e.g. "%"): the same answer on both databases
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (SearchVector("title", weight="A", config="english")
                  + SearchVector("research_question", weight="A", config="english")
                  + SearchVector("findings_text", weight="B", config="english"))
        query = SearchQuery(text, search_type="websearch", config="english")
        # Match on the document itself: a non-matching finding can still rank 1e-20, not 0.
        return (queryset.annotate(document=vector, rank=SearchRank(vector, query)).filter(document=query)
                .order_by("-rank", "-published_at"))
    for word in words:
        queryset = queryset.filter(Q(title__icontains=word) | Q(research_question__icontains=word)
                                   | Q(findings_text__icontains=word))
    return queryset


ORDERINGS = {
    "published": ("published_at", "id"), "-published": ("-published_at", "-id"),
    "effect": (F("headline_g").asc(nulls_last=True), "-published_at"),
    "-effect": (F("headline_g").desc(nulls_last=True), "-published_at"),
}


def order(queryset: QuerySet[Publication], ordering: str | None) -> QuerySet[Publication]:
    if ordering in ORDERINGS:
        return queryset.order_by(*ORDERINGS[ordering])
    return queryset


def facets(queryset: QuerySet[Publication]) -> dict:
    """Counts per filter value over the current result set (what each filter would leave)."""
    ids = queryset.order_by().values("id")
    base = Publication.objects.filter(id__in=ids)

    def count(field, labels=None):
        rows = base.values(field).annotate(n=Count("id")).order_by(field)
        return [{"value": row[field], "count": row["n"], **({"label": labels.get(row[field], row[field])}
                                                             if labels is not None else {})}
                for row in rows if row[field] is not None]

    tags = (PublicationTag.objects.filter(publication__in=ids).values("kind", "value")
            .annotate(n=Count("publication", distinct=True)).order_by("kind", "value"))
    labels = {"theme": dict(Theme.objects.values_list("slug", "name")), "measure_kind": dict(MeasureKind.choices)}
    by_kind: dict[str, list] = {"theme": [], "measure_kind": []}
    for row in tags:
        by_kind.setdefault(row["kind"], []).append(
            {"value": row["value"], "label": labels.get(row["kind"], {}).get(row["value"], row["value"]),
             "count": row["n"]})
    alliances = base.values("alliance_id", "alliance__name").annotate(n=Count("id")).order_by("alliance__name")
    return {
        "subject": count("subject", dict(Subject.choices)), "phase": count("phase", dict(Phase.choices)),
        "academic_year": count("academic_year"),
        "direction": count("effect_direction", dict(EffectDirection.choices)),
        "evidence_strength": _at_least(count("evidence_strength")),
        "theme": by_kind["theme"], "measure_kind": by_kind["measure_kind"],
        "alliance": [{"value": r["alliance_id"], "label": r["alliance__name"], "count": r["n"]} for r in alliances],
    }


def _at_least(exact: list[dict]) -> list[dict]:
    """The evidence-strength filter keeps findings with *at least* N padlocks: count the same way."""
    return [{"value": row["value"], "count": sum(r["count"] for r in exact if r["value"] >= row["value"])}
            for row in exact]


def finding_list(*, filters: Filters | None = None) -> QuerySet[Publication]:
    """Published findings, narrowed by FindingFilter and `search`, sorted by `ordering` (one of
    ORDERINGS; newest first by default): the raw query parameters in `filters`."""
    filters = filters or {}
    findings = filtered(FindingFilter, filters, published())
    return order(search(findings, filters.get("search", "")), filters.get("ordering"))


def finding_get(*, slug: str) -> Publication:
    """A published or withdrawn finding (withdrawn ones show their notice); never a draft."""
    try:
        return Publication.objects.select_related("alliance").get(slug=slug)
    except Publication.DoesNotExist:
        raise NotFound("No published finding at this address.") from None


def finding_get_live(*, slug: str) -> Publication:
    """A finding that is currently published: a withdrawn one's parts (results, charts, files) are
    no longer served (Gone)."""
    publication = finding_get(slug=slug)
    if publication.status != PublicationStatus.PUBLISHED:
        raise Gone("This finding has been withdrawn by its alliance; its page gives the reason.",
                   code="finding_withdrawn")
    return publication


def finding_newer_slug(*, publication: Publication) -> str | None:
    """The slug of the project's currently published version, if a newer one replaced this finding."""
    return (Publication.objects.filter(project_id=publication.project_id, status=PublicationStatus.PUBLISHED)
            .values_list("slug", flat=True).first())


def finding_file_get(*, publication: Publication, file_id: int) -> PublicationFile:
    """A copy of evidence that was public when the finding was published."""
    try:
        return PublicationFile.objects.get(pk=file_id, publication=publication)
    except PublicationFile.DoesNotExist:
        raise NotFound("No such file in this finding.") from None
