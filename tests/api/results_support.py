"""Helpers shared by the results, charts and synthesis API tests (this module holds no tests).

Outcome data gets in only through the real upload API (POST /outcome-uploads/). Every pupil
is synthetic (ids like RSLT000001) and every score is chosen to give distinctive means, so a
leaked value can be told apart from an axis tick or a count.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

import pytest

from research.models import Project, Theme
from research.models.choices import Status
from research.services.disclosed import disclosed_results_freeze

from ..world import make_project
from .test_outcomes_support import csv_bytes, post_file, project_urns, upload_url

STAGES = ("theory", "progress", "dissemination")
NON_MEMBERS_ALL = ("teacher", "alliance_lead", "staff")  # see every project of the alliance, in none
NON_MEMBERS_PUBLISHED = ("anonymous", "other")  # see published projects only
MEMBERS = ("member", "project_lead")
CHARTS = ("trajectory", "distribution", "effects", "gap")


@dataclass
class Pupil:
    pid: str
    group: str  # "intervention" | "comparison"
    disadvantaged: bool
    scores: dict = field(default_factory=dict)  # stage -> score (a stage left out = no score)


def make_pupils(count: int, *, group: str, start: int, disadvantaged: int = 0, base: float = 40.0,
                step: float = 1.7311, stages=STAGES, rise: float = 3.1279, prefix: str = "RSLT") -> list[Pupil]:
    """`count` pupils of one group; the first `disadvantaged` are pupil premium.

    Scores are base + i*step (+ rise per stage) with a per-pupil wobble so that sds are not
    round; every value has four decimals, which makes every mean distinctive.
    """
    pupils = []
    for i in range(count):
        wobble = ((i * 7919) % 13) * 0.0173
        scores = {stage: round(base + i * step + k * rise + wobble * (k + 1), 4)
                  for k, stage in enumerate(STAGES) if stage in stages}
        pupils.append(Pupil(f"{prefix}{start + i:06d}", group, i < disadvantaged, scores))
    return pupils


def stage_file(pupils: list[Pupil], stage: str, urns: list[str]) -> bytes:
    """One stage's long-format CSV for these pupils (those with a score at that stage)."""
    header = ["UPN", "Group", "School", "Pupil Premium", "Score"]
    rows = [[p.pid, p.group.capitalize(), urns[i % len(urns)], "Y" if p.disadvantaged else "N", p.scores[stage]]
            for i, p in enumerate(pupils) if stage in p.scores]
    return csv_bytes([header, *rows])


def upload(client, project, pupils: list[Pupil], stage: str, measure, mode: str | None = None) -> int:
    """Upload one stage through the API; the new upload's id."""
    response = post_file(client, project, stage_file(pupils, stage, project_urns(project)), stage=stage,
                         measure=measure, mode=mode)
    assert response.status_code == 201, response.json()
    return response.json()["upload"]["id"]


def upload_all(client, project, pupils: list[Pupil], measure, stages=STAGES) -> list[int]:
    return [upload(client, project, pupils, stage, measure) for stage in stages
            if any(stage in p.scores for p in pupils)]


def delete_upload(client, project, upload_id):
    response = client.delete(upload_url(project, upload_id))
    assert response.status_code in (200, 204), response.content
    return response


# --- independent statistics ---------------------------------------------------------------------

def scores_of(pupils, stage, group, disadvantaged=None) -> list[float]:
    return [p.scores[stage] for p in pupils if p.group == group and stage in p.scores
            and (disadvantaged is None or p.disadvantaged == disadvantaged)]


def describe(values: list[float]) -> dict:
    """n, mean and sd (n - 1) by the statistics module, not numpy."""
    return {"n": len(values), "mean": statistics.fmean(values) if values else None,
            "sd": statistics.stdev(values) if len(values) > 1 else None}


def hedges(treated: list[float], control: list[float]) -> tuple[float, float]:
    """Hedges' g and its variance by hand: g = d * J, J = 1 - 3 / (4 (n1 + n2) - 9)."""
    n1, n2 = len(treated), len(control)
    s1, s2 = statistics.stdev(treated), statistics.stdev(control)
    pooled = math.sqrt(((n1 - 1) * s1 ** 2 + (n2 - 1) * s2 ** 2) / (n1 + n2 - 2))
    d = (statistics.fmean(treated) - statistics.fmean(control)) / pooled
    g = d * (1 - 3 / (4 * (n1 + n2) - 9))
    return g, (n1 + n2) / (n1 * n2) + g ** 2 / (2 * (n1 + n2 - 3.94))


def dersimonian_laird(effects: list[tuple[float, float]]) -> dict:
    """Random-effects pooling by hand from (g, variance) pairs."""
    w = [1 / v for _, v in effects]
    fixed = sum(wi * g for wi, (g, _) in zip(w, effects)) / sum(w)
    q = sum(wi * (g - fixed) ** 2 for wi, (g, _) in zip(w, effects))
    c = sum(w) - sum(wi ** 2 for wi in w) / sum(w)
    tau2 = max(0.0, (q - (len(effects) - 1)) / c)
    w_star = [1 / (v + tau2) for _, v in effects]
    pooled = sum(wi * g for wi, (g, _) in zip(w_star, effects)) / sum(w_star)
    return {"g": pooled, "se": math.sqrt(1 / sum(w_star)), "tau2": tau2, "q": q,
            "i2_percent": 100 * max(0.0, (q - (len(effects) - 1)) / q) if q > 0 else 0.0}


# --- walking responses --------------------------------------------------------------------------

def numbers_in(node) -> list[float]:
    """Every number anywhere in a JSON value (booleans are not numbers)."""
    if isinstance(node, dict):
        return [x for value in node.values() for x in numbers_in(value)]
    if isinstance(node, list):
        return [x for value in node for x in numbers_in(value)]
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return [float(node)]
    return []


def strings_in(node) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings_in(value)]
    if isinstance(node, list):
        return [s for value in node for s in strings_in(value)]
    return [node] if isinstance(node, str) else []


def leaked(values: list[float], secrets: list[float]) -> list[float]:
    """The secrets that appear among `values` (to 1e-9, so a recomputed float still counts)."""
    return [s for s in secrets if any(math.isclose(v, s, rel_tol=0, abs_tol=1e-9) for v in values)]


def csv_numbers(text: str) -> list[float]:
    numbers = []
    for line in text.splitlines():
        for field_ in line.split(","):
            try:
                numbers.append(float(field_.strip('"')))
            except ValueError:
                pass
    return numbers


# --- projects -----------------------------------------------------------------------------------

def dissemination_project(world, title: str, **extra) -> Project:
    """A new project in `world.alliance` that has reached every stage (lead + member in it)."""
    users = world.users
    return make_project(world.alliance, users["project_lead"], users["alliance_lead"], [users["member"]],
                        [world.measure], status=Status.DISSEMINATION, title=title, **extra)


def publish(api, world, project) -> None:
    """Write the dissemination stage and publish through the API, as the alliance lead would."""
    lead = api(world.user("alliance_lead"))
    response = lead.patch(f"/api/v1/projects/{project.pk}/stages/dissemination/",
                          {"findings": "Found something.", "conclusions": "Concluded something."}, format="json")
    assert response.status_code == 200, response.json()
    response = lead.post(f"/api/v1/projects/{project.pk}/transitions/", {"action": "publish"}, format="json")
    assert response.status_code in (200, 201), response.json()
    project.refresh_from_db()
    assert project.status == Status.PUBLISHED


def freeze_for_outsiders(project) -> None:
    """What every status change does: freeze the view people outside the project see from the rows
    as they stand now (uploads alone never change it)."""
    disclosed_results_freeze(project=Project.objects.select_related("alliance").get(pk=project.pk), reason="test")


def results_url(project, measure=None) -> str:
    return f"/api/v1/projects/{project.pk}/results/" + (f"?measure={measure.pk}" if measure is not None else "")


def chart_url(project, name, fmt, measure=None) -> str:
    return f"/api/v1/projects/{project.pk}/charts/{name}.{fmt}" + (f"?measure={measure.pk}" if measure else "")


def cell(cells: list[dict], **labels) -> dict:
    """The one cell in `cells` whose labels match."""
    found = [c for c in cells if all(c.get(k) == v for k, v in labels.items())]
    assert len(found) == 1, (labels, found)
    return found[0]


# --- alliance synthesis -------------------------------------------------------------------------

# (intervention base, comparison base, comparison step): three different effects, one negative
POOLED = {"Pooled one": (50.0, 45.0, 1.9), "Pooled two": (52.0, 50.5, 1.4), "Pooled three": (46.0, 48.0, 2.3)}


def final_pupils(intervention_base, comparison_base, comparison_step, comparison_n=8, start=0) -> list[Pupil]:
    """8 intervention pupils and `comparison_n` comparison pupils, final stage only."""
    return (make_pupils(8, group="intervention", start=start, base=intervention_base, stages=("dissemination",))
            + make_pupils(comparison_n, group="comparison", start=start + 100, base=comparison_base,
                          step=comparison_step, stages=("dissemination",)))


def synthesis_url(world, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/api/v1/alliances/{world.alliance.pk}/synthesis/" + (f"?{query}" if query else "")


def group(body, kind="attainment") -> dict:
    """The synthesis group for one measure kind (exactly one)."""
    found = [g for g in body["groups"] if g["measure_kind"] == kind]
    assert len(found) == 1, body["groups"]
    return found[0]


@pytest.fixture
def pooled_projects(world, api):
    """Three dissemination projects with final-stage data, 8 v 8 pupils; the first two on the
    'feedback' theme. title -> (project, pupils)."""
    member = api(world.user("member"))
    feedback = Theme.objects.get(slug="feedback")
    made = {}
    for index, (title, bases) in enumerate(POOLED.items()):
        project = dissemination_project(world, title, themes=[feedback] if index < 2 else [])
        data = final_pupils(*bases, start=index * 1000)
        upload(member, project, data, "dissemination", world.measure)
        freeze_for_outsiders(project)
        made[title] = (project, data)
    return made
