"""Which chart to draw from which data, as the viewer may see it."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

from .. import access, charts
from ..errors import InvalidInput, NotFound
from ..models import Alliance, Project, ProjectMember
from ..models.choices import Status, Term
from .synthesis import alliance_synthesis

@dataclass(frozen=True)
class ProjectChart:
    """How one project chart is drawn from results; per_measure charts draw one measure."""

    draw: Callable[..., charts.ChartSpec]
    per_measure: bool = True


# The registry of project charts: a name not here is a 404, never an attribute lookup.
PROJECT_CHART_KINDS: dict[str, ProjectChart] = {
    "trajectory": ProjectChart(charts.trajectory),
    "distribution": ProjectChart(charts.distribution),
    "effects": ProjectChart(charts.effects, per_measure=False),
    "gap": ProjectChart(charts.gap),
}
PROJECT_CHARTS = tuple(PROJECT_CHART_KINDS)
ALLIANCE_CHARTS = ("forest", "pipeline", "collaboration")


def _measure_id(results: dict, measure_id: int | None) -> int:
    ids = [m["measure"]["id"] for m in results["measures"]]
    if not ids:
        raise InvalidInput("This project has no measures yet, so there is nothing to chart.", code="no_measures")
    if measure_id is None:
        return ids[0]
    if measure_id not in ids:
        raise InvalidInput("That measure is not one of this project's measures.",
                           fields={"measure": [f"Choose one of: {', '.join(map(str, ids))}."]})
    return measure_id


def project_chart_from_results(results: dict, title: str, name: str, measure_id: int | None = None,
                               question: str = "") -> charts.ChartSpec:
    """A project chart from its results (live, or frozen in a publication): titled by the project's
    (short) title, with the research question as a smaller subtitle."""
    kind = PROJECT_CHART_KINDS.get(name)
    if kind is None:
        raise NotFound(f"There is no '{name}' chart. Project charts: {', '.join(PROJECT_CHARTS)}.")
    if not kind.per_measure:
        return kind.draw(results, title=title, question=question)
    return kind.draw(results, _measure_id(results, measure_id), title=title, question=question)


def pipeline_counts(user, alliance: Alliance) -> list[dict]:
    """Projects by status per academic year and term (what the pipeline chart plots)."""
    counts = Counter(_alliance_projects(user, alliance).values_list("academic_year", "term", "status"))
    term_order = {value: index for index, value in enumerate(Term.values)}
    rows = sorted(counts.items(), key=lambda item: (item[0][0], term_order.get(item[0][1], 9), item[0][2]))
    return [{"term_label": f"{Term(term).label if term else 'Any term'} {year}", "status": status, "count": n}
            for (year, term, status), n in rows]


def alliance_pipeline(*, user, alliance: Alliance) -> dict:
    """How many of the alliance's projects the user may see are at each status, overall and per term."""
    by_term = pipeline_counts(user, alliance)
    totals: dict[str, int] = {status: 0 for status in Status.values}
    for row in by_term:
        totals[row["status"]] += row["count"]
    return {"alliance": {"id": alliance.id, "name": alliance.name}, "statuses": totals, "by_term": by_term}


def _alliance_projects(user, alliance: Alliance):
    return Project.objects.filter(alliance=alliance).filter(access.projects_visible_q(user))


def collaboration_edges(user, alliance: Alliance) -> tuple[list[dict], list[dict]]:
    """Schools, and how many visible projects each pair of schools shares."""
    members = (ProjectMember.objects.filter(project__in=_alliance_projects(user, alliance))
               .values_list("project_id", "school_id", "school__name").distinct())
    schools, by_project = {}, {}
    for project_id, school_id, school_name in members:
        schools[school_id] = school_name
        by_project.setdefault(project_id, set()).add(school_id)
    shared = Counter(pair for ids in by_project.values() for pair in combinations(sorted(ids), 2))
    return ([{"a": a, "b": b, "projects": n} for (a, b), n in sorted(shared.items())],
            [{"id": i, "name": n} for i, n in sorted(schools.items(), key=lambda item: item[1])])


def alliance_chart_input(*, user, alliance: Alliance, name: str, measure_kind: str | None = None) -> dict:
    """The data behind an alliance chart (hashed for its ETag before anything is drawn)."""
    if name == "forest":
        synthesis = alliance_synthesis(user=user, alliance=alliance, measure_kind=measure_kind)
        groups = synthesis["groups"]
        pooled = next((g for g in groups if g["measure_kind"] == (measure_kind or "attainment")),
                      groups[0] if groups else {"k": 0, "projects": [], "excluded": [], "reason": "No projects yet."})
        label = pooled.get("measure_kind_label", measure_kind or "attainment")
        return {"pooled": pooled, "title": f"{alliance.name}: pooled effect on {str(label).lower()} measures"}
    if name == "pipeline":
        return {"counts": pipeline_counts(user, alliance), "title": f"{alliance.name}: projects by stage and term"}
    if name == "collaboration":
        edges, schools = collaboration_edges(user, alliance)
        return {"edges": edges, "schools": schools, "title": f"{alliance.name}: schools working together"}
    raise NotFound(f"There is no '{name}' chart. Alliance charts: {', '.join(ALLIANCE_CHARTS)}.")


def alliance_chart(data: dict, name: str) -> charts.ChartSpec:
    if name == "forest":
        return charts.forest(data["pooled"], title=data["title"])
    if name == "pipeline":
        return charts.pipeline(data["counts"], title=data["title"])
    return charts.collaboration(data["edges"], data["schools"], title=data["title"])
