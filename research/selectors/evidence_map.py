"""The public evidence map: every published finding, across all alliances, pooled by strand.

Reads only what findings published: each finding's headline effect per kind of measure, stored from its
frozen non-member results when it was published (PublicationEffect); a withdrawn finding leaves the map
at once. research.analysis.evidence_map does the pooling.
"""
from __future__ import annotations

import hashlib
import json

import django_filters
import pandas as pd
from django.db.models import Count, Max, Q

from .. import charts
from ..analysis.evidence_map import (
    EGGER_MIN_FINDINGS, FRAME_COLUMNS, StrandFinding, parse_strand_key, strand_key, strand_summaries, strand_summary,
)
from ..charts.evidence_map import funnel, strand_forest
from ..errors import InvalidFilters, NotFound
from ..models import Publication, PublicationEffect, PublicationTag, Theme
from ..models.choices import MeasureKind, Phase, Subject
from ..models.publication import PublicationStatus


class EvidenceMapFilter(django_filters.FilterSet):
    """`subject` narrows the findings pooled; the others choose strands (a strand's pool never
    depends on them)."""

    subject = django_filters.ChoiceFilter(choices=Subject.choices, label="Pool only findings in this subject")
    phase = django_filters.ChoiceFilter(choices=Phase.choices)
    theme = django_filters.CharFilter(method="filter_tag", label="Theme slug")
    measure_kind = django_filters.ChoiceFilter(choices=MeasureKind.choices, method="filter_tag")
    min_padlocks = django_filters.NumberFilter(method="keep", min_value=0, max_value=5,
                                               label="Strands rated at least this many padlocks (0-5)")

    class Meta:
        model = Publication
        fields = ["subject", "phase", "theme", "measure_kind", "min_padlocks"]

    def filter_tag(self, queryset, name, value):
        return queryset.filter(tags__kind=name, tags__value=value)

    def keep(self, queryset, name, value):
        return queryset  # a strand-level filter, applied after pooling


def clean_filters(filters) -> dict:
    """The map's filters, checked (InvalidFilters naming each bad one); absent ones are None."""
    filterset = EvidenceMapFilter(filters or {}, queryset=Publication.objects.none())
    if not filterset.is_valid():
        raise InvalidFilters("Some filters are not valid.",
                             fields={name: list(messages) for name, messages in filterset.errors.items()})
    data = filterset.form.cleaned_data
    padlocks = data.get("min_padlocks")
    return {"subject": data.get("subject") or None, "phase": data.get("phase") or None,
            "theme": data.get("theme") or None, "measure_kind": data.get("measure_kind") or None,
            "min_padlocks": int(padlocks) if padlocks is not None else None}


def evidence_map_fingerprint(*, extra: object = None) -> str:
    """Changes whenever a finding is published, withdrawn or removed (one query): the key of every
    cached map, strand and chart, so none is ever stale."""
    state = Publication.objects.aggregate(
        rows=Count("id"), live=Count("id", filter=Q(status=PublicationStatus.PUBLISHED)),
        published=Max("published_at"), withdrawn=Max("withdrawn_at"), last=Max("id"))
    text = json.dumps([state, extra], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


LIST_COLUMNS = ("publication_id", "publication__project_id", "publication__phase", "publication__subject",
                "measure_kind", "g", "variance", "n", "padlocks", "schools")
DETAIL_COLUMNS = (*LIST_COLUMNS, "publication__slug", "publication__title", "publication__alliance__name",
                  "measure_name", "reason")


def _effects_and_themes(subject: str | None, phase: str | None, theme: str | None, measure_kind: str | None):
    """The stored effects of published findings (ordered as published) and their themes' rows."""
    rows = PublicationEffect.objects.filter(publication__status=PublicationStatus.PUBLISHED)
    if subject:
        rows = rows.filter(publication__subject=subject)
    if phase:
        rows = rows.filter(publication__phase=phase)
    if measure_kind:
        rows = rows.filter(measure_kind=measure_kind)
    if theme:
        rows = rows.filter(publication__tags__kind="theme", publication__tags__value=theme)
    rows = rows.order_by("publication__published_at", "publication_id", "measure_kind")
    tags = PublicationTag.objects.filter(kind="theme", publication__status=PublicationStatus.PUBLISHED)
    if theme:
        tags = tags.filter(value=theme)
    return rows, tags.values_list("publication_id", "value")


def _effect_frame(subject: str | None, *, phase: str | None, theme: str | None,
                  measure_kind: str | None) -> pd.DataFrame:
    """The map's list reads numbers only: a row per finding, theme and kind of measure (FRAME_COLUMNS)."""
    rows, tags = _effects_and_themes(subject, phase, theme, measure_kind)
    effects = pd.DataFrame.from_records(list(rows.values_list(*LIST_COLUMNS)), columns=[
        "publication_id", "project_id", "phase", "subject", "measure_kind", "g", "variance", "n", "padlocks",
        "schools"])
    themes = pd.DataFrame.from_records(list(tags), columns=["publication_id", "theme"])
    return effects.merge(themes, on="publication_id")[list(FRAME_COLUMNS)]


def _findings(subject: str | None, *, phase: str | None = None, theme: str | None = None,
              measure_kind: str | None = None, detail: bool = False) -> list[StrandFinding]:
    """Every published finding's place in each strand (two queries: the stored effects of published
    findings, their themes), with names and reasons with `detail`: a strand's page."""
    rows, tags = _effects_and_themes(subject, phase, theme, measure_kind)
    themes: dict[int, list[str]] = {}
    for publication_id, value in tags:
        themes.setdefault(publication_id, []).append(value)
    found: list[StrandFinding] = []
    for row in rows.values_list(*(DETAIL_COLUMNS if detail else LIST_COLUMNS)):
        publication_id, project_id, row_phase, row_subject, kind, g, variance, n, padlocks, schools = row[:10]
        slug, title, alliance, measure, reason = row[10:] if detail else ("", "", "", None, "")
        for row_theme in themes.get(publication_id, ()):
            found.append(StrandFinding(slug, project_id, title, alliance, row_theme, kind, row_phase, row_subject,
                                       measure, g, variance, n, schools, padlocks, reason or None))
    return found


def _theme_labels() -> dict[str, str]:
    return dict(Theme.objects.values_list("slug", "name"))


def _labelled(summary: dict, labels: dict[str, str]) -> dict:
    return {**summary, "theme_label": labels.get(summary["theme"], summary["theme"]),
            "measure_kind_label": MeasureKind(summary["measure_kind"]).label if summary["measure_kind"]
            in MeasureKind.values else summary["measure_kind"],
            "phase_label": Phase(summary["phase"]).label if summary["phase"] in Phase.values else summary["phase"]}


def evidence_map(*, filters=None) -> dict:
    """The strands (theme x measure kind x phase) of published findings, each with its pooled
    effect and counts, narrowed by EvidenceMapFilter; largest strands first."""
    chosen = clean_filters(filters)
    frame = _effect_frame(chosen["subject"], phase=chosen["phase"], theme=chosen["theme"],
                          measure_kind=chosen["measure_kind"])
    labels = _theme_labels()
    strands = []
    for key, summary in strand_summaries(frame).items():
        theme, kind, phase = parse_strand_key(key)
        if (chosen["theme"] and theme != chosen["theme"]) or (chosen["measure_kind"] and kind != chosen["measure_kind"]):
            continue
        if chosen["min_padlocks"] is not None and summary["padlocks"] < chosen["min_padlocks"]:
            continue
        strands.append(_labelled(summary, labels))
    strands.sort(key=lambda s: (-s["findings"], s["theme_label"], s["measure_kind"], s["phase"]))
    return {"filters": chosen, "count": len(strands), "findings": int(frame["project_id"].nunique()),
            "strands": strands}


def evidence_strand(*, key: str, filters=None) -> dict:
    """One strand in full: its pool, Egger's test (10+ pooled findings) and every finding with the
    g, variance and n it published, so anyone can recompute the pool. `subject` as on the map."""
    parts = parse_strand_key(key)
    if parts is None:
        raise NotFound("No strand at this address: a strand is theme--measure kind--phase.")
    chosen = clean_filters({"subject": (filters or {}).get("subject")} if (filters or {}).get("subject") else {})
    theme, kind, phase = parts
    members = [f for f in _findings(chosen["subject"], phase=phase, theme=theme, measure_kind=kind, detail=True)
               if (f.theme, f.measure_kind, f.phase) == parts]
    if not members:
        raise NotFound("No published finding is in this strand.")
    summary = _labelled(strand_summary(strand_key(*parts), members, detail=True), _theme_labels())
    return {**summary, "subject": chosen["subject"]}


STRAND_CHARTS = ("forest", "funnel")


def evidence_strand_chart(*, strand: dict, name: str) -> charts.ChartSpec:
    """The strand's forest plot, or its funnel plot (10+ pooled findings); a name not here is a 404."""
    title = f"{strand['theme_label']}: {strand['measure_kind_label'].lower()}, {strand['phase_label']}"
    if name == "forest":
        return strand_forest(strand, title=title)
    if name == "funnel":
        if strand["pool"]["k"] < EGGER_MIN_FINDINGS:
            raise NotFound(f"A funnel plot needs {EGGER_MIN_FINDINGS} or more pooled findings; this strand has "
                           f"{strand['pool']['k']}.", code="too_few_findings")
        return funnel(strand, title=title)
    raise NotFound(f"There is no '{name}' chart. Strand charts: {', '.join(STRAND_CHARTS)}.")
