"""Readers: every CSV dialect and encoding, XLSX sheets and title rows, and how the file was read."""
import pytest

from research.imports import SchoolSpec

from .helpers import BASIC_ROWS, SCHOOLS, csv_bytes, csv_text, located, parse, xlsx_bytes

EXPECTED_SCORES = [55.0, 47.5]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_each_delimiter_is_detected(delimiter):
    # given the same rows with a comma, semicolon or tab
    result = parse(csv_bytes(BASIC_ROWS, delimiter=delimiter))
    # then it reads them all and says which delimiter it used
    assert result.ok, result.errors
    assert result.read_as["delimiter"] == delimiter
    assert result.records["score"].tolist() == EXPECTED_SCORES
    assert result.records["group"].tolist() == ["intervention", "comparison"]


def test_semicolon_file_with_decimal_commas():
    # given a European-style export: semicolons, decimal commas
    data = csv_bytes([["UPN", "Group", "Score"], ["A1", "I", "12,5"], ["A2", "C", "7,25"]], delimiter=";")
    # then the comma is a decimal point, not a delimiter
    result = parse(data)
    assert result.read_as["delimiter"] == ";"
    assert result.records["score"].tolist() == [12.5, 7.25]


def test_crlf_line_endings():
    result = parse(csv_bytes(BASIC_ROWS, newline="\r\n"))
    assert result.ok and result.records["score"].tolist() == EXPECTED_SCORES


ACCENTED = SchoolSpec(id=12, name="École Zoë £ Academy", urn="100003")


@pytest.mark.parametrize("encoding, prefix, reported", [
    ("utf-8", b"", "utf-8"),
    ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
    ("utf-16-le", b"\xff\xfe", "utf-16-le"),
    ("utf-16-be", b"\xfe\xff", "utf-16-be"),
    ("cp1252", b"", "windows-1252"),
])
def test_each_encoding_is_detected_and_reported(encoding, prefix, reported):
    # given a tab-separated file (Excel's "Unicode text" shape) with accented text and a pound sign
    rows = [["UPN", "Group", "Score", "School", "Notes £"], ["A1", "I", "5", ACCENTED.name, "Zoë"]]
    data = prefix + csv_text(rows, delimiter="\t").encode(encoding)
    # when read
    result = parse(data, schools=[*SCHOOLS, ACCENTED])
    # then the text decodes correctly (the school matches by its accented name) and the encoding is named
    assert result.ok, result.errors
    assert result.read_as["encoding"] == reported
    assert result.records["school_id"].tolist() == [ACCENTED.id]
    assert result.read_as["columns_ignored"] == ["Notes £"]
    assert result.columns_read[0] == "UPN"  # a BOM never sticks to the first header


def test_windows_1252_pound_byte():
    # given the byte 0xA3 (pound sign in Windows-1252), invalid as UTF-8
    data = b"UPN,Group,Score,Cost \xa3\nA1,I,5,3\n"
    result = parse(data)
    assert result.read_as["encoding"] == "windows-1252"
    assert result.read_as["columns_ignored"] == ["Cost £"]


def test_utf16_without_bom_is_still_recognised():
    data = csv_text(BASIC_ROWS, delimiter="\t").encode("utf-16-le")
    result = parse(data)
    assert result.ok and result.read_as["encoding"] == "utf-16-le"


def test_single_column_without_delimiter_is_read():
    # given a file with just one column / then it is read (and the missing columns reported, not a crash)
    result = parse(b"UPN\nA1\nA2\n")
    assert result.read_as["delimiter"] is None
    assert result.row_count == 2
    assert any("No group column" in e.message for e in result.errors)
    assert any("No score column" in e.message for e in result.errors)


def test_quoted_cells_with_delimiters_and_newlines_keep_row_numbers():
    # given a quoted cell spanning two lines (one spreadsheet row), then a bad score on sheet row 4
    data = b'UPN,Group,Score,Note\nA1,I,5,"first line\nsecond, line"\nA2,C,6,x\nA3,C,abc,y\n'
    result = parse(data)
    # then the error is on row 4, as a spreadsheet shows it
    assert located(result) == [(4, "Score", "abc")]


def test_blank_lines_are_skipped_but_still_counted_in_row_numbers():
    # given blank lines and a ",,," line between data rows
    data = b"UPN,Group,Score\nA1,I,5\n\n,,\nA2,C,xx\n\n"
    result = parse(data)
    # then only real rows count, and the bad score is on row 5
    assert result.row_count == 2
    assert located(result) == [(5, "Score", "xx")]


def test_title_rows_above_the_header_in_a_csv():
    # given two title lines above the header
    data = b"Year 5 reading assessment,,\nExported 2025-01-01,,\nUPN,Group,Score\nA1,I,5\nA2,C,500\n"
    result = parse(data)
    # then the header is found on row 3 and the bad score reported on row 5
    assert result.read_as["header_row"] == 3
    assert located(result) == [(5, "Score", "500")]


def test_excel_sep_hint_line():
    # given Excel's "sep=;" first line, which Excel hides
    data = b"sep=;\nUPN;Group;Score\nA1;I;5\nA2;C;five\n"
    result = parse(data)
    assert result.read_as["delimiter"] == ";" and result.read_as["header_row"] == 1
    assert located(result) == [(3, "Score", "five")]


def test_rows_with_empty_extra_cells_are_read():
    # given rows with trailing empty cells beyond the header
    data = b"UPN,Group,Score\nA1,I,5,,\nA2,C,6,\n"
    result = parse(data)
    assert result.ok, result.errors
    assert result.records["score"].tolist() == [5.0, 6.0]


def test_row_split_by_an_unquoted_decimal_comma_is_reported_whole():
    # given a comma file where row 3 has an unquoted decimal comma (so one cell too many)
    data = b"UPN,Group,Score\nA1,I,5\nA2,C,12,5\nA3,C,7\n"
    result = parse(data)
    # then row 3 is one error with no column or value (its cells are not trusted), and nothing is stored
    assert located(result) == [(3, None, None)]
    assert "decimal comma" in result.errors[0].message
    assert result.records.empty and result.row_count == 3


def test_xlsx_first_sheet():
    # given a workbook with numeric cells
    data = xlsx_bytes({"Sheet1": [["UPN", "Group", "Score", "Year"], [12345, "I", 55, 5], ["A2", "C", 47.5, "Y6"]]})
    result = parse(data, filename="scores.xlsx")
    # then it is read as xlsx and numbers come through as numbers, not "55.0"
    assert result.ok, result.errors
    assert {"format": "xlsx", "sheet": "Sheet1", "header_row": 1, "encoding": None}.items() <= result.read_as.items()
    assert result.records["score"].tolist() == [55.0, 47.5]
    assert result.records["year_group"].tolist() == [5, 6]


def test_xlsx_data_on_a_later_sheet():
    # given a notes sheet before the data sheet
    data = xlsx_bytes({
        "Read me": [["How to fill in this sheet"], ["Put one pupil per row"]],
        "Scores": [["Pupil ID", "Group", "Mark"], ["A1", "T", 10]],
    })
    result = parse(data)
    # then the sheet holding a pupil-id column is used
    assert result.ok, result.errors
    assert result.read_as["sheet"] == "Scores"
    assert result.records["score"].tolist() == [10.0]


def test_xlsx_title_rows_give_real_sheet_row_numbers():
    # given title rows and a blank row above the header (header on sheet row 4)
    data = xlsx_bytes({"Export": [
        ["Assessment results"], ["Autumn term"], [None],
        ["UPN", "Group", "Score"],
        ["A1", "I", 50], ["A2", "C", 150], [None, None, None], ["A3", "C", "lots"],
    ]})
    result = parse(data)
    # then errors use the sheet's own row numbers
    assert result.read_as["header_row"] == 4
    assert located(result) == [(6, "Score", "150"), (8, "Score", "lots")]


def test_xlsx_percent_cells_and_booleans():
    # given a score stored as 0.45 with a percent format, and TRUE/FALSE flags
    data = xlsx_bytes({"Sheet1": [["UPN", "Group", "Score", "PP"], ["A1", "I", 0.45, True], ["A2", "C", 30, False]]},
                      percent_cells=("C2",))
    result = parse(data)
    # then the score is 45 (as shown in Excel) and the flags are read
    assert result.records["score"].tolist() == [45.0, 30.0]
    assert result.records["disadvantaged"].tolist() == [True, False]


def test_content_decides_not_the_file_name():
    # given a CSV named .xlsx and a workbook named .csv / then both are read for what they are
    as_csv = parse(csv_bytes(BASIC_ROWS), filename="scores.xlsx")
    as_xlsx = parse(xlsx_bytes({"S": BASIC_ROWS}), filename="scores.csv")
    assert as_csv.ok and as_csv.read_as["format"] == "csv"
    assert as_xlsx.ok and as_xlsx.read_as["format"] == "xlsx"


def test_read_as_and_errors_are_plain_json():
    # given results of every kind / then what the API will store or return serialises as it is
    import json

    for result in (parse(csv_bytes(BASIC_ROWS)), parse(xlsx_bytes({"S": BASIC_ROWS})), parse(b"%PDF-1.4"),
                   parse(csv_bytes([["UPN", "Group", "Reading"], ["A1", "X", "500"]]))):
        json.dumps(result.read_as)
        json.dumps([e.as_dict() for e in result.errors])
        assert isinstance(result.row_count, int) and isinstance(result.error_total, int)
