import json

import pandas as pd
import pytest

from research.analysis.disclosure import (
    MARKER,
    collect_cells,
    non_member_view,
    suppress_frame,
    suppress_rows,
    suppression_plan,
)
from research.analysis.results import project_results

from .builders import READING, cell, outcome_frame

pytestmark = pytest.mark.filterwarnings("error")


def c(cell_id, n, depends_on=()):
    return {"cell": cell_id, "n": n, "mean": 1.0, "depends_on": list(depends_on)}


def test_primary_suppression_below_min_cell_only():
    # Given cells of 5, 6 and 0 pupils
    plan = suppression_plan([c("a", 5), c("b", 6), c("z", 0)], min_cell=6)
    # Then 5 and 0 are suppressed, 6 is not
    assert plan == {"a", "z"}


def test_complement_suppressed_when_total_shown():
    # Given a total of 30 split into disadvantaged 3 and others 27
    cells = [c("total", 30), c("dis", 3), c("others", 27)]
    plan = suppression_plan(cells, [{"total": "total", "parts": ["dis", "others"]}], 6)
    # Then the complement goes too (else 30 - 27 = 3), and the total stays
    assert plan == {"dis", "others"}


def test_next_smallest_sibling_suppressed():
    # Given one small sibling among four
    cells = [c("t", 50), c("a", 2), c("b", 20), c("c", 9), c("d", 19)]
    plan = suppression_plan(cells, [{"total": "t", "parts": ["a", "b", "c", "d"]}], 6)
    # Then the next-smallest (9) is suppressed, the others are not
    assert plan == {"a", "c"}


def test_two_small_siblings_that_sum_below_min_cell_need_a_third():
    # Given two suppressed siblings of 2 and 1: together 3, still recoverable as a pair
    cells = [c("t", 40), c("a", 2), c("b", 1), c("c", 17), c("d", 20)]
    plan = suppression_plan(cells, [{"total": "t", "parts": ["a", "b", "c", "d"]}], 6)
    assert plan == {"a", "b", "c"}


def test_empty_subgroup_is_protected_from_differencing():
    # Given no disadvantaged pupils at all: showing others = total reveals that every pupil is not disadvantaged
    cells = [c("t", 30), c("dis", 0), c("others", 30)]
    plan = suppression_plan(cells, [{"total": "t", "parts": ["dis", "others"]}], 6)
    assert plan == {"dis", "others"}


def test_suppressed_total_with_all_parts_shown_suppresses_a_part():
    # Given a total hidden because it depends on a hidden cell, with both parts shown
    cells = [c("x", 2), c("t", 20, depends_on=["x"]), c("p", 12), c("q", 8)]
    plan = suppression_plan(cells, [{"total": "t", "parts": ["p", "q"]}], 6)
    # Then the smaller part goes too, so the sum no longer gives the total
    assert plan == {"x", "t", "q"}


def test_derived_cells_follow_their_sources_transitively():
    # Given an effect that depends on a gain that depends on a small cell
    cells = [c("small", 4), c("gain", 10, ["small"]), c("effect", 40, ["gain"]), c("free", 40)]
    assert suppression_plan(cells, [], 6) == {"small", "gain", "effect"}


def test_suppress_rows_marks_every_value_and_keeps_labels():
    # Given a plain chart table without ids
    rows = [
        {"stage": "theory", "group": "comparison", "n": 4, "mean": 12.5, "ci_low": 10.0},
        {"stage": "theory", "group": "intervention", "n": 12, "mean": 11.0, "ci_low": 9.0},
    ]
    out = suppress_rows(rows, min_cell=6)
    assert out[0] == {"stage": "theory", "group": "comparison", "n": MARKER, "mean": MARKER, "ci_low": MARKER}
    assert out[1] == rows[1]


def test_suppress_frame_with_partition():
    # Given a DataFrame with a total row and two subgroup rows
    frame = pd.DataFrame({
        "cell": ["all", "pp", "non"], "subgroup": ["all", "pp", "non"],
        "n": [25, 5, 20], "mean": [50.0, 40.0, 52.5],
    })
    out = suppress_frame(frame, 6, [{"total": "all", "parts": ["pp", "non"]}])
    assert out["mean"].tolist() == [50.0, MARKER, MARKER]
    assert out["n"].tolist() == [25, MARKER, MARKER]
    assert out["subgroup"].tolist() == ["all", "pp", "non"]


def small_subgroup_results(min_cell=6):
    # 30 intervention pupils (3 disadvantaged), 4 comparison pupils: both small-cell cases.
    # Irregular scores so a leaked value could not match another figure by coincidence.
    treated_base = [10 + i % 7 + i / 97 for i in range(30)]
    return project_results(
        outcome_frame(
            {
                "intervention": {"theory": treated_base, "dissemination": [b + 3 for b in treated_base]},
                "comparison": {"theory": [10.31, 12.77, 14.13, 16.91], "dissemination": [11.43, 14.59, 15.07, 16.29]},
            },
            disadvantaged={"intervention": [i < 3 for i in range(30)], "comparison": [True, False, False, True]},
        ),
        [READING],
        min_cell,
    )


def test_differencing_attack_on_non_member_view_fails():
    # Given member results with a 3-pupil disadvantaged subgroup and a 4-pupil comparison group
    member = small_subgroup_results()
    public = non_member_view(member)
    measure = public["measures"][0]
    subgroups = measure["gap"]["subgroups"]
    total = cell(measure["descriptives"], "desc:theory:intervention")
    # When an attacker tries total - complement for the disadvantaged cell
    others = cell(subgroups, "sub:theory:intervention:not disadvantaged")
    # Then the total is visible but the complement is not, so the subtraction is impossible
    assert total["n"] == 30 and isinstance(total["mean"], float)
    assert cell(subgroups, "sub:theory:intervention:disadvantaged")["mean"] == MARKER
    assert others["n"] == MARKER and others["mean"] == MARKER
    # And, generally: in every partition with a shown total, the hidden parts together hold >= min_cell
    member_cells = {x["cell"]: x for x in collect_cells(member["measures"][0])}
    public_cells = {x["cell"]: x for x in collect_cells(measure)}
    for partition in measure["partitions"]:
        if public_cells[partition["total"]]["n"] == MARKER:
            continue
        hidden = [p for p in partition["parts"] if public_cells[p]["n"] == MARKER]
        assert not hidden or sum(member_cells[p]["n"] for p in hidden) >= member["min_cell"]


def test_no_value_from_a_small_cell_reaches_a_non_member():
    # Given the member view
    member = small_subgroup_results()
    member_cells = collect_cells(member["measures"][0])
    public = non_member_view(member)
    public_cells = {x["cell"]: x for x in collect_cells(public["measures"][0])}
    small = [x for x in member_cells if "n" in x and x["n"] < 6]
    assert small, "fixture must contain small cells"
    text = json.dumps(public)
    for member_cell in small:
        # Then the cell is fully marked...
        shown = public_cells[member_cell["cell"]]
        assert all(v == MARKER for k, v in shown.items() if k in ("n", "mean", "sd", "ci_low", "gap", "g"))
        # ...and none of its numbers appear anywhere in the public output
        for key in ("mean", "sd", "ci_low", "ci_high", "median"):
            value = member_cell.get(key)
            if isinstance(value, float) and value not in (0.0,):
                assert json.dumps(value) not in text, (member_cell["cell"], key)


def test_effects_and_strength_reasons_from_small_group_are_suppressed():
    # Given a comparison group of 4
    public = non_member_view(small_subgroup_results())["measures"][0]
    # Then the between-group effects and equivalence are withheld
    assert public["effects"]["final"]["g"] == MARKER and public["effects"]["final"]["n"] == MARKER
    assert public["effects"]["gain"]["g"] == MARKER
    assert public["baseline_equivalence"]["difference_sd"] == MARKER
    assert cell(public["attrition"], "attrition:comparison")["n_final"] == MARKER
    # And checklist criteria resting on the small group show neither reason nor met/not met
    attrition = cell(public["evidence_strength"]["criteria"], "strength:attrition")
    assert attrition["reason"] == MARKER and attrition["met"] == MARKER and attrition["padlocks"] == MARKER
    assert public["effects"]["adjusted"]["g"] == MARKER
    # And the intervention group's own figures remain visible
    assert cell(public["descriptives"], "desc:dissemination:intervention")["n"] == 30


def test_a_group_under_the_minimum_has_no_headline_or_padlocks_for_anyone():
    # Given a comparison group of 4 (under the minimum cell of 6)
    member = small_subgroup_results()["measures"][0]
    public = non_member_view(small_subgroup_results())["measures"][0]
    # Then neither view has a headline effect or padlocks, and both say why
    for view in (member, public):
        assert view["effects"]["headline"] is None and "minimum cell size" in view["effects"]["headline_reason"]
        assert view["evidence_strength"]["padlocks"] is None
        assert view["verdict"].startswith("No headline effect")
    # And outside the project, every criterion resting on the small group is withheld, not counted
    criteria = public["evidence_strength"]["criteria"]
    assert [c for c in criteria if c["met"] == MARKER], "some criteria rest on the small group"
    assert "padlocks_withheld" not in public["evidence_strength"]


def test_member_view_marks_what_the_public_will_not_see():
    member = small_subgroup_results()["measures"][0]
    assert cell(member["descriptives"], "desc:theory:comparison")["public"] is False
    assert cell(member["descriptives"], "desc:theory:intervention")["public"] is True
    # Secondary suppression is visible to members too
    assert cell(member["gap"]["subgroups"], "sub:theory:intervention:not disadvantaged")["public"] is False


def test_min_cell_is_respected_when_lower():
    # Given an alliance minimum of 3: the 4-pupil comparison group may be shown
    public = non_member_view(small_subgroup_results(min_cell=3))["measures"][0]
    assert cell(public["descriptives"], "desc:theory:comparison")["n"] == 4
    assert isinstance(public["effects"]["final"]["g"], float)


def test_min_cell_must_be_positive():
    with pytest.raises(ValueError):
        suppression_plan([c("a", 1)], [], 0)


def test_baseline_balance_withheld_and_the_headline_reason_says_no_number():
    # Given a comparison group too small to publish
    public = non_member_view(small_subgroup_results())["measures"][0]
    # Then the baseline balance is withheld, and the headline's reason (which no longer depends on it)
    # holds no number
    assert public["baseline_equivalence"]["band"] == MARKER
    assert not any(char.isdigit() for char in public["effects"]["headline_reason"].replace("6 pupils", ""))
