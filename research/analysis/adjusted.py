"""The headline effect, as the EEF's statistical analysis guidance for evaluations sets it out.

On the pupils with a baseline and a final score (the analysed cohort):
- fewer than MULTILEVEL_MIN_SCHOOLS schools: OLS ``final ~ group + baseline`` (plus school as
  a fixed effect with 2-3 schools); g = the adjusted difference divided by the pooled
  within-group sd of final scores, times Hedges' small-sample factor J; the CI is the model's
  t interval on the same scale;
- 4 or more schools: a multilevel model with a random intercept per school (statsmodels
  MixedLM, REML), ``final ~ group + baseline``; g = the adjusted difference divided by the
  square root of the total variance (school + pupil) of the model ``final ~ group`` with the
  same random intercept; the CI is the model's Wald interval on the same scale. The ICC comes
  from that model without the baseline.
Standardising by the spread of final scores (never of gains) keeps every effect on one scale,
so pooling and the EEF months table compare like with like.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.regression.linear_model import OLS
from statsmodels.regression.mixed_linear_model import MixedLM
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from .numbers import Z_95, sample_sd
from .scores import MeasureScores
from .types import BASELINE, COMPARISON, FINAL, INTERVENTION

MULTILEVEL_MIN_SCHOOLS = 4
OLS_MODEL = "OLS: final ~ group + baseline"
OLS_SCHOOL_MODEL = "OLS: final ~ group + baseline + school (fixed effect)"
OLS_CONFOUNDED_MODEL = ("OLS: final ~ group + baseline (school left out: every school's pupils are in one group, "
                        "so school and group cannot be told apart)")
MULTILEVEL_MODEL = "multilevel (MixedLM, REML): final ~ group + baseline + (1 | school)"


@dataclass(frozen=True)
class AnalysedPupils:
    """One row per pupil with baseline and final scores, both groups together."""

    baseline: np.ndarray
    final: np.ndarray
    treated: np.ndarray  # 1.0 intervention, 0.0 comparison
    school: np.ndarray

    @property
    def n(self) -> int:
        return int(self.final.size)

    def count(self, group: str) -> int:
        return int((self.treated == (1.0 if group == INTERVENTION else 0.0)).sum())

    @property
    def schools(self) -> int:
        return len(set(self.school.tolist()))


def analysed_pupils(scores: MeasureScores) -> AnalysedPupils:
    parts = []
    for group, treated in ((INTERVENTION, 1.0), (COMPARISON, 0.0)):
        before, after = scores.matched_scores(group, BASELINE, FINAL)
        matrix = scores.by_group.get(group)
        if matrix is None or not before.size:
            continue
        both = ~np.isnan(matrix[:, 0]) & ~np.isnan(matrix[:, -1])
        school = scores.schools.get(group)
        school = school[both] if school is not None and len(school) == len(matrix) else np.zeros(before.size)
        parts.append((before, after, np.full(before.size, treated), school))
    if not parts:
        empty = np.zeros(0)
        return AnalysedPupils(empty, empty, empty, empty.astype(object))
    return AnalysedPupils(*(np.concatenate([part[i] for part in parts]) for i in range(4)))


def hedges_factor(n: int) -> float:
    """J = 1 - 3 / (4 (n1 + n2) - 9), the small-sample correction of a standardised difference."""
    return 1 - 3 / (4 * n - 9)


def _pooled_final_sd(pupils: AnalysedPupils) -> float | None:
    treated, control = pupils.final[pupils.treated == 1.0], pupils.final[pupils.treated == 0.0]
    sd_t, sd_c = sample_sd(treated), sample_sd(control)
    if sd_t is None or sd_c is None:
        return None
    n1, n2 = treated.size, control.size
    return math.sqrt(((n1 - 1) * sd_t**2 + (n2 - 1) * sd_c**2) / (n1 + n2 - 2))


def _school_dummies(school: np.ndarray) -> np.ndarray:
    levels = sorted(set(school.tolist()), key=str)
    return np.column_stack([(school == level).astype(float) for level in levels[1:]]) if len(levels) > 1 else \
        np.zeros((school.size, 0))


def _full_rank(design: np.ndarray) -> bool:
    return np.linalg.matrix_rank(design) == design.shape[1]


def _ols(pupils: AnalysedPupils) -> tuple[dict | None, str | None]:
    base = np.column_stack([np.ones(pupils.n), pupils.treated, pupils.baseline])
    design, model = base, OLS_MODEL
    if pupils.schools > 1:
        with_schools = np.column_stack([base, _school_dummies(pupils.school)])
        # with the groups in separate schools, a school effect would take the whole difference
        design, model = (with_schools, OLS_SCHOOL_MODEL) if _full_rank(with_schools) else (base, OLS_CONFOUNDED_MODEL)
    if not _full_rank(design):
        return None, "The baseline scores do not vary, so the model cannot adjust for them."
    fit = OLS(pupils.final, design).fit()
    if fit.df_resid < 1:
        return None, "Too few pupils for the number of things the model estimates."
    sd = _pooled_final_sd(pupils)
    if not sd:
        return None, "All final scores are equal within each group (sd 0), so a standardised difference is undefined."
    coef, se = float(fit.params[1]), float(fit.bse[1])
    half = float(stats.t.ppf(0.975, fit.df_resid)) * se
    scale = hedges_factor(pupils.n) / sd
    return {
        "model": model, "school_confounded": model == OLS_CONFOUNDED_MODEL,
        "difference": coef, "difference_ci_low": coef - half, "difference_ci_high": coef + half,
        "standardiser": "pooled within-group sd of final scores, times Hedges' J",
        "sd": sd, "icc": None, "icc_reason": f"The ICC needs {MULTILEVEL_MIN_SCHOOLS}+ schools.",
        "g": coef * scale, "se": se * scale, "ci_low": (coef - half) * scale, "ci_high": (coef + half) * scale,
    }, None


def _mixed(endog: np.ndarray, exog: np.ndarray, school: np.ndarray):
    """MixedLM by REML: the better (higher restricted likelihood) of statsmodels' default optimisers
    and Powell's method. On small data the default can stop short of the maximum (four small schools:
    school variance 9.7 where lme4 and Powell find 0.64), and even report convergence."""
    model = MixedLM(endog, exog, groups=school.astype(str))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        fits = [model.fit(reml=True), model.fit(reml=True, method="powell")]
    return model, max(fits, key=lambda fit: fit.llf if math.isfinite(fit.llf) else -math.inf)


def _gls_se(model: MixedLM, fit, column: int) -> float:
    """sqrt of [(X' V^-1 X)^-1] at the fitted variances, as lme4 reports it (statsmodels' own bse also
    carries the fixed effects' dependence on the variance estimates: 2% larger with a one-group school)."""
    school_variance = float(np.asarray(fit.cov_re)[0, 0])
    information = np.zeros((model.exog.shape[1],) * 2)
    for rows in model.row_indices.values():
        x = model.exog[rows]
        v = fit.scale * np.eye(len(rows)) + school_variance * np.ones((len(rows), len(rows)))
        information += x.T @ np.linalg.solve(v, x)
    return float(np.sqrt(np.linalg.inv(information)[column, column]))


def _multilevel(pupils: AnalysedPupils) -> tuple[dict | None, str | None]:
    model, adjusted = _mixed(pupils.final, np.column_stack([np.ones(pupils.n), pupils.treated, pupils.baseline]),
                             pupils.school)
    _, unadjusted = _mixed(pupils.final, np.column_stack([np.ones(pupils.n), pupils.treated]), pupils.school)
    school_variance = float(np.asarray(unadjusted.cov_re)[0, 0])
    total = school_variance + float(unadjusted.scale)
    coef, se = float(adjusted.fe_params[1]), _gls_se(model, adjusted, 1)
    if not (total > 0 and math.isfinite(coef) and math.isfinite(se)):
        return None, "The multilevel model could not be fitted to these scores."
    sd = math.sqrt(total)
    half = Z_95 * se
    return {
        "model": MULTILEVEL_MODEL, "school_confounded": False,
        "difference": coef, "difference_ci_low": coef - half, "difference_ci_high": coef + half,
        "standardiser": "square root of the total variance (school + pupil) of final ~ group + (1 | school)",
        "sd": sd, "icc": school_variance / total, "icc_reason": None,
        "g": coef / sd, "se": se / sd, "ci_low": (coef - half) / sd, "ci_high": (coef + half) / sd,
    }, None


def adjusted_effect(pupils: AnalysedPupils) -> tuple[dict | None, str | None]:
    """The baseline-adjusted effect (intervention minus comparison, raw orientation), or a reason.

    Fields: model, difference (scale points, adjusted for baseline) with its CI, sd (the
    standardiser), icc, g, se, ci_low, ci_high. Orientation (higher or lower is better) is the
    caller's business.
    """
    if pupils.n == 0:
        return None, "No pupils have both a baseline and a final score yet."
    for group in (INTERVENTION, COMPARISON):
        if pupils.count(group) < 2:
            return None, (f"The {group} group has {pupils.count(group)} pupil(s) with baseline and final scores; "
                          "each group needs at least 2.")
    if pupils.schools >= MULTILEVEL_MIN_SCHOOLS:
        try:
            return _multilevel(pupils)
        except (np.linalg.LinAlgError, ValueError):
            pass  # a singular fit: the fixed-school model below still answers, and says which model it is
    return _ols(pupils)
