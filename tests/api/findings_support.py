"""Helpers shared by the findings, publishing and feed tests (this module holds no tests).

Everything goes through the real API where the product offers it: scores are uploaded as CSV
files by a project member while the project is in dissemination, the dissemination writing is
PATCHed, and the alliance lead publishes with POST /transitions/. Every pupil id, name and
score here is synthetic.
"""
import csv
import io
import json

from research.models import Measure, Publication, Theme
from research.models.choices import Status

from ..world import make_project
from .test_outcomes_support import csv_bytes, post_file, project_urns

FINDINGS = "/api/v1/findings/"


def finding_url(slug: str) -> str:
    return f"{FINDINGS}{slug}/"


def results_url(slug: str, fmt: str) -> str:
    return f"{FINDINGS}{slug}/results.{fmt}"


def chart_url(slug: str, name: str, fmt: str) -> str:
    return f"{FINDINGS}{slug}/charts/{name}.{fmt}"


def file_url(slug: str, file_id: int) -> str:
    return f"{FINDINGS}{slug}/files/{file_id}/"


def theme(slug: str, name: str | None = None) -> Theme:
    return Theme.objects.get_or_create(slug=slug, defaults={"name": name or slug.replace("-", " ").title()})[0]


def project_in_dissemination(api, world, *, alliance=None, measures=None, title="Feedback in maths",
                             question="Does verbal feedback move learning on?", **extra):
    """A new project of `world` taken to dissemination through the real lifecycle, with `question`.

    Alliance A (default): lead project_lead, member `member`, alliance lead alliance_lead.
    Alliance B: lead and alliance lead `other`, member other_member.
    """
    if alliance is None or alliance == world.alliance:
        lead, alliance_lead, members = world.user("project_lead"), world.user("alliance_lead"), [world.user("member")]
        alliance, measures = world.alliance, measures or [world.measure]
    else:
        lead = alliance_lead = world.user("other")
        members = [world.other_projects["published"].memberships.exclude(user=lead).first().user]
        measures = measures or [Measure.objects.filter(alliance=alliance).order_by("id").first()]
    project = make_project(alliance, lead, alliance_lead, members, measures, status=Status.DISSEMINATION,
                           title=title, **extra)
    response = api(lead).patch(f"/api/v1/projects/{project.pk}/",
                               {"research_question": question, "revision_reason": "Sharper wording."}, format="json")
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    return project


def uploader(world, project):
    """A project member other than the lead (who may upload pupil data)."""
    return project.memberships.exclude(user=project.lead).first().user


def alliance_lead_of(world, project):
    return world.user("alliance_lead") if project.alliance_id == world.alliance.id else world.user("other")


def score_rows(cells: dict, *, start: int = 0) -> list[list]:
    """A long-format file from {group: [score, ...]} or {group: [(score, disadvantaged), ...]}.

    Pupil ids are stable per group and position (I000001, C000001, ...), so the same pupil
    gets the same id at every stage; `start` shifts them to add new pupils.
    """
    header = ["UPN", "Group", "Pupil Premium", "Score"]
    body = []
    for group, scores in cells.items():
        for i, item in enumerate(scores):
            score, disadvantaged = item if isinstance(item, tuple) else (item, None)
            flag = "" if disadvantaged is None else ("Y" if disadvantaged else "N")
            body.append([f"{group[0].upper()}{start + i:06d}", group.title(), flag, score])
    return [header, *body]


def upload_scores(api, world, project, measure, cells: dict, *, stage="dissemination", start: int = 0):
    """Upload {group: scores} for one stage and measure as a project member; asserts 201."""
    rows = score_rows(cells, start=start)
    urn = project_urns(project)[0]
    rows = [rows[0] + ["School"]] + [row + [urn] for row in rows[1:]]
    response = post_file(api(uploader(world, project)), project, csv_bytes(rows), stage=stage, measure=measure)
    assert response.status_code == 201, response.content
    return response


def write_dissemination(api, world, project, **writing):
    """PATCH the dissemination stage as a project member; asserts 200."""
    body = {"findings": "Pupils improved.", "conclusions": "It helped.", **writing}
    response = api(uploader(world, project)).patch(f"/api/v1/projects/{project.pk}/stages/dissemination/", body,
                                                   format="json")
    assert response.status_code == 200, response.content
    return response


def transition(api, user, project, action, comment=""):
    return api(user).post(f"/api/v1/projects/{project.pk}/transitions/", {"action": action, "comment": comment},
                          format="json")


def publish(api, world, project, **writing) -> Publication:
    """Write the findings (if given or not yet written), publish as the alliance lead; the new publication."""
    project.refresh_from_db()
    if writing or not project.stages.get(kind="dissemination").findings:
        write_dissemination(api, world, project, **writing)
    response = transition(api, alliance_lead_of(world, project), project, "publish")
    assert response.status_code == 200, response.content
    return Publication.objects.filter(project=project).order_by("-version").first()


def unpublish(api, world, project, reason="Data entry error found in one school."):
    response = transition(api, alliance_lead_of(world, project), project, "unpublish", reason)
    assert response.status_code == 200, response.content
    return response


def published_finding(api, world, *, measure=None, cells=None, baseline=None, writing=None, **project_fields):
    """A project with scores (final stage `cells`, optional baseline), published. Returns (project, publication)."""
    project = project_in_dissemination(api, world, **project_fields)
    measure = measure or project.measures.first()
    if baseline:
        upload_scores(api, world, project, measure, baseline, stage="theory")
    if cells:
        upload_scores(api, world, project, measure, cells)
    return project, publish(api, world, project, **(writing or {}))


def spread(centre: float, count: int, width: float = 6.0) -> list[float]:
    """`count` distinct scores evenly around `centre` (mean exactly `centre`)."""
    if count == 1:
        return [centre]
    step = width / (count - 1)
    return [round(centre - width / 2 + i * step, 4) for i in range(count)]


# Final-stage scores giving each direction of effect (20 pupils a group).
POSITIVE = {"intervention": spread(70, 20), "comparison": spread(50, 20)}
NEGATIVE = {"intervention": spread(45, 20), "comparison": spread(65, 20)}
UNCLEAR = {"intervention": spread(55.2, 20, 30), "comparison": spread(54.8, 20, 30)}


def csv_table(response) -> list[list[str]]:
    """Rows of a CSV response (quoted cells may hold \\r or \\t)."""
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def facet(response, name: str) -> dict:
    return {row["value"]: row["count"] for row in response.json()["facets"][name]}


def chart_names(publication: Publication) -> list[tuple[str, int | None]]:
    return [(c["name"], c["measure"]) for c in publication.content["charts"]]


def public_responses(client, slug: str, publication: Publication) -> dict:
    """Every public response about one finding: {label: response}."""
    out = {"list": client.get(FINDINGS), "detail": client.get(finding_url(slug)),
           "results.csv": client.get(results_url(slug, "csv")), "results.json": client.get(results_url(slug, "json"))}
    for name, measure in chart_names(publication):
        for fmt in ("svg", "png", "json", "csv"):
            query = {"measure": measure} if measure else {}
            out[f"{name}:{measure}.{fmt}"] = client.get(chart_url(slug, name, fmt), query)
    for item in publication.content["evidence"]:
        if item["file"]:
            out[f"file:{item['file']['id']}"] = client.get(file_url(slug, item["file"]["id"]))
    return out


def body_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


def as_text(response) -> str:
    return body_bytes(response).decode("utf-8", errors="replace")


def as_json(response):
    return json.loads(body_bytes(response))
