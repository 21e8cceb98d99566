"""Project effects forest: headline Hedges' g per measure, within-group designs hollow."""

import json

import pytest

from research.charts import effects, render

from .builders import READING, SCORES, TITLE, WELLBEING, by_id, member_results, parse_svg, public_results, shapes, texts

INTERVENTION_ONLY = {"intervention": SCORES["intervention"]}


def two_measures(view):
    """Reading with both groups (between-group) and well-being with no comparison group (within-group)."""
    import pandas as pd

    from research.analysis import non_member_view, project_results

    from .builders import outcome_frame

    frame = pd.concat([outcome_frame(SCORES, READING.id), outcome_frame(INTERVENTION_ONLY, WELLBEING.id)])
    results = project_results(frame, [READING, WELLBEING], 6)
    return non_member_view(results) if view == "public" else results


@pytest.mark.parametrize("view", ["member", "public"])
def test_one_row_per_measure_with_weaker_evidence_hollow(view):
    # Given reading (intervention vs comparison) and well-being (intervention only)
    results = two_measures(view)
    spec = effects(results, title=TITLE)
    root = parse_svg(render(spec, "svg"))
    # Then reading is a filled marker, well-being a hollow one labelled as weaker evidence
    assert shapes(by_id(root, "effects")) == 1 and shapes(by_id(root, "effects-weaker")) == 1
    assert by_id(root, "zero-line") is not None
    labels = texts(root)
    assert "Reading age" in labels and "Well-being scale" in labels
    assert any("within-group: weaker evidence" in label for label in labels)
    legend = set(texts(by_id(root, "legend")))
    assert {"Headline: intervention vs comparison", "Within group (weaker evidence)"} <= legend
    # And the table has the analysis' g, CI and months, each with its n
    reading = results["measures"][0]["effects"]["adjusted"]
    row = spec.table[0]
    assert (row["g"], row["ci_low"], row["ci_high"], row["months"]) == (
        reading["g"], reading["ci_low"], reading["ci_high"], reading["months"])
    assert row["n"] == 16 and row["n_intervention"] == 8 and row["weaker_evidence"] is False
    assert spec.table[1]["weaker_evidence"] is True and spec.table[1]["n_comparison"] is None
    assert f"+{reading['months']} months' progress" in spec.alt_text
    assert "weaker evidence" in spec.alt_text and "n=16 (intervention 8, comparison 8)" in spec.alt_text
    json.dumps(spec.table, allow_nan=False)


def test_suppressed_measure_is_listed_not_plotted():
    # Given a second measure with 3 pupils per group (below min_cell for a non-member)
    import pandas as pd

    from research.analysis import non_member_view, project_results

    from .builders import outcome_frame

    small = {group: {"theory": [40, 41, 42], "dissemination": [45, 47, 49]} for group in SCORES}
    frame = pd.concat([outcome_frame(SCORES, READING.id), outcome_frame(small, WELLBEING.id)])
    spec = effects(non_member_view(project_results(frame, [READING, WELLBEING], 6)), title=TITLE)
    root = parse_svg(render(spec, "svg"))
    assert shapes(by_id(root, "effects")) == 1
    assert spec.table[1]["g"] == "c" and spec.table[1]["n"] == "c" and "suppressed" in spec.table[1]["note"]
    assert "Well-being scale: not shown (suppressed" in spec.alt_text
    assert "Not shown: Well-being scale" in " ".join(texts(by_id(root, "chart-note")))


def test_empty_and_all_suppressed():
    small = {group: {"theory": [40, 41, 42], "dissemination": [45, 47, 49]} for group in SCORES}
    hidden = effects(public_results(small, flags=None), title=TITLE)
    assert texts(by_id(parse_svg(render(hidden, "svg")), "empty-message")) == ["Suppressed: fewer than 6 pupils"]
    # Given only baseline scores: no effect size can be computed yet
    baseline_only = {group: {"theory": stages["theory"]} for group, stages in SCORES.items()}
    nothing = effects(member_results(baseline_only), title=TITLE)
    assert texts(by_id(parse_svg(render(nothing, "svg")), "empty-message")) == ["No data to show yet"]
    assert nothing.table[0]["g"] is None and nothing.table[0]["note"]
    assert effects({"measures": []}, title=TITLE).alt_text.startswith("No data to show yet")
