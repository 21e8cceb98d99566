import math

import pytest

from research.analysis.disclosure import non_member_view
from research.analysis.results import project_results
from research.analysis.synthesis import pool_effects, synthesis_effect
from research.analysis.types import ProjectEffect

from .builders import READING, outcome_frame

pytestmark = pytest.mark.filterwarnings("error")


def dersimonian_laird_by_hand(g: list[float], v: list[float]) -> dict:
    """Textbook DL (Borenstein et al. 2009, ch. 12), written out with plain loops."""
    w = [1 / vi for vi in v]
    sum_w = sum(w)
    fixed = sum(wi * gi for wi, gi in zip(w, g)) / sum_w
    q = sum(wi * (gi - fixed) ** 2 for wi, gi in zip(w, g))
    df = len(g) - 1
    c = sum_w - sum(wi**2 for wi in w) / sum_w
    tau2 = max(0.0, (q - df) / c)
    w_star = [1 / (vi + tau2) for vi in v]
    pooled = sum(wi * gi for wi, gi in zip(w_star, g)) / sum(w_star)
    se = math.sqrt(1 / sum(w_star))
    i2 = max(0.0, (q - df) / q) * 100
    return {"g": pooled, "se": se, "tau2": tau2, "q": q, "i2": i2, "weights": [x / sum(w_star) for x in w_star]}


def effects(g, v):
    return [ProjectEffect(i + 1, f"Project {i + 1}", gi, vi, 60) for i, (gi, vi) in enumerate(zip(g, v))]


def test_dersimonian_laird_matches_hand_computation_on_three_studies():
    # Given three heterogeneous projects
    g, v = [0.2, 0.5, 0.9], [0.04, 0.09, 0.0625]
    # When pooled
    result = pool_effects(effects(g, v))
    expected = dersimonian_laird_by_hand(g, v)
    # Then the estimate, tau^2, Q and I^2 match the hand calculation
    # (w = 25, 11.1, 16; Q = 4.787; C = 32.836; tau^2 = 2.787 / 32.836 = 0.0849; I^2 = 58.2%)
    assert result["k"] == 3
    assert result["q"] == pytest.approx(expected["q"]) == pytest.approx(4.7867, abs=1e-4)
    assert result["tau2"] == pytest.approx(expected["tau2"]) == pytest.approx(0.08487, abs=1e-5)
    assert result["i2_percent"] == pytest.approx(expected["i2"]) == pytest.approx(58.22, abs=0.01)
    assert result["g"] == pytest.approx(expected["g"])
    assert result["se"] == pytest.approx(expected["se"])
    assert result["ci_low"] == pytest.approx(expected["g"] - 1.959964 * expected["se"], abs=1e-6)
    assert [p["weight"] for p in result["projects"]] == pytest.approx(expected["weights"])
    assert [p["project_id"] for p in result["projects"]] == [1, 2, 3]
    assert result["q_df"] == 2 and 0 < result["q_pvalue"] < 1


def test_homogeneous_projects_truncate_tau2_at_zero():
    # Given near-identical effects (Q < df: raw DL tau^2 is negative in statsmodels 0.15)
    g, v = [0.10, 0.11, 0.12], [0.04, 0.05, 0.06]
    result = pool_effects(effects(g, v))
    expected = dersimonian_laird_by_hand(g, v)
    # Then tau^2 and I^2 are 0 and the estimate equals the fixed-effect one
    assert result["tau2"] == 0.0 and result["i2_percent"] == 0.0
    assert result["g"] == pytest.approx(expected["g"])
    assert result["se"] == pytest.approx(math.sqrt(1 / sum(1 / x for x in v)))


def test_single_project_is_returned_unpooled_with_reason():
    result = pool_effects(effects([0.3], [0.05]))
    assert result["k"] == 1 and result["g"] == 0.3
    assert result["tau2"] is None and result["i2_percent"] is None
    assert "2+" in result["reason"]


def test_no_projects_and_invalid_variances():
    assert pool_effects([])["g"] is None
    # Given one project with an invalid variance
    result = pool_effects(effects([0.3, 0.2, float("nan")], [0.05, 0.0, 0.1]))
    # Then it is excluded and listed, leaving one project
    assert result["k"] == 1 and [e["project_id"] for e in result["excluded"]] == [2, 3]


def project(control_n: int) -> dict:
    treated = [10 + i % 9 + i / 101 for i in range(40)]
    control = [10 + i % 9 + i / 89 for i in range(control_n)]
    return project_results(
        outcome_frame({
            "intervention": {"theory": treated, "dissemination": [t + 2 for t in treated]},
            "comparison": {"theory": control, "dissemination": [c + 1 for c in control]},
        }),
        [READING], 6,
    )


def test_synthesis_effect_takes_public_headline_only():
    # Given a project with 40 vs 40 pupils
    public = non_member_view(project(40))["measures"][0]
    effect = synthesis_effect(public, 7, "Reading project")
    # Then its headline g and variance are taken
    headline = public["effects"][public["effects"]["headline"]]
    assert effect.g == headline["g"] and effect.variance == headline["variance"] and effect.project_id == 7
    # Given a project whose comparison group is below the minimum cell size
    small = non_member_view(project(4))["measures"][0]
    # Then it does not count, whether the member or the public view is passed
    assert synthesis_effect(small, 8, "Small") is None
    assert synthesis_effect(project(4)["measures"][0], 8, "Small") is None


def test_identical_effects_pool_without_warnings():
    # Given two projects with exactly the same g (Q = 0: statsmodels divides by zero for I^2)
    result = pool_effects(effects([0.25, 0.25], [0.02, 0.03]))
    # Then no warning escapes (warnings are errors here) and heterogeneity is zero
    assert result["g"] == pytest.approx(0.25)
    assert result["q"] == pytest.approx(0.0) and result["i2_percent"] == 0.0 and result["tau2"] == 0.0
