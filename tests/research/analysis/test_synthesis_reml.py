"""REML + Hartung-Knapp-Sidik-Jonkman pooling and the prediction interval, against metafor.

The reference values are R's metafor 3.8 (fixtures/reference/metafor_pools.json, written by
fixtures/reference/make_reference.R); the hand computations below are independent of the code
under test (Fisher scoring for REML, where the code maximises the likelihood with scipy).
"""
import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from research.analysis.synthesis import METHODS, pool_effects, reml_tau2
from research.analysis.types import ProjectEffect

from .test_synthesis import dersimonian_laird_by_hand

pytestmark = pytest.mark.filterwarnings("error")

REFERENCE = json.loads((Path(__file__).parents[3] / "fixtures/reference/metafor_pools.json").read_text())
POOLS = REFERENCE["pools"]
METAFOR_FIT = {"reml": "reml_knha", "dl": "dl"}
TOL = 1e-6
# ours -> metafor's name for the same number
SAME_NUMBERS = {"g": "b", "se": "se", "ci_low": "ci_lb", "ci_high": "ci_ub", "tau2": "tau2",
                "i2_percent": "I2", "q": "QE", "q_df": "QE_df", "q_pvalue": "QEp"}


def effects(g, v, n=60):
    return [ProjectEffect(i + 1, f"Project {i + 1}", gi, vi, n) for i, (gi, vi) in enumerate(zip(g, v))]


def reml_by_fisher_scoring(g: list[float], v: list[float]) -> float:
    """REML tau^2 by Fisher scoring (Viechtbauer 2005, eq. 16), truncated at 0, written out."""
    tau2 = 0.0
    for _ in range(10_000):
        w = [1 / (vi + tau2) for vi in v]
        mean = sum(wi * gi for wi, gi in zip(w, g)) / sum(w)
        # tr(P), y'PPy and tr(PP) for P = W - W 1 1' W / sum(W)
        trace_p = sum(w) - sum(wi ** 2 for wi in w) / sum(w)
        ypy = sum(wi ** 2 * (gi - mean) ** 2 for wi, gi in zip(w, g))
        trace_pp = (sum(wi ** 2 for wi in w) - 2 * sum(wi ** 3 for wi in w) / sum(w)
                    + sum(wi ** 2 for wi in w) ** 2 / sum(w) ** 2)
        step = (ypy - trace_p) / trace_pp
        new = max(0.0, tau2 + step)
        if abs(new - tau2) < 1e-14:
            return new
        tau2 = new
    raise AssertionError("Fisher scoring did not converge")


def hartung_knapp_by_hand(g: list[float], v: list[float], tau2: float) -> dict:
    """Pooled mean, HKSJ se and t(k - 1) CI (Hartung & Knapp 2001; Sidik & Jonkman 2002)."""
    k = len(g)
    w = [1 / (vi + tau2) for vi in v]
    mean = sum(wi * gi for wi, gi in zip(w, g)) / sum(w)
    se = math.sqrt(sum(wi * (gi - mean) ** 2 for wi, gi in zip(w, g)) / ((k - 1) * sum(w)))
    half = stats.t.ppf(0.975, k - 1) * se
    return {"g": mean, "se": se, "ci_low": mean - half, "ci_high": mean + half}


@pytest.mark.parametrize("method", ["reml", "dl"])
@pytest.mark.parametrize("name", sorted(POOLS))
def test_pool_matches_metafor(name, method):
    # given a set of project effects and metafor's fit of them
    pool = POOLS[name]
    reference = pool[METAFOR_FIT[method]]
    # when pooled
    result = pool_effects(effects(pool["yi"], pool["vi"]), method=method)
    # then g, se, CI, tau^2, I^2, Q and its p-value are metafor's
    assert result["k"] == pool["k"] and result["method_code"] == method and result["method"] == METHODS[method]
    for ours, theirs in SAME_NUMBERS.items():
        assert result[ours] == pytest.approx(reference[theirs], abs=TOL), ours
    # and so is the prediction interval (t with k - 2 df), or there is none for k < 3
    if pool["k"] >= 3:
        interval = result["prediction_interval"]
        higgins = reference["prediction_higgins"]
        assert interval["low"] == pytest.approx(higgins["pi_lb"], abs=TOL)
        assert interval["high"] == pytest.approx(higgins["pi_ub"], abs=TOL)
        assert interval["distribution"] == higgins["distribution"] == f"t, k - 2 = {pool['k'] - 2} df"
        assert result["prediction_interval_reason"] is None
    else:
        assert result["prediction_interval"] is None and "3+" in result["prediction_interval_reason"]


@pytest.mark.parametrize("method", ["reml", "dl"])
@pytest.mark.parametrize("name", sorted(name for name, pool in POOLS.items() if pool["k"] >= 3))
def test_metafor_default_prediction_interval_differs_only_in_its_quantile(name, method):
    # given metafor 3.8's default predict() (t with k - 1 df after knha, the normal after DL)
    pool = POOLS[name]
    reference = pool[METAFOR_FIT[method]]["prediction_metafor_default"]
    result = pool_effects(effects(pool["yi"], pool["vi"]), method=method)
    # when our interval is rebuilt with that quantile instead of t(k - 2)
    quantile = stats.t.ppf(0.975, pool["k"] - 1) if method == "reml" else stats.norm.ppf(0.975)
    half = quantile * math.sqrt(result["tau2"] + result["se"] ** 2)
    # then it is metafor's default interval, and ours (Higgins' k - 2) is wider
    assert result["g"] - half == pytest.approx(reference["pi_lb"], abs=TOL)
    assert result["g"] + half == pytest.approx(reference["pi_ub"], abs=TOL)
    assert result["prediction_interval"]["low"] < reference["pi_lb"]


@pytest.mark.parametrize("name", sorted(POOLS))
def test_reml_tau2_equals_fisher_scoring_and_the_ci_is_hartung_knapp_by_hand(name):
    # given a set of effects
    pool = POOLS[name]
    g, v = pool["yi"], pool["vi"]
    # when REML tau^2 is computed (scipy's bounded maximisation of the restricted likelihood)
    tau2 = reml_tau2(np.array(g), np.array(v))
    # then it is Fisher scoring's answer, and the REML pool is HKSJ by hand at that tau^2
    expected_tau2 = reml_by_fisher_scoring(g, v)
    assert tau2 == pytest.approx(expected_tau2, abs=1e-8)
    result = pool_effects(effects(g, v), method="reml")
    for key, value in hartung_knapp_by_hand(g, v, expected_tau2).items():
        assert result[key] == pytest.approx(value, abs=1e-8), key
    assert result["ci_distribution"] == f"t, k - 1 = {len(g) - 1} df"


def test_dersimonian_laird_still_equals_the_hand_computation():
    # given the heterogeneous five projects
    pool = POOLS["heterogeneous_k5"]
    g, v = pool["yi"], pool["vi"]
    # when pooled by the default method
    result = pool_effects(effects(g, v))
    expected = dersimonian_laird_by_hand(g, v)
    # then it is DL by hand, with a normal CI and I^2 = (Q - df) / Q
    assert result["method_code"] == "dl" and result["ci_distribution"] == "normal"
    for key in ("g", "se", "tau2", "q"):
        assert result[key] == pytest.approx(expected[key], abs=1e-12), key
    assert result["i2_percent"] == pytest.approx(expected["i2"], abs=1e-10)
    assert result["ci_high"] == pytest.approx(expected["g"] + stats.norm.ppf(0.975) * expected["se"], abs=1e-12)
    # and the prediction interval is pooled +- t(3) sqrt(tau^2 + se^2)
    half = stats.t.ppf(0.975, 3) * math.sqrt(expected["tau2"] + expected["se"] ** 2)
    assert result["prediction_interval"]["low"] == pytest.approx(expected["g"] - half, abs=1e-12)
    assert result["prediction_interval"]["distribution"] == "t, k - 2 = 3 df"


@pytest.mark.parametrize("method", ["reml", "dl"])
def test_one_project_is_its_own_estimate_without_tau2_or_prediction(method):
    result = pool_effects(effects([0.3], [0.05]), method=method)
    assert result["k"] == 1 and result["g"] == 0.3 and result["se"] == pytest.approx(math.sqrt(0.05))
    assert result["tau2"] is None and result["i2_percent"] is None and "2+" in result["reason"]
    assert result["prediction_interval"] is None and "3+" in result["prediction_interval_reason"]
    assert result["method"] == METHODS[method]


def test_two_projects_reml_uses_t_with_one_df():
    # given two projects (metafor: tau^2 = 0, HKSJ with t(1))
    pool = POOLS["two_projects_k2"]
    result = pool_effects(effects(pool["yi"], pool["vi"]), method="reml")
    # then the CI half-width is t(1) = 12.71 times the HKSJ se, and there is no prediction interval
    assert result["ci_high"] - result["g"] == pytest.approx(stats.t.ppf(0.975, 1) * result["se"], abs=1e-12)
    assert result["ci_distribution"] == "t, k - 1 = 1 df"
    assert result["prediction_interval"] is None


@pytest.mark.parametrize("g", [[0.1, 0.4, 0.3, 0.8], [0.1, 0.4, 0.3, 0.8, -0.2, 0.55], [0.2, 0.21, 0.19]])
def test_equal_variances_give_the_closed_form_tau2(g):
    # given projects with equal variances, REML and DL both give tau^2 = max(0, var(g) - v)
    v = 0.02
    expected = max(0.0, float(np.var(g, ddof=1)) - v)
    reml = pool_effects(effects(g, [v] * len(g)), method="reml")
    dl = pool_effects(effects(g, [v] * len(g)), method="dl")
    assert reml["tau2"] == pytest.approx(expected, abs=1e-8)
    assert dl["tau2"] == pytest.approx(expected, abs=1e-12)
    # and with equal weights the pooled effect is the plain mean
    assert reml["g"] == pytest.approx(float(np.mean(g)), abs=1e-12)
    assert [p["weight"] for p in reml["projects"]] == pytest.approx([1 / len(g)] * len(g))


def test_homogeneous_projects_have_tau2_exactly_zero():
    # given projects that agree more than their variances lead one to expect (Q < k - 1)
    pool = POOLS["homogeneous_k4"]
    g, v = pool["yi"], pool["vi"]
    result = pool_effects(effects(g, v), method="reml")
    # then REML tau^2 is exactly 0 and the estimate is the fixed-effect mean
    fixed = sum(gi / vi for gi, vi in zip(g, v)) / sum(1 / vi for vi in v)
    assert result["tau2"] == 0.0 and result["i2_percent"] == 0.0
    assert result["g"] == pytest.approx(fixed, abs=1e-12)
    # and the prediction interval is then pooled +- t(k - 2) * se
    assert result["prediction_interval"]["high"] - result["g"] == pytest.approx(
        stats.t.ppf(0.975, 2) * result["se"], abs=1e-12)


def test_identical_effects_pool_under_reml_without_warnings():
    # given identical effects (Q = 0; warnings are errors here)
    result = pool_effects(effects([0.25, 0.25, 0.25], [0.02, 0.03, 0.05]), method="reml")
    # then tau^2 is 0 and the HKSJ se is 0 (the residual spread it scales by is 0)
    assert result["tau2"] == 0.0 and result["q"] == pytest.approx(0.0)
    assert result["g"] == pytest.approx(0.25) and result["se"] == pytest.approx(0.0, abs=1e-12)


def test_one_effect_per_project_and_each_excluded_project_listed_once():
    # given project 1 twice (the larger sample must count), project 2 twice with no valid variance
    effects_in = [ProjectEffect(1, "One", 0.9, 0.05, 40), ProjectEffect(1, "One", 0.2, 0.04, 80),
                  ProjectEffect(2, "Two", 0.5, float("nan"), 50), ProjectEffect(2, "Two", 0.5, 0.0, 60),
                  ProjectEffect(3, "Three", 0.4, 0.06, 50)]
    # when pooled by either method
    for method in METHODS:
        result = pool_effects(effects_in, method=method)
        # then project 1 counts once, through its 80 pupils, and project 2 is excluded once
        assert result["k"] == 2 and [(p["project_id"], p["n"]) for p in result["projects"]] == [(1, 80), (3, 50)]
        assert [e["project_id"] for e in result["excluded"]] == [2]


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="dl, reml"):
        pool_effects(effects([0.1, 0.2], [0.01, 0.02]), method="pm")
