"""Build small outcome frames for the analysis tests."""

from __future__ import annotations

import pandas as pd

from research.analysis.frame import prepare_outcome_frame
from research.analysis.scores import MeasureScores
from research.analysis.types import MeasureInfo

READING = MeasureInfo(1, "Reading age", "attainment", 0, 100, True, "marks")
ANXIETY = MeasureInfo(2, "Anxiety scale", "well-being", 0, 40, False, "points")


def outcome_frame(
    scores: dict[str, dict[str, list[float | None]]],
    measure_id: int = 1,
    disadvantaged: dict[str, list[bool | None]] | None = None,
) -> pd.DataFrame:
    """scores[group][stage] is a list indexed by pupil: position i is the same pupil at every
    stage; None means that pupil has no score at that stage."""
    rows = []
    for group, stages in scores.items():
        for stage, values in stages.items():
            for index, score in enumerate(values):
                if score is None:
                    continue
                flag = disadvantaged[group][index] if disadvantaged and group in disadvantaged else None
                rows.append({
                    "pupil_key": f"{group[:3]}-{index}", "school_id": 1, "group": group, "stage": stage,
                    "measure_id": measure_id, "score": float(score), "disadvantaged": flag,
                    "send": None, "eal": None, "year_group": 5,
                })
    columns = ["pupil_key", "school_id", "group", "stage", "measure_id", "score",
               "disadvantaged", "send", "eal", "year_group"]
    return pd.DataFrame(rows, columns=columns)


def split_scores(frame: pd.DataFrame) -> MeasureScores:
    """One measure's rows of an outcome frame, prepared and split as the tables read them."""
    return MeasureScores.from_frame(prepare_outcome_frame(frame))


def cell(table: list[dict], cell_id: str) -> dict:
    """The cell with this id (fails the test if it is missing)."""
    matches = [row for row in table if row["cell"] == cell_id]
    assert len(matches) == 1, f"expected one {cell_id}, found {len(matches)}"
    return matches[0]
