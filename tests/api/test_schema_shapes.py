"""The OpenAPI schema describes every response body, and the API's answers fit it.

No response body is a bare object (`{"type": "object"}` with no properties, e.g. a view's `dict`):
schemathesis can only check the shape of what the schema describes. Then the demo alliance is read
through every route, as several roles, and each JSON answer is validated against the schema of its
operation and status, with objects closed (a key the schema does not declare is a failure too), so
the schema and the answers cannot drift apart.
"""
import copy
import re
from pathlib import Path

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from jsonschema import Draft4Validator

from api.projects.serializers import AllianceRefOut, ProjectListOut
from api.common import SchoolRefOut, UserRefOut
from research.models import Alliance, Hub, Measure, Partnership, Project, Publication, SharedProject

SCHEMA_URL = "/api/schema/?format=json"
SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
# Free-form on purpose: DRF's messages per field, nested as the input was.
FREE_FORM = {"components/schemas/Error/properties/errors"}
# Rows of a finding's results table carry their cell's other fields (ids, dependencies...) beside
# the declared columns; these objects stay open.
OPEN_OBJECTS = {"FindingResultRowOut"}


@pytest.fixture
def schema(client):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    return response.json()


def _bare(node: dict) -> bool:
    if node == {}:
        return True
    return (node.get("type") == "object" and not node.get("properties")
            and node.get("additionalProperties") in (None, True, {}))


def bare_objects(schema: dict) -> list[str]:
    """Where a response body, or anything inside one, is an object of no declared shape."""
    found, seen = [], set()
    components = schema.get("components", {}).get("schemas", {})

    def walk(node, where, top=False):
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}[{i}]")
            return
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                walk(components[name], f"components/schemas/{name}")
            return
        if (_bare(node) if top else _bare(node) and node != {}) and where not in FREE_FORM:
            found.append(where)
        for key in ("properties", "additionalProperties", "items", "oneOf", "anyOf", "allOf"):
            value = node.get(key)
            if isinstance(value, dict) and key == "properties":
                for name, child in value.items():
                    walk(child, f"{where}/properties/{name}")
            elif isinstance(value, (dict, list)):
                walk(value, f"{where}/{key}")

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                for media, content in (response.get("content") or {}).items():
                    if media.startswith("application/json"):
                        walk(content.get("schema", {}), f"{method.upper()} {path} {status} {media}", top=True)
    return found


def test_no_response_body_is_a_bare_object(db, schema):
    # given the OpenAPI schema the API serves
    # when every JSON response body is read, through every component it refers to
    found = bare_objects(schema)
    # then each one declares its shape
    assert found == [], "Response bodies of no declared shape:\n" + "\n".join(found)


# --- the answers fit the schema ------------------------------------------------------------------

def json_schema(node, closed: bool = True):
    """OpenAPI 3.0 -> JSON Schema (draft 4): `nullable` as a null alternative; objects with declared
    properties closed to undeclared keys (but for OPEN_OBJECTS)."""
    if isinstance(node, list):
        return [json_schema(item, closed) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: ({name: json_schema(child, closed) for name, child in value.items()} if key == "properties"
                  else json_schema(value, closed))
            for key, value in node.items() if key not in ("readOnly", "writeOnly", "example", "format", "discriminator")}
    if node.get("type") == "object" and node.get("properties") and "additionalProperties" not in node and closed:
        node["additionalProperties"] = False
    if node.pop("nullable", False):
        node = {"anyOf": [node, {"type": "null"}]}
    return node


def validator_for(schema: dict) -> Draft4Validator:
    components = copy.deepcopy(schema["components"])
    converted = {name: json_schema(body, closed=name not in OPEN_OBJECTS)
                 for name, body in components["schemas"].items()}
    root = {"components": {"schemas": converted}}
    return Draft4Validator(root)


def route_of(schema: dict, url: str) -> str:
    path = url.split("?")[0]
    for template in schema["paths"]:
        pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return template
    raise AssertionError(f"no operation for {url}")


def check(schema: dict, validator: Draft4Validator, method: str, url: str, response) -> list[str]:
    """The ways `response` does not fit its operation's schema (empty: it fits)."""
    template = route_of(schema, url)
    responses = schema["paths"][template][method]["responses"]
    documented = responses.get(str(response.status_code))
    if documented is None:
        return [f"{method.upper()} {url}: status {response.status_code} is not documented"]
    media = response.get("Content-Type", "").split(";")[0]
    if media != "application/json":
        return []
    body_schema = (documented.get("content") or {}).get("application/json", {}).get("schema")
    if body_schema is None:
        return [f"{method.upper()} {url}: {response.status_code} has a JSON body the schema does not describe"]
    errors = validator.evolve(schema=json_schema(body_schema)).iter_errors(response.json())
    return [f"{method.upper()} {url} {response.status_code}: {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
            for e in errors][:5]


@pytest.fixture
def demo(db):
    """The demo alliance, built through the real services."""
    from research.demo import load_demo

    load_demo()


def people():
    users = get_user_model().objects
    return {name: users.get(username=name) for name in ("teacher.a", "teacher.b", "project.lead", "alliance.lead",
                                                          "hub.lead", "other.teacher", "admin")} | {"anonymous": None}


PROJECT_SUFFIXES = ["", "transitions/", "plan-snapshots/", "stages/", "stages/theory/", "members/", "join-requests/",
                    "evidence/", "outcome-uploads/", "outcomes/?page_size=2", "pupil-row-reads/", "results/",
                    "charts/effects.json", "charts/trajectory.json"]


def read_urls() -> list[str]:
    urls = ["/api/v1/me/", "/api/v1/taxonomy/", "/api/v1/alliances/", "/api/v1/schools/", "/api/v1/themes/",
            "/api/v1/measures/", "/api/v1/projects/", "/api/v1/projects/?status=bogus", "/api/v1/follows/",
            "/api/v1/feed/", "/api/v1/findings/", "/api/v1/findings/?evidence_strength=9", "/api/v1/auth/session/"]
    for alliance in Alliance.objects.all():
        urls += [f"/api/v1/alliances/{alliance.id}/", f"/api/v1/alliances/{alliance.id}/synthesis/",
                 f"/api/v1/alliances/{alliance.id}/synthesis/?method=reml", f"/api/v1/alliances/{alliance.id}/pipeline/",
                 f"/api/v1/alliances/{alliance.id}/charts/forest.json"]
    for project in Project.objects.all():
        urls += [f"/api/v1/projects/{project.id}/{suffix}" for suffix in PROJECT_SUFFIXES]
        upload = project.outcome_uploads.first()
        if upload is not None:
            urls.append(f"/api/v1/projects/{project.id}/outcome-uploads/{upload.id}/")
    for publication in Publication.objects.all():
        urls += [f"/api/v1/findings/{publication.slug}/", f"/api/v1/findings/{publication.slug}/results.json",
                 f"/api/v1/findings/{publication.slug}/charts/effects.json"]
    urls += ["/api/v1/evidence-map/", "/api/v1/evidence-map/?phase=ks2&min_padlocks=1",
             "/api/v1/evidence-map/?phase=bogus", "/api/v1/evidence-map/learning-environment--attainment--ks2/",
             "/api/v1/evidence-map/learning-environment--attainment--ks2/charts/forest.json",
             "/api/v1/evidence-map/no-such--strand--ks2/", "/api/v1/partnerships/", "/api/v1/hubs/"]
    urls += [f"/api/v1/partnerships/{p.id}/" for p in Partnership.objects.all()]
    urls += [f"/api/v1/hubs/{hub.id}/{part}/" for hub in Hub.objects.all() for part in ("pipeline", "synthesis")]
    urls += [f"/api/v1/projects/{share.project_id}/shares/" for share in SharedProject.objects.all()]
    return urls


def test_the_answers_fit_the_schema(demo, schema, api):
    # given the demo alliance, a follow (for the feed) and a withdrawn finding beside the published ones
    validator = validator_for(schema)
    who = people()
    assert api(who["teacher.a"]).post("/api/v1/follows/", {"kind": "alliance", "target_id": Alliance.objects.get(
        slug="northfield").id}, format="json").status_code == 201
    published = Project.objects.get(title="Daily times tables practice")
    assert api(who["alliance.lead"]).post(f"/api/v1/projects/{published.id}/transitions/", {
        "action": "unpublish", "comment": "A school's scores were entered twice."}, format="json").status_code == 200
    # when every read route is read by every role
    failures, checked = [], 0
    for name, user in who.items():
        client = api(user)
        for url in read_urls():
            response = client.get(url)
            failures += check(schema, validator, "get", url, response)
            checked += 1
    # and pupil data is uploaded: a dry run, a file with problems, a stored replacement
    project = Project.objects.get(title="Verbal or visual feedback")
    measure = Measure.objects.get(alliance=project.alliance, name="Writing assessment")
    url = f"/api/v1/projects/{project.id}/outcome-uploads/"
    for sample, extra, status in (("baseline-with-names.csv", {"dry_run": "true"}, 200), ("broken.csv", {}, 400),
                                  ("baseline-semicolon.csv", {"mode": "replace"}, 201)):
        file = SimpleUploadedFile(sample, (SAMPLES / sample).read_bytes(), content_type="text/csv")
        response = api(who["teacher.a"]).post(url, {"file": file, "stage": "dissemination", "measure": measure.id,
                                                    **extra}, format="multipart")
        assert response.status_code == status, (sample, response.content[:500])
        failures += check(schema, validator, "post", url, response)
    response = api(who["teacher.a"]).post(url, {"stage": "dissemination"}, format="multipart")
    assert response.status_code == 400
    failures += check(schema, validator, "post", url, response)
    # then every answer fits its schema (and the sweep did read what it meant to)
    assert checked > 500
    assert failures == [], "\n".join(failures[:40])


def test_refusals_found_by_schemathesis_fit_the_schema(demo, schema, api):
    # given the demo alliance, its lead and staff
    validator = validator_for(schema)
    who = people()
    alliance = Alliance.objects.get(slug="northfield")
    url = f"/api/v1/alliances/{alliance.id}/schools/import/"
    # when the lead sends the schools import form without a file, then a list with a bad URN
    no_file = api(who["alliance.lead"]).post(url, {}, format="multipart")
    bad_row = api(who["alliance.lead"]).post(url, {"file": SimpleUploadedFile(
        "schools.csv", b"URN,Name,Phase,Region\n12345,Short URN School,primary,North\n", content_type="text/csv")},
        format="multipart")
    # then both are 400s, each in its own documented shape
    assert no_file.status_code == 400 and isinstance(no_file.json()["errors"], dict)
    assert bad_row.status_code == 400 and bad_row.json()["code"] == "invalid_file"
    failures = check(schema, validator, "post", url, no_file) + check(schema, validator, "post", url, bad_row)
    # and staff changing the absence codes of an alliance that does not exist get 404, not a server error
    missing = api(who["admin"]).patch("/api/v1/alliances/999999999/import-settings/", {"absence_codes": []},
                                      format="json")
    assert missing.status_code == 404
    failures += check(schema, validator, "patch", "/api/v1/alliances/999999999/import-settings/", missing)
    assert failures == [], "\n".join(failures)


def test_the_project_list_answers_exactly_its_declared_fields(world, api):
    # given the project list, built by hand from plain rows for speed
    rows = api(world.user("member")).get("/api/v1/projects/").json()["results"]
    assert rows
    # then each row has exactly the fields ProjectListOut declares, and so do its nested parts
    for row in rows:
        assert set(row) == set(ProjectListOut().fields)
        assert set(row["alliance"]) == set(AllianceRefOut().fields)
        assert set(row["lead"]) == set(UserRefOut().fields)
        assert all(set(school) == set(SchoolRefOut().fields) for school in row["schools"])


# --- every shape the analysis can give, not only the demo's ---------------------------------------

def pupils_frame(groups: dict, *, schools: int = 1, stages=("theory", "dissemination"), start: float = 40.0):
    """Rows for {group: pupils}: each pupil scored at `stages`, spread over `schools`, some flagged."""
    rows = []
    for group, count in groups.items():
        for i in range(count):
            for k, stage in enumerate(stages):
                gain = k * (3 if group == "intervention" else 1)
                rows.append({"pupil_key": f"{group}-{i}", "school_id": 1 + i % schools, "group": group,
                             "stage": stage, "measure_id": 1, "score": start + i * 1.37 + gain,
                             "disadvantaged": i % 3 == 0, "send": i % 4 == 0, "eal": None, "year_group": 5})
    return pd.DataFrame(rows, columns=["pupil_key", "school_id", "group", "stage", "measure_id", "score",
                                       "disadvantaged", "send", "eal", "year_group"])


CRITERIA = [
    {"measure": 1, "statistic": "effect_size", "comparison": ">=", "threshold": 0.2, "score": None, "subgroup": None},
    {"measure": 1, "statistic": "mean_change", "comparison": ">=", "threshold": 2, "subgroup": "disadvantaged"},
    {"measure": 1, "statistic": "percent_at_or_above", "comparison": ">=", "threshold": 50, "score": 45,
     "subgroup": "send"},
]
FRAMES = {
    "between groups, one school": lambda: pupils_frame({"intervention": 24, "comparison": 22}),
    "between groups, four schools": lambda: pupils_frame({"intervention": 24, "comparison": 24}, schools=4),
    "no baseline": lambda: pupils_frame({"intervention": 12, "comparison": 12}, stages=("dissemination",)),
    "no comparison group": lambda: pupils_frame({"intervention": 15}),
    "groups under the minimum cell": lambda: pupils_frame({"intervention": 4, "comparison": 3}),
    "baseline only": lambda: pupils_frame({"intervention": 9, "comparison": 9}, stages=("theory",)),
    "no rows": lambda: pupils_frame({}),
}


@pytest.mark.parametrize("case", FRAMES)
def test_every_shape_of_results_fits_the_schema(db, schema, case):
    import json

    from research.analysis import project_results
    from research.analysis.public_view import public_results
    from research.analysis.types import MeasureInfo

    # given pupil rows of one kind of design, and success criteria on the measure
    measures = [MeasureInfo(1, "Reading age", "attainment", 0, 100, True, "marks")]
    frame = FRAMES[case]()
    validator = validator_for(schema).evolve(schema={"$ref": "#/components/schemas/ResultsOut"})
    # when the member view and the view outside the group are worked out, and sent as JSON
    member = project_results(frame, measures, 6, criteria=CRITERIA)
    outsiders = public_results(frame, measures, 6, criteria=CRITERIA).view
    # then both fit the schema of /results/
    for view in (member, outsiders):
        body = json.loads(json.dumps(view, default=str))
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(body)]
        assert errors == [], f"{case}, {view['view']}:\n" + "\n".join(errors[:10])
