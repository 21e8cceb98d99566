"""Hubs (issue 15): their leads see the member alliances' pipeline and pooled effects, aggregates only:
counts and pools, never a project's title, figures or people."""
from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import F, QuerySet

from .. import access
from ..analysis import ProjectEffect
from ..analysis.synthesis import DEFAULT_METHOD, pool_effects
from ..errors import NotFound
from ..models import EffectSummary, Hub, Project
from ..models.choices import MeasureKind, Status

ONE_PROJECT = "Only one project has a usable effect: a hub sees pools of two or more, never one project's figures."
POOL_FIELDS = ("method", "method_code", "k", "g", "se", "ci_low", "ci_high", "ci_distribution", "tau2", "i2_percent",
               "q", "q_df", "q_pvalue", "prediction_interval", "prediction_interval_reason", "reason")


def hub_list(*, user) -> QuerySet[Hub]:
    return Hub.objects.filter(access.hubs_visible_q(user)).distinct().prefetch_related("alliances")


def hub_get(*, user, hub_id: int) -> Hub:
    try:
        return hub_list(user=user).get(pk=hub_id)
    except Hub.DoesNotExist:
        raise NotFound("No such hub, or you do not lead it.") from None


def hub_pipeline(*, hub: Hub) -> dict:
    """How many of the member alliances' projects are at each status, per alliance and in all."""
    rows = Counter(Project.objects.filter(alliance__hubs=hub).values_list("alliance_id", "alliance__name", "status"))
    alliances: dict[int, dict] = {}
    totals = {status: 0 for status in Status.values}
    for (alliance_id, name, status), count in sorted(rows.items(), key=lambda item: item[0][1]):
        row = alliances.setdefault(alliance_id, {"id": alliance_id, "name": name,
                                                 "statuses": {s: 0 for s in Status.values}})
        row["statuses"][status] += count
        totals[status] += count
    return {"hub": {"id": hub.id, "name": hub.name}, "statuses": totals, "alliances": list(alliances.values())}


def hub_synthesis(*, hub: Hub, method: str = DEFAULT_METHOD) -> dict:
    """Random-effects pools, per kind of measure, of the member alliances' published findings' headline effects
    (their disclosure-controlled summaries, one per project). Aggregates only: the pool, how many projects and
    alliances it holds and how many were left out, no project's own figures. Published only: a pool of one
    unpublished project and any public findings gives that project's g, variance and n by subtraction (and a pool
    that gains one project over time gives its figures too), so the hub pools only what is already public."""
    summaries = (EffectSummary.objects.filter(project__alliance__hubs=hub, project__status=Status.PUBLISHED,
                                              min_cell_size__gte=F("project__alliance__min_cell_size"))
                 .order_by("project_id", "measure_id")
                 .values_list("project_id", "project__alliance_id", "measure_kind", "usable", "g", "variance", "n"))
    usable: dict[str, list[ProjectEffect]] = defaultdict(list)
    alliances_of: dict[str, set[int]] = defaultdict(set)
    seen: dict[str, set[int]] = defaultdict(set)
    for project_id, alliance_id, kind, is_usable, g, variance, n in summaries:
        seen[kind].add(project_id)
        if is_usable:
            usable[kind].append(ProjectEffect(project_id, "", g, variance, n))
            alliances_of[kind].add(alliance_id)
    groups = []
    for kind in sorted(seen):
        pooled = pool_effects(usable.get(kind, []), method=method)
        if pooled["k"] < 2:  # a pool of one is that project's own figures
            pooled = {**pool_effects([], method=method), "k": pooled["k"], "projects": pooled["projects"],
                      "reason": ONE_PROJECT if pooled["k"] else pooled["reason"]}
        groups.append({"measure_kind": kind, "measure_kind_label": MeasureKind(kind).label,
                       **{key: pooled[key] for key in POOL_FIELDS},
                       "alliances": len(alliances_of[kind]), "pupils": sum(p["n"] or 0 for p in pooled["projects"]),
                       "left_out": len(seen[kind]) - pooled["k"]})
    return {"hub": {"id": hub.id, "name": hub.name}, "method": method, "groups": groups}
