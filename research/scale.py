"""Synthetic data at alliance and national scale, for benchmarks and load tests. Deterministic.

Rows are written in bulk (outcome rows through the import's own fast insert), not through the
per-project services: building 5,000 projects one HTTP-sized step at a time would take hours.
Every pupil, school and person here is invented.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from .imports.pseudonym import pupil_keys
from .models import (Alliance, AllianceSchool, Measure, Membership, OutcomeUpload, Project, ProjectMember, School,
                     Stage, StageTransition, Theme)
from .models.choices import STAGE_ORDER, MeasureKind, Phase, Role, SchoolPhase, Status, Subject
from .services.record_insert import insert_rows
from .services.disclosed import disclosed_results_freeze

STATUS_MIX = [Status.PROPOSED, Status.THEORY, Status.PROGRESS, Status.DISSEMINATION, Status.PUBLISHED,
              Status.PUBLISHED, Status.WITHDRAWN]
REACHED = {Status.THEORY: 1, Status.PROGRESS: 2, Status.DISSEMINATION: 3, Status.PUBLISHED: 3}


@dataclass(frozen=True)
class ScaleSpec:
    alliances: int = 20
    schools: int = 500
    projects: int = 5000
    outcome_rows: int = 1_000_000
    teachers_per_school: int = 2
    seed: int = 1


def _bulk(model, objects, batch=2000):
    return model.objects.bulk_create(objects, batch_size=batch)


@transaction.atomic
def generate_scale(spec: ScaleSpec, prefix: str = "scale", progress=None) -> dict:
    """Build alliances, schools, teachers, projects in every status and their outcome rows."""
    rng = np.random.default_rng(spec.seed)
    say = progress or (lambda message: None)
    alliances = _bulk(Alliance, [Alliance(name=f"{prefix.title()} alliance {i}", slug=f"{prefix}-{i}")
                                 for i in range(spec.alliances)])
    first_urn = 100000 + School.objects.count()  # several runs can share a database (demo URNs start at 9)
    schools = _bulk(School, [School(name=f"{prefix.title()} school {i}", urn=f"{first_urn + i:06d}",
                                    phase=SchoolPhase.PRIMARY if i % 3 else SchoolPhase.SECONDARY)
                             for i in range(spec.schools)])
    school_alliance = [alliances[i % len(alliances)] for i in range(len(schools))]
    _bulk(AllianceSchool, [AllianceSchool(alliance=a, school=s) for s, a in zip(schools, school_alliance)])
    password = make_password("scale")  # hashed once: hashing per user would dominate
    User = get_user_model()
    users = _bulk(User, [User(username=f"{prefix}.t{i}", password=password)
                         for i in range(len(schools) * spec.teachers_per_school)])
    user_school = [schools[i // spec.teachers_per_school] for i in range(len(users))]
    teachers_by_alliance: dict[int, list[int]] = {}
    for i in range(len(users)):
        teachers_by_alliance.setdefault(school_alliance[i // spec.teachers_per_school].id, []).append(i)
    leads = {pool[0] for pool in teachers_by_alliance.values()}  # one alliance lead each
    _bulk(Membership, [Membership(user=u, school=s, alliance=school_alliance[i // spec.teachers_per_school],
                                  role=Role.LEAD if i in leads else Role.MEMBER)
                       for i, (u, s) in enumerate(zip(users, user_school))])
    say(f"{len(alliances)} alliances, {len(schools)} schools, {len(users)} teachers")
    themes = [Theme.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0]
              for slug in ("feedback", "oracy", "metacognition", "well-being")]
    measures = {a.id: _bulk(Measure, [
        Measure(alliance=a, name="Attainment test", kind=MeasureKind.ATTAINMENT, scale_min=0, scale_max=100),
        Measure(alliance=a, name="Well-being scale", kind=MeasureKind.WELL_BEING, scale_min=12, scale_max=60),
    ]) for a in alliances}
    subjects, phases = list(Subject.values), list(Phase.values)
    projects, member_rows = [], []
    for p in range(spec.projects):
        alliance = alliances[p % len(alliances)]
        pool = teachers_by_alliance[alliance.id]
        lead_index = pool[int(rng.integers(len(pool)))]
        partner_index = pool[(pool.index(lead_index) + spec.teachers_per_school) % len(pool)]
        projects.append(Project(
            alliance=alliance, title=f"{prefix.title()} project {p}", research_question=f"Does approach {p} work?",
            subject=subjects[p % len(subjects)], phase=phases[p % len(phases)],
            academic_year=f"20{24 + p % 3}/{25 + p % 3}", term=("autumn", "spring", "summer")[p % 3],
            status=STATUS_MIX[p % len(STATUS_MIX)], lead=users[lead_index],
        ))
        member_rows.append((lead_index, partner_index))
    projects = _bulk(Project, projects)
    _bulk(ProjectMember, [ProjectMember(project=project, user=users[i], school=user_school[i])
                          for project, pair in zip(projects, member_rows) for i in dict.fromkeys(pair)])
    stages = _bulk(Stage, [Stage(project=project, kind=kind, session_date=date(2025, 9, 24))
                           for project in projects for kind in STAGE_ORDER])
    _bulk(StageTransition, [StageTransition(project=project, action="generate", from_status=Status.PROPOSED,
                                            to_status=project.status) for project in projects])
    for project in projects:
        project.measures.set(measures[project.alliance_id])
        project.themes.set([themes[project.pk % len(themes)]])
    say(f"{len(projects)} projects")
    with_data = [p for p in projects if p.status in REACHED] if spec.outcome_rows else []
    rows_per_project = spec.outcome_rows // max(len(with_data), 1)
    stage_ids = {(s.project_id, s.kind): s.pk for s in stages}
    _outcomes(with_data, rows_per_project, stage_ids, measures, member_rows_by_project(projects, member_rows,
                                                                                        user_school), rng, say)
    return {"alliances": len(alliances), "schools": len(schools), "projects": len(projects),
            "outcome_rows": rows_per_project * len(with_data)}


def member_rows_by_project(projects, member_rows, user_school):
    return {project.pk: [user_school[i].pk for i in pair] for project, pair in zip(projects, member_rows)}


def _outcomes(projects, rows_per_project, stage_ids, measures, schools_of, rng, say) -> None:
    """rows_per_project rows spread over the stages reached, one attainment measure, two groups."""
    done = 0
    for project in projects:
        stages = STAGE_ORDER[:REACHED[project.status]]
        pupils = max(rows_per_project // len(stages), 2)
        measure = measures[project.alliance_id][0]
        keys = pupil_keys(b"scale", f"alliance:{project.alliance_id}", [f"P{project.pk}-{i}" for i in range(pupils)])
        groups = np.where(np.arange(pupils) % 2 == 0, "intervention", "comparison")
        schools = schools_of[project.pk]
        effect = rng.normal(0.2, 0.2)
        rows = []
        for index, kind in enumerate(stages):
            upload = OutcomeUpload.objects.create(
                project=project, stage_id=stage_ids[(project.pk, kind)], measure=measure, sha256="0" * 64,
                size=0, mode="append", row_count=pupils, record_count=pupils)
            scores = np.clip(rng.normal(50 + 5 * index, 12, pupils) + (groups == "intervention") * effect * 12 * index,
                             0, 100).round(1)
            rows.extend(
                (project.pk, stage_ids[(project.pk, kind)], measure.pk, upload.pk, keys[i], schools[i % len(schools)],
                 str(groups[i]), float(scores[i]), 5, bool(i % 4 == 0), None, None)
                for i in range(pupils))
        insert_rows(rows)
        # As the last status change would have: what outsiders see (and the pool) is frozen from the rows.
        disclosed_results_freeze(project=project, reason="generated")
        done += len(rows)
    say(f"{done} outcome rows in {len(projects)} projects")
