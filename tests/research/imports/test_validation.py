"""Validation: each problem reported with its spreadsheet row (header = row 1), column, value and
advice; all problems at once; nothing kept when anything fails."""
from research.imports.specs import RECORD_DTYPES

from .helpers import ALPHA, READING, csv_bytes, located, messages, parse

HEADER = ["UPN", "Group", "Score"]


def _parse_rows(*rows, header=HEADER, **overrides):
    return parse(csv_bytes([header, *rows]), **overrides)


def _assert_all_or_nothing(result):
    assert not result.ok
    assert result.records.empty
    assert list(result.records.columns) == list(RECORD_DTYPES)


def test_blank_pupil_id():
    result = _parse_rows(["A1", "I", "5"], [" ", "C", "6"])
    _assert_all_or_nothing(result)
    assert located(result) == [(3, "UPN", "")]
    assert "pupil id is blank" in messages(result)[0]


def test_non_numeric_scores_are_errors_and_blank_or_absence_codes_are_not():
    # (a blank score or an absence code such as n/a marks the pupil absent: tests/api/test_import_absence.py)
    result = _parse_rows(["A1", "I", "five"], ["A2", "C", ""], ["A3", "C", "n/a"])
    _assert_all_or_nothing(result)
    assert located(result) == [(2, "Score", "five")]
    assert "'five' is not a number" in messages(result)[0]
    assert result.absent == {READING.id: 2}


def test_score_above_and_below_the_scale():
    result = _parse_rows(["A1", "I", "105"], ["A2", "C", "-1"], ["A3", "C", "100"], ["A4", "C", "0"])
    _assert_all_or_nothing(result)
    assert located(result) == [(2, "Score", "105"), (3, "Score", "-1")]
    assert messages(result) == [
        "Score 105 is above this measure's maximum of 100; check the value or choose another measure.",
        "Score -1 is below this measure's minimum of 0; check the value or choose another measure.",
    ]


def test_unknown_and_blank_group():
    result = _parse_rows(["A1", "I", "5"], ["A2", "Both", "6"], ["A3", "", "7"])
    _assert_all_or_nothing(result)
    assert located(result) == [(3, "Group", "Both"), (4, "Group", "")]
    assert "Intervention" in messages(result)[0] and "Comparison" in messages(result)[0]


def test_unknown_school_names_the_row():
    result = _parse_rows(["A1", "I", "5", "Alpha Primary"], ["A2", "C", "6", "Gamma High"], ["A3", "C", "6", "999999"],
                         header=[*HEADER, "School"])
    _assert_all_or_nothing(result)
    assert located(result) == [(3, "School", "Gamma High"), (4, "School", "999999")]
    assert "not one of this project's schools (Alpha Primary, Beta Academy)" in messages(result)[0]


def test_blank_school_uses_the_default_or_is_an_error():
    rows = (["A1", "I", "5", ""], ["A2", "C", "6", "Beta Academy"])
    with_default = _parse_rows(*rows, header=[*HEADER, "School"])
    assert with_default.records["school_id"].tolist() == [ALPHA.id, 11]
    without_default = _parse_rows(*rows, header=[*HEADER, "School"], default_school_id=None)
    assert located(without_default) == [(2, "School", "")]


def test_no_school_column_and_no_default_school():
    result = _parse_rows(["A1", "I", "5"], default_school_id=None)
    _assert_all_or_nothing(result)
    assert located(result) == [(None, None, None)]
    assert "no School column" in messages(result)[0]


def test_same_pupil_twice_for_a_measure_names_both_rows():
    # given A1 on rows 2 and 4 (written differently) and A2 on rows 3, 5 and 6
    result = _parse_rows(["A1", "I", "5"], ["A2", "I", "5"], ["a 1", "I", "6"], ["A2", "I", "7"], ["A2", "I", "8"])
    _assert_all_or_nothing(result)
    assert located(result) == [(4, "UPN", "a 1"), (5, "UPN", "A2"), (6, "UPN", "A2")]
    assert "(rows 2 and 4)" in messages(result)[0]
    assert "(rows 3 and 6)" in messages(result)[2]
    assert "for Reading" in messages(result)[0]


def test_same_pupil_for_different_measures_is_fine():
    result = _parse_rows(["A1", "I", "5", "Reading"], ["A1", "I", "6", "Maths"], header=[*HEADER, "Measure"])
    assert result.ok and result.records["measure_id"].tolist() == [1, 2]


def test_invalid_year_and_flags():
    result = _parse_rows(["A1", "I", "5", "Y15", "maybe", "Q", "yes"], ["A2", "C", "5", "Year 3", "N", "K", "x"],
                         header=[*HEADER, "Year", "PP", "SEN", "EAL"])
    _assert_all_or_nothing(result)
    assert located(result) == [(2, "Year", "Y15"), (2, "PP", "maybe"), (2, "SEN", "Q"), (3, "EAL", "x")]
    assert "0 (Reception) to 13" in messages(result)[0]


def test_missing_required_columns_have_no_row():
    # given a header with a pupil id but neither group nor score
    result = _parse_rows(["A1", "x"], header=["UPN", "Notes"])
    _assert_all_or_nothing(result)
    assert [e.row for e in result.errors] == [None, None]
    assert "No group column" in messages(result)[0]
    assert "No score column" in messages(result)[1]


def test_missing_pupil_id_column():
    # given a recognisable header without any pupil-id column
    result = _parse_rows(["Smith", "I", "5"], header=["Pupil", "Group", "Score"])
    _assert_all_or_nothing(result)
    assert located(result) == [(None, None, None)]
    assert "No pupil id column" in messages(result)[0]


def test_unknown_and_blank_measure_names():
    header = [*HEADER, "Measure"]
    rows = (["A1", "I", "5", "reading"], ["A2", "I", "5", "Spelling"], ["A3", "I", "5", ""])
    result = _parse_rows(*rows, header=header, default_measure_id=None)
    assert located(result) == [(3, "Measure", "Spelling"), (4, "Measure", "")]
    assert "Reading, Maths, Well-being" in messages(result)[0]
    # with a default measure, a blank cell means the default
    assert located(_parse_rows(*rows, header=header)) == [(3, "Measure", "Spelling")]


def test_no_measure_column_and_no_default_measure():
    result = _parse_rows(["A1", "I", "5"], default_measure_id=None)
    assert located(result) == [(None, None, None)]
    assert "Choose the measure" in messages(result)[0]


def test_every_problem_is_reported_at_once_in_row_order():
    result = _parse_rows(["A1", "X", "5"], ["", "I", "500"], ["A3", "C", "abc"], header=HEADER)
    assert located(result) == [(2, "Group", "X"), (3, "UPN", ""), (3, "Score", "500"), (4, "Score", "abc")]
    assert result.error_total == 4


def test_error_list_is_capped_but_counted():
    # given 250 bad scores and one whole-file problem
    rows = [[f"A{i}", "I", "bad"] for i in range(250)]
    result = _parse_rows(*rows, header=[*HEADER, "score"], max_errors=10)
    # then 10 are listed, the header problem first and then the lowest rows, and all 251 counted
    assert len(result.errors) == 10
    assert result.error_total == 251
    assert result.errors[0].row is None
    assert [e.row for e in result.errors[1:]] == list(range(2, 11))


def test_valid_file_gives_records_with_types_and_row_numbers():
    result = _parse_rows(["A1", "I", "5", "Y3", "Y", "E", "", "100002"], ["A2", "C", "45%", "R", "0", "", "Y", ""],
                         header=[*HEADER, "Year", "FSM", "SEND", "EAL", "School"])
    assert result.ok and result.error_total == 0
    records = result.records
    assert {name: str(dtype) for name, dtype in records.dtypes.items()} == RECORD_DTYPES
    assert records["source_row"].tolist() == [2, 3]
    assert records["score"].tolist() == [5.0, 45.0]
    assert records["measure_id"].tolist() == [READING.id, READING.id]
    assert records["school_id"].tolist() == [11, ALPHA.id]
    assert records["year_group"].tolist() == [3, 0]
    assert records["disadvantaged"].tolist() == [True, False]
    assert records["send"].isna().tolist() == [False, True] and records["send"].iloc[0]
    assert records["eal"].isna().tolist() == [True, False]
    assert records["pupil_key"].str.fullmatch("[0-9a-f]{64}").all()
    assert result.row_count == 2


def test_chosen_school_or_measure_outside_the_project():
    # given defaults that are not the project's (a caller mistake) / then whole-file errors, no records
    result = _parse_rows(["A1", "I", "5"], default_school_id=999, default_measure_id=999)
    _assert_all_or_nothing(result)
    assert messages(result) == [
        "The school chosen for this upload is not one of this project's schools.",
        "The measure chosen for this upload is not one of this project's measures.",
    ]
