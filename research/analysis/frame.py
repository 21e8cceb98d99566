"""Validate and normalise the outcome frame (one row per pupil x stage x measure).

Two views of the same cleaning: prepare_outcome_frame (a DataFrame, for callers and tests)
and outcome_arrays (plain numpy arrays, which project_results reads without building any
DataFrame). Both use _clean_columns and _kept_rows, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .types import GROUPS, STAGES

REQUIRED_COLUMNS = ("pupil_key", "school_id", "group", "stage", "measure_id", "score")
FLAG_COLUMNS = ("disadvantaged", "send", "eal")
COLUMNS = REQUIRED_COLUMNS + FLAG_COLUMNS + ("year_group",)

# Codes for a boolean flag held as a small int array (unknown is its own value).
FLAG_NO, FLAG_YES, FLAG_UNKNOWN = 0, 1, -1


@dataclass(frozen=True)
class OutcomeArrays:
    """The rows prepare_outcome_frame keeps, in its order, as numpy arrays.

    ``disadvantaged`` holds FLAG_YES / FLAG_NO / FLAG_UNKNOWN codes.
    """

    pupil_key: np.ndarray
    group: np.ndarray
    stage: np.ndarray
    measure_id: np.ndarray
    score: np.ndarray
    disadvantaged: np.ndarray
    school_id: np.ndarray

    def rows_by_measure(self) -> dict[object, np.ndarray]:
        """Row positions per measure id, like groupby("measure_id") (missing ids dropped)."""
        codes, uniques = pd.factorize(self.measure_id)
        order = np.argsort(codes, kind="stable")
        starts = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
        return {uniques[i]: order[starts[i]:starts[i + 1]] for i in range(len(uniques))}

    def take(self, rows: np.ndarray) -> "OutcomeArrays":
        return OutcomeArrays(
            self.pupil_key[rows], self.group[rows], self.stage[rows], self.measure_id[rows],
            self.score[rows], self.disadvantaged[rows], self.school_id[rows],
        )


def _plain_flag_values(values: np.ndarray) -> pd.arrays.BooleanArray | None:
    """A BooleanArray if every value is exactly a bool or None (what the ORM gives), else None."""
    if not set(map(type, values)) <= {bool, type(None)}:
        return None
    is_missing = pd.isna(values)
    return pd.arrays.BooleanArray(values.astype(bool) & ~is_missing, is_missing)


def _boolean_column(frame: pd.DataFrame, flag: str) -> pd.arrays.BooleanArray:
    """The flag as a nullable boolean array; absent columns are all unknown.

    Plain bool or True/False/None columns are built directly, which is much cheaper than
    pandas' generic conversion; anything else goes through that conversion so odd values
    are read (or rejected) exactly as before.
    """
    if flag not in frame.columns:
        return pd.arrays.BooleanArray(np.zeros(len(frame), dtype=bool), np.ones(len(frame), dtype=bool))
    source = frame[flag]
    if source.dtype == bool:
        return pd.arrays.BooleanArray(source.to_numpy(dtype=bool, copy=True), np.zeros(len(frame), dtype=bool))
    if source.dtype == object:
        plain = _plain_flag_values(source.to_numpy())
        if plain is not None:
            return plain
    return source.astype("object").where(source.notna(), None).astype("boolean").array


def _year_column(frame: pd.DataFrame) -> pd.Series | pd.arrays.IntegerArray:
    """year_group as nullable Int64.

    Whole-number floats with NaN (what the ORM gives) are converted directly; anything
    else goes through pandas' conversion, which also rejects what it always rejected.
    """
    if "year_group" not in frame.columns:
        return pd.arrays.IntegerArray(np.zeros(len(frame), dtype=np.int64), np.ones(len(frame), dtype=bool))
    source = frame["year_group"]
    if source.dtype == np.float64:
        values = source.to_numpy()
        missing = np.isnan(values)
        known = values[~missing]
        if np.all(np.abs(known) < 2.0**53) and np.array_equal(known, np.trunc(known)):
            return pd.arrays.IntegerArray(np.where(missing, 0.0, values).astype(np.int64), missing)
    return pd.to_numeric(source, errors="coerce").astype("Int64")


@dataclass(frozen=True)
class _CleanColumns:
    """Every column typed, full length and in frame order (rows not yet filtered)."""

    pupil_key: pd.Series
    school_id: pd.Series
    group: pd.Series
    stage: pd.Series
    measure_id: pd.Series
    score: pd.Series
    flags: dict[str, pd.arrays.BooleanArray]
    year_group: pd.Series | pd.arrays.IntegerArray

    def as_dict(self) -> dict[str, object]:
        required = {name: getattr(self, name) for name in REQUIRED_COLUMNS}
        return {**required, **self.flags, "year_group": self.year_group}


def _clean_columns(frame: pd.DataFrame) -> _CleanColumns:
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"outcome frame is missing columns: {', '.join(missing)}")
    return _CleanColumns(
        pupil_key=frame["pupil_key"].astype(str),
        school_id=frame["school_id"],
        group=frame["group"].astype(str),
        stage=frame["stage"].astype(str),
        measure_id=frame["measure_id"],
        score=pd.to_numeric(frame["score"], errors="coerce").astype(float),
        flags={flag: _boolean_column(frame, flag) for flag in FLAG_COLUMNS},
        year_group=_year_column(frame),
    )


def _is_one_of(values: np.ndarray, allowed: tuple[str, ...]) -> np.ndarray:
    matches = np.zeros(len(values), dtype=bool)
    for name in allowed:
        matches |= values == name
    return matches


def _kept_rows(columns: _CleanColumns) -> np.ndarray:
    """Positions of rows with a known group and stage and a score, keeping the last row per
    measure x stage x pupil (as drop_duplicates(keep="last") does), in frame order."""
    stage = columns.stage.to_numpy()
    known = _is_one_of(columns.group.to_numpy(), GROUPS) & _is_one_of(stage, STAGES)
    rows = np.flatnonzero(known & ~np.isnan(columns.score.to_numpy()))
    if rows.size == 0:
        return rows
    # factorize is what drop_duplicates uses, so keys compare alike (1 and 1.0, NaN and None).
    measure_codes = pd.factorize(columns.measure_id.to_numpy()[rows])[0].astype(np.int64) + 1
    stage_codes = pd.factorize(stage[rows])[0].astype(np.int64)
    pupil_codes, pupil_uniques = pd.factorize(columns.pupil_key.to_numpy()[rows])
    stage_pupil = stage_codes * (len(pupil_uniques) + 1) + pupil_codes + 1
    key = measure_codes * (int(stage_pupil.max()) + 1) + stage_pupil
    first_from_end = np.unique(key[::-1], return_index=True)[1]
    return rows[np.sort(key.size - 1 - first_from_end)]


def first_record_groups(measure_id: np.ndarray, pupil_key: np.ndarray, stage: np.ndarray,
                        group: np.ndarray) -> np.ndarray:
    """Intention to treat: every row of a pupil takes the group of their first record (by stage)
    on that measure, so a pupil who switched groups counts once, in the group they started in."""
    if group.size == 0:
        return group
    order = {name: index for index, name in enumerate(STAGES)}
    first: dict[tuple, tuple[int, str]] = {}
    for measure, pupil, stage_name, group_name in zip(measure_id, pupil_key, stage, group):
        rank = order[stage_name]
        key = (measure, pupil)
        if key not in first or rank < first[key][0]:
            first[key] = (rank, group_name)
    return np.array([first[(m, p)][1] for m, p in zip(measure_id, pupil_key)], dtype=object)


def switched_by_measure(frame: pd.DataFrame) -> dict[object, int]:
    """Pupils recorded in more than one group, per measure (each counted in their first group)."""
    if frame.empty:
        return {}
    clean = frame[["measure_id", "pupil_key", "group"]].astype({"group": str}).drop_duplicates()
    switched = clean.groupby(["measure_id", "pupil_key"])["group"].nunique() > 1
    return {measure: int(count) for measure, count in switched.groupby(level=0).sum().items()}


def prepare_outcome_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a clean copy: typed columns, known groups/stages only, no missing scores.

    Optional columns (flags, year_group) are added as all-missing when absent.
    Rows are unique per measure x stage x pupil; upstream imports replace rather than
    duplicate, so keeping the last row is only a safety net. Groups follow intention to
    treat (first_record_groups).
    """
    columns = _clean_columns(frame)
    clean = pd.DataFrame(columns.as_dict(), index=frame.index).take(_kept_rows(columns)).reset_index(drop=True)
    clean["group"] = first_record_groups(clean["measure_id"].to_numpy(), clean["pupil_key"].to_numpy(),
                                         clean["stage"].to_numpy(), clean["group"].to_numpy())
    return clean


def flag_codes(flag: pd.api.extensions.ExtensionArray | pd.Series) -> np.ndarray:
    """FLAG_YES / FLAG_NO / FLAG_UNKNOWN per row of a nullable boolean column."""
    is_yes = np.asarray(flag.to_numpy(dtype=bool, na_value=False))
    return np.where(np.asarray(flag.isna()), FLAG_UNKNOWN, np.where(is_yes, FLAG_YES, FLAG_NO)).astype(np.int8)


def outcome_arrays(frame: pd.DataFrame) -> OutcomeArrays:
    """The rows and values prepare_outcome_frame keeps, without building a DataFrame.

    Every column is still converted so a frame prepare_outcome_frame rejects fails here too.
    """
    columns = _clean_columns(frame)
    rows = _kept_rows(columns)
    pupil_key, stage, measure_id = (columns.pupil_key.to_numpy()[rows], columns.stage.to_numpy()[rows],
                                    columns.measure_id.to_numpy()[rows])
    return OutcomeArrays(
        pupil_key=pupil_key,
        group=first_record_groups(measure_id, pupil_key, stage, columns.group.to_numpy()[rows]),
        stage=stage,
        measure_id=measure_id,
        score=columns.score.to_numpy()[rows],
        disadvantaged=flag_codes(columns.flags["disadvantaged"])[rows],
        school_id=columns.school_id.to_numpy()[rows],
    )
