"""Effect-size and baseline-equivalence cells for one measure."""

from __future__ import annotations

import math

import numpy as np

from .cells import desc_id, gain_id, make_cell
from .descriptives import gain_summary
from .adjusted import adjusted_effect, analysed_pupils
from .effects import (
    BETWEEN_GROUP_DESIGN,
    EMPTY_EFFECT_FIELDS,
    EQUIVALENCE_FLAGS,
    WITHIN_GROUP_DESIGN,
    EffectEstimate,
    equivalence_band,
    hedges_g,
    months_progress,
    within_group_change,
)
from .numbers import sample_sd
from .scores import MeasureScores
from .types import BASELINE, COMPARISON, FINAL, INTERVENTION, MeasureInfo, Summary
from ..vocabulary import ATTAINMENT

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


def _months_fields(g: float | None, measure: MeasureInfo, design: str) -> dict:
    """EEF months of *additional* progress: between-group designs on attainment measures only, read
    from g rounded to 2 dp (what the page shows), so the two can never disagree."""
    if design != BETWEEN_GROUP_DESIGN:
        return {"months": None, "months_reason": "Months' progress means progress beyond a comparison group; "
                                                 "a change within one group has none."}
    if measure.kind != ATTAINMENT:
        return {"months": None, "months_reason": "EEF months' progress applies to attainment measures only."}
    if g is None:
        return {"months": None, "months_reason": "No effect size to convert."}
    return {"months": months_progress(round(g, 2)), "months_reason": None}


def _effect_cell(
    cell_id: str, metric: str, label: str, design: str, measure: MeasureInfo,
    estimate: EffectEstimate | None, reason: str | None, counts: dict[str, int], depends_on: list[str],
) -> dict:
    estimate = _oriented(estimate, measure)
    fields = estimate.as_fields() if estimate else dict(EMPTY_EFFECT_FIELDS)
    return make_cell(
        cell_id, sum(counts.values()), depends_on=depends_on,
        metric=metric, label=label, design=design, **{f"n_{k}": v for k, v in counts.items()},
        **fields, **_months_fields(fields["g"], measure, design), reason=None if estimate else reason,
    )


ADJUSTED_FIELDS = ("model", "difference", "difference_ci_low", "difference_ci_high", "standardiser", "icc",
                   "icc_reason", "schools", "school_confounded")


def adjusted_effect_cell(scores: MeasureScores, measure: MeasureInfo) -> dict:
    """The headline: baseline-adjusted, school-aware (adjusted.py), on pupils with both scores.

    g and its CI are oriented like every effect (positive favours the intervention); the
    difference stays in the measure's own points, intervention minus comparison.
    """
    pupils = analysed_pupils(scores)
    fit, reason = adjusted_effect(pupils)
    counts = {INTERVENTION: pupils.count(INTERVENTION), COMPARISON: pupils.count(COMPARISON)}
    estimate = EffectEstimate(fit["g"], fit["se"] ** 2) if fit else None
    cell = _effect_cell(
        "effect:adjusted", "adjusted", "Final scores adjusted for baseline, intervention vs comparison",
        BETWEEN_GROUP_DESIGN, measure, estimate, reason, counts,
        [desc_id(stage, group) for stage in (BASELINE, FINAL) for group in (INTERVENTION, COMPARISON)]
        + [gain_id(FINAL, INTERVENTION), gain_id(FINAL, COMPARISON)],
    )
    if fit:
        # the model's own interval (t or Wald), not the normal one from the variance
        low, high = (fit["ci_low"], fit["ci_high"]) if measure.higher_is_better else (-fit["ci_high"], -fit["ci_low"])
        cell.update(ci_low=low, ci_high=high)
    cell.update({key: (fit or {}).get(key) for key in ADJUSTED_FIELDS})
    cell["schools"] = pupils.schools
    return cell


def final_effect(scores: MeasureScores, measure: MeasureInfo) -> dict:
    """Hedges' g on final-stage scores, all pupils with a final score."""
    treated = _summary(scores.stage_scores(INTERVENTION, FINAL))
    control = _summary(scores.stage_scores(COMPARISON, FINAL))
    estimate, reason = hedges_g(treated, control)
    return _effect_cell(
        "effect:final", "final", "Final scores, intervention vs comparison", BETWEEN_GROUP_DESIGN,
        measure, estimate, reason, {INTERVENTION: treated.n, COMPARISON: control.n},
        [desc_id(FINAL, INTERVENTION), desc_id(FINAL, COMPARISON)],
    )


def gain_effect(scores: MeasureScores, measure: MeasureInfo) -> dict:
    """Difference in mean baseline-to-final gains of matched pupils, standardised by the pooled sd
    of their *baseline* scores (times Hedges' J), so it sits on the score scale like every other
    effect. (The sd of gains shrinks as scores correlate over time and would inflate it.) Never
    the headline: the adjusted effect uses the baseline better.
    """
    estimate, reason = _gain_estimate(scores)
    counts = {group: gain_summary(scores, group, FINAL).n for group in (INTERVENTION, COMPARISON)}
    return _effect_cell(
        "effect:gain", "gain", "Gains baseline to final (standardised by the baseline sd), intervention vs "
        "comparison", BETWEEN_GROUP_DESIGN, measure, estimate, reason, counts,
        [gain_id(FINAL, INTERVENTION), gain_id(FINAL, COMPARISON)],
    )


def _gain_estimate(scores: MeasureScores) -> tuple[EffectEstimate | None, str | None]:
    treated = gain_summary(scores, INTERVENTION, FINAL)
    control = gain_summary(scores, COMPARISON, FINAL)
    baselines = [scores.matched_scores(group, BASELINE, FINAL)[0] for group in (INTERVENTION, COMPARISON)]
    for label, summary in ((INTERVENTION, treated), (COMPARISON, control)):
        if summary.n < 2 or summary.sd is None:
            return None, f"The {label} group has {summary.n} pupil(s) with baseline and final scores; each needs 2+."
    n1, n2 = treated.n, control.n
    sd1, sd2 = sample_sd(baselines[0]), sample_sd(baselines[1])
    pooled = math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2))
    if not pooled:
        return None, "All baseline scores are equal (sd 0), so the gains cannot be standardised."
    correction = 1 - 3 / (4 * (n1 + n2) - 9)
    g = correction * (treated.mean - control.mean) / pooled
    # delta method: sampling variance of the gain difference on the baseline-sd scale, plus the sd's own
    variance = correction**2 * (treated.sd**2 / n1 + control.sd**2 / n2) / pooled**2 + g**2 / (2 * (n1 + n2 - 2))
    return EffectEstimate(g, variance), None


def within_group_effect(scores: MeasureScores, measure: MeasureInfo, group: str = INTERVENTION) -> dict:
    """Standardised baseline-to-final change inside one group (no comparison)."""
    before, after = scores.matched_scores(group, BASELINE, FINAL)
    estimate, reason = within_group_change(before, after)
    return _effect_cell(
        "effect:within_group", "within_group", f"Change baseline to final, {group} group only",
        WITHIN_GROUP_DESIGN, measure, estimate, reason, {group: int(before.size)},
        [gain_id(FINAL, group), desc_id(BASELINE, group)],
    )


def baseline_equivalence(scores: MeasureScores, groups: list[str], measure: MeasureInfo) -> dict:
    """WWC baseline equivalence: Hedges' g between groups on baseline scores.

    Uses the analytic sample (pupils with baseline and final scores) as WWC does; before
    any final data exists it falls back to all baseline pupils and says so.
    ``difference_sd`` is oriented like every effect: positive = intervention started ahead.
    """
    empty = {"difference_sd": None, "band": None, "flag": None}
    if INTERVENTION not in groups or COMPARISON not in groups:
        return make_cell(
            EQUIVALENCE_CELL, None, sample=None, **empty,
            reason="Baseline equivalence needs both an intervention and a comparison group.",
        )
    treated_before, _ = scores.matched_scores(INTERVENTION, BASELINE, FINAL)
    control_before, _ = scores.matched_scores(COMPARISON, BASELINE, FINAL)
    if treated_before.size and control_before.size:
        sample = "pupils with baseline and final scores"
        depends_on = [gain_id(FINAL, INTERVENTION), gain_id(FINAL, COMPARISON)]
    else:
        sample = "all pupils with baseline scores (no matched final scores yet)"
        treated_before = scores.stage_scores(INTERVENTION, BASELINE)
        control_before = scores.stage_scores(COMPARISON, BASELINE)
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


def effects_section(scores: MeasureScores, groups: list[str], measure: MeasureInfo, min_cell: int = 1,
                    has_baseline: bool | None = None) -> dict:
    """Effect cells, which one is the headline and why (no numbers in the why).

    Headline: the baseline-adjusted effect; with no baseline at all, final scores compared; with
    no comparison group, the change within the intervention group (weaker, no months). No
    headline while a group of the analysed pupils is under the alliance's minimum cell size.
    """
    if INTERVENTION not in groups:
        return {"design": None, "headline": None, "headline_reason": "No intervention-group scores."}
    if COMPARISON not in groups:
        within = within_group_effect(scores, measure)
        return {
            "design": WITHIN_GROUP_DESIGN,
            "headline": "within_group" if within["g"] is not None else None,
            "headline_reason": "No comparison group: only the change within the intervention group can be "
            "measured, which cannot separate the intervention from ordinary progress.",
            "within_group": within,
        }
    if has_baseline is None:  # (the analysed cohort's caller says so from all its pupils)
        has_baseline = any(scores.stage_scores(group, BASELINE).size for group in groups)
    section = {"design": BETWEEN_GROUP_DESIGN, "final": final_effect(scores, measure)}
    if has_baseline:
        section["adjusted"] = adjusted_effect_cell(scores, measure)
        section["gain"] = gain_effect(scores, measure)
        headline, why = "adjusted", ("Final scores compared between groups, adjusted for baseline scores "
                                     "(pupils with both), as the EEF's analysis guidance sets out.")
    else:
        headline, why = "final", "No baseline scores: final scores compared between groups, not adjusted."
    chosen = section[headline]
    counts = {group: chosen.get(f"n_{group}", 0) for group in (INTERVENTION, COMPARISON)}
    small = [group for group, n in counts.items() if n < min_cell] if all(counts.values()) else []
    if small:
        headline = None
        why = (f"The {' and '.join(small)} group{'s have' if len(small) > 1 else ' has'} fewer than {min_cell} "
               "pupils in the analysis (the alliance's minimum cell size): too few for a headline effect, "
               "months' progress or padlocks.")
    elif chosen["g"] is None:
        headline, why = None, f"No between-group effect size could be computed: {chosen['reason']}"
    return {**section, "headline": headline, "headline_reason": why, "below_min_cell": bool(small)}
