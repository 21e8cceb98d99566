"""GET /alliances/{id}/charts/{forest,pipeline,collaboration}.{svg,png,json,csv}, as each viewer may see them.

The world's alliance has one project in every status, each with the project lead's school and
the member's school in it; `pooled_projects` adds three dissemination projects with data.
"""
import csv
import io
import math
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from research.models import School

from .results_support import (dissemination_project, final_pupils, freeze_for_outsiders, group, publish,
                              synthesis_url, upload)
from .results_support import pooled_projects  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

ALLIANCE_CHARTS = ("forest", "pipeline", "collaboration")
FORMATS = ["svg", "png", "json", "csv"]
STATUSES = ["proposed", "theory", "progress", "dissemination", "published", "declined", "withdrawn"]
TERM = "Any term 2025/26"  # the world's projects name a year but no term


def url(world, name, fmt, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/api/v1/alliances/{world.alliance.pk}/charts/{name}.{fmt}" + (f"?{query}" if query else "")


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ALLIANCE_CHARTS)
def test_every_alliance_chart_answers_and_revalidates(world, api, pooled_projects, name, fmt):
    # given an alliance with projects, some with data
    client = api(world.user("teacher"))
    # when a chart is fetched, then fetched again with its ETag
    first = client.get(url(world, name, fmt))
    again = client.get(url(world, name, fmt), HTTP_IF_NONE_MATCH=first["ETag"])
    # then the first answer is the chart in that format, the second a bodiless 304
    assert first.status_code == 200 and first.content
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    if fmt == "svg":
        root = ET.fromstring(first.content)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert any(world.alliance.name in text for text in root.itertext())
    elif fmt == "png":
        assert Image.open(io.BytesIO(first.content)).size == (1200, 675)
    elif fmt == "json":
        body = first.json()
        assert body["alt_text"] and body["columns"] and body["table"]
    else:
        assert csv_rows(first)


@pytest.mark.parametrize("role", ["teacher", "alliance_lead", "staff", "member"])
def test_pipeline_counts_every_project_for_alliance_members(world, api, role):
    # given the world's alliance, one project in each status
    # when someone in the alliance (or staff) downloads the pipeline data
    rows = csv_rows(api(world.user(role)).get(url(world, "pipeline", "csv")))
    # then each status is counted once, in lifecycle order, for the one term
    assert [(r["term_label"], r["status"], r["count"]) for r in rows] == [(TERM, s, "1") for s in STATUSES]


@pytest.mark.parametrize("role", ["anonymous", "other"])
def test_pipeline_and_collaboration_show_outsiders_published_projects_only(world, api, role):
    # given the world's alliance, whose only published project has two schools in it
    client = api(world.user(role))
    # when someone outside the alliance downloads the pipeline and collaboration data
    pipeline = csv_rows(client.get(url(world, "pipeline", "csv")))
    collaboration = csv_rows(client.get(url(world, "collaboration", "csv")))
    # then only the published project is counted
    assert [(r["status"], r["count"]) for r in pipeline] == [("published", "1")]
    assert [r["projects"] for r in collaboration] == ["1"]


def test_collaboration_counts_the_projects_two_schools_share(world, api):
    # given every world project run by the project lead's school and the member's school together
    lead_school = School.objects.get(project_memberships__user=world.user("project_lead"),
                                     project_memberships__project=world.projects["theory"])
    member_school = School.objects.get(project_memberships__user=world.user("member"),
                                       project_memberships__project=world.projects["theory"])
    # when an alliance member downloads the collaboration data
    rows = csv_rows(api(world.user("teacher")).get(url(world, "collaboration", "csv")))
    # then there is one pair, with all seven projects
    assert len(rows) == 1
    assert {rows[0]["school_a"], rows[0]["school_b"]} == {lead_school.name, member_school.name}
    assert rows[0]["projects"] == "7"


def test_forest_rows_are_the_synthesis(world, api, pooled_projects):
    # given three pooled projects and one whose 4-pupil comparison group keeps it out
    small = dissemination_project(world, "Small comparison")
    upload(api(world.user("member")), small, final_pupils(49.0, 41.0, 3.7, comparison_n=4, start=7000),
           "dissemination", world.measure)
    freeze_for_outsiders(small)
    client = api(world.user("teacher"))
    pooled = group(client.get(synthesis_url(world)).json())
    # when the forest plot's data are downloaded
    rows = csv_rows(client.get(url(world, "forest", "csv")))
    # then there is a row per pooled project, one for the excluded project (with its reason), and the pooled row
    assert [r["row"] for r in rows] == ["project"] * 3 + ["excluded", "pooled"]
    by_id = {p["project_id"]: p for p in pooled["projects"]}
    for row in rows[:3]:
        assert math.isclose(float(row["g"]), by_id[int(row["project_id"])]["g"], abs_tol=1e-12)
    assert rows[3]["project_id"] == str(small.pk) and rows[3]["g"] == "" and rows[3]["note"]
    assert math.isclose(float(rows[4]["g"]), pooled["g"], abs_tol=1e-12)
    assert math.isclose(float(rows[4]["tau2"]), pooled["tau2"], abs_tol=1e-12)
    assert rows[4]["n"] == "48"  # 3 projects x 16 pupils


def test_forest_for_outsiders_holds_published_projects_only(world, api, pooled_projects):
    # given one of the three projects published
    published, _ = pooled_projects["Pooled two"]
    publish(api, world, published)
    # when an anonymous visitor downloads the forest data
    rows = csv_rows(api(None).get(url(world, "forest", "csv")))
    # then only that project is in it, and there is no pooled row for a single project
    assert [(r["row"], r["label"]) for r in rows] == [("project", "Pooled two")]


def test_forest_etag_follows_the_data(world, api, pooled_projects):
    # given the forest plot's ETag
    client = api(world.user("teacher"))
    before = client.get(url(world, "forest", "svg"))["ETag"]
    # when a fourth project uploads data, the tag holds (pooled figures wait for a status change)
    extra = dissemination_project(world, "Pooled four")
    upload(api(world.user("member")), extra, final_pupils(55.0, 50.0, 1.2, start=6000), "dissemination",
           world.measure)
    assert client.get(url(world, "forest", "svg"), HTTP_IF_NONE_MATCH=before).status_code == 304
    # and once its view is frozen, the old tag no longer earns a 304, and the new chart has the fourth project
    freeze_for_outsiders(extra)
    response = client.get(url(world, "forest", "svg"), HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200 and response["ETag"] != before
    assert len([r for r in csv_rows(client.get(url(world, "forest", "csv"))) if r["row"] == "project"]) == 4


def test_forest_etag_differs_between_viewers_who_see_different_projects(world, api, pooled_projects):
    # given one published project among three
    publish(api, world, pooled_projects["Pooled one"][0])
    # when an alliance member and an anonymous visitor fetch the forest plot
    inside = api(world.user("teacher")).get(url(world, "forest", "svg"))["ETag"]
    outside = api(None).get(url(world, "forest", "svg"))
    # then their tags differ, and the member's tag does not earn the visitor a 304
    assert outside["ETag"] != inside
    assert api(None).get(url(world, "forest", "svg"), HTTP_IF_NONE_MATCH=inside).status_code == 200


def test_forest_measure_kind(world, api, pooled_projects):
    # when the forest plot is asked for a kind no project measures, and for an unknown kind
    client = api(world.user("teacher"))
    empty = csv_rows(client.get(url(world, "forest", "csv", measure_kind="attendance")))
    unknown = client.get(url(world, "forest", "svg", measure_kind="reading"))
    # then the first is a valid chart with nothing to pool, the second a 400
    assert empty == []
    assert unknown.status_code == 400 and "measure_kind" in str(unknown.json())


@pytest.mark.parametrize("fmt", ["svg", "png", "json", "csv"])
def test_unknown_alliance_chart_is_a_json_404(world, api, fmt):
    # when a chart the alliance does not have is asked for
    response = api(world.user("teacher")).get(url(world, "map", fmt))
    # then the answer is a 404 in JSON that lists the charts there are
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert "forest" in response.json()["detail"]


def test_unknown_alliance_is_404(api):
    # when the charts of an alliance that does not exist are asked for
    response = api(None).get("/api/v1/alliances/987654/charts/pipeline.svg")
    # then the answer is 404
    assert response.status_code == 404
