"""Distribution (box summaries) and disadvantaged-gap charts."""

import json

import pytest

from research.charts import distribution, gap, render

from .builders import (
    GAP_FLAGS, GAP_SCORES, READING, TITLE, by_id, ids_with_prefix, markers, member_results, parse_svg,
    public_results, texts,
)


def test_distribution_draws_one_box_per_stage_and_group_from_the_quartiles():
    # Given a member's results (8 pupils scoring 40..47 at baseline in the intervention group)
    spec = distribution(member_results(), READING.id, title=TITLE)
    root = parse_svg(render(spec, "svg"))
    # Then six boxes are drawn, with n above each, and the legend names both groups
    assert len(ids_with_prefix(root, "box-")) == 6
    assert texts(by_id(root, "n-intervention-theory")) == ["n=8"]
    assert {"Intervention", "Comparison"} <= set(texts(by_id(root, "legend")))
    assert "Score (marks)" in texts(root)
    # And the table holds the same min, quartiles, median and max as the box
    row = next(r for r in spec.table if (r["group"], r["stage"]) == ("intervention", "theory"))
    assert (row["min"], row["q1"], row["median"], row["q3"], row["max"]) == (40, 41.75, 43.5, 45.25, 47)
    box = next(p for p in spec.figure.axes[0].patches if p.get_gid() == "box-intervention-theory")
    ys = box.get_path().vertices[:, 1]
    assert (ys.min(), ys.max()) == pytest.approx((41.75, 45.25))
    assert "baseline median 43.5, quartiles 41.8 to 45.2, range 40.0 to 47.0 (n=8)" in spec.alt_text
    json.dumps(spec.table, allow_nan=False)


def test_distribution_non_member_view_withholds_the_small_group():
    spec = distribution(public_results(), READING.id, title=TITLE)
    root = parse_svg(render(spec, "svg"))
    assert "box-comparison-progress" not in ids_with_prefix(root, "box-")
    assert len(ids_with_prefix(root, "box-")) == 5
    row = next(r for r in spec.table if (r["group"], r["stage"]) == ("comparison", "progress"))
    assert all(row[key] == "c" for key in ("n", "min", "q1", "median", "q3", "max"))
    assert "comparison at progress" in spec.alt_text


def test_gap_plots_disadvantaged_and_other_pupils_per_group():
    # Given 12 pupils per group, 6 of them disadvantaged, scored at baseline and final
    spec = gap(public_results(GAP_SCORES, GAP_FLAGS), READING.id, title=TITLE)
    root = parse_svg(render(spec, "svg"))
    # Then each group has a disadvantaged and an other-pupils series with a point per stage
    for group in ("intervention", "comparison"):
        for subgroup in ("disadvantaged", "others"):
            assert markers(by_id(root, f"series-{group}-{subgroup}")) == 2
    assert {"Disadvantaged pupils", "Other pupils"} <= set(texts(by_id(root, "legend")))
    assert {"Stage: intervention group", "Stage: comparison group", "Mean score (marks)"} <= set(texts(root))
    assert texts(by_id(root, "n-intervention-disadvantaged-theory")) == ["n=6"]
    # And the table has the subgroup means (40..45 -> 42.5; 46..51 -> 48.5) and the gap
    rows = {(r["group"], r["stage"], r["subgroup"]): r for r in spec.table}
    assert rows[("intervention", "theory", "disadvantaged")]["mean"] == 42.5
    assert rows[("intervention", "theory", "not disadvantaged")]["mean"] == 48.5
    assert rows[("intervention", "theory", "disadvantaged")]["gap"] == 6.0
    assert all(isinstance(r["n"], int) for r in spec.table) and len(spec.table) == 8
    assert "disadvantaged 42.5 (n=6), others 48.5 (n=6), disadvantaged pupils 6.0 marks behind" in spec.alt_text


def test_gap_withholds_a_small_subgroup_and_its_complement():
    # Given only 2 disadvantaged comparison pupils: the others' mean would reveal theirs from the total
    flags = {**GAP_FLAGS, "comparison": [index < 2 for index in range(12)]}
    spec = gap(public_results(GAP_SCORES, flags), READING.id, title=TITLE)
    root = parse_svg(render(spec, "svg"))
    # Then the intervention panel is drawn and the comparison panel plots nothing but says withheld
    assert ids_with_prefix(root, "series-") == {"series-intervention-disadvantaged", "series-intervention-others"}
    assert texts(by_id(root, "withheld-comparison-theory")) == ["withheld"]
    comparison_rows = [r for r in spec.table if r["group"] == "comparison"]
    assert len(comparison_rows) == 4 and all(r["mean"] == "c" and r["n"] == "c" for r in comparison_rows)
    assert "others in the comparison group at baseline" in spec.alt_text


def test_gap_all_suppressed_and_no_flags():
    # Given 4 of 8 pupils disadvantaged: every subgroup is below 6 for a non-member
    suppressed = gap(public_results(), READING.id, title=TITLE)
    assert texts(by_id(parse_svg(render(suppressed, "svg")), "empty-message")) == ["Suppressed: fewer than 6 pupils"]
    # Given no disadvantage flags at all, member view: nothing to split
    unknown = gap(member_results(flags=None), READING.id, title=TITLE)
    assert texts(by_id(parse_svg(render(unknown, "svg")), "empty-message")) == ["No data to show yet"]
    assert unknown.alt_text.startswith("No data to show yet")
