import math
import statistics

import pytest

from research.analysis.comparisons import (
    baseline_equivalence,
    effects_section,
    final_effect,
    gain_effect,
    within_group_effect,
)
from research.analysis.effects import BETWEEN_GROUP_DESIGN, WITHIN_GROUP_DESIGN
from research.analysis.types import MeasureInfo

from .builders import ANXIETY, READING, outcome_frame, split_scores
from .test_effects import hand_hedges_g

pytestmark = pytest.mark.filterwarnings("error")

TREATED_FINAL = [12.0, 14, 16, 18]
CONTROL_FINAL = [10.0, 11, 12, 13, 14]


def wide_for(scores):
    return split_scores(outcome_frame(scores))


def two_group_wide():
    return wide_for({
        "intervention": {"theory": [10, 11, 12, 13], "dissemination": TREATED_FINAL},
        "comparison": {"theory": [10, 11, 12, 13, 14], "dissemination": CONTROL_FINAL},
    })


def test_final_effect_cell_carries_g_ci_ns_and_months():
    # Given an attainment measure with unequal groups
    effect = final_effect(two_group_wide(), READING)
    g, variance = hand_hedges_g(TREATED_FINAL, CONTROL_FINAL)
    # Then g, variance and n's are reported, months from the EEF table (g 1.29 -> 12)
    assert effect["g"] == pytest.approx(g)
    assert effect["variance"] == pytest.approx(variance)
    assert (effect["n"], effect["n_intervention"], effect["n_comparison"]) == (9, 4, 5)
    assert effect["ci_low"] < g < effect["ci_high"]
    assert effect["months"] == 12 and effect["design"] == BETWEEN_GROUP_DESIGN


def test_lower_is_better_measure_flips_sign_so_positive_favours_intervention():
    # Given an anxiety measure where the intervention group ends lower (better)
    wide = wide_for({
        "intervention": {"theory": [20, 21, 22], "dissemination": [10.0, 12, 14]},
        "comparison": {"theory": [20, 21, 22], "dissemination": [18.0, 20, 22]},
    })
    effect = final_effect(wide, ANXIETY)
    raw_g, _ = hand_hedges_g([10.0, 12, 14], [18.0, 20, 22])
    # Then g is positive and the CI is mirrored
    assert raw_g < 0
    assert effect["g"] == pytest.approx(-raw_g)
    assert effect["ci_low"] == pytest.approx(-raw_g - 1.959964 * effect["se"], abs=1e-5)
    # And months are not given for a non-attainment measure
    assert effect["months"] is None and "attainment" in effect["months_reason"]


def test_gain_effect_is_on_the_baseline_sd_scale_not_the_gains():
    # Given matched pupils with gains [2, 3, 4, 5] vs [0, 1, 0, 1, 2] and baselines [10..13] vs [10..14]
    wide = wide_for({
        "intervention": {"theory": [10, 11, 12, 13], "dissemination": [12, 14, 16, 18]},
        "comparison": {"theory": [10, 11, 12, 13, 14], "dissemination": [10, 12, 12, 14, 16]},
    })
    effect = gain_effect(wide, READING)
    # Then g = J x (3.5 - 0.8) / pooled baseline sd, by hand
    pooled = (3 * statistics.variance([10, 11, 12, 13]) + 4 * statistics.variance([10, 11, 12, 13, 14])) / 7
    j = 1 - 3 / (4 * 9 - 9)
    assert effect["g"] == pytest.approx(j * (3.5 - 0.8) / math.sqrt(pooled))
    # and not the (larger) g on the sd of gains
    assert effect["g"] < hand_hedges_g([2.0, 3, 4, 5], [0.0, 1, 0, 1, 2])[0]


def test_all_equal_gains_give_a_zero_gain_effect():
    # Given every pupil gaining exactly 2 in both groups
    wide = wide_for({
        "intervention": {"theory": [1, 2, 3], "dissemination": [3, 4, 5]},
        "comparison": {"theory": [1, 2, 3], "dissemination": [3, 4, 5]},
    })
    effect = gain_effect(wide, READING)
    # Then the difference in gains is 0 on the baseline scale: defined, and no effect
    assert effect["g"] == pytest.approx(0.0)


def test_baseline_equivalence_on_matched_sample_and_bands():
    # Given baselines that differ by a large amount among matched pupils
    wide = wide_for({
        "intervention": {"theory": [15, 16, 17, 18], "dissemination": [20, 21, 22, 23]},
        "comparison": {"theory": [10, 11, 12, 13, 99], "dissemination": [14, 15, 16, 17, None]},
    })
    result = baseline_equivalence(wide, ["intervention", "comparison"], READING)
    # Then the outlier without a final score is excluded (analytic sample) and the band fails
    g, _ = hand_hedges_g([15.0, 16, 17, 18], [10.0, 11, 12, 13])
    assert result["difference_sd"] == pytest.approx(g)
    assert (result["n_intervention"], result["n_comparison"]) == (4, 4)
    assert result["band"] == "not satisfied" and result["flag"] == "fail"
    assert "final" in result["sample"]


def test_baseline_equivalence_falls_back_to_all_baseline_pupils_before_final_data():
    # Given baseline data only, identical in both groups
    wide = wide_for({
        "intervention": {"theory": [1, 2, 3]},
        "comparison": {"theory": [1, 2, 3]},
    })
    result = baseline_equivalence(wide, ["intervention", "comparison"], READING)
    assert result["difference_sd"] == pytest.approx(0.0)
    assert result["band"] == "satisfied" and result["flag"] is None
    assert "no matched final" in result["sample"]


def test_unbalanced_baseline_still_has_the_adjusted_effect_as_headline():
    # Given groups that start about 0.14 SD apart (0.5 / sd 3.16, times J)
    wide = wide_for({
        "intervention": {"theory": [10.5, 12.5, 14.5, 16.5, 18.5], "dissemination": [12, 14, 17, 18, 21]},
        "comparison": {"theory": [10, 12, 14, 16, 18], "dissemination": [11, 12, 15, 16, 19]},
    })
    equivalence = baseline_equivalence(wide, ["intervention", "comparison"], READING)
    assert equivalence["band"] == "adjustment needed"
    section = effects_section(wide, ["intervention", "comparison"], READING)
    # Then the baseline-adjusted effect leads (never the gains), with the others beside it
    assert section["headline"] == "adjusted"
    assert None not in (section["adjusted"]["g"], section["final"]["g"], section["gain"]["g"])


def test_no_comparison_group_gives_labelled_within_group_change():
    # Given only an intervention group
    wide = wide_for({"intervention": {"theory": [10, 12, 14, 16, 18], "dissemination": [13, 14, 18, 19, 20]}})
    equivalence = baseline_equivalence(wide, ["intervention"], READING)
    section = effects_section(wide, ["intervention"], READING)
    # Then the design says it is weaker and the value is the within-group change
    assert section["design"] == WITHIN_GROUP_DESIGN == "within-group (weaker evidence)"
    assert section["headline"] == "within_group"
    assert section["within_group"]["g"] == pytest.approx(0.8 * 2.8 / 10**0.5)
    # and no months: the EEF table means progress beyond a comparison group
    assert section["within_group"]["months"] is None and "comparison" in section["within_group"]["months_reason"]
    assert "final" not in section and equivalence["band"] is None and equivalence["reason"]


def test_within_group_effect_for_lower_is_better_flips_sign():
    # Given anxiety falling (improving) in the intervention group
    wide = wide_for({"intervention": {"theory": [20, 22, 24, 26], "dissemination": [15, 18, 18, 22]}})
    effect = within_group_effect(wide, MeasureInfo(3, "Anxiety", "well-being", higher_is_better=False))
    assert effect["g"] > 0
