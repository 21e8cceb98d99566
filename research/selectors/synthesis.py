"""What an alliance learns across projects: pooled effects by measure kind or by theme."""
from __future__ import annotations

from collections import defaultdict

from .. import access
from ..analysis import ProjectEffect, pool_effects
from ..models import Alliance, EffectSummary, Project
from ..models.choices import ACTIVE_STATUSES, MeasureKind, Status

POOLED_STATUSES = (*ACTIVE_STATUSES, Status.PUBLISHED)


def _visible_projects(user, alliance: Alliance):
    projects = Project.objects.filter(alliance=alliance, status__in=POOLED_STATUSES)
    return projects.filter(access.projects_visible_q(user))


def alliance_synthesis(*, user, alliance: Alliance, measure_kind: str | None = None,
                       theme: str | None = None) -> dict:
    """Random-effects pooling of projects' headline effects (disclosure-controlled summaries).

    One effect per project per group: a project with two measures of one kind counts once,
    through its largest sample, so no project weighs twice in a pool.
    """
    summaries = EffectSummary.objects.filter(project__in=_visible_projects(user, alliance))
    if measure_kind:
        summaries = summaries.filter(measure_kind=measure_kind)
    if theme:
        summaries = summaries.filter(project__themes__slug=theme)
    rows = summaries.values_list("project_id", "project__title", "measure_kind", "usable", "g", "variance", "n",
                                 "reason", "min_cell_size")
    best: dict[tuple[str, int], ProjectEffect] = {}
    excluded: dict[str, list[dict]] = defaultdict(list)
    for project_id, title, kind, usable, g, variance, n, reason, computed_under in rows:
        key = (kind, project_id)
        if computed_under != alliance.min_cell_size:
            usable, reason = False, "Being recomputed for the alliance's new minimum cell size."
        if not usable:
            excluded[kind].append({"project_id": project_id, "label": title, "reason": reason})
            continue
        if key not in best or (n or 0) > (best[key].n or 0):
            best[key] = ProjectEffect(project_id, title, g, variance, n)
    by_kind: dict[str, list[ProjectEffect]] = defaultdict(list)
    for (kind, _), effect in best.items():
        by_kind[kind].append(effect)
    groups = []
    for kind in sorted(set(by_kind) | set(excluded)):
        effects = sorted(by_kind.get(kind, []), key=lambda e: e.project_id)
        pooled = pool_effects(effects) if effects else {"k": 0, "reason": "No project has a usable effect yet.",
                                                         "projects": []}
        pooled_projects = {p["project_id"] for p in pooled.get("projects", [])}
        pooled["excluded"] = [*pooled.get("excluded", []),
                              *[e for e in excluded.get(kind, []) if e["project_id"] not in pooled_projects]]
        groups.append({"measure_kind": kind, "measure_kind_label": MeasureKind(kind).label, "theme": theme,
                       **pooled})
    return {"alliance": {"id": alliance.id, "name": alliance.name}, "measure_kind": measure_kind, "theme": theme,
            "groups": groups}
