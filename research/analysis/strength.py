"""Evidence strength: 0-5 padlocks after the EEF's security rating, each part with its reason.

EEF ("Classifying the security of EEF findings", 2019): a finding starts at the LOWEST of three
ratings, then loses padlocks for imbalance at baseline and for threats to validity.
- design: 5 randomised, 3 a comparison group matched on a baseline (what a school enquiry
  usually has: the groups are not assigned at random, so 3 is the most a design earns here),
  2 a comparison group without a baseline to check the match, 0 no comparison group;
- minimum detectable effect size (MDES) of the achieved sample, 80% power, 5% two-sided
  (power.mdes with the analysed pupils, schools, the model's ICC and the pupils' own pre/post
  correlation): 5 <= 0.2, 4 <= 0.3, 3 <= 0.4, 2 <= 0.5, 1 <= 0.6, 0 above;
- attrition, baseline pupils with no final score: 5 <= 10%, 4 <= 20%, 3 <= 30%, 2 <= 40%,
  1 <= 50%, 0 above;
then minus 1 when baseline balance needs adjustment (0.05-0.25 SD, WWC) and 2 when it fails
(> 0.25 SD); minus 1 for threats found (pupils who switched groups; every pupil in one school).
"""

from __future__ import annotations

import math

from .cells import attrition_id, make_cell
from .effects import EQUIVALENCE_ADJUST, EQUIVALENCE_FAIL
from .power import mdes
from .scores import MeasureScores
from .types import BASELINE, COMPARISON, FINAL, INTERVENTION

MAX_PADLOCKS = 5
MDES_BANDS = ((0.2, 5), (0.3, 4), (0.4, 3), (0.5, 2), (0.6, 1))
ATTRITION_BANDS = ((0.10, 5), (0.20, 4), (0.30, 3), (0.40, 2), (0.50, 1))
DEFAULT_ICC = 0.15
RULE = ("The lowest of design, MDES and attrition, less 1 or 2 for imbalance at baseline and 1 for threats "
        "to validity (after the EEF's security rating).")


def _criterion(key: str, label: str, padlocks: int | None, reason: str, depends_on: list[str], threshold: str,
               drop: bool = False) -> dict:
    """A rating (padlocks 0-5) or, for balance and threats, a deduction (padlocks lost)."""
    field = "padlocks_lost" if drop else "padlocks"
    return make_cell(f"strength:{key}", None, depends_on, criterion=label, threshold=threshold, reason=reason,
                     met=(padlocks == 0) if drop else (padlocks is not None and padlocks >= 3), **{field: padlocks})


def _band(value: float, bands: tuple[tuple[float, int], ...]) -> int:
    return next((padlocks for limit, padlocks in bands if value <= limit + 1e-12), 0)


def _design(groups: list[str], has_baseline: bool) -> dict:
    if COMPARISON not in groups:
        padlocks, reason = 0, "No comparison group: progress cannot be told apart from what would have happened anyway."
    elif not has_baseline:
        padlocks, reason = 2, "A comparison group, but no baseline to show the groups started alike."
    else:
        padlocks, reason = 3, ("A comparison group chosen by the schools, with a baseline: a matched design "
                               "(a randomised design would earn up to 5).")
    return _criterion("design", "Design", padlocks, reason, [], "5 randomised, 3 matched with a baseline, 0 none")


def _pre_post_correlation(scores: MeasureScores) -> float | None:
    """Pooled within-group correlation of baseline and final scores of the pupils with both."""
    cross = var_before = var_after = 0.0
    for group in (INTERVENTION, COMPARISON):
        before, after = scores.matched_scores(group, BASELINE, FINAL)
        if before.size < 2:
            continue
        b, a = before - before.mean(), after - after.mean()
        cross, var_before, var_after = cross + float(b @ a), var_before + float(b @ b), var_after + float(a @ a)
    if var_before <= 0 or var_after <= 0:
        return None
    return max(0.0, min(0.999, cross / math.sqrt(var_before * var_after)))


def _mdes(scores: MeasureScores, adjusted: dict | None) -> dict:
    threshold = "5 <= 0.2 SD, 4 <= 0.3, 3 <= 0.4, 2 <= 0.5, 1 <= 0.6"
    counts = [int(scores.matched_scores(g, BASELINE, FINAL)[0].size) for g in (INTERVENTION, COMPARISON)]
    if adjusted is None or min(counts) < 2:
        return _criterion("mdes", "Minimum detectable effect", 0,
                          "Too few pupils with baseline and final scores in both groups to detect any effect.",
                          [], threshold)
    harmonic = int(2 / (1 / counts[0] + 1 / counts[1]))  # equal groups of this size have the same precision
    estimated = isinstance(adjusted.get("icc"), float)
    icc = adjusted["icc"] if estimated else DEFAULT_ICC
    correlation = _pre_post_correlation(scores) or 0.0
    try:
        detectable = mdes(pupils_per_group=harmonic, schools=max(1, int(adjusted.get("schools") or 1)), icc=icc,
                          pre_post_correlation=correlation)["mdes"]
    except ValueError as error:
        return _criterion("mdes", "Minimum detectable effect", 0, f"Cannot be estimated: {error}", [], threshold)
    padlocks = _band(detectable, MDES_BANDS)
    icc_text = f"an ICC of {icc:.0%}" + ("" if estimated else " (assumed: too few schools to estimate it)")
    reason = (f"With {counts[0]} and {counts[1]} pupils in the analysis, {adjusted.get('schools')} school(s), "
              f"{icc_text} and a pre/post correlation of {correlation:.2f}, the smallest effect this sample could "
              f"reliably detect is {detectable:.2f} SD.")
    return _criterion("mdes", "Minimum detectable effect", padlocks, reason,
                      ["effect:adjusted"], threshold) | {"mdes": detectable}


def _attrition(attrition: list[dict]) -> dict:
    threshold = "5 <= 10% lost, 4 <= 20%, 3 <= 30%, 2 <= 40%, 1 <= 50%"
    depends = [attrition_id(cell["group"]) for cell in attrition]
    n_baseline = sum(cell["n_baseline"] for cell in attrition)
    n_retained = sum(cell["n_retained"] for cell in attrition)
    if n_baseline == 0 or sum(cell["n_final"] for cell in attrition) == 0:
        return _criterion("attrition", "Attrition", 0,
                          "Attrition cannot be measured without both baseline and final scores.", depends, threshold)
    overall = (n_baseline - n_retained) / n_baseline
    per_group = ", ".join(f"{c['group']} {c['attrition_rate']:.0%}" for c in attrition
                          if c["attrition_rate"] is not None)
    reason = f"{overall:.0%} of baseline pupils have no final score ({per_group})."
    return _criterion("attrition", "Attrition", _band(overall, ATTRITION_BANDS), reason, depends, threshold)


def _balance(equivalence: dict) -> dict:
    band = equivalence.get("band")
    lost = 2 if band == EQUIVALENCE_FAIL else 1 if band == EQUIVALENCE_ADJUST else 0
    if band is None:
        reason = equivalence.get("reason") or "Baseline balance could not be checked."
    else:
        reason = (f"Baseline difference {abs(equivalence['difference_sd']):.2f} SD among {equivalence['sample']}: "
                  f"{band} (WWC: <= 0.05 satisfied, up to 0.25 needs adjustment).")
    return _criterion("balance", "Baseline balance", lost, reason, ["equivalence"],
                      "-1 above 0.05 SD, -2 above 0.25 SD", drop=True)


def _threats(switched: int, adjusted: dict | None) -> dict:
    found = []
    if switched:
        found.append(f"{switched} pupil(s) recorded in both groups (kept in their first group)")
    if adjusted is not None and adjusted.get("schools") == 1:
        found.append("every pupil is in one school, so the finding may say more about that school than the approach")
    if adjusted is not None and adjusted.get("school_confounded"):
        found.append("each school's pupils are all in one group, so school differences cannot be told apart from "
                     "the effect")
    reason = ("; ".join(found) + ".") if found else "None found (pupils switching groups; a single school)."
    return _criterion("threats", "Threats to validity", 1 if found else 0, reason[0].upper() + reason[1:], [],
                      "-1 if any", drop=True)


def evidence_strength(scores: MeasureScores, groups: list[str], attrition: list[dict], equivalence: dict,
                      effects: dict, switched: int = 0) -> dict:
    """Padlocks and the rating behind them (each part with its reason)."""
    has_baseline = any(scores.stage_scores(group, BASELINE).size for group in groups)
    adjusted = effects.get("adjusted") if isinstance(effects.get("adjusted"), dict) else None
    ratings = [_design(groups, has_baseline), _mdes(scores, adjusted), _attrition(attrition)]
    deductions = [_balance(equivalence), _threats(switched, adjusted)]
    padlocks = max(0, min(c["padlocks"] for c in ratings) - sum(c["padlocks_lost"] for c in deductions))
    return {"padlocks": padlocks, "max_padlocks": MAX_PADLOCKS, "rule": RULE, "criteria": ratings + deductions}

