"""Long format (one row per pupil and measure) and wide format (one column per measure)."""
from .helpers import MATHS, READING, WELLBEING, csv_bytes, located, parse, xlsx_bytes


def test_long_format_with_a_measure_column():
    # given a Measure column naming measures in any case
    data = csv_bytes([["UPN", "Group", "Measure", "Score"],
                      ["A1", "I", "Reading", "50"], ["A1", "I", "MATHS", "30"], ["A2", "C", "well being", "4"]])
    result = parse(data, default_measure_id=None)
    # then each row is a record for the named measure
    assert result.ok, result.errors
    assert result.read_as["layout"] == "long"
    assert result.records["measure_id"].tolist() == [READING.id, MATHS.id, WELLBEING.id]


def test_long_format_without_a_measure_column_uses_the_chosen_measure():
    result = parse(csv_bytes([["UPN", "Group", "Score"], ["A1", "I", "50"]]), default_measure_id=MATHS.id)
    assert result.records["measure_id"].tolist() == [MATHS.id]


def test_long_format_scale_depends_on_each_rows_measure():
    # given 50 for Reading (0-100, fine) and 50 for Maths (0-60, fine) and 61 for Maths (too high)
    data = csv_bytes([["UPN", "Group", "Measure", "Score"],
                      ["A1", "I", "Reading", "50"], ["A1", "I", "Maths", "50"], ["A2", "I", "Maths", "61"]])
    result = parse(data)
    assert located(result) == [(4, "Score", "61")]
    assert "maximum of 60" in result.errors[0].message


def test_wide_format_one_record_per_pupil_per_measure_column():
    # given one column per measure, with a blank cell for a pupil who missed Maths
    data = csv_bytes([["UPN", "Group", "Reading", "maths", "Gender"],
                      ["A1", "I", "50", "30", "F"], ["A2", "C", "40", "", "M"], ["A3", "C", "", "", "M"]])
    result = parse(data, default_measure_id=None)
    # then blank cells give no record and no error
    assert result.ok, result.errors
    assert result.read_as["layout"] == "wide"
    assert result.read_as["measures"] == [
        {"column": "Reading", "measure_id": READING.id, "measure": "Reading"},
        {"column": "maths", "measure_id": MATHS.id, "measure": "Maths"},
    ]
    assert result.records[["source_row", "measure_id", "score"]].values.tolist() == [
        [2, READING.id, 50.0], [2, MATHS.id, 30.0], [3, READING.id, 40.0]]
    # and the same pupil has the same key on both of its records
    assert result.records["pupil_key"].iloc[0] == result.records["pupil_key"].iloc[1]
    assert result.row_count == 3


def test_wide_format_errors_name_the_measure_column():
    data = b'UPN,Group,Reading,Maths\nA1,I,abc,61\nA2,C,101,"6,5"\n'
    result = parse(data)
    assert located(result) == [(2, "Reading", "abc"), (2, "Maths", "61"), (3, "Reading", "101")]
    assert "maximum of 60" in result.errors[1].message


def test_wide_format_duplicate_pupil():
    data = csv_bytes([["UPN", "Group", "Reading", "Maths"], ["A1", "I", "5", ""], ["A1", "I", "", "6"],
                      ["A1", "I", "7", ""]])
    result = parse(data)
    # rows 2 and 3 hold different measures (fine); row 4 repeats Reading from row 2
    assert located(result) == [(4, "UPN", "A1")]
    assert "(rows 2 and 4)" in result.errors[0].message


def test_wide_format_from_xlsx():
    data = xlsx_bytes({"Data": [["UPN", "Group", "Well-being", "Reading"], ["A1", "I", 3, 70]]})
    result = parse(data)
    assert result.ok and result.read_as["layout"] == "wide"
    assert result.records["measure_id"].tolist() == [WELLBEING.id, READING.id]


def test_score_column_takes_precedence_over_measure_named_columns():
    # given a Score column and a column that happens to be called Maths
    data = csv_bytes([["UPN", "Group", "Score", "Maths"], ["A1", "I", "50", "x"]])
    result = parse(data)
    assert result.ok and result.read_as["layout"] == "long"
    assert result.read_as["columns_ignored"] == ["Maths"]


def test_two_columns_for_the_same_measure_is_an_error():
    data = csv_bytes([["UPN", "Group", "Reading", "READING"], ["A1", "I", "5", "6"]])
    result = parse(data)
    assert not result.ok and result.errors[0].row is None
    assert "both hold 'Reading'" in result.errors[0].message


def test_wide_format_with_every_measure_cell_blank_is_an_error():
    data = csv_bytes([["UPN", "Group", "Reading", "Maths"], ["A1", "I", "", ""], ["A2", "C", "", ""]])
    result = parse(data)
    assert not result.ok and result.errors[0].row is None
    assert "No row has a score in the measure columns (Reading, Maths)" in result.errors[0].message
