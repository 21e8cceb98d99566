"""The MDES at planning time (research.analysis.power): by hand, against PowerUpR, at the edges."""
import math

import pytest

from research.analysis.power import mdes

pytestmark = pytest.mark.filterwarnings("error")


def test_hand_worked_example_50_pupils_per_group_in_4_schools():
    # Given 50 pupils per group in 4 schools, ICC 0.15, pre/post correlation 0.7 (80% power, 5% two-sided):
    #   N        = 2 x 50                        = 100 pupils, P = 0.5
    #   df       = N - J - 2 = 100 - 4 - 2       = 94
    #   t(0.975, 94) = 1.9855   (tables: df 90 -> 1.9867, df 100 -> 1.9840)
    #   t(0.80, 94)  = 0.8455   (tables: df 90 -> 0.8456, df 100 -> 0.8452)
    #   M        = 1.9855 + 0.8455               = 2.8310
    #   R^2      = 0.7^2                         = 0.49
    #   SE^2     = (1 - 0.15)(1 - 0.49) / (0.5 x 0.5 x 100) = 0.85 x 0.51 / 25 = 0.4335 / 25 = 0.01734
    #   SE       = sqrt(0.01734)                 = 0.13168
    #   MDES     = 2.8310 x 0.13168              = 0.3728
    result = mdes(pupils_per_group=50, schools=4, icc=0.15, pre_post_correlation=0.7)
    # Then each step and the answer agree with the hand working to the tables' precision
    assert result["df"] == 94
    assert result["multiplier"] == pytest.approx(2.8310, abs=2e-4)
    assert result["standard_error"] == pytest.approx(0.13168, abs=1e-5)
    assert result["mdes"] == pytest.approx(0.3728, abs=2e-4)
    # And it is labelled as the blocked design, with the formula, the assumption and no warning
    assert result["design"] == "blocked_by_school"
    assert result["label"] == "Pupils in both groups inside each of 4 schools (blocked by school; PowerUp! BIRA2_1c)"
    assert "(1 - ICC)(1 - r^2)" in result["formula"] and "df = N - J - 2" in result["formula"]
    assert "whole classes or whole schools" in result["assumes"]
    assert result["icc_used"] is True and result["warning"] is None
    assert result["inputs"] == {"pupils_per_group": 50, "schools": 4, "icc": 0.15, "pre_post_correlation": 0.7,
                                "power": 0.8, "alpha": 0.05}


def test_matches_powerupr_published_examples():
    # PowerUpR's documented cross-checks (Bulus, Dong, Kelcey & Spybrook; Dong & Maynard 2013):
    #   mdes.bira2c1(n = 15, J = 20) -> 0.325, standardised standard error 0.115, df 279
    #     (15 pupils in each of 20 schools, half in each group = 150 per group; no covariate, R^2 = 0)
    #   mdes.ira(n = 250)            -> 0.356, df 248 (one site, 125 per group)
    # Ours counts the baseline as a covariate (df one lower) and, with ICC 0, drops no variance:
    blocked = mdes(pupils_per_group=150, schools=20, icc=0, pre_post_correlation=0)
    assert round(blocked["mdes"], 3) == 0.325
    assert round(blocked["standard_error"], 3) == 0.115
    assert blocked["df"] == 279 - 1
    single = mdes(pupils_per_group=125, schools=1, icc=0.15, pre_post_correlation=0)
    assert round(single["mdes"], 3) == 0.356
    assert single["df"] == 248 - 1


def test_one_school_ignores_the_icc_and_says_so():
    # Given one school, any ICC gives the same MDES: there is no between-school variance in one school
    low = mdes(pupils_per_group=40, schools=1, icc=0.0, pre_post_correlation=0.7)
    high = mdes(pupils_per_group=40, schools=1, icc=0.5, pre_post_correlation=0.7)
    assert low["mdes"] == high["mdes"]
    assert (high["design"], high["icc_used"], high["df"]) == ("one_school", False, 80 - 3)
    assert high["label"] == "Pupils in both groups in one school (individual design; PowerUp! IRA)"
    # by hand: SE = sqrt(0.51 / (0.25 x 80)) = sqrt(0.0255) = 0.15969
    assert high["standard_error"] == pytest.approx(0.15969, abs=1e-5)


def test_icc_zero_leaves_only_the_school_degrees_of_freedom():
    # Given ICC 0, four schools differ from one school only by the 3 degrees of freedom the schools use
    four = mdes(pupils_per_group=40, schools=4, icc=0.0, pre_post_correlation=0.7)
    one = mdes(pupils_per_group=40, schools=1, icc=0.0, pre_post_correlation=0.7)
    assert four["standard_error"] == pytest.approx(one["standard_error"], rel=1e-12)
    assert (four["df"], one["df"]) == (74, 77)
    assert four["mdes"] > one["mdes"]
    # and a larger ICC lowers the blocked MDES by sqrt(1 - ICC): schools' differences are compared away
    with_icc = mdes(pupils_per_group=40, schools=4, icc=0.19, pre_post_correlation=0.7)
    assert with_icc["mdes"] == pytest.approx(four["mdes"] * math.sqrt(0.81), rel=1e-12)


def test_huge_samples_reach_blooms_multiplier_of_about_2_8():
    # As df grows, M -> z(0.975) + z(0.80) = 1.95996 + 0.84162 = 2.80158 (Bloom 1995, 2007)
    result = mdes(pupils_per_group=5_000_000, schools=10, icc=0.15, pre_post_correlation=0.7)
    assert result["multiplier"] == pytest.approx(2.80158, abs=1e-4)
    assert result["mdes"] == pytest.approx(2.80158 * math.sqrt(0.85 * 0.51 / (0.25 * 10_000_000)), rel=1e-4)


def test_more_pupils_or_a_stronger_baseline_lower_the_mdes():
    base = mdes(pupils_per_group=30, schools=2, icc=0.15, pre_post_correlation=0.7)["mdes"]
    assert mdes(pupils_per_group=60, schools=2, icc=0.15, pre_post_correlation=0.7)["mdes"] < base
    assert mdes(pupils_per_group=30, schools=2, icc=0.15, pre_post_correlation=0.9)["mdes"] < base
    assert mdes(pupils_per_group=30, schools=2, icc=0.15, pre_post_correlation=0.0)["mdes"] > base


def test_power_and_alpha_change_the_multiplier():
    # 90% power: M = t(0.975, 94) + t(0.90, 94) = 1.9855 + 1.2906 = 3.2761 (tables: df 90 -> 1.2910, 100 -> 1.2901)
    result = mdes(pupils_per_group=50, schools=4, icc=0.15, pre_post_correlation=0.7, power=0.9)
    assert result["multiplier"] == pytest.approx(3.2761, abs=2e-4)
    # 1% two-sided: M = t(0.995, 94) + t(0.80, 94) = 2.6291 + 0.8455 = 3.4746
    result = mdes(pupils_per_group=50, schools=4, icc=0.15, pre_post_correlation=0.7, alpha=0.01)
    assert result["multiplier"] == pytest.approx(3.4746, abs=2e-4)


def test_a_warning_above_half_a_standard_deviation_only():
    # Given 15 per group in 3 schools with r = 0.5: df 25, M = 2.0595 + 0.8562 = 2.9157,
    # SE = sqrt(0.85 x 0.75 / 7.5) = sqrt(0.085) = 0.29155, MDES = 0.8501
    small = mdes(pupils_per_group=15, schools=3, icc=0.15, pre_post_correlation=0.5)
    assert small["mdes"] == pytest.approx(0.8501, abs=2e-4)
    assert small["warning"] == (
        "With 15 pupils per group in 3 schools, the smallest effect the project could reliably detect is 0.85 SD, "
        "above 0.5: larger than most school interventions achieve. Plan for more pupils, or treat the results as "
        "exploratory.")
    # and one school is named as such
    assert "in one school" in mdes(pupils_per_group=10, schools=1, icc=0.15, pre_post_correlation=0.5)["warning"]
    # while below 0.5 there is none: 33 per group in 2 schools gives 0.4614
    near = mdes(pupils_per_group=33, schools=2, icc=0.15, pre_post_correlation=0.7)
    assert near["mdes"] == pytest.approx(0.4614, abs=2e-4) and near["warning"] is None


@pytest.mark.parametrize("changes, words", [
    ({"pupils_per_group": 1}, "pupils_per_group must be at least 2"),
    ({"pupils_per_group": 0}, "pupils_per_group must be at least 2"),
    ({"pupils_per_group": 12.5}, "pupils_per_group must be a whole number"),
    ({"pupils_per_group": True}, "pupils_per_group must be a whole number"),
    ({"pupils_per_group": "30"}, "pupils_per_group must be a whole number"),
    ({"schools": 0}, "schools must be at least 1"),
    ({"schools": None}, "schools must be a whole number"),
    ({"icc": 1.0}, "icc must be from 0 to below 1"),
    ({"icc": -0.01}, "icc must be from 0 to below 1"),
    ({"icc": float("nan")}, "icc must be a number"),
    ({"pre_post_correlation": 1}, "pre_post_correlation must be from 0 to below 1"),
    ({"pre_post_correlation": -0.2}, "pre_post_correlation must be from 0"),
    ({"power": 0.4}, "power must be from 0.5 to below 1"),
    ({"alpha": 0}, "alpha must be from 0 to below 1"),
    ({"alpha": 1}, "alpha must be from 0 to below 1"),
    ({"pupils_per_group": 3, "schools": 4}, "every school needs pupils in both groups"),
    ({"pupils_per_group": 2, "schools": 2}, "leave no degrees of freedom"),
])
def test_inputs_that_make_no_design_raise_value_error(changes, words):
    args = {"pupils_per_group": 30, "schools": 2, "icc": 0.15, "pre_post_correlation": 0.7, **changes}
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        mdes(**args)
