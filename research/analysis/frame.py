"""Validate and normalise the outcome frame (one row per pupil x stage x measure)."""

from __future__ import annotations

import pandas as pd

from .types import GROUPS, STAGES

REQUIRED_COLUMNS = ("pupil_key", "school_id", "group", "stage", "measure_id", "score")
FLAG_COLUMNS = ("disadvantaged", "send", "eal")
COLUMNS = REQUIRED_COLUMNS + FLAG_COLUMNS + ("year_group",)


def prepare_outcome_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a clean copy: typed columns, known groups/stages only, no missing scores.

    Optional columns (flags, year_group) are added as all-missing when absent.
    Rows are unique per measure x stage x pupil; upstream imports replace rather than
    duplicate, so keeping the last row is only a safety net.
    """
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"outcome frame is missing columns: {', '.join(missing)}")

    clean = pd.DataFrame(
        {
            "pupil_key": frame["pupil_key"].astype(str),
            "school_id": frame["school_id"],
            "group": frame["group"].astype(str),
            "stage": frame["stage"].astype(str),
            "measure_id": frame["measure_id"],
            "score": pd.to_numeric(frame["score"], errors="coerce").astype(float),
        },
        index=frame.index,
    )
    for flag in FLAG_COLUMNS:
        source = frame[flag] if flag in frame.columns else pd.Series(pd.NA, index=frame.index)
        clean[flag] = source.astype("object").where(source.notna(), None).astype("boolean")
    year = frame["year_group"] if "year_group" in frame.columns else pd.Series(pd.NA, index=frame.index)
    clean["year_group"] = pd.to_numeric(year, errors="coerce").astype("Int64")

    known = clean["group"].isin(GROUPS) & clean["stage"].isin(STAGES) & clean["score"].notna()
    clean = clean.loc[known]
    clean = clean.drop_duplicates(["measure_id", "stage", "pupil_key"], keep="last")
    return clean.reset_index(drop=True)


def scores_wide(measure_frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (pupil, group) with a score column per stage (NaN where absent).

    A pupil who appears in both groups is treated as two pupils and so never matched
    across groups.
    """
    if measure_frame.empty:
        return pd.DataFrame(columns=["pupil_key", "group", *STAGES])
    wide = measure_frame.pivot(index=["pupil_key", "group"], columns="stage", values="score")
    wide = wide.reindex(columns=list(STAGES))
    wide.columns.name = None
    return wide.reset_index()


def groups_present(measure_frame: pd.DataFrame) -> list[str]:
    """Groups with at least one score on this measure, in canonical order."""
    present = set(measure_frame["group"].unique())
    return [group for group in GROUPS if group in present]
