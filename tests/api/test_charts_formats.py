"""GET /projects/{id}/charts/{name}.{svg,png,json,csv}: every chart in every format, parsed."""
import csv
import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from .results_support import CHARTS, chart_url, freeze_for_outsiders, make_pupils, upload_all

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
COLUMNS = {
    "trajectory": ["measure", "stage", "group", "n", "mean", "ci_low", "ci_high", "note"],
    "distribution": ["measure", "stage", "group", "n", "min", "q1", "median", "q3", "max", "note"],
    "effects": ["measure_id", "measure", "kind", "metric", "design", "n", "n_intervention", "n_comparison", "g",
                "ci_low", "ci_high", "months", "weaker_evidence", "note"],
    "gap": ["measure", "stage", "group", "subgroup", "n", "mean", "gap", "note"],
}
AXIS_LABELS = {
    "trajectory": ["Stage", "Mean score"],
    "distribution": ["Stage", "Score"],
    "effects": ["Hedges' g with 95% CI (positive = better for the intervention group)"],
    "gap": ["Stage: intervention group", "Stage: comparison group", "Mean score"],
}
SERIES = {  # ids the charts give their drawn series
    "trajectory": ["series-intervention", "series-comparison", "ci-intervention", "ci-comparison"],
    "distribution": ["box-intervention-theory", "box-comparison-dissemination"],
    "effects": [],
    "gap": [],
}
# Outside the project, groups of 12 show no quartiles (under 20 pupils): the mean and its CI instead.
OUTSIDER_SERIES = {**SERIES, "distribution": ["mean-intervention-theory", "mean-ci-comparison-dissemination"]}
N_LABEL = {"trajectory": "n=12", "distribution": "n=12", "gap": "n=6", "effects": "n=24"}
ROWS = {"trajectory": 6, "distribution": 6, "effects": 1, "gap": 12}  # 3 stages x 2 groups (x 2 subgroups)


@pytest.fixture
def charted(world, api):
    """A project with two groups of 12 (6 disadvantaged each) at every stage: nothing suppressed."""
    project = world.projects["dissemination"]
    data = (make_pupils(12, group="intervention", start=0, disadvantaged=6, base=41.0)
            + make_pupils(12, group="comparison", start=100, disadvantaged=6, base=40.0, step=1.5113))
    upload_all(api(world.user("member")), project, data, world.measure)
    freeze_for_outsiders(project)
    return project


@pytest.fixture(params=["member", "teacher"])
def viewer(request, world, api):
    client = api(world.user(request.param))
    client.series = SERIES if request.param == "member" else OUTSIDER_SERIES
    return client


@pytest.mark.parametrize("name", CHARTS)
def test_svg_is_valid_with_question_labels_and_series(world, charted, viewer, name):
    # given a project with data in both groups
    # when a viewer fetches the chart as SVG
    response = viewer.get(chart_url(charted, name, "svg"))
    # then it is SVG that parses, titled by the project's title with the research question under it, with
    # labelled axes and the series drawn
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    texts = [text.strip() for text in root.itertext() if text.strip()]
    assert charted.title in texts and charted.research_question in " ".join(texts)
    assert root.find(f"{SVG}title").text == charted.title
    for label in AXIS_LABELS[name]:
        assert label in texts, (label, texts)
    ids = {element.get("id") for element in root.iter()}
    assert set(viewer.series[name]) <= ids
    # and n is shown beside what is drawn (12 per group; 6 per subgroup in the gap; 24 in all for an effect)
    assert any(text.startswith(N_LABEL[name]) for text in texts), texts


@pytest.mark.parametrize("name", CHARTS)
def test_png_decodes_to_1200_by_675(charted, viewer, name):
    # when a viewer fetches the chart as PNG
    response = viewer.get(chart_url(charted, name, "png"))
    # then it is a PNG (signature) that Pillow decodes at slide size, with the alt text embedded
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(response.content))
    image.load()
    assert image.format == "PNG" and image.size == (1200, 675)
    assert image.text["Title"] == charted.title and image.text["Description"]


@pytest.mark.parametrize("name", CHARTS)
def test_csv_header_is_the_columns(charted, viewer, name):
    # when a viewer downloads the chart's data as CSV
    response = viewer.get(chart_url(charted, name, "csv"))
    # then the header is the chart's columns and there is a row per plotted value
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == COLUMNS[name]
    assert len(rows) - 1 == ROWS[name]
    assert all(len(row) == len(COLUMNS[name]) for row in rows)


@pytest.mark.parametrize("name", CHARTS)
def test_json_has_alt_text_columns_and_table(charted, viewer, name):
    # when a viewer asks for the chart's text alternative and data
    response = viewer.get(chart_url(charted, name, "json"))
    # then it has alt text, the columns, and a table of rows keyed by those columns, matching the CSV
    assert response.status_code == 200
    body = response.json()
    assert body["alt_text"] and body["title"] == charted.title
    assert body["columns"] == COLUMNS[name]
    assert len(body["table"]) == ROWS[name]
    assert all(set(row) == set(COLUMNS[name]) for row in body["table"])
    csv_rows = list(csv.DictReader(io.StringIO(viewer.get(chart_url(charted, name, "csv")).content.decode())))
    assert [row["n"] for row in csv_rows] == [str(row["n"]) for row in body["table"]]


def test_trajectory_csv_values_are_the_results(world, api, charted):
    # given the results a member sees
    member = api(world.user("member"))
    measure = member.get(f"/api/v1/projects/{charted.pk}/results/").json()["measures"][0]
    # when they download the trajectory data
    rows = list(csv.DictReader(io.StringIO(member.get(chart_url(charted, "trajectory", "csv")).content.decode())))
    # then each row's n, mean and CI are the results' descriptives
    for row in rows:
        found = next(c for c in measure["descriptives"] if (c["stage"], c["group"]) == (row["stage"], row["group"]))
        assert int(row["n"]) == found["n"]
        for key in ("mean", "ci_low", "ci_high"):
            assert float(row[key]) == found[key]


def test_csv_escapes_formulas_but_not_negative_numbers(world, api):
    # given a measure whose name a spreadsheet would run as a formula, chosen by the project
    project = world.projects["dissemination"]
    lead = api(world.user("alliance_lead"))
    created = lead.post("/api/v1/measures/", {"alliance": world.alliance.pk, "name": "=HYPERLINK(\"x\")",
                                              "kind": "attainment", "scale_min": 0, "scale_max": 100}, format="json")
    assert created.status_code == 201, created.json()
    evil = created.json()["id"]
    patched = api(world.user("project_lead")).patch(f"/api/v1/projects/{project.pk}/",
                                                    {"measures": [world.measure.pk, evil]}, format="json")
    assert patched.status_code == 200, patched.json()
    # and data in which the intervention does worse (so g is negative)
    data = (make_pupils(8, group="intervention", start=0, base=30.0, stages=("dissemination",))
            + make_pupils(8, group="comparison", start=100, base=50.0, stages=("dissemination",)))
    upload_all(api(world.user("member")), project, data, evil, stages=("dissemination",))
    # when a member downloads the trajectory and effects data
    member = api(world.user("member"))
    trajectory = member.get(chart_url(project, "trajectory", "csv") + f"?measure={evil}").content.decode()
    effects = list(csv.DictReader(io.StringIO(member.get(chart_url(project, "effects", "csv")).content.decode())))
    # then the name is quoted as text, and a negative g stays a number
    assert all(row[0] == "'=HYPERLINK(\"x\")" for row in list(csv.reader(io.StringIO(trajectory)))[1:])
    evil_row = next(row for row in effects if row["measure_id"] == str(evil))
    assert evil_row["measure"].startswith("'=")
    assert evil_row["g"].startswith("-") and float(evil_row["g"]) < 0


@pytest.mark.parametrize("fmt", ["svg", "png", "json", "csv"])
def test_unknown_chart_is_a_json_404(world, api, charted, fmt):
    # when a chart that does not exist is asked for
    response = api(world.user("member")).get(chart_url(charted, "pie", fmt))
    # then the answer is a 404 in JSON, naming the charts there are
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "trajectory" in response.json()["detail"]


@pytest.mark.parametrize("name", ["trajectory", "distribution", "gap"])
def test_measure_not_in_the_project_is_400(world, api, charted, name):
    # given a measure id the project does not use
    # when a chart is asked for with it
    response = api(world.user("member")).get(chart_url(charted, name, "svg") + "?measure=987654")
    bad = api(world.user("member")).get(chart_url(charted, name, "csv") + "?measure=abc")
    # then the answer is 400, about the measure
    assert response.status_code == 400 and bad.status_code == 400
    assert "measure" in str(response.json()) and "measure" in str(bad.json())


def test_charts_of_a_project_without_data_say_so(world, api):
    # given a project with no outcome data
    project = world.projects["progress"]
    # when its charts are fetched
    member = api(world.user("member"))
    svg = member.get(chart_url(project, "trajectory", "svg"))
    rows = list(csv.reader(io.StringIO(member.get(chart_url(project, "trajectory", "csv")).content.decode())))
    # then the SVG is still valid and says there is nothing yet, and the CSV is just a header
    assert svg.status_code == 200
    texts = list(ET.fromstring(svg.content).itertext())
    assert any("No data" in text for text in texts)
    assert rows == [COLUMNS["trajectory"]]
