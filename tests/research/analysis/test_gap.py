import pytest

from research.analysis.gap import gap_tables

from .builders import ANXIETY, READING, cell, outcome_frame, split_scores

pytestmark = pytest.mark.filterwarnings("error")


def gaps_for(scores, flags, measure=READING):
    return gap_tables(split_scores(outcome_frame(scores, disadvantaged=flags)), list(scores), measure)


def test_gap_is_others_minus_disadvantaged_per_stage_and_group():
    # Given 3 disadvantaged pupils (mean 10) and 3 others (mean 14) at two stages
    tables = gaps_for(
        {"intervention": {"theory": [9, 10, 11, 13, 14, 15], "dissemination": [12, 13, 14, 15, 16, 17]}},
        {"intervention": [True, True, True, False, False, False]},
    )
    theory = cell(tables["gaps"], "gap:theory:intervention")
    # Then the baseline gap is 4 with the n's of each side
    assert theory["gap"] == pytest.approx(4.0)
    assert (theory["n_disadvantaged"], theory["n_others"], theory["n"]) == (3, 3, 6)
    # And at final it is 16 - 13 = 3
    assert cell(tables["gaps"], "gap:dissemination:intervention")["gap"] == pytest.approx(3.0)
    # And subgroup cells carry n, mean and sd
    disadvantaged = cell(tables["subgroups"], "sub:theory:intervention:disadvantaged")
    assert (disadvantaged["n"], disadvantaged["mean"], disadvantaged["sd"]) == (3, pytest.approx(10.0), pytest.approx(1.0))


def test_gap_is_positive_when_disadvantaged_behind_on_lower_is_better_measure():
    # Given disadvantaged pupils reporting more anxiety (worse)
    tables = gaps_for(
        {"comparison": {"theory": [30, 32, 20, 22]}},
        {"comparison": [True, True, False, False]},
        measure=ANXIETY,
    )
    assert cell(tables["gaps"], "gap:theory:comparison")["gap"] == pytest.approx(10.0)


def test_unknown_status_is_its_own_subgroup_in_the_partition():
    # Given one pupil whose status is unknown
    tables = gaps_for(
        {"intervention": {"theory": [1, 2, 3, 4]}},
        {"intervention": [True, False, False, None]},
    )
    unknown = cell(tables["subgroups"], "sub:theory:intervention:unknown")
    assert unknown["n"] == 1 and unknown["sd"] is None and unknown["reason"]
    # Then the partition ties the three subgroups to the stage total
    assert tables["partitions"] == [{
        "total": "desc:theory:intervention",
        "parts": [
            "sub:theory:intervention:disadvantaged",
            "sub:theory:intervention:not disadvantaged",
            "sub:theory:intervention:unknown",
        ],
    }]


def test_no_disadvantaged_pupils_gives_no_gap_and_a_reason():
    tables = gaps_for({"intervention": {"theory": [1, 2, 3]}}, {"intervention": [False, False, False]})
    gap = cell(tables["gaps"], "gap:theory:intervention")
    assert gap["gap"] is None and "disadvantaged" in gap["reason"]
    assert cell(tables["subgroups"], "sub:theory:intervention:disadvantaged")["n"] == 0


def test_stages_without_scores_are_skipped():
    tables = gaps_for({"intervention": {"theory": [1, 2]}}, {"intervention": [True, False]})
    assert [g["stage"] for g in tables["gaps"]] == ["theory"]
