"""What an alliance learns across projects: pooled effects by measure kind or by theme."""
from __future__ import annotations

from collections import defaultdict

from .. import access
from ..analysis import ProjectEffect
from ..analysis.synthesis import DEFAULT_METHOD, pool_effects
from ..models import Alliance, EffectSummary, Project
from ..models.choices import MeasureKind
from ..statuses import POOLED_STATUSES

NO_USABLE_EFFECT = "No project has a usable effect yet."
RECOMPUTING = "Being recomputed for the alliance's new minimum cell size."


def _visible_projects(user, alliance: Alliance):
    projects = Project.objects.filter(alliance=alliance, status__in=POOLED_STATUSES)
    return projects.filter(access.projects_visible_q(user))


def _left_out_once(excluded: list[dict], pooled_ids: set) -> list[dict]:
    """Each project not in the pool once, with every distinct reason it gave (a project with
    two measures of one kind has two summaries, possibly both unusable)."""
    reasons: dict = {}
    labels: dict = {}
    for row in excluded:
        if row["project_id"] not in pooled_ids:
            labels.setdefault(row["project_id"], row["label"])
            found = reasons.setdefault(row["project_id"], [])
            if row["reason"] and row["reason"] not in found:
                found.append(row["reason"])
    return [{"project_id": project_id, "label": labels[project_id], "reason": " ".join(found)}
            for project_id, found in reasons.items()]


def alliance_synthesis(*, user, alliance: Alliance, measure_kind: str | None = None,
                       theme: str | None = None, method: str = DEFAULT_METHOD) -> dict:
    """Random-effects pooling (`method` "dl" or "reml") of projects' headline effects
    (disclosure-controlled summaries).

    One effect per project per group: a project with two measures of one kind counts once,
    through its largest sample (pool_effects chooses), so no project weighs twice in a pool;
    a project left out is listed once, with its reason.
    """
    summaries = EffectSummary.objects.filter(project__in=_visible_projects(user, alliance))
    if measure_kind:
        summaries = summaries.filter(measure_kind=measure_kind)
    if theme:
        summaries = summaries.filter(project__themes__slug=theme)
    rows = (summaries.order_by("project_id", "measure_id")  # a stable choice between equal samples
            .values_list("project_id", "project__title", "measure_kind", "usable", "g", "variance", "n",
                         "reason", "min_cell_size"))
    usable: dict[str, list[ProjectEffect]] = defaultdict(list)
    excluded: dict[str, list[dict]] = defaultdict(list)
    for project_id, title, kind, is_usable, g, variance, n, reason, computed_under in rows:
        if computed_under < alliance.min_cell_size:  # a partner's stricter minimum is fine
            is_usable, reason = False, RECOMPUTING
        if is_usable:
            usable[kind].append(ProjectEffect(project_id, title, g, variance, n))
        else:
            excluded[kind].append({"project_id": project_id, "label": title, "reason": reason})
    groups = []
    for kind in sorted(set(usable) | set(excluded)):
        if usable.get(kind):
            pooled = pool_effects(usable[kind], method=method)
        else:
            pooled = {**pool_effects([], method=method), "reason": NO_USABLE_EFFECT}
        pooled_ids = {p["project_id"] for p in pooled["projects"]}
        pooled["excluded"] = _left_out_once([*pooled["excluded"], *excluded.get(kind, [])], pooled_ids)
        groups.append({"measure_kind": kind, "measure_kind_label": MeasureKind(kind).label, "theme": theme,
                       **pooled})
    return {"alliance": {"id": alliance.id, "name": alliance.name}, "measure_kind": measure_kind, "theme": theme,
            "method": method, "groups": groups}
