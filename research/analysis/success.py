"""The project's success criteria, agreed before the data, checked against the results.

Each criterion names a measure, a statistic, a comparison and a threshold (criteria.py says how
the 95% interval turns into met / not met / inconclusive). The statistics:
- effect_size: the headline effect (comparisons.effects_section) and its interval;
- mean_change: the intervention group's mean change from baseline to final, in scale points,
  for pupils with both scores, with its t interval;
- percent_at_or_above: the share of the intervention group's pupils at the final stage scoring
  at least `score`, with a Wilson 95% interval.
A subgroup (disadvantaged, SEND, EAL) restricts the pupils first. Each criterion is a result cell
with its n and what it rests on, so disclosure control treats it like any other figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .cells import desc_id, gain_id, make_cell, subgroup_id
from .comparisons import effects_section
from .criteria import criterion_label, criterion_verdict
from .descriptives import gain_summary
from .numbers import Z_95, t_interval
from .scores import MeasureScores
from .types import BASELINE, COMPARISON, FINAL, INTERVENTION, MeasureInfo

# Subgroups a non-member has no published cells for: their criteria show a verdict, no numbers.
UNPUBLISHED_SUBGROUPS = ("send", "eal")


def _rows_for(rows: pd.DataFrame, subgroup: str | None) -> pd.DataFrame:
    if subgroup is None:
        return rows
    flag = rows[subgroup] if subgroup in rows.columns else pd.Series(False, index=rows.index)
    return rows[flag.fillna(False).astype(bool)]


def _effect(scores: MeasureScores, measure: MeasureInfo) -> tuple[float | None, float | None, float | None, int]:
    section = effects_section(scores, scores.groups, measure)
    cell = section.get(section["headline"]) if section.get("headline") else None
    if not cell:
        return None, None, None, sum(int(scores.stage_scores(g, FINAL).size) for g in scores.groups)
    return cell["g"], cell["ci_low"], cell["ci_high"], int(cell["n"])


def _mean_change(scores: MeasureScores) -> tuple[float | None, float | None, float | None, int]:
    summary = gain_summary(scores, INTERVENTION, FINAL)
    low, high = t_interval(summary.mean, summary.sd, summary.n)
    return summary.mean, low, high, summary.n


def _percent(scores: MeasureScores, score: float) -> tuple[float | None, float | None, float | None, int]:
    finals = scores.stage_scores(INTERVENTION, FINAL)
    n = int(finals.size)
    if n == 0:
        return None, None, None, 0
    share = float(np.mean(finals >= score))
    # Wilson score interval: sensible near 0% and 100%, unlike the normal one
    z2 = Z_95**2
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_95 * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return 100 * share, 100 * (centre - half), 100 * (centre + half), n


def _depends_on(criterion: dict) -> list[str]:
    """The published cells a criterion's figures could be worked out beside."""
    subgroup = criterion.get("subgroup")
    groups = (INTERVENTION, COMPARISON) if criterion["statistic"] == "effect_size" else (INTERVENTION,)
    stages = (FINAL,) if criterion["statistic"] == "percent_at_or_above" else (BASELINE, FINAL)
    if subgroup == "disadvantaged":
        return [subgroup_id(stage, group, "disadvantaged") for stage in stages for group in groups]
    cells = [desc_id(stage, group) for stage in stages for group in groups]
    return cells + ([gain_id(FINAL, INTERVENTION)] if criterion["statistic"] == "mean_change" else [])


def criteria_cells(criteria: Sequence[dict], rows: pd.DataFrame, measure: MeasureInfo) -> list[dict]:
    """One cell per criterion on this measure: the criterion, its label, value, 95% CI, verdict, reason.

    ``rows``: the prepared rows of this measure (frame.prepare_outcome_frame), over whichever
    pupils the view covers.
    """
    cells = []
    for index, criterion in enumerate(criteria):
        pupils = _rows_for(rows, criterion.get("subgroup"))
        scores = MeasureScores.from_frame(pupils)
        statistic = criterion["statistic"]
        if statistic == "effect_size":
            value, low, high, n = _effect(scores, measure)
        elif statistic == "mean_change":
            value, low, high, n = _mean_change(scores)
        else:
            value, low, high, n = _percent(scores, float(criterion["score"]))
        verdict, reason = criterion_verdict(estimate=value, ci_low=low, ci_high=high,
                                            comparison=criterion["comparison"], threshold=criterion["threshold"])
        cells.append(make_cell(
            f"criterion:{index}", n, depends_on=_depends_on(criterion), criterion=dict(criterion),
            label=criterion_label(criterion, measure.name), statistic=statistic, verdict=verdict, value=value,
            ci_low=low, ci_high=high, reason=reason,
        ))
    return cells


def withhold_unpublished_subgroups(cells: list[dict], marker: str) -> None:
    """Outside the project, a criterion on SEND or EAL pupils (no published cell covers them) says
    only its verdict: its value and interval would be new sums over a new set of pupils."""
    for cell in cells:
        if cell.get("criterion", {}).get("subgroup") in UNPUBLISHED_SUBGROUPS and cell.get("verdict") != marker:
            cell.update(value=marker, ci_low=marker, ci_high=marker,
                        reason=f"{cell['verdict'].replace('_', ' ').capitalize()}; the figures are shown to "
                               "project members only (no published figure covers this subgroup).")

