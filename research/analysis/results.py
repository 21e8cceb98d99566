"""Entry point: the full (member) results for one project, JSON-serialisable."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .comparisons import baseline_equivalence, effects_section
from .descriptives import attrition_table, descriptives_table, gains_table
from .disclosure import DEFAULT_MIN_CELL, mark_public
from .frame import groups_present, prepare_outcome_frame, scores_wide
from .gap import gap_tables
from .strength import evidence_strength
from .types import STAGES, MeasureInfo


def measure_results(measure_frame: pd.DataFrame, measure: MeasureInfo, min_cell: int) -> dict:
    """Every table for one measure; ``measure_frame`` is the prepared frame for that measure."""
    wide = scores_wide(measure_frame)
    groups = groups_present(measure_frame)
    descriptives = descriptives_table(wide, groups)
    attrition = attrition_table(wide, groups)
    equivalence = baseline_equivalence(wide, groups, measure)
    gap = gap_tables(measure_frame, groups, measure)
    result = {
        "measure": measure.as_dict(),
        "groups": groups,
        "reason": None if groups else "No scores for this measure yet.",
        "descriptives": descriptives,
        "gains": gains_table(wide, groups),
        "attrition": attrition,
        "effects": effects_section(wide, groups, measure, equivalence),
        "baseline_equivalence": equivalence,
        "evidence_strength": evidence_strength(groups, descriptives, attrition, equivalence),
        "gap": {"subgroups": gap["subgroups"], "gaps": gap["gaps"]},
        # Which published cells add up to which: disclosure control needs these.
        "partitions": gap["partitions"],
    }
    mark_public(result, min_cell)
    return result


def project_results(frame: pd.DataFrame, measures: Sequence[MeasureInfo], min_cell: int = DEFAULT_MIN_CELL) -> dict:
    """Member view of a project's results, one entry per measure in the order given.

    Every cell carries its n, a ``reason`` when a value is None, and ``public`` (False if a
    non-member would see it suppressed); pass the output to disclosure.non_member_view
    for anyone outside the project. Rows for measures not listed are ignored.
    """
    if min_cell < 1:
        raise ValueError("min_cell must be at least 1")
    clean = prepare_outcome_frame(frame)
    by_measure = {measure_id: rows for measure_id, rows in clean.groupby("measure_id", sort=False)}
    empty = clean.iloc[0:0]
    return {
        "view": "member",
        "min_cell": int(min_cell),
        "stages": list(STAGES),
        "measures": [measure_results(by_measure.get(m.id, empty), m, min_cell) for m in measures],
    }
