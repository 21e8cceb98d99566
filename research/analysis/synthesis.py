"""Alliance synthesis: random-effects pooling of project effect sizes.

Two methods. DerSimonian-Laird (the default; statsmodels combine_effects, normal CI) and REML
for tau^2 with the Hartung-Knapp-Sidik-Jonkman CI (t with k - 1 df), which keeps its 95%
coverage with few projects where DL's normal CI is too narrow. Both give a 95% prediction
interval for the effect in a new setting. Reference values: fixtures/reference/metafor_pools.json.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects

from .effects import BETWEEN_GROUP_DESIGN
from .numbers import Z_95, finite_or_none, t_quantile_975
from .types import ProjectEffect

METHODS = {
    "dl": "random effects (DerSimonian-Laird)",
    "reml": "random effects (REML, Hartung-Knapp-Sidik-Jonkman)",
}
DEFAULT_METHOD = "dl"
METHOD = METHODS[DEFAULT_METHOD]
NORMAL = "normal"
INVALID_EFFECT = "Effect size or its variance is missing or invalid."
NO_PREDICTION = "A prediction interval needs 3+ projects (t with k - 2 df)."


def _project_row(effect: ProjectEffect, weight: float | None) -> dict:
    se = math.sqrt(effect.variance)
    return {
        "project_id": effect.project_id, "label": effect.label, "n": effect.n,
        "g": effect.g, "variance": effect.variance, "se": se,
        "ci_low": effect.g - Z_95 * se, "ci_high": effect.g + Z_95 * se, "weight": weight,
    }


def _usable(effect: ProjectEffect) -> bool:
    g, variance = finite_or_none(effect.g), finite_or_none(effect.variance)
    return g is not None and variance is not None and variance > 0


def one_effect_per_project(effects: Sequence[ProjectEffect]) -> tuple[list[ProjectEffect], list[dict]]:
    """The usable effects, one per project (its largest sample; the first on ties), so no
    project weighs twice in a pool; and the projects with none usable, each listed once."""
    best: dict[int | str, ProjectEffect] = {}
    for effect in effects:
        current = best.get(effect.project_id)
        if _usable(effect) and (current is None or (effect.n or 0) > (current.n or 0)):
            best[effect.project_id] = effect
    excluded: dict[int | str, dict] = {}
    for effect in effects:
        if effect.project_id not in best and effect.project_id not in excluded:
            excluded[effect.project_id] = {"project_id": effect.project_id, "label": effect.label,
                                           "reason": INVALID_EFFECT}
    return list(best.values()), list(excluded.values())


def _restricted_neg_log_likelihood(tau2: float, g: np.ndarray, variance: np.ndarray) -> float:
    """Minus the REML log-likelihood of the random-effects model, constants dropped
    (Viechtbauer 2005, eq. 12)."""
    total = variance + tau2
    w = 1.0 / total
    sum_w = w.sum()
    residual = g - (w @ g) / sum_w
    return 0.5 * float(np.log(total).sum() + math.log(sum_w) + w @ (residual * residual))


def reml_tau2(g: np.ndarray, variance: np.ndarray) -> float:
    """REML estimate of the between-project variance tau^2, truncated at 0.

    A bounded scalar maximisation of the restricted likelihood (the bound widens if the maximum
    sits on it); 0 when the likelihood is highest at tau^2 = 0. Agrees with metafor's
    rma(method="REML") (tests/research/analysis/test_synthesis_reml.py).
    """
    spread = float(np.var(g))
    if spread == 0.0:
        return 0.0
    upper = 10.0 * (spread + float(np.max(variance)))
    while True:
        fit = optimize.minimize_scalar(_restricted_neg_log_likelihood, bounds=(0.0, upper), args=(g, variance),
                                       method="bounded", options={"xatol": 1e-12, "maxiter": 1000})
        if fit.x < 0.9 * upper:
            break
        upper *= 10.0
    if _restricted_neg_log_likelihood(0.0, g, variance) <= fit.fun:
        return 0.0
    return float(fit.x)


def i_squared_percent(tau2: float, variance: np.ndarray) -> float:
    """I^2 = tau^2 / (tau^2 + s^2), s^2 the typical within-project variance (Higgins & Thompson
    2002, eq. 9; as metafor reports it). For DerSimonian-Laird this equals (Q - df) / Q."""
    w = 1.0 / variance
    typical = (len(variance) - 1) * np.sum(w) / (np.sum(w) ** 2 - np.sum(w ** 2))
    return 100.0 * tau2 / (tau2 + float(typical))


def prediction_interval(pooled: float, se: float, tau2: float, k: int) -> tuple[dict | None, str | None]:
    """95% interval for the true effect in a new setting (Higgins, Thompson & Spiegelhalter 2009):
    pooled +- t_{k-2, 0.975} * sqrt(tau^2 + se^2), se the pooled estimate's own standard error.

    metafor 3.8's predict() uses t with k - 1 df after test="knha" and the normal after DL; the
    reference fixture records both, and the tests show the intervals differ only in that quantile.
    """
    if k < 3:
        return None, NO_PREDICTION
    df = k - 2
    half_width = t_quantile_975(df) * math.sqrt(tau2 + se ** 2)
    return {"low": pooled - half_width, "high": pooled + half_width,
            "distribution": f"t, k - 2 = {df} df"}, None


def _dersimonian_laird(g: np.ndarray, variance: np.ndarray) -> dict:
    """statsmodels 0.15 does not truncate the DL tau^2 at zero (it goes negative when Q < k - 1):
    truncate as DerSimonian and Laird do; with tau^2 = 0 the estimate is the fixed-effect one."""
    with np.errstate(all="ignore"):  # negative raw tau^2 makes statsmodels take sqrt of < 0
        fit = combine_effects(g, variance, method_re="dl")
    if fit.tau2 > 0:
        tau2, pooled, se, weights = float(fit.tau2), float(fit.mean_effect_re), float(fit.sd_eff_w_re), \
            fit.weights_rel_re
    else:
        tau2, pooled, se, weights = 0.0, float(fit.mean_effect_fe), float(fit.sd_eff_w_fe), fit.weights_rel_fe
    return {"tau2": tau2, "g": pooled, "se": se, "ci_low": pooled - Z_95 * se, "ci_high": pooled + Z_95 * se,
            "ci_distribution": NORMAL, "weights": weights, "q": float(fit.q)}


def _reml_hartung_knapp(g: np.ndarray, variance: np.ndarray) -> dict:
    """REML tau^2; the pooled estimate is the weighted mean with weights 1 / (v_i + tau^2), and its
    HKSJ variance is sum w_i (g_i - pooled)^2 / ((k - 1) sum w_i), with a t(k - 1) interval (weighted
    least squares of g on a constant; by formula, as the evidence map pools a hundred strands at once).
    Q is Cochran's, about the fixed-effect mean."""
    tau2 = reml_tau2(g, variance)
    weights = 1.0 / (variance + tau2)
    k, sum_w = len(g), float(weights.sum())
    pooled = float(weights @ g) / sum_w
    residual = g - pooled
    se = math.sqrt(float(weights @ (residual * residual)) / ((k - 1) * sum_w))
    half = t_quantile_975(k - 1) * se
    fixed_weights = 1.0 / variance
    fixed = g - float(fixed_weights @ g) / float(fixed_weights.sum())
    return {"tau2": tau2, "g": pooled, "se": se, "ci_low": pooled - half, "ci_high": pooled + half,
            "ci_distribution": f"t, k - 1 = {k - 1} df", "weights": weights / sum_w,
            "q": float(fixed_weights @ (fixed * fixed))}


POOLERS = {"dl": _dersimonian_laird, "reml": _reml_hartung_knapp}


def _empty_result(method: str, reason: str, projects: list[dict], excluded: list[dict]) -> dict:
    return {
        "method": METHODS[method], "method_code": method, "k": len(projects),
        "g": None, "se": None, "ci_low": None, "ci_high": None, "ci_distribution": None,
        "tau2": None, "i2_percent": None, "q": None, "q_df": None, "q_pvalue": None,
        "prediction_interval": None, "prediction_interval_reason": NO_PREDICTION,
        "reason": reason, "projects": projects, "excluded": excluded,
    }


def pool_effects(effects: Sequence[ProjectEffect], method: str = DEFAULT_METHOD) -> dict:
    """Pool project effects by `method` ("dl" or "reml"): pooled g with its se and 95% CI (and
    which distribution the CI uses), tau^2, I^2 (%), Q, the 95% prediction interval, the projects
    with their weights, and the projects left out, each once with its reason.

    One effect per project (its largest sample). Projects with a missing or non-positive
    variance are excluded. k = 1 gives the single project's estimate, not a pool.
    """
    if method not in METHODS:
        raise ValueError(f"Unknown pooling method {method!r}: use one of {', '.join(METHODS)}.")
    usable, excluded = one_effect_per_project(effects)
    k = len(usable)
    if k == 0:
        return _empty_result(method, "No project effects to pool.", [], excluded)
    if k == 1:
        row = _project_row(usable[0], 1.0)
        result = _empty_result(method, "Pooling needs 2+ projects; this is the single project's estimate.",
                               [row], excluded)
        result.update({key: row[key] for key in ("g", "se", "ci_low", "ci_high")}, ci_distribution=NORMAL)
        return result

    g = np.fromiter((e.g for e in usable), dtype=float, count=k)
    variance = np.fromiter((e.variance for e in usable), dtype=float, count=k)
    result, weights = pool_arrays(g, variance, method)
    return {**result, "projects": [_project_row(effect, float(weight)) for effect, weight in zip(usable, weights)],
            "excluded": excluded}


def pool_arrays(g: np.ndarray, variance: np.ndarray, method: str = DEFAULT_METHOD) -> tuple[dict, np.ndarray]:
    """pool_effects' figures (without its project lists) for two or more usable effects, one per project,
    as arrays; and each effect's relative weight. The evidence map pools its strands through this directly."""
    k = len(g)
    pooled = POOLERS[method](g, variance)
    interval, interval_reason = prediction_interval(pooled["g"], pooled["se"], pooled["tau2"], k)
    df = k - 1
    return {
        "method": METHODS[method], "method_code": method, "k": k,
        "g": pooled["g"], "se": pooled["se"], "ci_low": pooled["ci_low"], "ci_high": pooled["ci_high"],
        "ci_distribution": pooled["ci_distribution"],
        "tau2": pooled["tau2"], "i2_percent": i_squared_percent(pooled["tau2"], variance),
        "q": pooled["q"], "q_df": df, "q_pvalue": float(stats.chi2.sf(pooled["q"], df)),
        "prediction_interval": interval, "prediction_interval_reason": interval_reason, "reason": None,
    }, pooled["weights"]


def synthesis_effect(measure_result: Mapping, project_id: int | str, label: str) -> ProjectEffect | None:
    """A project's headline between-group effect for pooling, or None if it may not count.

    Pass the non-member view: a suppressed ("c") or non-public cell never counts, and
    within-group changes are left out because they do not estimate the same thing.
    """
    effects = measure_result.get("effects") or {}
    headline = effects.get("headline")
    if effects.get("design") != BETWEEN_GROUP_DESIGN or headline not in ("adjusted", "final"):
        return None
    cell = effects.get(headline) or {}
    if cell.get("public") is False:
        return None
    g, variance = cell.get("g"), cell.get("variance")
    if not isinstance(g, (int, float)) or not isinstance(variance, (int, float)):
        return None
    effect = ProjectEffect(project_id, label, float(g), float(variance), cell.get("n"))
    return effect if _usable(effect) else None
