"""Evidence strength: 0-5 padlocks from a transparent five-point checklist.

One padlock per criterion met. Thresholds (documented for leads):
- comparison group: both groups have final-stage scores on the measure;
- baseline: every group has baseline (theory-stage) scores;
- sample size: at least MIN_PUPILS_PER_GROUP pupils per group at the final stage. Below
  about 30 per group the 95% CI of g is wider than +/-0.5 SD, larger than most effects
  seen in schools, so the estimate cannot tell a small effect from none;
- attrition: overall baseline-to-final attrition at most MAX_ATTRITION. In the EEF padlock
  bands, attrition above 20% takes a trial below four padlocks;
- baseline equivalence: the WWC band is "satisfied" (|difference| <= 0.05 SD).
"""

from __future__ import annotations

from .cells import attrition_id, desc_id, make_cell
from .effects import EQUIVALENCE_SATISFIED
from .types import BASELINE, COMPARISON, FINAL

MIN_PUPILS_PER_GROUP = 30
MAX_ATTRITION = 0.20
MAX_PADLOCKS = 5


def _cells_by_id(*tables: list[dict]) -> dict[str, dict]:
    return {cell["cell"]: cell for table in tables for cell in table}


def _criterion(key: str, label: str, met: bool, reason: str, depends_on: list[str], threshold: str) -> dict:
    return make_cell(f"strength:{key}", None, depends_on, criterion=label, met=met, threshold=threshold, reason=reason)


def _comparison_criterion(cells: dict[str, dict], groups: list[str]) -> dict:
    final_cell = cells.get(desc_id(FINAL, COMPARISON))
    met = bool(final_cell and final_cell["n"] > 0)
    if met:
        reason = f"A comparison group has final-stage scores ({final_cell['n']} pupils)."
    elif COMPARISON in groups:
        reason = "The comparison group has no final-stage scores yet."
    else:
        reason = "No comparison group: without one, progress cannot be attributed to the intervention."
    depends = [desc_id(FINAL, COMPARISON)] if final_cell else []
    return _criterion("comparison_group", "Comparison group", met, reason, depends, "comparison group with final scores")


def _baseline_criterion(cells: dict[str, dict], groups: list[str]) -> dict:
    counts = {group: cells[desc_id(BASELINE, group)]["n"] for group in groups}
    missing = [group for group, n in counts.items() if n == 0]
    met = bool(groups) and not missing
    if not groups:
        reason = "No scores for this measure."
    elif missing:
        reason = f"No baseline scores for the {' and '.join(missing)} group."
    else:
        reason = "Baseline measured: " + ", ".join(f"{g} {n} pupils" for g, n in counts.items()) + "."
    depends = [desc_id(BASELINE, group) for group in groups]
    return _criterion("baseline", "Baseline measured", met, reason, depends, "baseline scores in every group")


def _sample_criterion(cells: dict[str, dict], groups: list[str]) -> dict:
    counts = {group: cells[desc_id(FINAL, group)]["n"] for group in groups}
    small = [group for group, n in counts.items() if n < MIN_PUPILS_PER_GROUP]
    met = COMPARISON in counts and not small
    listing = ", ".join(f"{g} {n}" for g, n in counts.items()) or "none"
    if met:
        reason = f"At least {MIN_PUPILS_PER_GROUP} pupils per group at the final stage ({listing})."
    elif not counts:
        reason = "No scores for this measure."
    elif COMPARISON not in counts:
        reason = f"Only one group; the sample-size padlock needs {MIN_PUPILS_PER_GROUP}+ in each of two groups ({listing})."
    else:
        reason = f"Fewer than {MIN_PUPILS_PER_GROUP} pupils in a group at the final stage ({listing})."
    depends = [desc_id(FINAL, group) for group in groups]
    return _criterion("sample_size", "Sample size", met, reason, depends, f">= {MIN_PUPILS_PER_GROUP} pupils per group")


def _attrition_criterion(attrition: list[dict]) -> dict:
    n_baseline = sum(cell["n_baseline"] for cell in attrition)
    n_retained = sum(cell["n_retained"] for cell in attrition)
    n_final = sum(cell["n_final"] for cell in attrition)
    depends = [attrition_id(cell["group"]) for cell in attrition]
    threshold = f"<= {MAX_ATTRITION:.0%} of baseline pupils lost"
    if n_baseline == 0 or n_final == 0:
        reason = "Attrition cannot be measured without both baseline and final scores."
        return _criterion("attrition", "Attrition", False, reason, depends, threshold)
    overall = (n_baseline - n_retained) / n_baseline
    per_group = ", ".join(f"{c['group']} {c['attrition_rate']:.0%}" for c in attrition if c["attrition_rate"] is not None)
    met = overall <= MAX_ATTRITION
    verdict = "within" if met else "above"
    reason = f"Overall attrition {overall:.0%} ({per_group}), {verdict} the {MAX_ATTRITION:.0%} threshold."
    return _criterion("attrition", "Attrition", met, reason, depends, threshold)


def _equivalence_criterion(equivalence: dict) -> dict:
    band = equivalence.get("band")
    met = band == EQUIVALENCE_SATISFIED
    if band is None:
        reason = equivalence.get("reason") or "Baseline equivalence could not be checked."
    else:
        reason = (
            f"Baseline difference {abs(equivalence['difference_sd']):.2f} SD among {equivalence['sample']}: "
            f"{band} (WWC: <= 0.05 satisfied, up to 0.25 needs adjustment)."
        )
    return _criterion(
        "equivalence", "Baseline equivalence", met, reason, ["equivalence"], "|baseline difference| <= 0.05 SD"
    )


def evidence_strength(
    groups: list[str], descriptives: list[dict], attrition: list[dict], equivalence: dict
) -> dict:
    """Padlock count and the checklist behind it (each criterion with met and a reason)."""
    cells = _cells_by_id(descriptives)
    criteria = [
        _comparison_criterion(cells, groups),
        _baseline_criterion(cells, groups),
        _sample_criterion(cells, groups),
        _attrition_criterion(attrition),
        _equivalence_criterion(equivalence),
    ]
    return {
        "padlocks": sum(1 for criterion in criteria if criterion["met"]),
        "max_padlocks": MAX_PADLOCKS,
        "criteria": criteria,
    }
