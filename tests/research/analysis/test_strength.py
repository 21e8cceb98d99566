"""Padlocks after the EEF security rating: the lowest of design, MDES and attrition, less
deductions for baseline imbalance and threats. Expected MDES values are worked out here from
the textbook formula (Bloom 2007), not read from the product."""
import math

import pytest
from scipy import stats

from research.analysis.results import project_results

from .builders import READING, outcome_frame

pytestmark = pytest.mark.filterwarnings("error")


def strength_for(scores, frame=None) -> dict:
    results = project_results(frame if frame is not None else outcome_frame(scores), [READING], min_cell=6)
    strength = results["measures"][0]["evidence_strength"]
    strength["by_key"] = {c["cell"].removeprefix("strength:"): c for c in strength["criteria"]}
    return strength


def balanced(n: int, lost: int = 0, shift: float = 0.0, noise: bool = True) -> dict:
    """n pupils per group with the same baselines; the last `lost` leave before the final stage."""
    baseline = [float(i % 10) for i in range(n)]
    final = [b + 1 + ((i * 7) % 5 if noise else 0) if i < n - lost else None for i, b in enumerate(baseline)]
    return {
        "intervention": {"theory": [b + shift for b in baseline], "dissemination": final},
        "comparison": {"theory": baseline, "dissemination": final},
    }


def textbook_mdes(n_per_group: int, r: float) -> float:
    """One school: M x sqrt((1 - r^2) / (P (1 - P) N)), M = t(.975, N - 3) + t(.8, N - 3), P = 1/2."""
    total = 2 * n_per_group
    df = total - 3
    multiplier = stats.t.ppf(0.975, df) + stats.t.ppf(0.8, df)
    return multiplier * math.sqrt((1 - r * r) / (0.25 * total))


def pooled_r(scores: dict) -> float:
    cross = vb = vf = 0.0
    for group in scores.values():
        pairs = [(b, f) for b, f in zip(group["theory"], group["dissemination"]) if f is not None]
        mb = sum(b for b, _ in pairs) / len(pairs)
        mf = sum(f for _, f in pairs) / len(pairs)
        cross += sum((b - mb) * (f - mf) for b, f in pairs)
        vb += sum((b - mb) ** 2 for b, _ in pairs)
        vf += sum((f - mf) ** 2 for _, f in pairs)
    return cross / math.sqrt(vb * vf)


def test_a_large_matched_study_earns_three_padlocks_the_most_a_matched_design_can():
    # Given 200 per group, no attrition, identical baselines, in one school
    scores = balanced(200)
    strength = strength_for(scores)
    # Then design rates 3 (matched, not randomised), MDES and attrition higher, so 3 padlocks... less one
    # threat: everyone is in one school
    assert strength["by_key"]["design"]["padlocks"] == 3
    assert strength["by_key"]["attrition"]["padlocks"] == 5
    expected = textbook_mdes(200, pooled_r(scores))
    assert strength["by_key"]["mdes"]["mdes"] == pytest.approx(expected, rel=1e-9)
    assert strength["by_key"]["mdes"]["padlocks"] == 5 and expected <= 0.2
    assert strength["by_key"]["threats"]["padlocks_lost"] == 1 and "one school" in strength["by_key"]["threats"]["reason"]
    assert strength["padlocks"] == 2 and strength["max_padlocks"] == 5
    assert all(c["reason"] for c in strength["criteria"])


def test_mdes_band_follows_the_sample():
    bands = set()
    for per_group in (6, 10, 16, 30, 60):
        # Given a sample of this size (baseline and final only weakly related: r about 0.3)
        scores = balanced(per_group)
        for group in scores.values():
            group["dissemination"] = [(i * 37) % 11 + 0.5 * b for i, b in enumerate(group["theory"])]
        mdes = textbook_mdes(per_group, pooled_r(scores))
        expected = next(p for limit, p in ((0.2, 5), (0.3, 4), (0.4, 3), (0.5, 2), (0.6, 1), (99, 0)) if mdes <= limit)
        # Then the MDES padlocks are the EEF band of the textbook MDES
        strength = strength_for(scores)
        assert strength["by_key"]["mdes"]["padlocks"] == expected, per_group
        assert f"{mdes:.2f} SD" in strength["by_key"]["mdes"]["reason"]
        bands.add(expected)
    assert len(bands) >= 3, bands


def test_attrition_bands():
    # Given 50 per group at baseline and 11 lost from each (22%): 3 padlocks; exactly 20%: 4
    lost_22 = strength_for(balanced(50, lost=11))["by_key"]["attrition"]
    assert lost_22["padlocks"] == 3 and "22%" in lost_22["reason"]
    assert strength_for(balanced(50, lost=10))["by_key"]["attrition"]["padlocks"] == 4


def test_imbalance_at_baseline_takes_two_padlocks_when_it_fails():
    # Given the intervention group starting 1 point (~0.34 SD) higher
    strength = strength_for(balanced(100, shift=1.0))
    balance = strength["by_key"]["balance"]
    assert balance["padlocks_lost"] == 2 and "not satisfied" in balance["reason"]
    rating = min(strength["by_key"][k]["padlocks"] for k in ("design", "mdes", "attrition"))
    assert strength["padlocks"] == max(0, rating - 2 - strength["by_key"]["threats"]["padlocks_lost"])


def test_no_comparison_group_earns_no_padlocks():
    scores = balanced(40)
    del scores["comparison"]
    strength = strength_for(scores)
    assert strength["padlocks"] == 0 and strength["by_key"]["design"]["padlocks"] == 0
    assert "No comparison group" in strength["by_key"]["design"]["reason"]


def test_no_final_data_yet_is_explained():
    strength = strength_for({"intervention": {"theory": [1, 2, 3]}, "comparison": {"theory": [1, 2, 3]}})
    assert strength["padlocks"] == 0
    assert "without both baseline and final" in strength["by_key"]["attrition"]["reason"]
    assert "Too few pupils" in strength["by_key"]["mdes"]["reason"]


def test_pupils_who_switched_groups_are_a_threat():
    frame = outcome_frame(balanced(40))
    frame.loc[(frame["pupil_key"] == "com-0") & (frame["stage"] == "dissemination"), "group"] = "intervention"
    frame.loc[(frame["pupil_key"] == "com-0") & (frame["stage"] == "dissemination"), "pupil_key"] = "com-0"
    strength = strength_for(None, frame=frame)
    assert "recorded in both groups" in strength["by_key"]["threats"]["reason"]
