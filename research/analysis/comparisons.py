"""Effect-size and baseline-equivalence cells for one measure."""

from __future__ import annotations

import numpy as np

from .cells import desc_id, gain_id, make_cell
from .descriptives import gain_summary, matched_scores, stage_scores
from .effects import (
    BETWEEN_GROUP_DESIGN,
    EMPTY_EFFECT_FIELDS,
    EQUIVALENCE_ADJUST,
    EQUIVALENCE_FAIL,
    EQUIVALENCE_FLAGS,
    WITHIN_GROUP_DESIGN,
    EffectEstimate,
    equivalence_band,
    hedges_g,
    months_progress,
    within_group_change,
)
from .numbers import sample_sd
from .scores import WideScores, as_measure_scores
from .types import BASELINE, COMPARISON, FINAL, INTERVENTION, MeasureInfo, Summary

EQUIVALENCE_CELL = "equivalence"


def _summary(values: np.ndarray) -> Summary:
    if values.size == 0:
        return Summary(0, None, None)
    return Summary(int(values.size), float(values.mean()), sample_sd(values))


def _oriented(estimate: EffectEstimate | None, measure: MeasureInfo) -> EffectEstimate | None:
    """Flip lower-is-better measures so positive g always favours the intervention."""
    if estimate is None or measure.higher_is_better:
        return estimate
    return estimate.flipped()


def _months_fields(g: float | None, measure: MeasureInfo) -> dict:
    if measure.kind != "attainment":
        return {"months": None, "months_reason": "EEF months' progress applies to attainment measures only."}
    if g is None:
        return {"months": None, "months_reason": "No effect size to convert."}
    return {"months": months_progress(g), "months_reason": None}


def _effect_cell(
    cell_id: str, metric: str, label: str, design: str, measure: MeasureInfo,
    estimate: EffectEstimate | None, reason: str | None, counts: dict[str, int], depends_on: list[str],
) -> dict:
    estimate = _oriented(estimate, measure)
    fields = estimate.as_fields() if estimate else dict(EMPTY_EFFECT_FIELDS)
    return make_cell(
        cell_id, sum(counts.values()), depends_on=depends_on,
        metric=metric, label=label, design=design, **{f"n_{k}": v for k, v in counts.items()},
        **fields, **_months_fields(fields["g"], measure), reason=None if estimate else reason,
    )


def final_effect(wide: WideScores, measure: MeasureInfo) -> dict:
    """Hedges' g on final-stage scores, all pupils with a final score."""
    treated = _summary(stage_scores(wide, INTERVENTION, FINAL))
    control = _summary(stage_scores(wide, COMPARISON, FINAL))
    estimate, reason = hedges_g(treated, control)
    return _effect_cell(
        "effect:final", "final", "Final scores, intervention vs comparison", BETWEEN_GROUP_DESIGN,
        measure, estimate, reason, {"intervention": treated.n, "comparison": control.n},
        [desc_id(FINAL, INTERVENTION), desc_id(FINAL, COMPARISON)],
    )


def gain_effect(wide: WideScores, measure: MeasureInfo) -> dict:
    """Hedges' g on baseline-to-final gains of matched pupils.

    Standardised by the pooled sd of gains (effectsize_smd on gain summaries), which is
    usually smaller than the sd of scores, so this g tends to be larger than a
    final-score g; it is reported next to it, and months use the same table.
    """
    treated = gain_summary(wide, INTERVENTION, FINAL)
    control = gain_summary(wide, COMPARISON, FINAL)
    estimate, reason = hedges_g(treated, control)
    if estimate is None and treated.n and control.n and reason and "sd 0" in reason:
        reason = "All gains are equal (sd 0), so a standardised difference in gains is undefined."
    return _effect_cell(
        "effect:gain", "gain", "Gains baseline to final, intervention vs comparison", BETWEEN_GROUP_DESIGN,
        measure, estimate, reason, {"intervention": treated.n, "comparison": control.n},
        [gain_id(FINAL, INTERVENTION), gain_id(FINAL, COMPARISON)],
    )


def within_group_effect(wide: WideScores, measure: MeasureInfo, group: str = INTERVENTION) -> dict:
    """Standardised baseline-to-final change inside one group (no comparison)."""
    before, after = matched_scores(wide, group, BASELINE, FINAL)
    estimate, reason = within_group_change(before, after)
    return _effect_cell(
        "effect:within_group", "within_group", f"Change baseline to final, {group} group only",
        WITHIN_GROUP_DESIGN, measure, estimate, reason, {group: int(before.size)},
        [gain_id(FINAL, group), desc_id(BASELINE, group)],
    )


def baseline_equivalence(wide: WideScores, groups: list[str], measure: MeasureInfo) -> dict:
    """WWC baseline equivalence: Hedges' g between groups on baseline scores.

    Uses the analytic sample (pupils with baseline and final scores) as WWC does; before
    any final data exists it falls back to all baseline pupils and says so.
    ``difference_sd`` is oriented like every effect: positive = intervention started ahead.
    """
    empty = {"difference_sd": None, "band": None, "flag": None}
    wide = as_measure_scores(wide)
    if INTERVENTION not in groups or COMPARISON not in groups:
        return make_cell(
            EQUIVALENCE_CELL, None, sample=None, **empty,
            reason="Baseline equivalence needs both an intervention and a comparison group.",
        )
    treated_before, _ = matched_scores(wide, INTERVENTION, BASELINE, FINAL)
    control_before, _ = matched_scores(wide, COMPARISON, BASELINE, FINAL)
    if treated_before.size and control_before.size:
        sample = "pupils with baseline and final scores"
        depends_on = [gain_id(FINAL, INTERVENTION), gain_id(FINAL, COMPARISON)]
    else:
        sample = "all pupils with baseline scores (no matched final scores yet)"
        treated_before = stage_scores(wide, INTERVENTION, BASELINE)
        control_before = stage_scores(wide, COMPARISON, BASELINE)
        depends_on = [desc_id(BASELINE, INTERVENTION), desc_id(BASELINE, COMPARISON)]
    treated, control = _summary(treated_before), _summary(control_before)
    estimate, reason = hedges_g(treated, control)
    estimate = _oriented(estimate, measure)
    counts = {"n_intervention": treated.n, "n_comparison": control.n}
    if estimate is None:
        return make_cell(
            EQUIVALENCE_CELL, treated.n + control.n, depends_on, sample=sample, **counts, **empty,
            reason=f"Baseline difference cannot be computed: {reason}",
        )
    band = equivalence_band(estimate.g)
    return make_cell(
        EQUIVALENCE_CELL, treated.n + control.n, depends_on, sample=sample, **counts,
        difference_sd=estimate.g, band=band, flag=EQUIVALENCE_FLAGS[band],
        reason=None,
    )


def effects_section(wide: WideScores, groups: list[str], measure: MeasureInfo, equivalence: dict) -> dict:
    """Effect cells plus which one is the headline, and why (no numbers in the why)."""
    wide = as_measure_scores(wide)
    if INTERVENTION not in groups:
        return {"design": None, "headline": None, "headline_reason": "No intervention-group scores."}
    if COMPARISON not in groups:
        within = within_group_effect(wide, measure)
        return {
            "design": WITHIN_GROUP_DESIGN,
            "headline": "within_group" if within["g"] is not None else None,
            "headline_reason": "No comparison group: only the change within the intervention group can be "
            "measured, which cannot separate the intervention from ordinary progress.",
            "within_group": within,
        }
    final, gain = final_effect(wide, measure), gain_effect(wide, measure)
    unbalanced = equivalence.get("band") in (EQUIVALENCE_ADJUST, EQUIVALENCE_FAIL)
    if unbalanced and gain["g"] is not None:
        headline, why = "gain", "The groups started apart, so the comparison of gains is the headline."
    elif final["g"] is not None:
        headline, why = "final", "Final-stage scores compared between groups."
    elif gain["g"] is not None:
        headline, why = "gain", "Final-score comparison unavailable; gains compared instead."
    else:
        headline, why = None, "No between-group effect size could be computed."
    return {"design": BETWEEN_GROUP_DESIGN, "headline": headline, "headline_reason": why, "final": final, "gain": gain}
