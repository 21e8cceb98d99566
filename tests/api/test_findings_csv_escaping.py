"""Issue 5: every CSV the product writes escapes spreadsheet formulas; real numbers stay numbers.

Text a user controls (measure names, a project title) reaches: a finding's results.csv, a
finding's chart CSVs, a project's chart CSVs, the alliance forest chart CSV and the outcomes
export. Each such cell that starts with =, +, -, @, a tab or a carriage return gets a leading ',
while negative scores, means and effect sizes are written as plain numbers.
"""
import pytest

from research.models import Measure

from ..factories import MeasureFactory
from .findings_support import (chart_names, chart_url, csv_table, project_in_dissemination, publish, results_url,
                               spread, upload_scores, uploader)
from .results_support import freeze_for_outsiders
from .test_outcomes_support import outcomes_url

pytestmark = pytest.mark.django_db

PAYLOADS = ["=cmd()", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
ESCAPED = {"'" + p for p in PAYLOADS}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would evaluate: a formula start, unless the whole cell is a number starting with -."""
    bad = []
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_STARTS) and not (cell.startswith("-") and is_number(cell)):
                bad.append(cell)
    return bad


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def column(rows, name) -> list[str]:
    at = rows[0].index(name)
    return [row[at] for row in rows[1:]]


def negative_numbers(rows, name) -> list[float]:
    return [float(v) for v in column(rows, name) if v.startswith("-") and is_number(v)]


@pytest.fixture
def formula_project(world, api):
    """A project in dissemination with one measure per payload name (scale -10..10) and negative scores."""
    measures = [MeasureFactory(alliance=world.alliance, name=name, scale_min=-10, scale_max=10) for name in PAYLOADS]
    project = project_in_dissemination(api, world, measures=measures, title="Negative numbers")
    for measure in measures:
        upload_scores(api, world, project, measure, {"intervention": spread(-4.3, 8, 3),
                                                     "comparison": spread(-2.1, 8, 3)})
    freeze_for_outsiders(project)
    return project, measures


def get_csv(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.content[:300])
    assert response["Content-Type"].startswith("text/csv")
    return csv_table(response)


def test_the_payloads_are_stored_as_written(formula_project):
    # given the fixture / then the measure names really start with the formula characters
    _, measures = formula_project
    assert sorted(Measure.objects.filter(pk__in=[m.pk for m in measures]).values_list("name", flat=True)) == \
        sorted(PAYLOADS)


def test_the_outcomes_export_escapes_measure_names_and_keeps_negative_scores(formula_project, world, api):
    # given pupil rows under formula-named measures, with negative scores
    project, _ = formula_project
    # when a member downloads the outcomes as CSV
    rows = get_csv(api(uploader(world, project)), outcomes_url(project), format="csv")
    # then every measure cell is escaped, no cell would be evaluated, and scores are negative numbers
    assert set(column(rows, "measure")) == ESCAPED
    assert formula_cells(rows) == []
    scores = column(rows, "score")
    assert len(scores) == 6 * 16 and all(is_number(s) for s in scores)
    assert min(float(s) for s in scores) == -5.8


def test_project_chart_csvs_escape_measure_names(formula_project, world, api):
    # given the project's charts, as a member and as another teacher of the alliance see them
    project, measures = formula_project
    for user in (uploader(world, project), world.user("teacher")):
        client = api(user)
        base = f"/api/v1/projects/{project.pk}/charts/"
        effects = get_csv(client, base + "effects.csv")
        # then the effects table names every measure, escaped, with negative effect sizes as numbers
        assert set(column(effects, "measure")) == ESCAPED
        assert formula_cells(effects) == []
        assert len(negative_numbers(effects, "g")) == 6
        for measure in measures:
            for name in ("trajectory", "distribution", "gap"):
                # and every per-measure chart escapes its measure's name
                rows = get_csv(client, f"{base}{name}.csv", measure=measure.pk)
                assert formula_cells(rows) == [], (name, measure.name)
                assert set(column(rows, "measure")) <= {"'" + measure.name}, (name, measure.name)
        trajectory = get_csv(client, base + "trajectory.csv", measure=measures[0].pk)
        assert negative_numbers(trajectory, "mean")


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # a tab or CR in a measure name, drawn
def test_a_findings_results_and_chart_csvs_escape_measure_names(formula_project, world, api):
    # given the project published
    project, measures = formula_project
    publication = publish(api, world, project)
    client = api(None)
    # when its results are downloaded as CSV
    results = get_csv(client, results_url(publication.slug, "csv"))
    # then every measure cell is escaped, nothing would be evaluated, and negative means and g are numbers
    assert set(column(results, "measure")) == ESCAPED
    assert formula_cells(results) == []
    assert len(negative_numbers(results, "mean")) >= 12 and len(negative_numbers(results, "g")) >= 6
    # and so is every chart's CSV
    charts = chart_names(publication)
    assert len(charts) == 1 + 3 * 6
    for name, measure in charts:
        rows = get_csv(client, chart_url(publication.slug, name, "csv"), **({"measure": measure} if measure else {}))
        assert formula_cells(rows) == [], (name, measure)
        assert set(column(rows, "measure")) <= ESCAPED and column(rows, "measure"), (name, measure)


def test_the_alliance_forest_csv_escapes_project_titles(formula_project, world, api):
    project, _ = formula_project
    for title in PAYLOADS:
        # given the project renamed to a formula (its lead may edit the title; the API trims a leading tab or CR)
        response = api(world.user("project_lead")).patch(f"/api/v1/projects/{project.pk}/", {"title": title},
                                                         format="json")
        assert response.status_code == 200, response.content
        stored = type(project).objects.get(pk=project.pk).title
        # when the alliance forest chart's data is downloaded
        rows = get_csv(api(world.user("alliance_lead")), f"/api/v1/alliances/{world.alliance.pk}/charts/forest.csv")
        # then the project's row is labelled with its title, escaped if it is a formula, and nothing is evaluated
        assert formula_cells(rows) == [], title
        expected = "'" + stored if stored.startswith(FORMULA_STARTS) else stored
        assert expected in column(rows, "label"), (title, column(rows, "label"))
        assert negative_numbers(rows, "g")
