"""Small numeric helpers: JSON-safe floats and robust summaries."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import stats

from .types import Summary

Z_95 = float(stats.norm.ppf(0.975))


def finite_or_none(value: object) -> float | None:
    """A plain float, or None for None/NaN/inf, so results never carry NaN into JSON."""
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def sample_sd(values: np.ndarray) -> float | None:
    """sd with ddof=1; exactly 0.0 when all values are equal up to float noise.

    Gains of 2.1 - 1.0 and 3.1 - 2.0 differ by ~1e-15: read as a real spread, that noise would
    turn into an effect size of 1e15. A spread within 1e-9 of the values' size counts as none.
    """
    if values.size < 2:
        return None
    if np.ptp(values) <= 1e-9 * max(1.0, float(np.abs(values).max())):
        return 0.0
    return float(np.std(values, ddof=1))


def summarise(values: np.ndarray) -> Summary:
    """n, mean, sd of a 1-d float array (NaNs must already be removed)."""
    n = int(values.size)
    if n == 0:
        return Summary(0, None, None)
    return Summary(n, float(values.mean()), sample_sd(values))


@lru_cache(maxsize=4096)
def t_quantile_975(degrees_of_freedom: int) -> float:
    """Upper 97.5% point of Student's t; cached because scipy's ppf costs far more than a lookup."""
    return float(stats.t.ppf(0.975, degrees_of_freedom))


def t_interval(mean: float | None, sd: float | None, n: int) -> tuple[float | None, float | None]:
    """95% t-based CI of a mean; (None, None) when n < 2."""
    if mean is None or sd is None or n < 2:
        return None, None
    half_width = t_quantile_975(n - 1) * sd / math.sqrt(n)
    return mean - half_width, mean + half_width
