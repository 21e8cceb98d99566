"""Distribution and trajectory charts when outsiders see part of a descriptive cell.

Under the partial disclosure model, people outside a project never see a cell's real min and
max ("c", or the keys left out), and see its quartiles as "c" for small groups, while n, mean,
sd and the 95% CI stay numbers. The results here are built by hand from a member's results.
"""

import io
import json

import pytest
from matplotlib.lines import Line2D
from PIL import Image

from research.charts import distribution, render, trajectory

from .builders import READING, TITLE, by_id, ids_with_prefix, member_results, parse_svg, texts

RANGE = ("min", "max")
QUARTILES = ("q1", "median", "q3")
BOX_COLUMNS = ("min", "q1", "median", "q3", "max")


def withheld(keys, groups=("intervention", "comparison"), *, left_out=False, results=None) -> dict:
    """Member results with ``keys`` of the groups' descriptive cells withheld ("c", or left out)."""
    results = results or member_results()
    for cell in results["measures"][0]["descriptives"]:
        if cell["group"] in groups:
            for key in keys:
                if left_out:
                    cell.pop(key, None)
                else:
                    cell[key] = "c"
    return results


def draw(spec) -> tuple:
    """The chart rendered to SVG (parsed) and PNG (checked whole)."""
    root = parse_svg(render(spec, "svg"))
    with Image.open(io.BytesIO(render(spec, "png"))) as image:
        image.load()
        assert image.size == (1200, 675)
    return root


def visible_lines(spec) -> list[Line2D]:
    return [line for line in spec.figure.axes[0].get_lines() if line.get_visible()]


def row(spec, group, stage) -> dict:
    return next(r for r in spec.table if (r["group"], r["stage"]) == (group, stage))


@pytest.mark.parametrize("left_out", [False, True], ids=["marked c", "left out"])
def test_range_withheld_draws_boxes_without_whiskers_and_says_so(left_out):
    # Given outsiders' results: every cell's min and max withheld, quartiles shown
    spec = distribution(withheld(RANGE, left_out=left_out), READING.id, title=TITLE)
    root = draw(spec)
    # Then all six boxes are drawn, and the only lines left are the medians (no whiskers, no caps)
    assert len(ids_with_prefix(root, "box-")) == 6
    assert len(visible_lines(spec)) == 6
    assert not ids_with_prefix(root, "mean-")
    # And the key line and the alt text say the range is withheld
    key = " ".join(texts(by_id(root, "chart-note")))
    assert "no whiskers: the lowest and highest scores are withheld" in key
    assert "the lowest and highest scores are withheld, so there are no whiskers" in spec.alt_text
    assert "baseline median 43.5, quartiles 41.8 to 45.2, range withheld (n=8)" in spec.alt_text
    assert "whiskers reach" not in spec.alt_text
    # And the table keeps its columns, with "c" where the range was
    intervention = row(spec, "intervention", "theory")
    assert list(intervention) == spec.columns
    assert (intervention["min"], intervention["max"]) == ("c", "c")
    assert (intervention["q1"], intervention["median"], intervention["q3"]) == (41.75, 43.5, 45.25)
    assert intervention["n"] == 8 and "range" in intervention["note"]
    json.dumps(spec.table, allow_nan=False)


def test_range_withheld_for_one_group_keeps_the_others_whiskers():
    # Given the intervention group's full summaries and the comparison group's without a range
    spec = distribution(withheld(RANGE, ("comparison",)), READING.id, title=TITLE)
    root = draw(spec)
    # Then the intervention boxes keep whiskers and caps (2 + 2 lines each) and every box has a median
    assert len(visible_lines(spec)) == 6 + 3 * 4
    lowest = min(min(line.get_ydata()) for line in visible_lines(spec))
    assert lowest == 40.0  # the intervention group's lowest score at baseline
    # And the key line names where the range is withheld
    key = " ".join(texts(by_id(root, "chart-note")))
    assert "range withheld (no whiskers) for comparison at baseline" in key
    assert "whiskers reach the lowest and highest score where those are shown" in spec.alt_text
    assert "range 40.0 to 47.0 (n=8)" in spec.alt_text and "range withheld (n=8)" in spec.alt_text


def test_quartiles_withheld_draws_the_mean_with_its_ci_instead_of_a_box():
    # Given a small comparison group: its quartiles and range withheld, mean and CI shown
    results = withheld(RANGE, left_out=True, results=withheld(QUARTILES, ("comparison",)))
    spec = distribution(results, READING.id, title=TITLE)
    root = draw(spec)
    # Then the intervention group has boxes and the comparison group a point and CI line per stage
    assert ids_with_prefix(root, "box-") == {f"box-intervention-{s}" for s in ("theory", "progress", "dissemination")}
    assert ids_with_prefix(root, "mean-comparison-") == {
        f"mean-comparison-{s}" for s in ("theory", "progress", "dissemination")}
    assert len(ids_with_prefix(root, "mean-ci-comparison-")) == 3
    point = next(line for line in spec.figure.axes[0].get_lines() if line.get_gid() == "mean-comparison-theory")
    assert list(point.get_ydata()) == [43.5]
    ci = next(c for c in spec.figure.axes[0].collections if c.get_gid() == "mean-ci-comparison-theory")
    assert [tuple(y for _, y in segment) for segment in ci.get_segments()] == [
        pytest.approx((41.452, 45.548), abs=1e-3)]
    assert texts(by_id(root, "n-comparison-progress")) == ["n=3"]
    assert {"Intervention", "Comparison"} <= set(texts(by_id(root, "legend")))
    # And the key line and alt text say so
    key = " ".join(texts(by_id(root, "chart-note")))
    assert "Point and bar: mean with 95% confidence interval, where the quartiles are withheld" in key
    assert ("The quartiles are withheld too for comparison at baseline, comparison at progress and comparison at "
            "final: there the mean is shown as a point with its 95% confidence interval.") in spec.alt_text
    assert "baseline mean 43.5 (95% CI 41.5 to 45.5), quartiles and range withheld (n=8)" in spec.alt_text
    # And the table shows "c" for every withheld value, keeps n, and gives the plotted mean in the note
    comparison = row(spec, "comparison", "theory")
    assert [comparison[key] for key in BOX_COLUMNS] == ["c"] * 5 and comparison["n"] == 8
    assert "shown as the mean 43.5 with 95% CI 41.5 to 45.5" in comparison["note"]


def test_every_quartile_withheld_is_a_chart_of_means_not_a_box_plot():
    spec = distribution(withheld(RANGE + QUARTILES), READING.id, title=TITLE)
    root = draw(spec)
    assert not ids_with_prefix(root, "box-")
    assert len(ids_with_prefix(root, "mean-ci-")) == 6
    assert spec.alt_text.startswith("Chart of Reading age scores (marks) by stage")
    assert "Box plot" not in spec.alt_text and "each stage shows the mean as a point" in spec.alt_text
    key = " ".join(texts(by_id(root, "chart-note")))
    assert "Box:" not in key and "Point and bar" in key


def test_nothing_drawable_is_marked_withheld():
    # Given the comparison group's quartiles and mean both withheld (only n shown)
    spec = distribution(withheld(RANGE + QUARTILES + ("mean", "ci_low", "ci_high"), ("comparison",)), READING.id,
                        title=TITLE)
    root = draw(spec)
    # Then it is not drawn, each stage is labelled withheld, and the alt text says why
    assert not ids_with_prefix(root, "mean-") and len(ids_with_prefix(root, "box-")) == 3
    assert texts(by_id(root, "withheld-theory")) == ["withheld"]
    assert "Not shown, suppressed" in spec.alt_text and "comparison at baseline" in spec.alt_text
    assert row(spec, "comparison", "theory")["note"].startswith("suppressed")


@pytest.mark.parametrize("left_out", [False, True], ids=["marked c", "left out"])
def test_trajectory_is_unchanged_by_a_withheld_range_and_quartiles(left_out):
    # Given outsiders' descriptives: no min or max, quartiles "c"; n, mean and CI numbers
    full = trajectory(member_results(), READING.id, title=TITLE)
    spec = trajectory(withheld(RANGE + QUARTILES, left_out=left_out), READING.id, title=TITLE)
    root = draw(spec)
    # Then every point is drawn with its CI, exactly as for a member
    assert spec.alt_text == full.alt_text and spec.table == full.table
    assert len(ids_with_prefix(root, "n-")) == 6 and not ids_with_prefix(root, "withheld")


def test_trajectory_withholds_a_point_whose_mean_is_withheld():
    # Given one cell that keeps its n but withholds its mean and CI
    results = member_results()
    cell = next(c for c in results["measures"][0]["descriptives"] if (c["group"], c["stage"]) == ("comparison",
                                                                                                    "progress"))
    cell.update(mean="c", ci_low="c", ci_high="c")
    spec = trajectory(results, READING.id, title=TITLE)
    root = draw(spec)
    # Then that point is labelled withheld (not "no value") and the rest are drawn
    assert texts(by_id(root, "withheld-progress")) == ["withheld"]
    assert len(ids_with_prefix(root, "n-")) == 5
    assert row(spec, "comparison", "progress")["mean"] == "c"
    assert row(spec, "comparison", "progress")["note"].startswith("suppressed")
