"""Success-criterion verdicts and labels (research.analysis.criteria)."""
import math

import pytest

from research.analysis.criteria import criterion_label, criterion_verdict

pytestmark = pytest.mark.filterwarnings("error")


def verdict(estimate, low, high, comparison=">=", threshold=0.2):
    return criterion_verdict(estimate=estimate, ci_low=low, ci_high=high, comparison=comparison, threshold=threshold)


@pytest.mark.parametrize("estimate, low, high, expected", [
    (0.43, 0.25, 0.61, "met"),            # the whole interval at or above 0.20
    (0.35, 0.20, 0.50, "met"),            # a bound exactly on the threshold satisfies >=
    (0.02, -0.10, 0.15, "not_met"),       # the whole interval below
    (0.25, 0.05, 0.45, "inconclusive"),   # spans the threshold
    (0.15, 0.10, 0.20, "inconclusive"),   # reaches the threshold from below: 0.20 itself would meet it
    (0.21, 0.199, 0.30, "inconclusive"),  # a hair below is below
])
def test_at_least_reads_the_whole_interval(estimate, low, high, expected):
    assert verdict(estimate, low, high)[0] == expected


@pytest.mark.parametrize("estimate, low, high, expected", [
    (-0.40, -0.60, -0.25, "met"),          # wholly at or below -0.20
    (-0.30, -0.50, -0.20, "met"),          # upper bound exactly on it
    (0.05, -0.15, 0.20, "not_met"),        # wholly above -0.20
    (-0.20, -0.40, 0.00, "inconclusive"),  # spans it
    (-0.10, -0.20, 0.05, "inconclusive"),  # lower bound on it: -0.20 would meet it
])
def test_at_most_mirrors_it(estimate, low, high, expected):
    assert verdict(estimate, low, high, "<=", -0.2)[0] == expected


def test_reasons_carry_the_numbers_in_plain_english():
    assert verdict(0.43, 0.25, 0.61) == (
        "met", "Met: the 95% confidence interval, 0.25 to 0.61, lies wholly at or above 0.20 (estimate 0.43).")
    assert verdict(0.02, -0.10, 0.15) == (
        "not_met",
        "Not met: the 95% confidence interval, \u22120.10 to 0.15, lies wholly below 0.20 (estimate 0.02).")
    assert verdict(0.25, 0.05, 0.45) == (
        "inconclusive", "Inconclusive: the 95% confidence interval, 0.05 to 0.45, includes 0.20 (estimate 0.25), so "
                        "the data cannot say which side of it the true value lies.")
    assert verdict(4.0, 5.5, 7.0, "<=", 5) == (
        "not_met", "Not met: the 95% confidence interval, 5.50 to 7.00, lies wholly above 5.00 (estimate 4.00).")


def test_a_bound_rounding_onto_the_threshold_is_shown_with_more_digits():
    # 0.199 shown as "0.20" beside a threshold of 0.20 would contradict the verdict
    result, reason = verdict(0.21, 0.199, 0.30)
    assert result == "inconclusive"
    assert "interval, 0.199 to 0.30, includes 0.20" in reason
    _, reason = verdict(0.3, 0.2004, 0.4)
    assert "interval, 0.2004 to 0.40, lies wholly at or above 0.20" in reason


@pytest.mark.parametrize("estimate", [None, float("nan"), math.inf, "0.3"])
def test_no_estimate_is_inconclusive_with_a_reason(estimate):
    result, reason = verdict(estimate, 0.1, 0.5)
    assert result == "inconclusive"
    assert reason == ("Inconclusive: there is no estimate (no data for it, or too few pupils), so whether it is at or "
                      "above 0.20 cannot be judged.")


@pytest.mark.parametrize("low, high", [(None, 0.5), (0.3, None), (None, None), (float("nan"), 0.5)])
def test_an_estimate_without_an_interval_is_inconclusive_too(low, high):
    # even an estimate far above the threshold: without an interval its uncertainty is unknown
    result, reason = verdict(0.9, low, high)
    assert result == "inconclusive"
    assert reason.startswith("Inconclusive: the estimate is 0.90 but it has no 95% confidence interval")


@pytest.mark.parametrize("kwargs, words", [
    ({"comparison": ">"}, "comparison must be one of >=, <="),
    ({"comparison": "=="}, "comparison must be one of"),
    ({"threshold": None}, "threshold must be a finite number"),
    ({"threshold": float("nan")}, "threshold must be a finite number"),
    ({"threshold": "0.2"}, "threshold must be a finite number"),
    ({"ci_low": 0.6, "ci_high": 0.2}, "ci_low .* is above ci_high"),
])
def test_nonsense_raises_value_error(kwargs, words):
    args = {"estimate": 0.4, "ci_low": 0.2, "ci_high": 0.6, "comparison": ">=", "threshold": 0.2, **kwargs}
    with pytest.raises(ValueError, match=words):
        criterion_verdict(**args)


@pytest.mark.parametrize("criterion, label", [
    ({"statistic": "effect_size", "comparison": ">=", "threshold": 0.2, "score": None, "subgroup": "disadvantaged"},
     "Effect size on Maths test >= 0.20 for disadvantaged pupils"),
    ({"statistic": "effect_size", "comparison": "<=", "threshold": -0.15, "subgroup": None},
     "Effect size on Maths test <= \u22120.15"),
    ({"statistic": "mean_change", "comparison": ">=", "threshold": 2.5, "subgroup": "send"},
     "Mean change on Maths test >= 2.5 points for pupils with SEND"),
    ({"statistic": "percent_at_or_above", "comparison": ">=", "threshold": 75.0, "score": 60.0, "subgroup": "eal"},
     "Pupils scoring 60 or more on Maths test >= 75% for pupils with English as an additional language"),
])
def test_labels_read_as_the_group_agreed_them(criterion, label):
    assert criterion_label(criterion, "Maths test") == label


def test_a_hyphen_in_a_measure_name_is_left_alone():
    label = criterion_label({"statistic": "effect_size", "comparison": ">=", "threshold": 0.3}, "Well-being scale")
    assert label == "Effect size on Well-being scale >= 0.30"


def test_an_unknown_statistic_has_no_label():
    with pytest.raises(ValueError, match="statistic must be one of"):
        criterion_label({"statistic": "median", "comparison": ">=", "threshold": 1}, "Maths test")
