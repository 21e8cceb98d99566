"""End-to-end robustness of project_results on awkward data."""

import json

import pandas as pd
import pytest

from research.analysis.disclosure import non_member_view
from research.analysis.results import project_results

from .builders import ANXIETY, READING, cell, outcome_frame
from .test_effects import hand_hedges_g

# Any RuntimeWarning (division by zero, empty mean, ...) fails the test.
pytestmark = pytest.mark.filterwarnings("error")

ALLOWED_NONE = {"reason", "months_reason", "icc_reason", "flag"}


def assert_json_clean(results: dict) -> None:
    """JSON without NaN, and every None value explained by a reason in its cell."""
    json.dumps(results, allow_nan=False)
    json.dumps(non_member_view(results), allow_nan=False)

    def walk(node):
        if isinstance(node, dict):
            if "cell" in node:
                for key, value in node.items():
                    if value is None and key not in ALLOWED_NONE:
                        reason = node.get(f"{key}_reason") or node.get("reason")
                        assert reason, f"{node['cell']}.{key} is None without a reason"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(results)


def run(scores, measures=(READING,), flags=None):
    results = project_results(outcome_frame(scores, disadvantaged=flags), list(measures), min_cell=6)
    assert_json_clean(results)
    return results["measures"][0]


def test_unequal_groups():
    # Given 4 vs 5 pupils
    measure = run({
        "intervention": {"theory": [10, 11, 12, 13], "dissemination": [12, 14, 16, 18]},
        "comparison": {"theory": [10, 11, 12, 13, 14], "dissemination": [10, 11, 12, 13, 14]},
    })
    # Then g matches the hand formula and n's are per group
    assert measure["effects"]["final"]["g"] == pytest.approx(hand_hedges_g([12, 14, 16, 18], [10, 11, 12, 13, 14])[0])
    assert cell(measure["descriptives"], "desc:dissemination:comparison")["n"] == 5
    assert measure["effects"]["final"]["n_intervention"] == 4


def test_group_of_two():
    # Given two comparison pupils
    measure = run({
        "intervention": {"theory": [10, 11, 12], "dissemination": [12, 14, 16]},
        "comparison": {"theory": [10, 12], "dissemination": [11, 13]},
    })
    final = measure["effects"]["final"]
    assert final["g"] == pytest.approx(hand_hedges_g([12, 14, 16], [11, 13])[0])
    assert cell(measure["descriptives"], "desc:theory:comparison")["sd"] == pytest.approx(2**0.5)


def test_group_of_one_gives_none_and_reasons():
    # Given one comparison pupil
    measure = run({
        "intervention": {"theory": [10, 11, 12], "dissemination": [12, 14, 16]},
        "comparison": {"theory": [10], "dissemination": [11]},
    })
    comparison = cell(measure["descriptives"], "desc:dissemination:comparison")
    assert comparison["mean"] == 11.0 and comparison["sd"] is None and "at least 2" in comparison["reason"]
    assert measure["effects"]["final"]["g"] is None and "comparison" in measure["effects"]["final"]["reason"]
    assert measure["baseline_equivalence"]["band"] is None
    assert measure["effects"]["headline"] is None


def test_no_progress_data():
    measure = run({
        "intervention": {"theory": [10, 11, 12], "dissemination": [12, 14, 16]},
        "comparison": {"theory": [10, 11, 12], "dissemination": [11, 12, 13]},
    })
    progress_gain = cell(measure["gains"], "gain:progress:intervention")
    assert progress_gain["n"] == 0 and progress_gain["mean_gain"] is None
    assert cell(measure["descriptives"], "desc:progress:comparison")["n"] == 0
    assert measure["effects"]["final"]["g"] is not None


def test_no_final_data():
    # Given theory and progress only
    measure = run({
        "intervention": {"theory": [10, 11, 12], "progress": [11, 13, 14]},
        "comparison": {"theory": [10, 11, 12], "progress": [10, 12, 12]},
    })
    assert measure["effects"]["final"]["g"] is None and measure["effects"]["gain"]["g"] is None
    assert measure["effects"]["headline"] is None
    assert cell(measure["gains"], "gain:progress:intervention")["mean_gain"] == pytest.approx(5 / 3)
    assert cell(measure["attrition"], "attrition:comparison")["attrition_rate"] is None


def test_all_equal_scores():
    # Given every pupil scoring 5 at every stage
    measure = run({
        "intervention": {"theory": [5, 5, 5], "dissemination": [5, 5, 5]},
        "comparison": {"theory": [5, 5, 5], "dissemination": [5, 5, 5]},
    })
    assert cell(measure["descriptives"], "desc:theory:intervention")["sd"] == 0.0
    for metric in ("final", "gain"):
        assert measure["effects"][metric]["g"] is None and "sd 0" in measure["effects"][metric]["reason"]
    assert "sd 0" in measure["baseline_equivalence"]["reason"]


def test_no_comparison_group():
    measure = run({"intervention": {"theory": [10, 12, 14, 16, 18], "dissemination": [13, 14, 18, 19, 20]}})
    assert measure["groups"] == ["intervention"]
    assert measure["effects"]["design"] == "within-group (weaker evidence)"
    assert measure["effects"]["within_group"]["g"] == pytest.approx(0.8 * 2.8 / 10**0.5)
    assert [c["group"] for c in measure["attrition"]] == ["intervention"]


def test_empty_frame():
    # Given no rows at all (but the expected columns)
    results = project_results(outcome_frame({}), [READING, ANXIETY], min_cell=6)
    assert_json_clean(results)
    # Then each measure is present, empty, and explained
    assert [m["measure"]["id"] for m in results["measures"]] == [1, 2]
    first = results["measures"][0]
    assert first["descriptives"] == [] and first["reason"]
    assert first["evidence_strength"]["padlocks"] == 0
    assert first["effects"]["headline"] is None


def test_frame_without_optional_columns_and_with_na_flags():
    # Given only the required columns, NA scores and an unknown group label
    frame = pd.DataFrame({
        "pupil_key": ["a", "b", "c", "d"], "school_id": [1, 1, 1, 1],
        "group": ["intervention", "intervention", "intervention", "control?"],
        "stage": ["theory"] * 4, "measure_id": [1] * 4, "score": [1.0, None, 3.0, 4.0],
    })
    results = project_results(frame, [READING], 6)
    assert_json_clean(results)
    # Then the bad rows are ignored and disadvantage is unknown for all
    measure = results["measures"][0]
    assert cell(measure["descriptives"], "desc:theory:intervention")["n"] == 2
    assert cell(measure["gap"]["subgroups"], "sub:theory:intervention:unknown")["n"] == 2


def test_missing_required_column_is_an_error():
    with pytest.raises(ValueError, match="score"):
        project_results(pd.DataFrame({"pupil_key": []}), [READING], 6)


def test_lower_is_better_measure_and_measures_kept_apart():
    # Given two measures in one frame, anxiety falling more in the intervention group
    reading = outcome_frame({
        "intervention": {"theory": [10, 11, 12], "dissemination": [12, 14, 16]},
        "comparison": {"theory": [10, 11, 12], "dissemination": [11, 12, 13]},
    }, measure_id=1)
    anxiety = outcome_frame({
        "intervention": {"theory": [30, 31, 32], "dissemination": [20, 22, 25]},
        "comparison": {"theory": [30, 31, 32], "dissemination": [29, 30, 32]},
    }, measure_id=2)
    results = project_results(pd.concat([reading, anxiety]), [READING, ANXIETY], 6)
    assert_json_clean(results)
    reading_result, anxiety_result = results["measures"]
    assert cell(reading_result["descriptives"], "desc:theory:intervention")["mean"] == 11.0
    assert anxiety_result["effects"]["final"]["g"] > 0
    assert anxiety_result["effects"]["final"]["months"] is None


def test_ten_thousand_rows_are_all_counted():
    # Given 10k rows (2 measures x 3 stages x ~1,667 pupils)
    import numpy as np

    rng = np.random.default_rng(3)
    rows = []
    for measure_id in (1, 2):
        for i in range(1667):
            group = "intervention" if i % 2 else "comparison"
            for stage in ("theory", "progress", "dissemination"):
                rows.append((f"p{i}", i % 5, group, stage, measure_id, float(rng.normal(50, 10)), bool(i % 3 == 0)))
    frame = pd.DataFrame(rows, columns=["pupil_key", "school_id", "group", "stage", "measure_id", "score", "disadvantaged"])
    results = project_results(frame, [READING, ANXIETY], 6)
    assert cell(results["measures"][0]["descriptives"], "desc:theory:intervention")["n"] == 833
