"""Alliance synthesis: DerSimonian-Laird random-effects pooling of project effect sizes."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from .effects import BETWEEN_GROUP_DESIGN
from .numbers import Z_95, finite_or_none
from .types import ProjectEffect

METHOD = "random effects (DerSimonian-Laird)"


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


def _empty_result(reason: str, projects: list[dict], excluded: list[dict]) -> dict:
    return {
        "method": METHOD, "k": len(projects), "g": None, "se": None, "ci_low": None, "ci_high": None,
        "tau2": None, "i2_percent": None, "q": None, "q_df": None, "q_pvalue": None,
        "reason": reason, "projects": projects, "excluded": excluded,
    }


def pool_effects(effects: Sequence[ProjectEffect]) -> dict:
    """Pool project effects; returns pooled g with 95% CI, tau^2, I^2 (%), Q and the projects.

    Uses statsmodels combine_effects(method_re="dl"). statsmodels 0.15 does not truncate the
    DL tau^2 at zero (it goes negative when Q < k - 1), so we truncate as DerSimonian and
    Laird do; with tau^2 = 0 the random-effects estimate is the fixed-effect one, which we
    then take from the same result. I^2 = max(0, (Q - df) / Q), Higgins and Thompson.
    CIs are normal-based (no HKSJ adjustment). Projects with a missing or non-positive
    variance are listed under "excluded", not pooled.
    """
    usable = [effect for effect in effects if _usable(effect)]
    excluded = [
        {"project_id": e.project_id, "label": e.label, "reason": "Effect size or its variance is missing or invalid."}
        for e in effects if not _usable(e)
    ]
    k = len(usable)
    if k == 0:
        return _empty_result("No project effects to pool.", [], excluded)
    if k == 1:
        row = _project_row(usable[0], 1.0)
        result = _empty_result("Pooling needs 2+ projects; this is the single project's estimate.", [row], excluded)
        result.update({key: row[key] for key in ("g", "se", "ci_low", "ci_high")})
        return result

    g = np.fromiter((e.g for e in usable), dtype=float, count=k)
    variance = np.fromiter((e.variance for e in usable), dtype=float, count=k)
    with np.errstate(all="ignore"):  # negative raw tau^2 makes statsmodels take sqrt of < 0
        fit = combine_effects(g, variance, method_re="dl")
    q, df = float(fit.q), k - 1
    if fit.tau2 > 0:
        tau2, pooled, se = float(fit.tau2), float(fit.mean_effect_re), float(fit.sd_eff_w_re)
        weights = fit.weights_rel_re
    else:
        tau2, pooled, se = 0.0, float(fit.mean_effect_fe), float(fit.sd_eff_w_fe)
        weights = fit.weights_rel_fe
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    projects = [_project_row(effect, float(weight)) for effect, weight in zip(usable, weights)]
    return {
        "method": METHOD, "k": k, "g": pooled, "se": se,
        "ci_low": pooled - Z_95 * se, "ci_high": pooled + Z_95 * se,
        "tau2": tau2, "i2_percent": 100.0 * i2, "q": q, "q_df": df,
        "q_pvalue": float(stats.chi2.sf(q, df)), "reason": None,
        "projects": projects, "excluded": excluded,
    }


def synthesis_effect(measure_result: Mapping, project_id: int | str, label: str) -> ProjectEffect | None:
    """A project's headline between-group effect for pooling, or None if it may not count.

    Pass the non-member view: a suppressed ("c") or non-public cell never counts, and
    within-group changes are left out because they do not estimate the same thing.
    """
    effects = measure_result.get("effects") or {}
    headline = effects.get("headline")
    if effects.get("design") != BETWEEN_GROUP_DESIGN or headline not in ("final", "gain"):
        return None
    cell = effects.get(headline) or {}
    if cell.get("public") is False:
        return None
    g, variance = cell.get("g"), cell.get("variance")
    if not isinstance(g, (int, float)) or not isinstance(variance, (int, float)):
        return None
    effect = ProjectEffect(project_id, label, float(g), float(variance), cell.get("n"))
    return effect if _usable(effect) else None
