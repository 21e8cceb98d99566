"""Publishing a finding: freeze everything a reader needs, as a non-member sees it, at that moment.

Called by research.lifecycle inside the publish/unpublish transaction, so a failure here
leaves the project unpublished.
"""
from __future__ import annotations

import os

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from .. import access, charts
from ..errors import Conflict, Forbidden
from ..models import (Evidence, PlanSnapshot, Project, Publication, PublicationChart, PublicationFile,
                      PublicationTag)
from ..models.choices import STAGE_ORDER, Status, Visibility
from ..models.publication import EffectDirection, PublicationStatus
from ..models.stage import STAGE_FIELDS
from ..selectors.charts import project_chart_from_results
from ..selectors.results import disclosed_view, measure_infos
from .disclosed import disclosed_results_preview
from .evidence_map import publication_effects_store

PER_MEASURE_CHARTS = ("trajectory", "distribution", "gap")
# Context is given in bands so that no exact small count is published.
PUPIL_BANDS = ((30, "fewer than 30"), (100, "30 to 99"), (300, "100 to 299"), (1000, "300 to 999"))


def pupil_band(count: int) -> str:
    return next((label for limit, label in PUPIL_BANDS if count < limit), "1,000 or more")


def headline(results: dict) -> dict:
    """The first measure's headline effect (attainment first): what lists and ordering use."""
    for measure in results["measures"]:
        effects = measure.get("effects") or {}
        key = effects.get("headline")
        cell = effects.get(key) or effects.get("within_group") or {}
        g, low, high = cell.get("g"), cell.get("ci_low"), cell.get("ci_high")
        padlocks = (measure.get("evidence_strength") or {}).get("padlocks")
        if all(isinstance(v, (int, float)) for v in (g, low, high)):
            direction = (EffectDirection.POSITIVE if low > 0 else EffectDirection.NEGATIVE if high < 0
                         else EffectDirection.UNCLEAR)
            return {"measure": measure["measure"], "design": effects.get("design"), "g": g, "ci_low": low,
                    "ci_high": high, "months": cell.get("months"), "n": cell.get("n"),
                    "padlocks": padlocks if isinstance(padlocks, int) else None, "direction": direction}
    return {"direction": EffectDirection.NOT_ESTIMATED, "g": None, "padlocks": None}


def _writing(project: Project) -> dict:
    stages = {s.kind: s for s in project.stages.all()}
    return {
        kind: {"session_date": stages[kind].session_date.isoformat() if stages[kind].session_date else None,
               **{name: getattr(stages[kind], name) for name in STAGE_FIELDS[kind]}}
        for kind in STAGE_ORDER
    }


def _plan(project: Project) -> dict | None:
    snapshot = PlanSnapshot.objects.filter(project=project).order_by("-revision").first()
    if snapshot is None:
        return None
    return {"revision": snapshot.revision, "frozen_at": snapshot.created_at.isoformat(),
            "research_question": snapshot.research_question, "agreed_question": snapshot.agreed_question,
            "success_notes": snapshot.success_notes, "success_criteria": snapshot.success_criteria,
            "measures": snapshot.measures, "planned_pupils_per_group": snapshot.planned_pupils_per_group,
            "planned_schools": snapshot.planned_schools, "assumed_icc": snapshot.assumed_icc,
            "pre_post_correlation": snapshot.pre_post_correlation, "power": snapshot.power}


def _context(project: Project, results: dict) -> dict:
    pupils = max((row["n"] for m in results["measures"] for row in m.get("attrition", [])
                  if isinstance(row.get("n"), int)), default=0)
    baseline = sum(row["n_baseline"] for m in results["measures"][:1] for row in m.get("attrition", [])
                   if isinstance(row.get("n_baseline"), int))
    return {
        "alliance": project.alliance.name,
        "schools": project.memberships.values("school_id").distinct().count(),
        "subject": project.get_subject_display(), "phase": project.get_phase_display(),
        "academic_year": project.academic_year, "term": project.get_term_display(),
        "themes": [t.name for t in project.themes.all()],
        "pupils": pupil_band(max(pupils, baseline)),
    }


def chart_list(results: dict) -> list[dict]:
    """The charts a finding offers; each is drawn from the frozen results on first request."""
    return [{"name": "effects", "measure": None}] + [
        {"name": name, "measure": m["measure"]["id"], "measure_name": m["measure"]["name"]}
        for m in results["measures"] for name in PER_MEASURE_CHARTS
    ]


def _public_evidence(project: Project):
    return Evidence.objects.filter(stage__project=project, visibility=Visibility.PUBLIC).select_related(
        "stage").order_by("created_at", "id")


def _evidence_item(evidence: Evidence, file_ref: dict | None) -> dict:
    return {"stage": evidence.stage.kind, "kind": evidence.kind, "title": evidence.title, "link": evidence.link,
            "text": evidence.text, "file": file_ref}


def _copy_public_evidence(publication: Publication, project: Project) -> list[dict]:
    items = []
    for evidence in _public_evidence(project):
        file_ref = None
        if evidence.file:
            with evidence.file.open("rb") as source:
                copy = PublicationFile(publication=publication, filename=evidence.filename,
                                       content_type=evidence.content_type)
                copy.file.save(os.path.basename(evidence.file.name), ContentFile(source.read()), save=True)
            file_ref = {"id": copy.id, "filename": copy.filename, "content_type": copy.content_type}
        items.append(_evidence_item(evidence, file_ref))
    return items


def _draft(project: Project, results: dict) -> Publication:
    """The finding publishing would make of the project as it stands (unsaved, content without evidence)."""
    writing = _writing(project)
    version = (Publication.objects.filter(project=project).aggregate(v=Max("version"))["v"] or 0) + 1
    base = f"{slugify(project.title)[:70] or 'finding'}-{project.pk}"
    summary = headline(results)
    dissemination = writing["dissemination"]
    return Publication(
        project=project, slug=base if version == 1 else f"{base}-v{version}", version=version,
        status=PublicationStatus.PUBLISHED, alliance=project.alliance,
        title=project.title, research_question=project.research_question,
        findings_text="\n\n".join(dissemination[f] for f in STAGE_FIELDS["dissemination"]),
        subject=project.subject, phase=project.phase, academic_year=project.academic_year,
        evidence_strength=summary["padlocks"], effect_direction=summary["direction"], headline_g=summary["g"],
        content={
            "title": project.title, "research_question": project.research_question, "rationale": project.rationale,
            "success_notes": project.success_notes, "qualitative_enquiry": project.qualitative_enquiry,
            "plan": _plan(project), "stages": writing, "context": _context(project, results), "headline": summary,
            "results": results, "charts": chart_list(results),
        },
    )


def publication_preview(*, actor, project: Project) -> Publication:
    """Exactly what publishing now would make public, computed by the code that publishes: the
    outsiders' view the publish transition would freeze (research.services.disclosed; recorded, never
    served, so a later preview or the publication cannot be subtracted from it),
    the finding built from it, and the public evidence (its files not copied yet: their ids are null).
    Unsaved: `published_at` and the results' `frozen_at` are null, known only when it is published."""
    if not access.can_preview_publication(actor, project):
        raise Forbidden("Only the alliance lead, who publishes findings, can preview what would be public.")
    if project.status != Status.DISSEMINATION:
        raise Conflict(f"A project that is '{project.get_status_display()}' cannot be published, so there is "
                       "nothing to preview: findings are published from dissemination.",
                       code="transition_not_allowed",
                       conditions=[f"publish is not possible from status {project.status}"])
    results = disclosed_view(project=project, measures=measure_infos(project),
                             frozen=disclosed_results_preview(project=project))
    draft = _draft(project, results)
    draft.published_at = None
    draft.content["evidence"] = [
        _evidence_item(e, {"id": None, "filename": e.filename, "content_type": e.content_type} if e.file else None)
        for e in _public_evidence(project)]
    return draft


def publication_create(*, project: Project, actor) -> Publication:
    measures = measure_infos(project)
    results = disclosed_view(project=project, measures=measures)  # frozen by this same transition
    publication = _draft(project, results)
    publication.published_by = actor if getattr(actor, "is_authenticated", False) else None
    content = publication.content
    publication.content = {}
    publication.save()
    publication.content = {**content, "evidence": _copy_public_evidence(publication, project)}
    publication.save(update_fields=["content"])
    PublicationTag.objects.bulk_create(
        [PublicationTag(publication=publication, kind="theme", value=t.slug) for t in project.themes.all()]
        + [PublicationTag(publication=publication, kind="measure_kind", value=k)
           for k in sorted({m.kind for m in measures})]
    )
    publication_effects_store(publication=publication)  # what the public evidence map pools
    return publication


def publication_withdraw(*, project: Project, actor, reason: str) -> None:
    Publication.objects.filter(project=project, status=PublicationStatus.PUBLISHED).update(
        status=PublicationStatus.WITHDRAWN, withdrawn_at=timezone.now(), withdrawn_reason=reason,
        withdrawn_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def publication_chart(*, publication: Publication, name: str, measure_id: int | None) -> PublicationChart:
    """The finding's chart: drawn from its frozen results the first time, then kept as drawn."""
    results = publication.content["results"]
    if name == "effects":
        measure_id = None  # one chart of every measure: a ?measure= must not store another drawing
    elif measure_id is None and results["measures"]:
        measure_id = results["measures"][0]["measure"]["id"]  # the default measure, as for live charts
    stored_measure = measure_id or 0
    existing = PublicationChart.objects.filter(publication=publication, name=name, measure_id=stored_measure).first()
    if existing:
        return existing
    spec = project_chart_from_results(results, publication.title, name, measure_id,
                                      question=publication.research_question)
    drawn = PublicationChart(
        publication=publication, name=name, measure_id=stored_measure, title=spec.title, alt_text=spec.alt_text,
        svg=charts.render(spec, "svg").decode(), png=charts.render(spec, "png"), columns=spec.columns,
        table=spec.table,
    )
    try:
        with transaction.atomic():
            drawn.save()
        return drawn
    except IntegrityError:
        # Drawn at the same moment by another request: keep that drawing if it can be read yet;
        # otherwise answer with this one (drawn from the same frozen results, so the same chart).
        return PublicationChart.objects.filter(publication=publication, name=name,
                                               measure_id=stored_measure).first() or drawn
