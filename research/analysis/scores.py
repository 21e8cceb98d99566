"""One measure's scores split once by group and stage, so the tables read arrays instead of
filtering a DataFrame again for every cell.

Row orders are fixed, so sums (and so means and sds) come out bit-for-bit the same whichever
way the rows arrive: the per-group matrices are in pupil_key order (as a pivot of the prepared
frame gives them, missing key first) and the gap cells follow the prepared frame (row order).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .frame import FLAG_UNKNOWN, OutcomeArrays, flag_codes
from .types import GROUPS, STAGES

STAGE_COLUMN = {stage: index for index, stage in enumerate(STAGES)}


@dataclass(frozen=True)
class CellRows:
    """One stage x group cell in frame order: scores and disadvantaged codes (frame.FLAG_*)."""

    scores: np.ndarray
    disadvantaged: np.ndarray


@dataclass(frozen=True, eq=False)
class MeasureScores:
    """Per group a (pupils x stages) score matrix, NaN where a pupil has no score.

    ``cells`` holds the long-form rows per (stage, group) for the gap tables. Lookups are cached (matched pupils
    for baseline to final feed the gains, two effects and baseline equivalence), so the
    arrays they return are shared and read-only.
    """

    by_group: dict[str, np.ndarray]
    cells: dict[tuple[str, str], CellRows] = field(default_factory=dict)
    # Per group, each matrix row's school (from the pupil's first record).
    schools: dict[str, np.ndarray] = field(default_factory=dict)
    _stage_cache: dict[tuple[str, str], np.ndarray] = field(default_factory=dict, init=False, repr=False)
    _matched_cache: dict[tuple[str, str, str], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, init=False, repr=False
    )

    @property
    def groups(self) -> list[str]:
        """Groups with at least one score, in canonical order."""
        return [group for group in GROUPS if group in self.by_group]

    def _matrix(self, group: str) -> np.ndarray:
        matrix = self.by_group.get(group)
        return matrix if matrix is not None else np.empty((0, len(STAGES)))

    def stage_scores(self, group: str, stage: str) -> np.ndarray:
        """Scores of one group at one stage (missing removed), in pupil order. Read-only."""
        key = (group, stage)
        if key not in self._stage_cache:
            column = self._matrix(group)[:, STAGE_COLUMN[stage]]
            self._stage_cache[key] = _read_only(column[~np.isnan(column)])
        return self._stage_cache[key]

    def matched_scores(self, group: str, first: str, second: str) -> tuple[np.ndarray, np.ndarray]:
        """Scores at two stages for the pupils of one group present at both. Read-only."""
        key = (group, first, second)
        if key not in self._matched_cache:
            matrix = self._matrix(group)
            before, after = matrix[:, STAGE_COLUMN[first]], matrix[:, STAGE_COLUMN[second]]
            both = ~np.isnan(before) & ~np.isnan(after)
            self._matched_cache[key] = (_read_only(before[both]), _read_only(after[both]))
        return self._matched_cache[key]

    def pupils_at(self, group: str, stage: str) -> np.ndarray:
        """Boolean per pupil of the group: has a score at this stage."""
        return ~np.isnan(self._matrix(group)[:, STAGE_COLUMN[stage]])

    @classmethod
    def from_arrays(cls, rows: OutcomeArrays) -> "MeasureScores":
        """From one measure's prepared rows (frame.outcome_arrays, then take)."""
        stage_masks = {stage: rows.stage == stage for stage in STAGES}
        stage_column = np.zeros(len(rows.score), dtype=np.intp)
        for stage, mask in stage_masks.items():
            stage_column[mask] = STAGE_COLUMN[stage]
        by_group: dict[str, np.ndarray] = {}
        cells: dict[tuple[str, str], CellRows] = {}
        schools: dict[str, np.ndarray] = {}
        for group in GROUPS:
            in_group = rows.group == group
            if not in_group.any():
                continue
            by_group[group], schools[group] = _pupil_matrix(
                rows.pupil_key[in_group], stage_column[in_group], rows.score[in_group], rows.school_id[in_group])
            for stage in STAGES:
                in_cell = in_group & stage_masks[stage]
                if in_cell.any():
                    cells[(stage, group)] = CellRows(rows.score[in_cell], rows.disadvantaged[in_cell])
        return cls(by_group, cells, schools)

    @classmethod
    def from_frame(cls, measure_frame: pd.DataFrame) -> "MeasureScores":
        """From one measure's rows of prepare_outcome_frame."""
        if "disadvantaged" in measure_frame.columns:
            disadvantaged = flag_codes(measure_frame["disadvantaged"].astype("boolean"))
        else:
            disadvantaged = np.full(len(measure_frame), FLAG_UNKNOWN, dtype=np.int8)
        school_id = (measure_frame["school_id"].to_numpy() if "school_id" in measure_frame.columns
                     else np.zeros(len(measure_frame), dtype=np.int64))
        return cls.from_arrays(OutcomeArrays(
            pupil_key=measure_frame["pupil_key"].to_numpy(),
            group=measure_frame["group"].to_numpy(),
            stage=measure_frame["stage"].to_numpy(),
            measure_id=measure_frame["measure_id"].to_numpy(),
            score=measure_frame["score"].to_numpy(dtype=float),
            disadvantaged=disadvantaged,
            school_id=school_id,
        ))


def _read_only(values: np.ndarray) -> np.ndarray:
    """Cached arrays are shared between tables, so a stray in-place edit must fail loudly."""
    values.flags.writeable = False
    return values


def _pupil_matrix(pupil_keys: np.ndarray, stage_column: np.ndarray, scores: np.ndarray,
                  school_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(pupils x stages) scores, rows in the order a pivot of the rows by pupil_key gives them,
    and each row's school (that of the pupil's earliest stage).

    The pivot sorts pupils by key and puts a missing key first; rows are unique per
    pupil x stage (prepare_outcome_frame drops duplicates), so each slot is set once.
    """
    codes, uniques = pd.factorize(pupil_keys, sort=True)
    codes = codes + 1  # missing key (-1) becomes row 0
    matrix = np.full((len(uniques) + 1, len(STAGES)), np.nan)
    matrix[codes, stage_column] = scores
    schools = np.empty(len(uniques) + 1, dtype=object)
    for code, stage, school in sorted(zip(codes, stage_column, school_ids), key=lambda item: -item[1]):
        schools[code] = school  # latest stage first, so the earliest stage's school is written last
    return (matrix, schools) if (codes == 0).any() else (matrix[1:], schools[1:])
