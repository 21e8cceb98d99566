"""Power at planning time: the minimum detectable effect size (MDES) of a planned project.

Design: **pupils in a few schools, both groups inside every school** (a blocked individual
random assignment design with schools as blocks and one constant effect: Bloom 2007, ch. 5;
Dong & Maynard 2013, PowerUp! model "BIRA2_1c"). One school is the plain individual design
("IRA", Dong & Maynard model 1.0), the same formula with no school term.

Why this design and not "schools assigned to groups" (a cluster-randomised trial, CRA2_2r):
- The product's data and analysis compare the groups *inside* schools: every pupil's group is
  recorded beside their school, the demo projects have both groups in each school, and the
  headline effect (issue 12) fits school as a fixed effect with 2-3 schools and a random
  school intercept with one group effect from 4 schools. With whole schools in one group,
  the school fixed effect could not be told apart from the group, and with 2 schools (the
  alliance minimum) a cluster-randomised trial has no degrees of freedom at all (J - 2 = 0).
- Comparing inside schools removes the schools' differences from the comparison: only the
  within-school share of the variance, (1 - ICC), is noise. Results are standardised by the
  spread across all the project's pupils (school + pupil variance), as the headline effect
  is, so the MDES is on the scale the findings will report.
- So the ICC *lowers* the MDES here (a factor sqrt(1 - ICC)); it enters through the degrees
  of freedom too (one per school). If whole classes or schools form the groups instead,
  pupils' clustering makes the real MDES larger than this; the output says so.

Formula (two-sided test at alpha, power 1 - beta, half the pupils in each group, P = 0.5):

    N   = 2 x pupils_per_group                     (pupils in the analysis)
    R^2 = pre_post_correlation^2                   (variance the baseline explains, pupil level)
    df  = N - J - g - 1 with g = 1 covariate       (J school intercepts, the baseline, the group)
        = N - J - 2                                (with J = 1: N - 3, the IRA's n - g - 2)
    M   = t(1 - alpha/2, df) + t(1 - beta, df)     (Bloom's multiplier; -> 2.80 for large df)
    SE  = sqrt((1 - ICC) (1 - R^2) / (P (1 - P) N))   for J >= 2 schools
    SE  = sqrt((1 - R^2) / (P (1 - P) N))             for one school (the ICC does not apply)
    MDES = M x SE

PowerUpR's `mdes.bira2c1(n, J)` and `mdes.ira(n)` use the same df and M; its `bira2c1`
standardises by the within-school sd, hence no (1 - ICC) term there.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

from scipy import stats

WARN_ABOVE = 0.5
COVARIATES = 1  # the baseline score
P_TREATED = 0.5

DESIGN_BLOCKED = "blocked_by_school"
DESIGN_ONE_SCHOOL = "one_school"
FORMULA_BLOCKED = ("MDES = M x sqrt((1 - ICC)(1 - r^2) / (P(1 - P) N)), M = t(1 - alpha/2, df) + t(power, df), "
                   "df = N - J - 2, N = 2 x pupils per group, J schools, P = 0.5")
FORMULA_ONE_SCHOOL = ("MDES = M x sqrt((1 - r^2) / (P(1 - P) N)), M = t(1 - alpha/2, df) + t(power, df), "
                      "df = N - 3, N = 2 x pupils per group, P = 0.5")
ASSUMES = ("Assumes the pupils of every school are split between the two groups and analysed with their "
           "baseline score. If whole classes or whole schools make up each group, the smallest detectable "
           "effect is larger than this.")


def _whole(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be a whole number, not {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}.")
    return int(value)


def _fraction(name: str, value, low: float, high: float, *, high_open: bool = True, low_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number, not {value!r}.")
    value = float(value)
    if value < low or (low_open and value == low) or value > high or (high_open and value == high):
        raise ValueError(f"{name} must be from {low:g} to {'below ' if high_open else ''}{high:g}, not {value:g}.")
    return value


def mdes(*, pupils_per_group: int, schools: int, icc: float, pre_post_correlation: float,
         power: float = 0.8, alpha: float = 0.05) -> dict:
    """The MDES of the planned project (see the module docstring for the design and formula).

    Returns {"mdes", "design", "label", "formula", "assumes", "df", "multiplier",
    "standard_error", "icc_used", "inputs": {...}, "warning"}; `warning` is a sentence when the
    MDES is above 0.5, else None. Raises ValueError for inputs that make no design.
    """
    pupils_per_group = _whole("pupils_per_group", pupils_per_group, 2)
    schools = _whole("schools", schools, 1)
    icc = _fraction("icc", icc, 0.0, 1.0)
    r = _fraction("pre_post_correlation", pre_post_correlation, 0.0, 1.0)
    power = _fraction("power", power, 0.5, 1.0)
    alpha = _fraction("alpha", alpha, 0.0, 1.0, low_open=True)
    if pupils_per_group < schools:
        raise ValueError(f"pupils_per_group ({pupils_per_group}) must be at least the number of schools "
                         f"({schools}): every school needs pupils in both groups.")
    total = 2 * pupils_per_group
    df = total - schools - COVARIATES - 1
    if df < 1:
        raise ValueError(f"{total} pupils in {schools} schools leave no degrees of freedom (N - J - 2 = {df}).")

    multiplier = float(stats.t.ppf(1 - alpha / 2, df) + stats.t.ppf(power, df))
    r_squared = r * r
    icc_used = schools > 1
    within = (1 - icc) if icc_used else 1.0
    standard_error = math.sqrt(within * (1 - r_squared) / (P_TREATED * (1 - P_TREATED) * total))
    value = multiplier * standard_error

    where = f"{schools} schools" if icc_used else "one school"
    label = (f"Pupils in both groups inside each of {schools} schools (blocked by school; PowerUp! BIRA2_1c)"
             if icc_used else "Pupils in both groups in one school (individual design; PowerUp! IRA)")
    warning = None
    if value > WARN_ABOVE:
        warning = (f"With {pupils_per_group} pupils per group in {where}, the smallest effect the project could "
                   f"reliably detect is {value:.2f} SD, above {WARN_ABOVE:g}: larger than most school interventions "
                   f"achieve. Plan for more pupils, or treat the results as exploratory.")
    return {
        "mdes": value,
        "design": DESIGN_BLOCKED if icc_used else DESIGN_ONE_SCHOOL,
        "label": label,
        "formula": FORMULA_BLOCKED if icc_used else FORMULA_ONE_SCHOOL,
        "assumes": ASSUMES,
        "df": df,
        "multiplier": multiplier,
        "standard_error": standard_error,
        "icc_used": icc_used,
        "inputs": {"pupils_per_group": pupils_per_group, "schools": schools, "icc": icc,
                   "pre_post_correlation": r, "power": power, "alpha": alpha},
        "warning": warning,
    }
