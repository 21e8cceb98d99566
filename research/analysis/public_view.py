"""What anyone outside a project may see of its results: the one route from pupil rows to it.

The model (README "What people outside a project see"):
1. Every figure covers the analysed cohort (cohort.py): per group, the pupils with baseline
   and final scores, so figures at different stages cannot be subtracted to reveal a leaver
   or a joiner. Attrition is shown as counts, with small numbers of leavers or joiners withheld.
2. No minimum or maximum (each is a pupil's score); quartiles only for groups of at least
   QUARTILE_MIN_N pupils (each quarter then holds 5 or more), rounded to the scores' precision.
3. Cells under the alliance's minimum size are withheld, with what rests on them and the
   siblings that would give them away (disclosure.py); so are cells whose pupils' scores are
   so alike, or so close to the end of the scale, that the figures pin every pupil to within
   a point.
4. The differencing audit (differencing.py) then checks every combination of what is shown
   now and what was shown before (kept as `terms`) and withholds cells until no set of fewer
   than min_cell pupils' scores can be worked out.
The caller stores `terms` with the view, and passes every earlier view's terms next time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from .cohort import Term, cell_terms, cohort_frame
from .differencing import cells_to_hide
from .disclosure import DEFAULT_MIN_CELL, MARKER, collect_cells, non_member_view, suppression_plan
from .results import cohort_results
from .success import withhold_unpublished_subgroups
from .types import MeasureInfo

QUARTILE_MIN_N = 20
# A point either side: a figure that narrows every pupil's score to this is not shown.
PIN_HALF_WIDTH = 1.0
COHORT_NOTE = ("Every figure covers the analysed cohort: in each group, the pupils with both a baseline and a "
               "final score. Attrition counts everyone.")
ATTRITION_WITHHELD = ("Attrition earns {padlocks} padlock(s); the exact figures are withheld because fewer than "
                      "{min_cell} pupils left or joined a group.")


@dataclass(frozen=True)
class PublicResults:
    """The non-member view, and (private) the sums each of its shown cells publishes."""

    view: dict
    terms: dict[str, list]


def public_results(frame: pd.DataFrame, measures: Sequence[MeasureInfo], min_cell: int = DEFAULT_MIN_CELL,
                   earlier: Iterable[Mapping[str, list]] = (), criteria: Sequence[dict] = ()) -> PublicResults:
    """The non-member view of a project's rows; ``earlier``: the terms of every view shown before;
    ``criteria``: the project's success criteria."""
    cohort = cohort_frame(frame)
    results = cohort_results(frame, cohort, measures, min_cell, criteria)
    terms = cell_terms(cohort, [m.id for m in measures])
    earlier = list(earlier)
    plans: list[set[str]] = []
    shown_terms: dict[str, list] = {}
    for measure, result in zip(measures, results["measures"]):
        _withhold_fields(result, _decimals(cohort, measure.id), min_cell)
        withhold_unpublished_subgroups(result.get("criteria", []), MARKER)
        cells = collect_cells(result)
        measure_terms = {cell["cell"]: terms[(measure.id, cell["cell"])] for cell in cells
                         if (measure.id, cell["cell"]) in terms}
        prefix = f"{measure.id}|"
        before = [decode_terms(value) for view_terms in earlier for key, value in view_terms.items()
                  if key.startswith(prefix)]
        suppressed = _audited_plan(cells, result.get("partitions", ()), measure_terms, before, measure, min_cell)
        plans.append(suppressed)
        shown_terms.update({prefix + cell: encode_terms(t) for cell, t in measure_terms.items()
                            if cell not in suppressed})
    view = non_member_view(results, plans)
    view["sample"] = COHORT_NOTE
    return PublicResults(view, shown_terms)


def _audited_plan(cells: list[dict], partitions: Sequence[Mapping], terms: Mapping[str, Sequence[Term]],
                  before: list[Sequence[Term]], measure: MeasureInfo, min_cell: int) -> set[str]:
    forced = {cell["cell"] for cell in cells if _pins_pupils(cell, measure)}
    sizes = {cell["cell"]: cell["n"] for cell in cells if isinstance(cell.get("n"), int)}
    while True:
        suppressed = suppression_plan(cells, partitions, min_cell, forced)
        shown = {cell: t for cell, t in terms.items() if cell not in suppressed}
        hide = set(cells_to_hide(shown, before, min_cell, sizes)) - forced
        if not hide:
            return suppressed
        forced |= hide


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value) else None


def _pins_pupils(cell: Mapping, measure: MeasureInfo) -> bool:
    """True if the cell's mean and sd narrow every pupil's score to within a point.

    No score lies further than sd (n - 1) / sqrt(n) from the mean; and a mean close to an end of
    the scale leaves each pupil no further than n times that distance from it.
    """
    n, mean, sd = cell.get("n"), _number(cell.get("mean")), _number(cell.get("sd"))
    if not isinstance(n, int) or n < 1 or mean is None:
        return False
    if sd is not None and sd * (n - 1) / math.sqrt(n) <= PIN_HALF_WIDTH:
        return True
    ends = [end for end in (measure.scale_min, measure.scale_max) if end is not None]
    return any(n * abs(mean - end) <= 2 * PIN_HALF_WIDTH for end in ends)


def _decimals(cohort: pd.DataFrame, measure_id: object) -> int:
    """Decimal places the measure's scores are recorded to (0, 1 or 2)."""
    scores = cohort.loc[cohort["measure_id"] == measure_id, "score"].to_numpy(dtype=float) if len(cohort) else []
    for places in (0, 1):
        scaled = np.asarray(scores) * 10**places
        if np.allclose(scaled, np.round(scaled), atol=1e-6):
            return places
    return 2


def _withhold_fields(result: dict, decimals: int, min_cell: int) -> None:
    """Values inside otherwise shown cells that would point at single pupils."""
    for cell in result.get("descriptives", []):
        cell["min"] = cell["max"] = MARKER
        small = not isinstance(cell.get("n"), int) or cell["n"] < QUARTILE_MIN_N
        for key in ("q1", "median", "q3"):
            value = _number(cell.get(key))
            cell[key] = MARKER if small and cell.get(key) is not None else (
                round(value, decimals) if value is not None else cell.get(key))
    hidden_rates = False
    for cell in result.get("attrition", []):
        cell["n"] = cell["n_retained"]  # the analysed cohort: what the other figures cover
        leavers, joiners = cell["n_baseline"] - cell["n_retained"], cell["n_final"] - cell["n_retained"]
        if 0 < leavers < min_cell:
            cell["n_baseline"] = cell["attrition_rate"] = MARKER
            hidden_rates = True
        if 0 < joiners < min_cell:
            cell["n_final"] = MARKER
    if hidden_rates:
        for criterion in (result.get("evidence_strength") or {}).get("criteria", []):
            if criterion["cell"] == "strength:attrition":
                criterion["reason"] = ATTRITION_WITHHELD.format(padlocks=criterion["padlocks"], min_cell=min_cell)


def encode_terms(terms: Sequence[Term]) -> list:
    return [[stage, coefficient, sorted(ids)] for stage, coefficient, ids in terms]


def decode_terms(encoded: list) -> tuple[Term, ...]:
    return tuple((stage, int(coefficient), frozenset(ids)) for stage, coefficient, ids in encoded)

