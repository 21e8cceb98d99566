"""A synthetic national network (issue 15): 24,000 schools in 2,000 alliances, 100 hubs, 50,000 published
findings. Deterministic; every school, person and figure is invented.

Findings are written in bulk, as publishing would have left them (the publish transition per finding would take
hours): the frozen finding the map reads, with a headline effect per kind of measure and results of the size a
real finding carries, its stored effects and tags (the evidence map), and its projects' effect summaries (hub
synthesis). `generate_scale --national` builds it; the evidence-map and hub benchmarks read it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from .models import (Alliance, AllianceSchool, EffectSummary, Hub, Measure, Project, Publication, PublicationEffect,
                     PublicationTag, School, Theme)
from .models.choices import MeasureKind, Phase, SchoolPhase, Status, Subject
from .models.publication import PublicationStatus
from .scale import _bulk
from .services.evidence_map import effect_rows

THEMES = ["feedback", "oracy", "metacognition", "well-being", "writing", "retrieval-practice", "leadership",
          "learning-environment", "parental-engagement"]
KINDS = (MeasureKind.ATTAINMENT, MeasureKind.WELL_BEING)
RESULTS_FILLER = [{"stage": s, "group": g, "n": 30, "mean": 51.2, "sd": 11.8, "median": None, "q1": None, "q3": None}
                  for s in ("theory", "progress", "dissemination") for g in ("intervention", "comparison")]


@dataclass(frozen=True)
class NationalSpec:
    schools: int = 24_000
    alliances: int = 2_000
    hubs: int = 100
    findings: int = 50_000
    seed: int = 15


def _measure_result(measure_id: int, kind: str, g: float, variance: float, n: int, padlocks: int) -> dict:
    cell = {"g": g, "variance": variance, "n": n, "public": True, "ci_low": g - 0.4, "ci_high": g + 0.4}
    return {"measure": {"id": measure_id, "name": kind.replace("-", " ").title(), "kind": kind},
            "effects": {"design": "between-group (intervention vs comparison)", "headline": "adjusted",
                        "adjusted": cell, "final": dict(cell)},
            "evidence_strength": {"padlocks": padlocks}, "descriptives": RESULTS_FILLER,
            "attrition": RESULTS_FILLER[:2]}


@transaction.atomic
def generate_national(spec: NationalSpec = NationalSpec(), prefix: str = "national", progress=None) -> dict:
    say = progress or (lambda message: None)
    rng = np.random.default_rng(spec.seed)
    for slug in THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").title()})
    alliances = _bulk(Alliance, [Alliance(name=f"{prefix.title()} alliance {i}", slug=f"{prefix}-{i}")
                                 for i in range(spec.alliances)])
    first_urn = 100000 + School.objects.count()
    schools = _bulk(School, [School(name=f"{prefix.title()} school {i}", urn=f"{first_urn + i:06d}",
                                    phase=SchoolPhase.PRIMARY if i % 3 else SchoolPhase.SECONDARY)
                             for i in range(spec.schools)])
    _bulk(AllianceSchool, [AllianceSchool(alliance=alliances[i % len(alliances)], school=school)
                           for i, school in enumerate(schools)], batch=5000)
    password = make_password("scale")  # hashed once
    User = get_user_model()
    leads = _bulk(User, [User(username=f"{prefix}.lead{i}", password=password) for i in range(spec.alliances)])
    hub_leads = _bulk(User, [User(username=f"{prefix}.hub{i}", password=password) for i in range(spec.hubs)])
    hubs = _bulk(Hub, [Hub(name=f"{prefix.title()} hub {i}", slug=f"{prefix}-hub-{i}") for i in range(spec.hubs)])
    Hub.alliances.through.objects.bulk_create(
        [Hub.alliances.through(hub=hubs[i % len(hubs)], alliance=alliance) for i, alliance in enumerate(alliances)],
        batch_size=5000)
    Hub.leads.through.objects.bulk_create(
        [Hub.leads.through(hub=hub, user=user) for hub, user in zip(hubs, hub_leads)])
    measures = _bulk(Measure, [Measure(alliance=alliance, name=kind.replace("-", " ").title(), kind=kind,
                                       scale_min=0, scale_max=100) for alliance in alliances for kind in KINDS])
    say(f"{len(alliances)} alliances, {len(schools)} schools, {len(hubs)} hubs")
    phases, subjects = list(Phase.values), list(Subject.values)
    projects = _bulk(Project, [Project(
        alliance=alliances[i % len(alliances)], title=f"{prefix.title()} project {i}",
        research_question="Does it work?",
        subject=subjects[i % len(subjects)], phase=phases[i % len(phases)], academic_year="2025/26",
        status=Status.PUBLISHED, lead=leads[i % len(leads)]) for i in range(spec.findings)])
    g = rng.normal(0.15, 0.2, spec.findings)
    n = rng.integers(30, 400, spec.findings)
    variance = 4 / n + g ** 2 / (2 * n)
    effects = {kind: (g if kind == MeasureKind.ATTAINMENT else g / 2) for kind in KINDS}
    publications = _bulk(Publication, [Publication(
        project=project, slug=f"{prefix}-{project.pk}", version=1, alliance_id=project.alliance_id,
        title=project.title, research_question=project.research_question, subject=project.subject,
        phase=project.phase, academic_year="2025/26", evidence_strength=int(i % 5), effect_direction="unclear",
        headline_g=float(g[i]), status=PublicationStatus.PUBLISHED,
        content={"context": {"schools": int(2 + i % 4)}, "results": {"measures": [
            _measure_result(j + 1, kind, float(effects[kind][i]), float(variance[i]), int(n[i]), int(i % (5 - j)))
            for j, kind in enumerate(KINDS)]}})
        for i, project in enumerate(projects)], batch=1000)
    _bulk(PublicationEffect, [PublicationEffect(publication=publication, **row) for publication in publications
                              for row in effect_rows(publication.content, publication.project_id, publication.title)],
          batch=5000)
    _bulk(PublicationTag, [PublicationTag(publication=publication, kind="theme", value=THEMES[i % len(THEMES)])
                           for i, publication in enumerate(publications)]
          + [PublicationTag(publication=publication, kind="measure_kind", value=kind)
             for publication in publications for kind in KINDS], batch=5000)
    measure_of = {(m.alliance_id, m.kind): m.pk for m in measures}
    _bulk(EffectSummary, [EffectSummary(
        project=project, measure_id=measure_of[(project.alliance_id, kind)], measure_kind=kind,
        g=float(effects[kind][i]), variance=float(variance[i]), n=int(n[i]), usable=True, min_cell_size=6)
        for i, project in enumerate(projects) for kind in KINDS], batch=5000)
    say(f"{len(publications)} published findings")
    return {"alliances": len(alliances), "schools": len(schools), "hubs": len(hubs), "findings": len(publications)}
