"""Trajectory chart: mean and 95% CI by group across the three stages."""

import json

import pytest

from research.analysis import project_results
from research.charts import render, trajectory

from .builders import (
    READING, SCORES, TITLE, by_id, ids_with_prefix, markers, member_results, outcome_frame, parse_svg,
    public_results, texts,
)


def test_member_view_svg_has_title_axes_legend_and_every_point():
    # Given a member's results: both groups at all three stages
    spec = trajectory(member_results(), READING.id, title=TITLE)
    # When rendered to SVG
    root = parse_svg(render(spec, "svg"))
    # Then the title (wrapped over lines), axis labels and legend entries are there as text
    assert " ".join(texts(by_id(root, "chart-title"))) == TITLE
    assert root.find("{http://www.w3.org/2000/svg}title").text == TITLE
    everything = texts(root)
    assert "Mean score (marks)" in everything and "Stage" in everything
    assert {"Baseline (theory)", "Progress", "Final (dissemination)"} <= set(everything)
    assert {"Intervention", "Comparison"} <= set(texts(by_id(root, "legend")))
    # And each group's series has three markers, three CI bars and an n label per point
    for group in ("intervention", "comparison"):
        assert markers(by_id(root, f"series-{group}")) == 3
        assert len(by_id(root, f"ci-{group}").findall("{http://www.w3.org/2000/svg}path")) == 3
    assert texts(by_id(root, "n-comparison-progress")) == ["n=3"]
    assert len(ids_with_prefix(root, "n-")) == 6


def test_table_matches_the_plotted_values():
    # Given the member view
    results = member_results()
    spec = trajectory(results, READING.id, title=TITLE)
    # Then there is one row per stage x group, in the column order given, JSON-safe
    assert len(spec.table) == 6 and all(list(row) == spec.columns for row in spec.table)
    json.dumps(spec.table, allow_nan=False)
    rows = {(row["group"], row["stage"]): row for row in spec.table}
    assert rows[("intervention", "dissemination")]["mean"] == pytest.approx(53.5)
    assert rows[("intervention", "dissemination")]["n"] == 8
    # And the plotted y values are the table's means
    line = next(line for line in spec.figure.axes[0].get_lines() if line.get_gid() == "series-intervention")
    assert list(line.get_ydata()) == pytest.approx([43.5, 47.5, 53.5])


def test_alt_text_names_each_group_with_its_n_and_the_change():
    spec = trajectory(member_results(), READING.id, title=TITLE)
    alt = spec.alt_text
    assert "Line chart" in alt and "Reading age" in alt and "95% confidence intervals" in alt
    assert "Intervention group: baseline 43.5 (n=8)" in alt
    assert "Comparison group: baseline 43.5 (n=8), progress 43.0 (n=3)" in alt
    assert "rose from 43.5 at baseline to 53.5 at final" in alt


def test_non_member_view_suppresses_the_small_cell():
    # Given the non-member view: 3 comparison pupils at progress fall below min_cell 6
    spec = trajectory(public_results(), READING.id, title=TITLE)
    root = parse_svg(render(spec, "svg"))
    # Then that point is not plotted (2 comparison markers, 3 intervention) and is labelled withheld
    assert markers(by_id(root, "series-comparison")) == 2
    assert markers(by_id(root, "series-intervention")) == 3
    assert "n-comparison-progress" not in ids_with_prefix(root, "n-")
    assert texts(by_id(root, "withheld-progress")) == ["withheld"]
    # And the table carries "c" for every value of that cell, no number
    row = next(r for r in spec.table if (r["group"], r["stage"]) == ("comparison", "progress"))
    assert row["n"] == row["mean"] == row["ci_low"] == row["ci_high"] == "c"
    assert "suppressed" in row["note"]
    # And the alt text says so without giving the value
    assert "suppressed" in spec.alt_text and "comparison at progress" in spec.alt_text
    assert "43.0" not in spec.alt_text and "n=3" not in spec.alt_text
    assert not any("43.0" in text or "n=3" in text for text in texts(root))


def test_single_pupil_point_is_plotted_without_a_ci():
    # Given one comparison pupil at progress (member view: sd and CI are None)
    scores = {**SCORES, "comparison": {**SCORES["comparison"], "progress": [45]}}
    spec = trajectory(member_results(scores), READING.id, title=TITLE)
    root = parse_svg(render(spec, "svg"))
    # Then the point is drawn but only two CI bars are
    assert markers(by_id(root, "series-comparison")) == 3
    assert len(by_id(root, "ci-comparison").findall("{http://www.w3.org/2000/svg}path")) == 2
    row = next(r for r in spec.table if (r["group"], r["stage"]) == ("comparison", "progress"))
    assert row["mean"] == 45.0 and row["ci_low"] is None and "at least 2" in row["note"]


def test_missing_stage_is_skipped_and_said():
    # Given no progress scores at all
    scores = {group: {s: v for s, v in stages.items() if s != "progress"} for group, stages in SCORES.items()}
    spec = trajectory(member_results(scores), READING.id, title=TITLE)
    root = parse_svg(render(spec, "svg"))
    assert markers(by_id(root, "series-intervention")) == 2
    assert "No value yet for intervention at progress and comparison at progress." in spec.alt_text


def test_intervention_only_project_has_one_series():
    spec = trajectory(member_results({"intervention": SCORES["intervention"]}), READING.id, title=TITLE)
    root = parse_svg(render(spec, "svg"))
    assert ids_with_prefix(root, "series-") == {"series-intervention"}
    assert texts(by_id(root, "legend")) == ["Intervention"]
    assert "comparison" not in spec.alt_text.lower()


def test_no_data_gives_a_valid_chart_that_says_so():
    # Given a measure with no scores
    results = project_results(outcome_frame({}), [READING], 6)
    spec = trajectory(results, READING.id, title=TITLE)
    root = parse_svg(render(spec, "svg"))
    assert texts(by_id(root, "empty-message")) == ["No data to show yet"]
    assert spec.alt_text.startswith("No data to show yet") and spec.table == []


def test_everything_suppressed_says_suppressed():
    # Given 3 pupils per group: every cell is below min_cell for a non-member
    small = {group: {"theory": [40, 41, 42], "dissemination": [45, 46, 47]} for group in SCORES}
    spec = trajectory(public_results(small, flags=None), READING.id, title=TITLE)
    root = parse_svg(render(spec, "svg"))
    assert texts(by_id(root, "empty-message")) == ["Suppressed: fewer than 6 pupils"]
    assert spec.alt_text.startswith("Suppressed: fewer than 6 pupils")
    # every stage x group row is there (progress too, with 0 pupils), all withheld
    assert len(spec.table) == 6 and all(row["mean"] == "c" and row["n"] == "c" for row in spec.table)
    # and the only text drawn besides the title is that message
    assert set(texts(root)) - set(texts(by_id(root, "chart-title"))) == {"Suppressed: fewer than 6 pupils"}


def test_unknown_measure_is_a_lookup_error():
    with pytest.raises(LookupError):
        trajectory(member_results(), 999, title=TITLE)
