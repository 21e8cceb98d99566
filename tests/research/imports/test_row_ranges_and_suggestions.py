"""Issue 13, the pure parts: rows written as ranges, the error summary, values compared as aliases,
and suggestions ranked by similarity (URN first for schools)."""
import numpy as np
import pytest

from research.imports.errors import ErrorGroup, ErrorLog, error_summary, format_row_ranges
from research.imports.mapping import ValueMaps, normalise_value, tally
from research.imports.specs import MeasureSpec, SchoolSpec
from research.imports.suggest import similarity, suggest_groups, suggest_measures, suggest_schools

from .helpers import csv_bytes, parse


@pytest.mark.parametrize(("rows", "text"), [
    ([], ""),
    ([7], "7"),
    (range(2, 82), "2-81"),
    ([5, 9, 10, 11, 12], "5, 9-12"),
    ([12, 5, 11, 9, 10, 9], "5, 9-12"),  # any order, repeats once
    ([2, 3, 5, 6, 8], "2-3, 5-6, 8"),
    (np.array([100_000, 99_999], dtype=np.int64), "99999-100000"),
])
def test_row_ranges(rows, text):
    assert format_row_ranges(rows) == text


def test_row_ranges_past_the_limit_count_the_rest():
    rows = list(range(2, 200, 2))  # 99 separate rows
    assert format_row_ranges(rows, limit=3) == "2, 4, 6 and 96 more rows"
    assert format_row_ranges([1, 3, 4, 5], limit=1) == "1 and 3 more rows"
    assert format_row_ranges([1, 3], limit=1) == "1 and 1 more row"


def _group(rows, problem="invalid", column="Score"):
    group = ErrorGroup(column=column, problem=problem, message="m")
    group.merge(np.array(rows), None)
    return group


def test_summary_counts_problems_and_distinct_rows():
    groups = [_group(range(2, 82), "unknown_school", "School"), _group([5, 90]), _group([91, 92], "x", "Group")]
    # rows 2-81, then 5 (again) and 90, then 91-92
    assert error_summary(groups) == {"problems": 3, "rows": 83, "whole_file": 0, "text": "3 problems in 83 rows"}
    assert error_summary([_group([4])])["text"] == "1 problem in 1 row"
    whole = ErrorGroup(column=None, problem="file", message="No pupil id column.", count=1)
    assert error_summary([whole])["text"] == "1 problem with the whole file"
    assert error_summary([whole, _group([4])])["text"] == "2 problems: 1 in 1 row, 1 with the whole file"
    assert error_summary([])["text"] == "no problems"


def test_the_log_groups_by_column_and_problem_and_keeps_the_first_values():
    log = ErrorLog(limit=2)
    log.add_rows(np.array([9, 3, 4, 5]), "School", np.array(["b", "a", "a", "c"], dtype=object),
                 lambda i: "each", problem="unknown_school", summary="all")
    log.add_rows(np.array([20]), "School", np.array(["d"], dtype=object), lambda i: "each", problem="unknown_school")
    log.add("Whole file.")
    [whole, school] = log.groups()
    assert whole.whole_file and whole.as_dict()["rows"] is None
    assert school.as_dict() == {"column": "School", "problem": "unknown_school", "message": "all", "count": 5,
                                "rows": "3-5, 9, 20", "row_count": 5, "whole_file": False,
                                "values": ["a", "c", "b"]}
    assert log.total == 6 and len(log.errors()) == 2  # the flat list stays capped


def test_values_compare_in_any_case_and_without_punctuation():
    assert normalise_value("St. Faith's  Infants") == normalise_value("ST FAITHS INFANTS") == "stfaithsinfants"
    assert normalise_value("-") == "-" and normalise_value(" N/A ") == "na"
    maps = ValueMaps(school={"stfaithsinfants": 3}, explicit=frozenset({("school", "stfaithsinfants")}))
    assert maps.lookup("school", "st faith's infants") == 3 and maps.source("school", "St Faiths Infants") == "map"


def test_tally_counts_spellings_that_normalise_alike_under_the_commonest():
    values = np.array(["Oak Pri", "oak pri", "Oak Pri", "Elm", "Ash", "Ash"], dtype=object)
    assert tally(values) == [("Oak Pri", 3), ("Ash", 2), ("Elm", 1)]


SCHOOLS = [SchoolSpec(1, "St Faith's C of E Infant School", "100001"),
           SchoolSpec(2, "Oakfield Primary School", "100002"),
           SchoolSpec(3, "Riverside Junior Academy", "100003"),
           SchoolSpec(4, "St Mary's Catholic Primary", "200004")]
MEASURES = [MeasureSpec(1, "Maths attainment test", 0, 100), MeasureSpec(2, "Writing assessment", 0, 100),
            MeasureSpec(3, "Pupil well-being scale", 12, 60), MeasureSpec(4, "Attitude to maths survey", 0, 40)]


@pytest.mark.parametrize(("value", "best"), [
    ("St Faith's Infants", 1), ("ST FAITHS", 1), ("St Faiths CE Inf", 1), ("Oakfield Pri", 2),
    ("Riverside Jnr", 3), ("St Marys RC", 4),
])
def test_school_names_rank_the_right_school_first(value, best):
    found = suggest_schools(value, SCHOOLS)
    assert found[0].id == best
    assert len(found) <= 3 and [s.score for s in found] == sorted((s.score for s in found), reverse=True)


def test_a_urn_comes_before_any_name():
    # "Oakfield" names school 2, but the URN in the value is school 4's
    found = suggest_schools("Oakfield 200004", SCHOOLS)
    assert (found[0].id, found[0].score) == (4, 100)
    assert found[1].id == 2
    # a URN with one digit wrong still finds its school, before names
    assert suggest_schools("200005", SCHOOLS)[0].id == 4
    # nothing alike: no suggestion rather than a random one
    assert suggest_schools("Hillside", SCHOOLS) == []


@pytest.mark.parametrize(("value", "best"), [
    ("Maths test", 1), ("Writing", 2), ("Wellbeing (WEMWBS)", 3), ("Attitude", 4), ("Maths", 1),
])
def test_measures_rank_the_right_measure_first(value, best):
    assert suggest_measures(value, MEASURES)[0].id == best


@pytest.mark.parametrize(("value", "best"), [
    ("Targeted", "intervention"), ("Interv", "intervention"), ("Treated", "intervention"),
    ("Ctrl", "comparison"), ("Control group", "comparison"), ("Comp", "comparison"),
])
def test_groups_rank_the_right_group_first(value, best):
    found = suggest_groups(value)
    assert found[0].id == best and found[0].name == best.capitalize()


def test_similarity_is_symmetric_enough_and_bounded():
    assert similarity("Oakfield", "Oakfield") == 100
    assert 0 <= similarity("x", "Riverside Junior Academy") < 50
    assert similarity("", "Oakfield") == 0


def test_a_measure_heading_alias_makes_a_wide_column_and_finds_the_header_row():
    # given a title row above a header whose only measure heading is known through an alias
    data = csv_bytes([["Year 5 results"], ["UPN", "Group", "Maths (EoT)"], ["A1", "I", "50"], ["A2", "C", "abs"]])
    maps = ValueMaps(measure={normalise_value("Maths (EoT)"): 2})
    result = parse(data, maps=maps)
    assert result.ok, result.errors
    assert result.read_as["header_row"] == 2 and result.read_as["layout"] == "wide"
    assert result.records["measure_id"].tolist() == [2] and result.absent == {2: 1}
    assert [(m.value, m.source, m.heading) for m in result.mapped["measure"]] == [("Maths (EoT)", "alias", True)]
