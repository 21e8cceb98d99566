"""The analysed cohort: the pupils every figure shown outside a project is computed over.

Per measure and group, the cohort is the pupils with both a baseline and a final score (the
sample the headline effect uses). Baseline and final figures then cover the same pupils, so
no two of them can be subtracted to reveal a leaver or a late joiner; progress figures cover
the cohort pupils who also have a progress score. A measure with no baseline at all (a
final-scores-only design) has the pupils with a final score as its cohort.

`cell_terms` says, for each cell the results publish, which pupil scores it adds up: the
differencing audit (differencing.py) works on these. A pupil score is named by a hash of
(measure, stage, pupil key, score), so a corrected score counts as a different unknown.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .cells import desc_id, gain_id, subgroup_id
from .descriptives import GAIN_COMPARISONS
from .frame import FLAG_NO, FLAG_UNKNOWN, FLAG_YES, flag_codes, prepare_outcome_frame
from .types import BASELINE, FINAL, STAGES

# One term of a published figure: (stage, coefficient, pupil-score ids it adds up).
Term = tuple[str, int, frozenset[str]]
SUBGROUP_FLAGS = {"disadvantaged": FLAG_YES, "not disadvantaged": FLAG_NO, "unknown": FLAG_UNKNOWN}


def cohort_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The prepared rows of pupils with a baseline and a final score, per measure and group."""
    clean = prepare_outcome_frame(frame)
    if clean.empty:
        return clean
    keys = list(zip(clean["measure_id"], clean["group"], clean["pupil_key"]))
    stages = clean["stage"].to_numpy()
    at_baseline = {key for key, stage in zip(keys, stages) if stage == BASELINE}
    at_final = {key for key, stage in zip(keys, stages) if stage == FINAL}
    with_baseline = {measure for measure, _, _ in at_baseline}
    cohort = {key for key in at_final if key in at_baseline or key[0] not in with_baseline}
    keep = np.fromiter((key in cohort for key in keys), dtype=bool, count=len(keys))
    return clean[keep].reset_index(drop=True)


def score_id(measure_id: object, stage: str, pupil_key: str, score: float) -> str:
    """A short, one-way name for one pupil's score (never shown; kept to audit later views)."""
    text = f"{measure_id}|{stage}|{pupil_key}|{score!r}"
    return f"{stage}:{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def cell_terms(cohort: pd.DataFrame, measure_ids: Sequence[object]) -> dict[tuple[object, str], tuple[Term, ...]]:
    """{(measure id, cell id): terms} for every stage, subgroup and gain cell over the cohort."""
    wanted = set(measure_ids)
    stage_sets: dict[tuple, set[str]] = defaultdict(set)
    # (measure, group, stage) -> {pupil: score id}, to match pupils for the gains
    by_pupil: dict[tuple, dict[str, str]] = defaultdict(dict)
    names = {code: name for name, code in SUBGROUP_FLAGS.items()}
    flags = flag_codes(cohort["disadvantaged"].astype("boolean")) if len(cohort) else []
    for measure_id, group, stage, pupil, score, flag in zip(cohort["measure_id"], cohort["group"], cohort["stage"],
                                                            cohort["pupil_key"], cohort["score"], flags):
        if measure_id not in wanted:
            continue
        sid = score_id(measure_id, stage, pupil, float(score))
        stage_sets[(measure_id, desc_id(stage, group))].add(sid)
        stage_sets[(measure_id, subgroup_id(stage, group, names[int(flag)]))].add(sid)
        by_pupil[(measure_id, group, stage)][pupil] = sid
    terms: dict[tuple[object, str], tuple[Term, ...]] = {}
    for measure_id, group in {(m, g) for m, g, _ in by_pupil}:
        for stage in STAGES:
            terms[(measure_id, desc_id(stage, group))] = (
                (stage, 1, frozenset(stage_sets.get((measure_id, desc_id(stage, group)), ()))),)
            for name in SUBGROUP_FLAGS:
                cell = subgroup_id(stage, group, name)
                terms[(measure_id, cell)] = ((stage, 1, frozenset(stage_sets.get((measure_id, cell), ()))),)
        baseline = by_pupil.get((measure_id, group, BASELINE), {})
        for to_stage, _ in GAIN_COMPARISONS:
            later = by_pupil.get((measure_id, group, to_stage), {})
            matched = baseline.keys() & later.keys()
            terms[(measure_id, gain_id(to_stage, group))] = (
                (to_stage, 1, frozenset(later[p] for p in matched)),
                (BASELINE, -1, frozenset(baseline[p] for p in matched)))
    return terms
