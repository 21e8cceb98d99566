"""Effect-size primitives: Hedges' g, within-group change, EEF months, WWC bands.

Sign convention everywhere: positive g means the intervention group did better (or, for a
within-group change, that pupils improved), whatever the measure's direction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from statsmodels.stats.meta_analysis import effectsize_smd

from .numbers import Z_95, finite_or_none, sample_sd
from .types import Summary

WITHIN_GROUP_DESIGN = "within-group (weaker evidence)"
BETWEEN_GROUP_DESIGN = "between-group (intervention vs comparison)"

# EEF Toolkit months' progress: lower bound of |g| for each month count (DESIGN section 5).
# A value between two listed bands (e.g. 0.095) belongs to the lower band: the table is
# read on |g| truncated to 2 dp, which also makes |g| < 0.02 exactly 0 months.
EEF_MONTH_LOWER_BOUNDS: tuple[tuple[float, int], ...] = (
    (0.96, 12), (0.88, 11), (0.79, 10), (0.70, 9), (0.62, 8), (0.53, 7),
    (0.45, 6), (0.36, 5), (0.27, 4), (0.19, 3), (0.10, 2), (0.02, 1),
)

# WWC baseline equivalence bands on |baseline difference| in SD units (Hedges' g).
WWC_SATISFIED_MAX = 0.05
WWC_ADJUSTMENT_MAX = 0.25
EQUIVALENCE_SATISFIED = "satisfied"
EQUIVALENCE_ADJUST = "adjustment needed"
EQUIVALENCE_FAIL = "not satisfied"

MIN_GROUP_FOR_G = 2  # each group needs a spread estimate
MIN_MATCHED_FOR_CHANGE = 3  # with n = 2 the small-sample factor J is 0


@dataclass(frozen=True)
class EffectEstimate:
    g: float
    variance: float

    @property
    def se(self) -> float:
        return math.sqrt(self.variance)

    @property
    def ci(self) -> tuple[float, float]:
        """Normal-based 95% CI, as used for effect sizes in meta-analysis."""
        return self.g - Z_95 * self.se, self.g + Z_95 * self.se

    def flipped(self) -> "EffectEstimate":
        return EffectEstimate(-self.g, self.variance)

    def as_fields(self) -> dict:
        ci_low, ci_high = self.ci
        return {"g": self.g, "variance": self.variance, "se": self.se, "ci_low": ci_low, "ci_high": ci_high}


EMPTY_EFFECT_FIELDS = {"g": None, "variance": None, "se": None, "ci_low": None, "ci_high": None}


def hedges_g(intervention: Summary, comparison: Summary) -> tuple[EffectEstimate | None, str | None]:
    """Bias-corrected standardised mean difference, intervention minus comparison.

    statsmodels' effectsize_smd: d = (m1 - m2) / pooled sd (ddof=1 weights),
    g = J d with J = 1 - 3 / (4 (n1 + n2) - 9), and
    var(g) = (n1 + n2) / (n1 n2) + g^2 / (2 (n1 + n2 - 3.94)) (Borenstein / R meta).
    Returns (None, reason) when g cannot be computed; never divides by zero.
    """
    for label, summary in (("intervention", intervention), ("comparison", comparison)):
        if summary.n == 0:
            return None, f"No {label} scores."
        if summary.n < MIN_GROUP_FOR_G or summary.sd is None:
            return None, (
                f"The {label} group has {summary.n} pupil(s); each group needs at least "
                f"{MIN_GROUP_FOR_G} to estimate its spread."
            )
    n1, n2 = intervention.n, comparison.n
    pooled_variance = ((n1 - 1) * intervention.sd**2 + (n2 - 1) * comparison.sd**2) / (n1 + n2 - 2)
    if pooled_variance <= 0:
        return None, "All scores are equal (sd 0), so a standardised difference is undefined."
    g, variance = effectsize_smd(
        float(intervention.mean), float(intervention.sd), float(n1),
        float(comparison.mean), float(comparison.sd), float(n2),
    )
    g, variance = finite_or_none(g), finite_or_none(variance)
    if g is None or variance is None or variance <= 0:
        return None, "The effect size could not be computed from these scores."
    return EffectEstimate(g, variance), None


def within_group_change(before: np.ndarray, after: np.ndarray) -> tuple[EffectEstimate | None, str | None]:
    """Standardised change for matched pupils: g = J * mean(after - before) / sd(before).

    Standardised by the baseline sd (not the sd of gains) so the value is on the same scale
    as a between-group g and the EEF months table; the sd of gains shrinks as scores
    correlate over time, which would inflate the effect. J = 1 - 3 / (4 (n - 1) - 1).
    Variance (delta method): J^2 sd_gain^2 / (n sd_before^2) + g^2 / (2 (n - 1)); with equal
    pre/post sds this is Becker's (1988) 2 (1 - r) / n + g^2 / (2n) up to n vs n - 1.
    """
    n = int(before.size)
    if n < MIN_MATCHED_FOR_CHANGE:
        return None, (
            f"{n} pupil(s) have both baseline and final scores; a standardised change needs "
            f"at least {MIN_MATCHED_FOR_CHANGE}."
        )
    sd_before = sample_sd(before)
    if not sd_before:
        return None, "All baseline scores are equal (sd 0), so the change cannot be standardised."
    gains = after - before
    sd_gain = sample_sd(gains) or 0.0
    correction = 1 - 3 / (4 * (n - 1) - 1)
    g = correction * float(gains.mean()) / sd_before
    variance = correction**2 * sd_gain**2 / (n * sd_before**2) + g**2 / (2 * (n - 1))
    return EffectEstimate(g, variance), None


def months_progress(g: float | None) -> int | None:
    """EEF months' additional progress for an effect size; sign follows g."""
    if g is None:
        return None
    magnitude = abs(g)
    for lower_bound, months in EEF_MONTH_LOWER_BOUNDS:
        if magnitude >= lower_bound:
            return months if g > 0 else -months
    return 0


def equivalence_band(baseline_g: float) -> str:
    """WWC band: <= 0.05 satisfied; (0.05, 0.25] adjustment needed; > 0.25 not satisfied."""
    magnitude = abs(baseline_g)
    if magnitude <= WWC_SATISFIED_MAX:
        return EQUIVALENCE_SATISFIED
    if magnitude <= WWC_ADJUSTMENT_MAX:
        return EQUIVALENCE_ADJUST
    return EQUIVALENCE_FAIL


EQUIVALENCE_FLAGS = {EQUIVALENCE_SATISFIED: None, EQUIVALENCE_ADJUST: "flag", EQUIVALENCE_FAIL: "fail"}
