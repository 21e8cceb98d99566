"""The array fast paths read exactly what the DataFrame paths read, in the same order."""

import copy

import numpy as np
import pandas as pd
import pytest

from research.analysis.disclosure import non_member_view
from research.analysis.frame import (
    FLAG_NO,
    FLAG_UNKNOWN,
    FLAG_YES,
    outcome_arrays,
    prepare_outcome_frame,
)
from research.analysis.types import GROUPS, STAGES
from research.analysis.results import project_results
from research.analysis.scores import MeasureScores

from .builders import READING, outcome_frame

pytestmark = pytest.mark.filterwarnings("error")


def messy_frame() -> pd.DataFrame:
    """Duplicates, unknown groups/stages, missing scores, a missing pupil key, a pupil in both groups."""
    frame = outcome_frame(
        {
            "intervention": {"theory": [10, 11, 12, None], "dissemination": [13, None, 15, 16]},
            "comparison": {"theory": [9, 10, 11], "dissemination": [10, 12, None]},
        },
        disadvantaged={"intervention": [True, False, None, True], "comparison": [False, None, True]},
    )
    extra = frame.iloc[[0, 1, 2, 3]].copy()
    extra["score"] = [99.0, None, 98.0, 97.0]  # row 0 replaces a score, row 1 has none
    extra.loc[extra.index[2], "group"] = "other"
    extra.loc[extra.index[3], "pupil_key"] = None
    both = frame.iloc[[4]].assign(group="comparison")  # intervention pupil also listed as comparison
    return pd.concat([frame, extra, both, frame.iloc[[5]].assign(stage="later")], ignore_index=True)


def test_outcome_arrays_keep_the_prepared_rows_in_order():
    # Given a messy frame
    frame = messy_frame()
    prepared = prepare_outcome_frame(frame)
    arrays = outcome_arrays(frame)
    # Then the arrays hold the same rows, values and order as the prepared frame
    assert list(arrays.pupil_key) == list(prepared["pupil_key"].to_numpy())
    assert list(arrays.group) == list(prepared["group"]) and list(arrays.stage) == list(prepared["stage"])
    np.testing.assert_array_equal(arrays.score, prepared["score"].to_numpy())
    # And the disadvantaged flag is coded yes / no / unknown
    expected = [FLAG_UNKNOWN if pd.isna(f) else (FLAG_YES if f else FLAG_NO) for f in prepared["disadvantaged"]]
    assert list(arrays.disadvantaged) == expected


def pivot_by_group(prepared: pd.DataFrame) -> dict[str, np.ndarray]:
    """The reference: pandas' pivot of the prepared rows, one (pupils x stages) matrix per group."""
    wide = prepared.pivot(index=["pupil_key", "group"], columns="stage", values="score")
    wide = wide.reindex(columns=list(STAGES)).reset_index()
    groups = wide["group"].to_numpy()
    return {group: wide.loc[groups == group, list(STAGES)].to_numpy(dtype=float)
            for group in GROUPS if (groups == group).any()}


def test_split_scores_match_the_pivot_row_for_row():
    # Given the prepared rows of one measure
    frame = messy_frame()
    pivoted = pivot_by_group(prepare_outcome_frame(frame))
    # Then each group's matrix is the pivot's, rows in the same order (so sums are identical), both ways in
    for split in (MeasureScores.from_arrays(outcome_arrays(frame)),
                  MeasureScores.from_frame(prepare_outcome_frame(frame))):
        assert split.groups == list(pivoted) == ["intervention", "comparison"]
        for group in split.groups:
            np.testing.assert_array_equal(split.by_group[group], pivoted[group])


def test_measure_ids_group_like_pandas_groupby():
    # Given rows whose measure ids are 1, 1.0 and 2 (one missing)
    frame = outcome_frame({"intervention": {"theory": [1, 2, 3, 4]}})
    frame["measure_id"] = pd.Series([1, 1.0, 2, None], dtype=object)
    by_measure = outcome_arrays(frame).rows_by_measure()
    # Then 1 and 1.0 are one measure, the missing id is dropped
    assert {key: list(rows) for key, rows in by_measure.items()} == {1: [0, 1], 2: [2]}


@pytest.mark.parametrize("flags", [[True, False, None], [1, 0, None], [1.0, 0.0, np.nan], [True, False, True]])
def test_flags_read_as_before(flags):
    # Given flags as the ORM gives them, or as numbers
    frame = outcome_frame({"intervention": {"theory": [1, 2, 3]}})
    frame["send"] = pd.Series(flags, dtype=object)
    # Then they read as pandas' boolean conversion reads them
    source = frame["send"]
    expected = source.astype("object").where(source.notna(), None).astype("boolean")
    pd.testing.assert_series_equal(prepare_outcome_frame(frame)["send"], expected, check_names=False)


@pytest.mark.parametrize("column, value", [("send", "yes"), ("eal", 2), ("year_group", 5.5)])
def test_values_rejected_before_are_still_rejected(column, value):
    # Given a flag that is not bool-like, or a year group that is not whole
    frame = outcome_frame({"intervention": {"theory": [1, 2]}})
    frame[column] = pd.Series([value, None], dtype=object if column != "year_group" else float)
    # Then both paths refuse it
    with pytest.raises(TypeError):
        prepare_outcome_frame(frame)
    with pytest.raises(TypeError):
        outcome_arrays(frame)


def test_year_group_whole_floats_become_integers():
    frame = outcome_frame({"intervention": {"theory": [1, 2, 3]}})
    frame["year_group"] = [5.0, np.nan, -0.0]
    assert prepare_outcome_frame(frame)["year_group"].tolist() == [5, pd.NA, 0]


def test_shared_score_arrays_are_read_only():
    scores = MeasureScores.from_arrays(outcome_arrays(messy_frame()))
    before, _ = scores.matched_scores("intervention", "theory", "dissemination")
    with pytest.raises(ValueError):
        before[0] = 0.0


def test_non_member_view_shares_nothing_mutable_with_the_results():
    # Given member results with suppressed cells
    results = project_results(messy_frame(), [READING], min_cell=6)
    original = copy.deepcopy(results)
    view = non_member_view(results)
    # When every list in the view is changed
    def mutate(node):
        if isinstance(node, dict):
            for value in node.values():
                mutate(value)
        elif isinstance(node, list):
            for item in node:
                mutate(item)
            node.append("changed")
    mutate(view)
    # Then the member results are untouched
    assert results == original
