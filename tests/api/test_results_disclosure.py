"""Disclosure control at the API: a 4-pupil comparison group never reaches anyone outside the project.

Scenario: intervention 10 pupils (4 disadvantaged, 6 not), comparison 4 pupils (2 and 2), scores
at all three stages, uploaded through the API. The alliance's minimum cell is the default 6.
A non-member must not see any value of the comparison cells, nor of the 4-pupil disadvantaged
intervention subgroup, nor of its 6-pupil complement (the intervention total is shown, so the
complement's mean would give the 4 pupils' mean by differencing).
"""
import csv
import io
import math
import re
import statistics
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from .results_support import (CHARTS, freeze_for_outsiders, MEMBERS, NON_MEMBERS_ALL, NON_MEMBERS_PUBLISHED, STAGES, cell,
                              chart_url, csv_numbers, describe, hedges, leaked, make_pupils, numbers_in, publish,
                              results_url, scores_of, strings_in, upload_all)

pytestmark = pytest.mark.django_db

MARKER = "c"
LABELS = {"cell", "stage", "group", "subgroup", "comparison", "from_stage", "to_stage", "metric", "label", "design",
          "criterion", "met", "threshold", "sample", "depends_on", "public"}


def pupils():
    return (make_pupils(10, group="intervention", start=0, disadvantaged=4, base=41.0)
            + make_pupils(4, group="comparison", start=100, disadvantaged=2, base=17.0, step=2.3917))


def secrets(pupils) -> list[float]:
    """Every aggregate a non-member must not learn, computed here from the uploaded scores."""
    values = []
    for stage in STAGES:
        comparison = scores_of(pupils, stage, "comparison")
        values += [describe(comparison)["mean"], describe(comparison)["sd"],
                   *statistics.quantiles(comparison, n=4, method="inclusive")]
        for group in ("intervention", "comparison"):
            for flag in (True, False):
                sub = describe(scores_of(pupils, stage, group, disadvantaged=flag))
                values += [sub["mean"], sub["sd"]]
            values.append(describe(scores_of(pupils, stage, group, False))["mean"]
                          - describe(scores_of(pupils, stage, group, True))["mean"])  # the gap
        if stage != "theory":
            gains = [b - a for a, b in zip(scores_of(pupils, "theory", "comparison"),
                                           scores_of(pupils, stage, "comparison"))]
            values += [statistics.fmean(gains), statistics.stdev(gains)]
    values.append(hedges(scores_of(pupils, "dissemination", "intervention"),
                         scores_of(pupils, "dissemination", "comparison"))[0])
    return values


def raw_comparison_scores(pupils) -> list[float]:
    return [score for p in pupils if p.group == "comparison" for score in p.scores.values()]


def formatted(values, digits=(1, 2)) -> set[str]:
    return {f"{v:.{d}f}" for v in values for d in digits}


def text_numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+\.\d+", text))


@pytest.fixture
def small_group(world, api):
    """The dissemination project with the scenario's data in it (uploaded by a member)."""
    project = world.projects["dissemination"]
    data = pupils()
    upload_all(api(world.user("member")), project, data, world.measure)
    freeze_for_outsiders(project)
    return project, data


@pytest.fixture(params=[*NON_MEMBERS_ALL, *NON_MEMBERS_PUBLISHED])
def outsider(request, world, api, small_group):
    """(client, project, pupils) for each non-member role; anonymous and other need it published."""
    project, data = small_group
    if request.param in NON_MEMBERS_PUBLISHED:
        publish(api, world, project)
    return api(world.user(request.param)), project, data


def assert_redacted(found: dict):
    hidden = {key: value for key, value in found.items() if key not in LABELS}
    assert hidden and all(value == MARKER for value in hidden.values()), found


def suppressed_cells(measure: dict) -> list[dict]:
    cells = [c for c in measure["descriptives"] + measure["gains"] + measure["attrition"]
             if c["group"] == "comparison"]
    cells += measure["gap"]["subgroups"] + measure["gap"]["gaps"]
    return cells + [measure["effects"]["final"], measure["effects"]["gain"], measure["baseline_equivalence"]]


@pytest.mark.parametrize("role", MEMBERS)
def test_members_see_the_small_group(world, api, small_group, role):
    # given the 4-pupil comparison group
    project, data = small_group
    # when a project member asks for the results
    body = api(world.user(role)).get(results_url(project)).json()
    # then they see its cells, and every secret value is in the response (so the walker below can find them)
    measure = body["measures"][0]
    assert body["view"] == "member"
    final = cell(measure["descriptives"], stage="dissemination", group="comparison")
    assert final["n"] == 4 and final["public"] is False
    assert math.isclose(final["mean"], describe(scores_of(data, "dissemination", "comparison"))["mean"],
                        abs_tol=1e-9)
    assert leaked(numbers_in(body), secrets(data)) == secrets(data)
    # and the shown intervention total with its 6-pupil part gives the 4 disadvantaged pupils' mean away
    for stage in STAGES:
        total = cell(measure["descriptives"], stage=stage, group="intervention")
        part = {flag: cell(measure["gap"]["subgroups"], stage=stage, group="intervention", subgroup=flag)
                for flag in ("disadvantaged", "not disadvantaged")}
        assert (total["n"], part["not disadvantaged"]["n"], part["disadvantaged"]["n"]) == (10, 6, 4)
        recovered = (10 * total["mean"] - 6 * part["not disadvantaged"]["mean"]) / 4
        assert math.isclose(recovered, part["disadvantaged"]["mean"], abs_tol=1e-9)


def test_outsiders_get_c_in_the_results(outsider):
    # given a non-member who may see the project
    client, project, data = outsider
    # when they ask for the results
    response = client.get(results_url(project))
    # then every cell resting on the small group, or giving it away by differencing, is "c"
    assert response.status_code == 200
    body = response.json()
    measure = body["measures"][0]
    assert body["view"] == "non-member" and body["disclosure"]["marker"] == MARKER
    for found in suppressed_cells(measure):
        assert_redacted(found)
    # and so the 6-pupil complement of the 4 disadvantaged intervention pupils is withheld beside its shown total
    for stage in STAGES:
        assert cell(measure["descriptives"], stage=stage, group="intervention")["n"] == 10
        part = cell(measure["gap"]["subgroups"], stage=stage, group="intervention", subgroup="not disadvantaged")
        assert part["n"] == part["mean"] == part["sd"] == MARKER
    # and the large group's cells are still shown, with their n
    shown = cell(measure["descriptives"], stage="dissemination", group="intervention")
    assert shown["n"] == 10
    assert math.isclose(shown["mean"], describe(scores_of(data, "dissemination", "intervention"))["mean"],
                        abs_tol=1e-9)
    # and no secret number, and no raw comparison score, appears anywhere, as a number or in a sentence
    assert leaked(numbers_in(body), secrets(data) + raw_comparison_scores(data)) == []
    sentences = " ".join(strings_in(body))
    assert text_numbers(sentences) & formatted(secrets(data)) == set()


TABLE_LABELS = {"measure", "stage", "group", "subgroup", "note", "measure_id", "kind", "metric", "design",
                "weaker_evidence"}


def withheld_rows(name: str, rows: list[dict]) -> list[dict]:
    """The rows of a chart's table that rest on the small group (or give it away)."""
    if name in ("trajectory", "distribution"):
        return [row for row in rows if row["group"] == "comparison"]
    return rows  # gap: every subgroup is small or a complement; effects: the one row compares with the 4 pupils


@pytest.mark.parametrize("name", CHARTS)
def test_outsiders_get_c_in_every_chart_csv(outsider, name):
    # given a non-member
    client, project, data = outsider
    # when they download a chart's data as CSV
    response = client.get(chart_url(project, name, "csv"))
    # then the rows resting on the small group hold only "c" (and a note saying why)
    assert response.status_code == 200
    text = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    hidden = withheld_rows(name, rows)
    assert hidden
    for row in hidden:
        values = {key: value for key, value in row.items() if key not in TABLE_LABELS}
        assert values and set(values.values()) == {MARKER}, row
        assert row["note"].startswith("suppressed")
    # and the large group's rows are still there, with numbers
    if name in ("trajectory", "distribution"):
        assert {row["n"] for row in rows if row["group"] == "intervention"} == {"10"}
    # and no secret number, and no raw comparison score, appears anywhere in the file
    assert leaked(csv_numbers(text), secrets(data) + raw_comparison_scores(data)) == []


@pytest.mark.parametrize("name", CHARTS)
def test_outsiders_get_c_in_every_chart_json(outsider, name):
    # given a non-member
    client, project, data = outsider
    # when they ask for a chart's data as JSON
    response = client.get(chart_url(project, name, "json"))
    # then no secret number is in the table, and no formatted secret in the alt text
    assert response.status_code == 200
    body = response.json()
    assert leaked(numbers_in(body["table"]), secrets(data) + raw_comparison_scores(data)) == []
    assert text_numbers(body["alt_text"]) & formatted(secrets(data)) == set()
    for row in body["table"]:
        if row.get("group") == "comparison" or row.get("subgroup"):
            assert row["n"] == MARKER and row["note"].startswith("suppressed")


def svg_text(content: bytes) -> str:
    """All the text of an SVG: labels, title, alt text (dc:description); the XML must parse.

    The generator's name ("Matplotlib v3.11.2") is left out: its version is not data."""
    return re.sub(r"Matplotlib v[\d.]+", "", " ".join(ET.fromstring(content).itertext()))


@pytest.mark.parametrize("name", CHARTS)
def test_outsiders_never_see_the_small_group_in_images(outsider, name):
    # given a non-member
    client, project, data = outsider
    forbidden = formatted(secrets(data) + raw_comparison_scores(data))
    # when they fetch the chart as SVG and as PNG
    svg = client.get(chart_url(project, name, "svg"))
    png = client.get(chart_url(project, name, "png"))
    # then neither the drawing's text nor the PNG's embedded alt text holds a secret, to 1 or 2 decimals
    assert svg.status_code == png.status_code == 200
    assert text_numbers(svg_text(svg.content)) & forbidden == set()
    embedded = Image.open(io.BytesIO(png.content)).text
    assert text_numbers(embedded["Description"] + " " + embedded["Title"]) & forbidden == set()
    # and the comparison group's n is not printed next to a point
    assert "n=4" not in svg_text(svg.content)


@pytest.mark.parametrize("name", ["trajectory", "distribution", "gap"])
def test_members_see_the_small_group_in_images(world, api, small_group, name):
    # given a project member (the control for the test above: the same check does find the values)
    project, data = small_group
    # when they fetch the chart as SVG
    text = svg_text(api(world.user("member")).get(chart_url(project, name, "svg")).content)
    # then the comparison group's values are drawn and described
    assert text_numbers(text) & formatted(secrets(data)) != set()
    assert "n=4" in text or "n=2" in text


@pytest.mark.parametrize("role", NON_MEMBERS_PUBLISHED)
def test_outsiders_of_the_alliance_cannot_see_an_unpublished_project(world, api, small_group, role):
    # given the project before it is published
    project, _ = small_group
    client = api(world.user(role))
    # when anonymous or a member of another alliance asks for its results or a chart
    responses = [client.get(results_url(project)), client.get(chart_url(project, "trajectory", "csv"))]
    # then it does not exist for them
    assert [r.status_code for r in responses] == [404, 404]
