"""Simulated projects with a known true effect: is the headline effect unbiased, and do its 95%
intervals cover the truth 95% of the time?

Each project: pupils in 3 or 6 schools (school ICC of final scores 0.15), both groups in every
school, the intervention group starting IMBALANCE SD ahead at baseline (as when teachers pick a
class that is already ahead), 10-20% of pupils lost before the final test at random, and a
true effect TRUE_G on the final-score scale (sd of final scores within a group, school variance
included, is 1). The product's analysis runs on each project
through project_results, as it does for a real one. Beside it, the headline the product used to
give (the effect on gains, standardised by the sd of gains, whenever baselines differed by more
than 0.05 SD) shows how far that one was off.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.analysis.results import project_results
from research.analysis.types import MeasureInfo

TRUE_G = 0.20
ICC = 0.15
IMBALANCE = 0.15
PRE_POST = 0.8  # correlation of baseline and final scores within a group (attainment tests: 0.7-0.9)
MEASURE = MeasureInfo(1, "Simulated test", "attainment", -1000, 1000, True, "points")
COLUMNS = ["pupil_key", "school_id", "group", "stage", "measure_id", "score", "disadvantaged", "send", "eal",
           "year_group"]


@dataclass(frozen=True)
class Outcome:
    g: float
    ci_low: float
    ci_high: float
    old_g: float | None


def simulate_project(rng: np.random.Generator, schools: int, per_school: int) -> pd.DataFrame:
    """baseline = school + pupil (sd 1, school share ICC); final = 0.7 x baseline + school + noise
    + effect, with the school and noise parts sized so that sd(final | group) = 1 and the school
    share of final scores is ICC too."""
    rows = []
    slope = PRE_POST
    school_final_variance = ICC - slope**2 * ICC
    noise_variance = 1 - slope**2 - school_final_variance
    for school in range(schools):
        school_baseline = rng.normal(0, math.sqrt(ICC))
        school_final = rng.normal(0, math.sqrt(school_final_variance))
        for index in range(per_school):
            treated = index % 2 == 0
            # the intervention group starts IMBALANCE ahead: ANCOVA must take that out, and nothing more
            baseline = school_baseline + rng.normal(0, math.sqrt(1 - ICC)) + (IMBALANCE if treated else 0.0)
            final = (slope * baseline + school_final + rng.normal(0, math.sqrt(noise_variance))
                     + (TRUE_G if treated else 0.0))
            key, group = f"s{school}p{index}", "intervention" if treated else "comparison"
            rows.append((key, school, group, "theory", 1, baseline * 10 + 50, None, None, None, 5))
            if rng.random() >= rng.uniform(0.10, 0.20):  # attrition at random
                rows.append((key, school, group, "dissemination", 1, final * 10 + 50, None, None, None, 5))
    return pd.DataFrame(rows, columns=COLUMNS)


def old_gain_headline(frame: pd.DataFrame) -> float | None:
    """The previous headline: gains standardised by the sd of gains when baselines differed > 0.05 SD."""
    wide = frame.pivot(index=["pupil_key", "group"], columns="stage", values="score").dropna().reset_index()
    groups = {g: wide[wide["group"] == g] for g in ("intervention", "comparison")}
    if min(len(part) for part in groups.values()) < 2:
        return None

    def hedges(a, b):
        n1, n2 = len(a), len(b)
        pooled = math.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
        return (1 - 3 / (4 * (n1 + n2) - 9)) * (a.mean() - b.mean()) / pooled

    balance = hedges(groups["intervention"]["theory"], groups["comparison"]["theory"])
    if abs(balance) > 0.05:
        gains = {g: part["dissemination"] - part["theory"] for g, part in groups.items()}
        return hedges(gains["intervention"], gains["comparison"])
    return hedges(groups["intervention"]["dissemination"], groups["comparison"]["dissemination"])


def run(projects: int = 1000, seed: int = 20261129) -> dict:
    rng = np.random.default_rng(seed)
    outcomes, by_design = [], {3: [], 6: []}
    for index in range(projects):
        schools = 6 if index % 2 else 3
        frame = simulate_project(rng, schools, 120 // schools)
        effects = project_results(frame, [MEASURE], 6)["measures"][0]["effects"]
        cell = effects["adjusted"]
        if cell["g"] is None:
            continue
        outcomes.append(Outcome(cell["g"], cell["ci_low"], cell["ci_high"], old_gain_headline(frame)))
        by_design[schools].append(cell["ci_low"] <= TRUE_G <= cell["ci_high"])
    g = np.array([o.g for o in outcomes])
    covered = np.array([o.ci_low <= TRUE_G <= o.ci_high for o in outcomes])
    old = np.array([o.old_g for o in outcomes if o.old_g is not None])
    return {"projects": len(outcomes), "true_g": TRUE_G, "bias": float(g.mean() - TRUE_G),
            "monte_carlo_se": float(g.std(ddof=1) / math.sqrt(len(g))), "coverage": float(covered.mean()),
            "old_bias": float(old.mean() - TRUE_G),
            "coverage_by_schools": {k: float(np.mean(v)) for k, v in by_design.items() if v}}


def lines(result: dict) -> list[str]:
    return [
        f"headline effect bias SD {result['bias']:+.4f} (target |bias| < 0.02)",
        f"  {result['projects']} simulated projects, true g {result['true_g']}, ICC {ICC}, baseline imbalance, "
        f"10-20% attrition; Monte Carlo se {result['monte_carlo_se']:.4f}; old gain-based headline bias "
        f"{result['old_bias']:+.4f}",
        f"headline effect 95% CI coverage {result['coverage']:.3f} (target 0.93-0.97)",
    ]
