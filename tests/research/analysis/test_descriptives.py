import math
import statistics

import numpy as np
import pytest
from scipy import stats

from research.analysis.descriptives import (
    attrition_table,
    describe_scores,
    descriptives_table,
    gains_table,
)

from .builders import cell, outcome_frame, split_scores

pytestmark = pytest.mark.filterwarnings("error")


def test_describe_scores_matches_hand_values():
    # Given five scores with mean 12 and sd sqrt(2.5)
    values = np.array([10.0, 11.0, 12.0, 13.0, 14.0])
    # When described
    result = describe_scores(values)
    # Then every statistic matches the hand-worked value
    assert result["n"] == 5
    assert result["mean"] == pytest.approx(12.0)
    assert result["sd"] == pytest.approx(math.sqrt(2.5))
    assert (result["median"], result["q1"], result["q3"]) == pytest.approx((12.0, 11.0, 13.0))
    assert (result["min"], result["max"]) == (10.0, 14.0)
    half_width = 2.7764451051977987 * math.sqrt(2.5) / math.sqrt(5)  # t(0.975, df=4) = 2.776445
    assert result["ci_low"] == pytest.approx(12.0 - half_width)
    assert result["ci_high"] == pytest.approx(12.0 + half_width)
    assert result["reason"] is None


def test_quartiles_interpolate_linearly():
    # Given four scores (quartiles fall between values)
    result = describe_scores(np.array([1.0, 2.0, 3.0, 10.0]))
    # Then q1 = 1 + 0.75 * (2 - 1), median 2.5, q3 = 3 + 0.25 * (10 - 3)
    assert (result["q1"], result["median"], result["q3"]) == pytest.approx((1.75, 2.5, 4.75))


def test_group_of_one_has_no_sd_and_says_why():
    # Given a single score
    result = describe_scores(np.array([7.0]))
    # Then mean is known, sd and CI are None with a reason
    assert result["mean"] == 7.0
    assert result["sd"] is None and result["ci_low"] is None and result["ci_high"] is None
    assert "at least 2" in result["reason"]


def test_group_of_two_has_sd_and_wide_ci():
    # Given two scores 4 and 6: sd = sqrt(2), t(0.975, 1) = 12.706
    result = describe_scores(np.array([4.0, 6.0]))
    assert result["sd"] == pytest.approx(math.sqrt(2))
    expected_half = stats.t.ppf(0.975, 1) * math.sqrt(2) / math.sqrt(2)
    assert result["ci_high"] - result["mean"] == pytest.approx(expected_half)
    assert expected_half == pytest.approx(12.7062, abs=1e-4)


def test_equal_scores_have_sd_exactly_zero():
    # Given identical non-integer scores (float noise would give ~1e-17)
    result = describe_scores(np.array([0.1, 0.1, 0.1]))
    # Then sd is exactly 0 and the CI collapses onto the mean
    assert result["sd"] == 0.0
    assert result["ci_low"] == result["ci_high"] == pytest.approx(0.1)


def test_descriptives_table_lists_every_stage_and_group_with_n():
    # Given unequal groups and no progress data
    frame = outcome_frame({
        "intervention": {"theory": [1, 2, 3], "dissemination": [2, 3, 4]},
        "comparison": {"theory": [1, 2, 3, 4, 5], "dissemination": [1, 2, 3, 4, 5]},
    })
    wide = split_scores(frame)
    table = descriptives_table(wide, ["intervention", "comparison"])
    # Then there are 3 stages x 2 groups, progress with n 0 and a reason
    assert len(table) == 6
    progress = cell(table, "desc:progress:intervention")
    assert progress["n"] == 0 and progress["mean"] is None and progress["reason"]
    assert cell(table, "desc:theory:comparison")["n"] == 5
    assert cell(table, "desc:dissemination:intervention")["mean"] == pytest.approx(3.0)


def test_gains_use_only_matched_pupils():
    # Given pupil 2 missing at final and pupil 3 joining late
    frame = outcome_frame({
        "intervention": {
            "theory": [10, 12, 14, None],
            "progress": [11, None, 15, 20],
            "dissemination": [13, 16, None, 30],
        },
    })
    wide = split_scores(frame)
    table = gains_table(wide, ["intervention"])
    final = cell(table, "gain:dissemination:intervention")
    # Then gains to final are 3 and 4 (pupils 0 and 1 only)
    assert final["n"] == 2
    assert final["mean_gain"] == pytest.approx(3.5)
    assert final["sd_gain"] == pytest.approx(statistics.stdev([3, 4]))
    progress = cell(table, "gain:progress:intervention")
    # And gains to progress are 1 and 1 (pupils 0 and 2)
    assert progress["n"] == 2 and progress["mean_gain"] == pytest.approx(1.0) and progress["sd_gain"] == 0.0


def test_attrition_counts_retained_pupils_not_final_total():
    # Given 4 baseline pupils, 2 of whom leave, and 2 who join at final
    frame = outcome_frame({
        "intervention": {
            "theory": [1, 2, 3, 4, None, None],
            "dissemination": [1, 2, None, None, 5, 6],
        },
    })
    wide = split_scores(frame)
    row = cell(attrition_table(wide, ["intervention"]), "attrition:intervention")
    # Then attrition is 2/4 even though n_final equals n_baseline
    assert (row["n_baseline"], row["n_final"], row["n_retained"]) == (4, 4, 2)
    assert row["attrition_rate"] == pytest.approx(0.5)


def test_attrition_without_final_data_is_none_with_reason():
    # Given baseline only
    frame = outcome_frame({"intervention": {"theory": [1, 2, 3]}})
    wide = split_scores(frame)
    row = attrition_table(wide, ["intervention"])[0]
    # Then no rate, with a reason
    assert row["attrition_rate"] is None
    assert "final" in row["reason"]
