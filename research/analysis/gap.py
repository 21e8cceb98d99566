"""Disadvantaged gap: mean of other pupils minus mean of disadvantaged pupils, per stage x group.

Oriented so a positive gap always means disadvantaged pupils are behind (for a
lower-is-better measure the raw difference is negated). Pupils whose status is unknown
are reported as their own subgroup so the subgroups add up to the stage total.
"""

from __future__ import annotations

from .cells import desc_id, gap_id, make_cell, subgroup_id
from .frame import FLAG_NO, FLAG_UNKNOWN, FLAG_YES
from .numbers import summarise
from .scores import MeasureScores
from .types import STAGES, MeasureInfo

SUBGROUPS = ("disadvantaged", "not disadvantaged", "unknown")
SUBGROUP_FLAG = {"disadvantaged": FLAG_YES, "not disadvantaged": FLAG_NO, "unknown": FLAG_UNKNOWN}


def gap_tables(scores: MeasureScores, groups: list[str], measure: MeasureInfo) -> dict:
    """Subgroup cells (n, mean, sd) and gap cells, with the partitions that tie them to totals.

    ``scores``: one measure's rows, split (MeasureScores.from_arrays or from_frame). Returns {"subgroups": [...], "gaps": [...],
    "partitions": [{"total", "parts"}]}. Stages with no scores for a group are skipped
    (nothing to split).
    """
    subgroups: list[dict] = []
    gaps: list[dict] = []
    partitions: list[dict] = []
    for stage in STAGES:
        for group in groups:
            rows = scores.cells.get((stage, group))
            if rows is None:
                continue
            summaries = {}
            part_ids = []
            for name in SUBGROUPS:
                summary = summarise(rows.scores[rows.disadvantaged == SUBGROUP_FLAG[name]])
                summaries[name] = summary
                if name == "unknown" and summary.n == 0:
                    continue  # no unknowns: the two known subgroups already partition the total
                cell_id = subgroup_id(stage, group, name)
                part_ids.append(cell_id)
                reason = "No pupils in this subgroup." if summary.n == 0 else (
                    "Only 1 pupil: the sd needs at least 2." if summary.n == 1 else None)
                subgroups.append(make_cell(
                    cell_id, summary.n, stage=stage, group=group, subgroup=name,
                    mean=summary.mean, sd=summary.sd, reason=reason,
                ))
            partitions.append({"total": desc_id(stage, group), "parts": part_ids})
            gaps.append(_gap_cell(stage, group, summaries, measure))
    return {"subgroups": subgroups, "gaps": gaps, "partitions": partitions}


def _gap_cell(stage: str, group: str, summaries: dict, measure: MeasureInfo) -> dict:
    disadvantaged, others = summaries["disadvantaged"], summaries["not disadvantaged"]
    gap, reason = None, None
    if disadvantaged.n == 0 or others.n == 0:
        missing = "disadvantaged" if disadvantaged.n == 0 else "other"
        reason = f"No {missing} pupils with scores, so there is no gap to measure."
    else:
        raw = others.mean - disadvantaged.mean
        gap = raw if measure.higher_is_better else -raw
    return make_cell(
        gap_id(stage, group), disadvantaged.n + others.n,
        depends_on=[subgroup_id(stage, group, "disadvantaged"), subgroup_id(stage, group, "not disadvantaged")],
        stage=stage, group=group, n_disadvantaged=disadvantaged.n, n_others=others.n,
        mean_disadvantaged=disadvantaged.mean, mean_others=others.mean, gap=gap, reason=reason,
    )
