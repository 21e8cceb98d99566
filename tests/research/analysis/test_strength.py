import pytest

from research.analysis.results import project_results
from research.analysis.strength import MAX_ATTRITION, MIN_PUPILS_PER_GROUP

from .builders import READING, outcome_frame

pytestmark = pytest.mark.filterwarnings("error")


def strength_for(scores) -> dict:
    results = project_results(outcome_frame(scores), [READING], min_cell=6)
    strength = results["measures"][0]["evidence_strength"]
    strength["by_key"] = {c["cell"].removeprefix("strength:"): c for c in strength["criteria"]}
    return strength


def balanced(n: int, lost: int = 0, shift: float = 0.0) -> dict:
    """n pupils with identical baselines in both groups; the last `lost` leave before final."""
    baseline = [float(i % 10) for i in range(n)]
    final = [b + 1 if i < n - lost else None for i, b in enumerate(baseline)]
    return {
        "intervention": {"theory": [b + shift for b in baseline], "dissemination": final},
        "comparison": {"theory": baseline, "dissemination": final},
    }


def test_strong_design_earns_five_padlocks_with_reasons():
    # Given 30 per group, no attrition and identical baselines
    strength = strength_for(balanced(MIN_PUPILS_PER_GROUP))
    # Then all five criteria are met, each with a reason
    assert strength["padlocks"] == 5 == strength["max_padlocks"]
    assert all(c["met"] and c["reason"] for c in strength["criteria"])


def test_sample_size_threshold_is_per_group():
    # Given 29 per group
    strength = strength_for(balanced(MIN_PUPILS_PER_GROUP - 1))
    # Then only the sample-size padlock is lost, and the reason gives the n's
    assert strength["padlocks"] == 4
    assert not strength["by_key"]["sample_size"]["met"]
    assert "29" in strength["by_key"]["sample_size"]["reason"]


def test_attrition_above_threshold_loses_padlock():
    # Given 50 per group at baseline and 11 lost from each (22% > 20%)
    lost = 11
    assert lost / 50 > MAX_ATTRITION
    strength = strength_for(balanced(50, lost=lost))
    attrition = strength["by_key"]["attrition"]
    assert not attrition["met"] and "22%" in attrition["reason"]
    # And exactly 20% still counts as met
    assert strength_for(balanced(50, lost=10))["by_key"]["attrition"]["met"]


def test_unequal_baselines_lose_equivalence_padlock():
    # Given the intervention group starting 1 point (~0.34 SD) higher
    strength = strength_for(balanced(40, shift=1.0))
    equivalence = strength["by_key"]["equivalence"]
    assert not equivalence["met"] and "not satisfied" in equivalence["reason"]
    assert strength["padlocks"] == 4


def test_no_comparison_group_scores_at_most_two():
    # Given an intervention group only: comparison, sample size and equivalence cannot be met
    scores = balanced(40)
    del scores["comparison"]
    strength = strength_for(scores)
    assert strength["padlocks"] == 2
    assert [c["met"] for c in strength["criteria"]] == [False, True, False, True, False]
    assert "No comparison group" in strength["by_key"]["comparison_group"]["reason"]


def test_no_final_data_yet_is_explained():
    # Given baseline only
    strength = strength_for({"intervention": {"theory": [1, 2, 3]}, "comparison": {"theory": [1, 2, 3]}})
    # Then baseline and (provisional, all-baseline-pupil) equivalence are the only padlocks
    assert strength["padlocks"] == 2
    assert strength["by_key"]["baseline"]["met"] and strength["by_key"]["equivalence"]["met"]
    assert "no matched final" in strength["by_key"]["equivalence"]["reason"]
    assert "no final-stage scores" in strength["by_key"]["comparison_group"]["reason"]
    assert "cannot be measured" in strength["by_key"]["attrition"]["reason"]
