"""Descriptive statistics: per stage x group, matched gains, attrition."""

from __future__ import annotations

import numpy as np

from .cells import attrition_id, desc_id, gain_id, make_cell
from .numbers import sample_sd, t_interval
from .scores import MeasureScores
from .types import BASELINE, FINAL, PROGRESS, STAGES, Summary

# Gains are always measured from the baseline (theory) stage.
GAIN_COMPARISONS: tuple[tuple[str, str], ...] = (
    (PROGRESS, "baseline_to_progress"),
    (FINAL, "baseline_to_final"),
)

ONE_PUPIL_REASON = "Only 1 pupil: the sd and a confidence interval need at least 2."


def describe_scores(values: np.ndarray) -> dict:
    """n, mean, sd (ddof=1), median, q1, q3, min, max and a 95% t-based CI of the mean.

    Quartiles use linear interpolation (numpy/pandas default, Hyndman-Fan type 7).
    """
    n = int(values.size)
    if n == 0:
        return {
            "n": 0, "mean": None, "sd": None, "median": None, "q1": None, "q3": None,
            "min": None, "max": None, "ci_low": None, "ci_high": None,
            "reason": "No scores at this stage.",
        }
    mean = float(values.mean())
    sd = sample_sd(values)
    ci_low, ci_high = t_interval(mean, sd, n)
    q1, median, q3 = (float(q) for q in np.quantile(values, [0.25, 0.5, 0.75]))
    return {
        "n": n, "mean": mean, "sd": sd, "median": median, "q1": q1, "q3": q3,
        "min": float(values.min()), "max": float(values.max()),
        "ci_low": ci_low, "ci_high": ci_high,
        "reason": ONE_PUPIL_REASON if n == 1 else None,
    }


def descriptives_table(scores: MeasureScores, groups: list[str]) -> list[dict]:
    """One cell per stage x group (every stage listed, n=0 where no data yet)."""
    table = []
    for stage in STAGES:
        for group in groups:
            stats = describe_scores(scores.stage_scores(group, stage))
            n = stats.pop("n")
            table.append(make_cell(desc_id(stage, group), n, stage=stage, group=group, **stats))
    return table


def gain_summary(scores: MeasureScores, group: str, to_stage: str) -> Summary:
    """n, mean and sd of (later - baseline) for pupils present at both stages."""
    before, after = scores.matched_scores(group, BASELINE, to_stage)
    gains = after - before
    if gains.size == 0:
        return Summary(0, None, None)
    return Summary(int(gains.size), float(gains.mean()), sample_sd(gains))


def gains_table(scores: MeasureScores, groups: list[str]) -> list[dict]:
    """Matched gains (later minus baseline, raw score units) per group."""
    table = []
    for to_stage, comparison in GAIN_COMPARISONS:
        for group in groups:
            summary = gain_summary(scores, group, to_stage)
            ci_low, ci_high = t_interval(summary.mean, summary.sd, summary.n)
            if summary.n == 0:
                reason = f"No pupils with scores at both {BASELINE} and {to_stage}."
            elif summary.n == 1:
                reason = ONE_PUPIL_REASON
            else:
                reason = None
            table.append(
                make_cell(
                    gain_id(to_stage, group), summary.n,
                    depends_on=[desc_id(BASELINE, group), desc_id(to_stage, group)],
                    comparison=comparison, from_stage=BASELINE, to_stage=to_stage, group=group,
                    mean_gain=summary.mean, sd_gain=summary.sd, ci_low=ci_low, ci_high=ci_high,
                    reason=reason,
                )
            )
    return table


def attrition_counts(scores: MeasureScores, group: str) -> tuple[int, int, int]:
    """(pupils at baseline, pupils at final, pupils at both) for one group."""
    at_baseline, at_final = scores.pupils_at(group, BASELINE), scores.pupils_at(group, FINAL)
    return int(at_baseline.sum()), int(at_final.sum()), int((at_baseline & at_final).sum())


def attrition_rate(n_baseline: int, n_final: int, n_retained: int) -> tuple[float | None, str | None]:
    """Share of baseline pupils with no final score.

    Counted from retained pupils, not n_final, so pupils who join late cannot hide losses.
    """
    if n_baseline == 0:
        return None, "No baseline scores, so attrition cannot be measured."
    if n_final == 0:
        return None, "No final-stage scores yet, so attrition cannot be measured."
    return (n_baseline - n_retained) / n_baseline, None


def attrition_table(scores: MeasureScores, groups: list[str]) -> list[dict]:
    """Per group: pupils at baseline, at final, retained, attrition rate. n = baseline pupils."""
    table = []
    for group in groups:
        n_baseline, n_final, n_retained = attrition_counts(scores, group)
        rate, reason = attrition_rate(n_baseline, n_final, n_retained)
        table.append(
            make_cell(
                attrition_id(group), n_baseline,
                depends_on=[desc_id(BASELINE, group), desc_id(FINAL, group), gain_id(FINAL, group)],
                group=group, n_baseline=n_baseline, n_final=n_final, n_retained=n_retained,
                attrition_rate=rate, reason=reason,
            )
        )
    return table
