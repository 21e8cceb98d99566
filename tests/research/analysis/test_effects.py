import math
import statistics

import numpy as np
import pytest

from research.analysis.effects import (
    EQUIVALENCE_ADJUST,
    EQUIVALENCE_FAIL,
    EQUIVALENCE_SATISFIED,
    equivalence_band,
    hedges_g,
    months_progress,
    within_group_change,
)
from research.analysis.types import Summary

pytestmark = pytest.mark.filterwarnings("error")


def summary(values: list[float]) -> Summary:
    return Summary(len(values), statistics.mean(values), statistics.stdev(values))


def hand_hedges_g(a: list[float], b: list[float]) -> tuple[float, float]:
    """Independent Hedges' g; variance as statsmodels (R meta) uses: g^2 / (2 (N - 3.94))."""
    n1, n2 = len(a), len(b)
    s_pooled = math.sqrt(((n1 - 1) * statistics.variance(a) + (n2 - 1) * statistics.variance(b)) / (n1 + n2 - 2))
    d = (statistics.mean(a) - statistics.mean(b)) / s_pooled
    j = 1 - 3 / (4 * (n1 + n2) - 9)
    g = j * d
    return g, (n1 + n2) / (n1 * n2) + g**2 / (2 * (n1 + n2 - 3.94))


def test_hedges_g_matches_hand_computation_on_unequal_groups():
    # Given 4 intervention and 5 comparison scores
    treated, control = [12.0, 14, 16, 18], [10.0, 11, 12, 13, 14]
    # When g is computed
    estimate, reason = hedges_g(summary(treated), summary(control))
    # Then it matches the independent formula and the hand-worked value
    # (sp = sqrt(30/7) = 2.0702, d = 3/sp = 1.4491, J = 1 - 3/27, g = 1.2881)
    g, variance = hand_hedges_g(treated, control)
    assert reason is None
    assert estimate.g == pytest.approx(g) == pytest.approx(1.288122, abs=1e-6)
    assert estimate.variance == pytest.approx(variance) == pytest.approx(0.613958, abs=1e-6)
    # And not the textbook g^2 / (2N) variance, which statsmodels does not use
    assert estimate.variance != pytest.approx(9 / 20 + g**2 / 18)
    low, high = estimate.ci
    assert (low, high) == pytest.approx((g - 1.959964 * math.sqrt(variance), g + 1.959964 * math.sqrt(variance)))


def test_hedges_g_sign_is_intervention_minus_comparison():
    # Given the intervention group scoring lower
    estimate, _ = hedges_g(summary([1.0, 2, 3]), summary([4.0, 5, 6]))
    # Then g is negative
    assert estimate.g < 0


def test_hedges_g_works_for_groups_of_two():
    # Given two pupils per group (N = 4: J = 1 - 3/7)
    treated, control = [5.0, 7], [4.0, 6]
    estimate, reason = hedges_g(summary(treated), summary(control))
    assert reason is None
    assert estimate.g == pytest.approx(hand_hedges_g(treated, control)[0])
    assert estimate.g == pytest.approx((1 - 3 / 7) * 1 / math.sqrt(2))


def test_hedges_g_refuses_a_group_of_one():
    # Given one comparison pupil (no sd)
    estimate, reason = hedges_g(summary([1.0, 2, 3]), Summary(1, 2.0, None))
    # Then no estimate, and the reason names the group
    assert estimate is None
    assert "comparison" in reason and "at least 2" in reason


def test_hedges_g_with_all_equal_scores_is_none_not_a_crash():
    # Given every score equal in both groups (pooled sd 0)
    estimate, reason = hedges_g(Summary(3, 5.0, 0.0), Summary(4, 5.0, 0.0))
    # Then None with a reason, and no division warning (warnings are errors here)
    assert estimate is None
    assert "sd 0" in reason


def test_within_group_change_matches_hand_formula():
    # Given 5 matched pupils
    before = np.array([10.0, 12, 14, 16, 18])
    after = np.array([13.0, 14, 18, 19, 20])
    # When the standardised change is computed
    estimate, reason = within_group_change(before, after)
    # Then g = J * mean gain / sd(before), J = 1 - 3 / (4 * 4 - 1)
    gains = after - before
    n = 5
    j = 1 - 3 / 15
    sd_before = statistics.stdev(before)  # sqrt(10)
    g = j * gains.mean() / sd_before
    variance = j**2 * statistics.variance(gains) / (n * sd_before**2) + g**2 / (2 * (n - 1))
    assert reason is None
    assert estimate.g == pytest.approx(g) == pytest.approx(0.8 * 2.8 / math.sqrt(10))
    assert estimate.variance == pytest.approx(variance)


def test_within_group_change_needs_three_pupils_and_baseline_spread():
    # Given only two matched pupils
    estimate, reason = within_group_change(np.array([1.0, 2]), np.array([2.0, 3]))
    assert estimate is None and "at least 3" in reason
    # Given equal baseline scores
    estimate, reason = within_group_change(np.array([5.0, 5, 5]), np.array([6.0, 7, 8]))
    assert estimate is None and "sd 0" in reason


@pytest.mark.parametrize(
    ("g", "months"),
    [
        (0.0, 0), (0.0199, 0), (0.02, 1), (0.09, 1), (0.095, 1), (0.10, 2), (0.18, 2), (0.19, 3),
        (0.26, 3), (0.27, 4), (0.35, 4), (0.36, 5), (0.44, 5), (0.45, 6), (0.52, 6), (0.53, 7),
        (0.61, 7), (0.62, 8), (0.69, 8), (0.70, 9), (0.78, 9), (0.79, 10), (0.87, 10), (0.88, 11),
        (0.95, 11), (0.96, 12), (2.5, 12),
    ],
)
def test_eef_months_table_boundaries(g, months):
    # Given an effect size on either side of each EEF band edge, the months follow the table
    assert months_progress(g) == months
    # and the sign follows g (0 stays 0)
    assert months_progress(-g) == -months


def test_months_of_missing_g_is_none():
    assert months_progress(None) is None


@pytest.mark.parametrize(
    ("difference", "band"),
    [
        (0.0, EQUIVALENCE_SATISFIED), (0.05, EQUIVALENCE_SATISFIED), (-0.05, EQUIVALENCE_SATISFIED),
        (0.0501, EQUIVALENCE_ADJUST), (0.25, EQUIVALENCE_ADJUST), (-0.2, EQUIVALENCE_ADJUST),
        (0.2501, EQUIVALENCE_FAIL), (-0.9, EQUIVALENCE_FAIL),
    ],
)
def test_wwc_baseline_equivalence_bands(difference, band):
    # Given a baseline difference in SD units, the WWC band is chosen on its absolute value
    assert equivalence_band(difference) == band
