"""Entry point: the full (member) results for one project, JSON-serialisable."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .comparisons import baseline_equivalence, effects_section
from .descriptives import attrition_table, descriptives_table, gains_table
from .disclosure import DEFAULT_MIN_CELL, mark_public
from .frame import outcome_arrays, prepare_outcome_frame, switched_by_measure
from .gap import gap_tables
from .scores import MeasureScores
from .strength import evidence_strength
from .success import criteria_cells
from .types import BASELINE, STAGES, MeasureInfo
from .verdict import verdict_sentence

SWITCHED_NOTE = ("Pupils recorded in more than one group are counted once, in the group of their first record "
                 "(intention to treat).")


def measure_results(scores: MeasureScores, measure: MeasureInfo, min_cell: int,
                    everyone: MeasureScores | None = None, switched: int = 0,
                    criteria: Sequence[dict] = (), criteria_rows: pd.DataFrame | None = None) -> dict:
    """Every table for one measure.

    ``scores``: the measure's rows split once (MeasureScores.from_arrays): every table reads
    the same arrays instead of filtering a frame again.
    ``everyone``: when the tables are over the analysed cohort, all the measure's pupils, from
    which the groups taking part and the attrition counts come. ``switched``: pupils recorded in
    more than one group (kept in their first, intention to treat). ``criteria``: the project's
    success criteria on this measure, checked on ``criteria_rows`` (the prepared rows the tables use).
    """
    everyone = everyone or scores
    groups = everyone.groups
    descriptives = descriptives_table(scores, groups)
    attrition = attrition_table(everyone, groups)
    equivalence = baseline_equivalence(scores, groups, measure)
    gap = gap_tables(scores, groups, measure)
    has_baseline = any(everyone.stage_scores(group, BASELINE).size for group in groups)
    effects = effects_section(scores, groups, measure, min_cell, has_baseline)
    strength = evidence_strength(scores, groups, attrition, equivalence, effects, switched)
    if effects.get("below_min_cell"):
        strength.update(padlocks=None, padlocks_reason=effects["headline_reason"])
    result = {
        "measure": measure.as_dict(),
        "groups": groups,
        "reason": None if groups else "No scores for this measure yet.",
        "descriptives": descriptives,
        "gains": gains_table(scores, groups),
        "attrition": attrition,
        "effects": effects,
        "verdict": verdict_sentence(effects, strength.get("padlocks")),
        "switched_pupils": switched,
        "switched_note": SWITCHED_NOTE,
        "baseline_equivalence": equivalence,
        "evidence_strength": strength,
        "criteria": criteria_cells(criteria, criteria_rows, measure) if criteria else [],
        "gap": {"subgroups": gap["subgroups"], "gaps": gap["gaps"]},
        # Which published cells add up to which: disclosure control needs these.
        "partitions": gap["partitions"],
    }
    mark_public(result, min_cell)
    return result


def project_results(frame: pd.DataFrame, measures: Sequence[MeasureInfo], min_cell: int = DEFAULT_MIN_CELL,
                    criteria: Sequence[dict] = ()) -> dict:
    """Member view of a project's results, one entry per measure in the order given.

    Every cell carries its n, a ``reason`` when a value is None, and ``public`` (False if a
    non-member would see it suppressed); pass the output to disclosure.non_member_view
    for anyone outside the project. Rows for measures not listed are ignored.
    """
    if min_cell < 1:
        raise ValueError("min_cell must be at least 1")
    switched = switched_by_measure(frame)
    return {
        "view": "member",
        "min_cell": int(min_cell),
        "stages": list(STAGES),
        "measures": [measure_results(scores, m, min_cell, switched=switched.get(m.id, 0),
                                     **_criteria_for(m, criteria, frame))
                     for m, scores in zip(measures, _split(frame, measures))],
    }


def _criteria_for(measure: MeasureInfo, criteria: Sequence[dict], frame: pd.DataFrame) -> dict:
    """The criteria on this measure and the rows to check them on (built only when there are any)."""
    mine = [c for c in criteria if c.get("measure") == measure.id]
    if not mine:
        return {}
    prepared = prepare_outcome_frame(frame)
    return {"criteria": mine, "criteria_rows": prepared[prepared["measure_id"] == measure.id]}


def _split(frame: pd.DataFrame, measures: Sequence[MeasureInfo]) -> list[MeasureScores]:
    rows = outcome_arrays(frame)
    by_measure = rows.rows_by_measure()
    no_rows = np.zeros(0, dtype=np.intp)
    return [MeasureScores.from_arrays(rows.take(by_measure.get(m.id, no_rows))) for m in measures]


def cohort_results(frame: pd.DataFrame, cohort: pd.DataFrame, measures: Sequence[MeasureInfo],
                   min_cell: int = DEFAULT_MIN_CELL, criteria: Sequence[dict] = ()) -> dict:
    """project_results over the analysed cohort (cohort.cohort_frame of ``frame``): every table
    covers the pupils with baseline and final scores, but for attrition, which counts everyone."""
    if min_cell < 1:
        raise ValueError("min_cell must be at least 1")
    switched = switched_by_measure(frame)
    return {
        "view": "member",
        "min_cell": int(min_cell),
        "stages": list(STAGES),
        "measures": [measure_results(in_cohort, m, min_cell, everyone=all_pupils, switched=switched.get(m.id, 0),
                                     **_criteria_for(m, criteria, cohort))
                     for m, in_cohort, all_pupils in zip(measures, _split(cohort, measures), _split(frame, measures))],
    }
