"""GET /projects/{id}/outcomes/?format=csv, and the formula escaping behind every CSV download."""
import csv
import io
import re

import pytest

from api.csv_export import escape_cell
from api.outcomes import CSV_HEADER

from ..factories import MeasureFactory
from .test_outcomes_support import (HEX64, csv_bytes, expected_keys, long_rows, outcomes_url, post_file,
                                    project_urns, pupils)


def export(client, project, **filters) -> tuple:
    response = client.get(outcomes_url(project), {"format": "csv", **filters})
    assert response.status_code == 200, response.content
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    return response, rows[0], rows[1:]


@pytest.mark.django_db
def test_export_has_a_header_and_one_row_per_record(world, api):
    # given 6 baseline pupils and 3 progress pupils
    project = world.projects["progress"]
    urns = project_urns(project)
    client = api(world.user("member"))
    ids = pupils(6)
    assert post_file(client, project, csv_bytes(long_rows(ids, urns)), measure=world.measure).status_code == 201
    assert post_file(client, project, csv_bytes(long_rows(pupils(3), urns)), measure=world.measure,
                     stage="progress").status_code == 201
    # when the group downloads the CSV
    response, header, rows = export(client, project)
    # then it is an attachment with the header, 9 rows, pupil keys (never ids) and school URNs
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert header == CSV_HEADER
    assert len(rows) == 9
    at = {name: i for i, name in enumerate(header)}
    assert all(re.match(HEX64, row[at["pupil_key"]]) for row in rows)
    assert {row[at["pupil_key"]] for row in rows if row[at["stage"]] == "theory"} == expected_keys(project, ids)
    assert {row[at["school_urn"]] for row in rows} == set(urns)
    assert {row[at["measure"]] for row in rows} == {"Maths test"}
    assert {row[at["disadvantaged"]] for row in rows} == {"yes", "no"}
    text = response.content.decode()
    assert not any(pid in text for pid in ids)


@pytest.mark.django_db
def test_export_obeys_filters(world, api):
    # given baseline and progress rows
    project = world.projects["progress"]
    urns = project_urns(project)
    client = api(world.user("member"))
    post_file(client, project, csv_bytes(long_rows(pupils(6), urns)), measure=world.measure)
    post_file(client, project, csv_bytes(long_rows(pupils(3), urns)), measure=world.measure, stage="progress")
    # when the CSV is asked for the progress stage only
    _, header, rows = export(client, project, stage="progress")
    # then only those 3 rows come back
    assert len(rows) == 3 and {row[0] for row in rows} == {"progress"}


@pytest.mark.django_db
def test_measure_names_are_escaped_and_negative_scores_stay_numbers(world, api):
    # given a measure whose name is a formula, on a -10..10 scale, and negative scores in a file
    project = world.projects["theory"]
    formula = MeasureFactory(alliance=world.alliance, name='=HYPERLINK("x")', scale_min=-10, scale_max=10)
    project.measures.add(formula)
    rows = long_rows(pupils(3), project_urns(project), score=lambda i: [-3.5, 0, 7][i])
    client = api(world.user("member"))
    assert post_file(client, project, csv_bytes(rows), measure=formula).status_code == 201
    # when the CSV is downloaded
    _, header, exported = export(client, project)
    at = {name: i for i, name in enumerate(header)}
    # then the measure cell starts with ' (no spreadsheet evaluates it), and -3.5 is a plain number
    assert {row[at["measure"]] for row in exported} == {"'=HYPERLINK(\"x\")"}
    assert sorted(float(row[at["score"]]) for row in exported) == [-3.5, 0.0, 7.0]
    assert "-3.5" in [row[at["score"]] for row in exported]


@pytest.mark.parametrize("value, expected", [
    ("=1+2", "'=1+2"),
    ("+44 20 7946 0000", "'+44 20 7946 0000"),
    ("-A1", "'-A1"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("plain", "plain"),
    ("a=b", "a=b"),
    ("", ""),
    (-3.5, "-3.5"),
    (-7, "-7"),
    (42, "42"),
    (0.25, "0.25"),
    (None, ""),
    (True, "yes"),
    (False, "no"),
])
def test_escape_cell(value, expected):
    # given a cell value / when it is escaped / then text that a spreadsheet would evaluate gets a leading '
    assert escape_cell(value) == expected
