"""Identifying columns are dropped before anything is parsed: their values appear nowhere in the
result (records, errors, read_as, column lists) or in the log output."""
import json
import logging

import pytest

from .helpers import csv_bytes, parse, xlsx_bytes

IDENTIFYING = {
    "Forename": "Zebedee",
    "Surname": "Quixotic",
    "Preferred name": "Zebbo",
    "Date of Birth": "2014-03-07",
    "Postcode": "ZZ9 9ZZ",
    "Address Line 1": "42 Hiddenway Lane",
    "Email": "guardian@example.invalid",
    "Home phone": "07700 900123",
    "Parent/Carer contact": "Mrs Quixotic",
}
SECRETS = list(IDENTIFYING.values()) + ["Zebedee Quixotic", "900123", "Hiddenway"]


def _rows(good: bool) -> list[list[str]]:
    header = ["UPN", *IDENTIFYING, "Group", "Score"]
    second_score, second_id = ("40", "B2") if good else ("abc", "A1")  # bad: non-number and duplicate
    return [header, ["A1", *IDENTIFYING.values(), "I", "50"], [second_id, *IDENTIFYING.values(), "C", second_score],
            ["", *IDENTIFYING.values(), "", ""] if not good else ["C3", *IDENTIFYING.values(), "C", "30"]]


def _everything_said(result, caplog, capsys) -> str:
    """All text the parse produced: every record cell, every error field, columns, read_as, logs."""
    parts = [result.records.astype(str).to_csv(), json.dumps([e.as_dict() for e in result.errors]),
             json.dumps(result.columns_read), json.dumps(result.columns_dropped),
             json.dumps(result.read_as, default=str), repr(result.errors), caplog.text]
    captured = capsys.readouterr()
    parts += [captured.out, captured.err]
    return "\n".join(parts)


@pytest.mark.parametrize("good", [True, False], ids=["valid-file", "file-with-errors"])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_identifying_values_appear_nowhere(kind, good, caplog, capsys):
    # given a file with names, date of birth, postcode, address, email, phone and parent contact
    rows = _rows(good)
    data = csv_bytes(rows) if kind == "csv" else xlsx_bytes({"Sheet1": rows})
    caplog.set_level(logging.DEBUG)
    # when parsed
    result = parse(data)
    # then those columns are reported as dropped, by header
    assert result.columns_dropped == list(IDENTIFYING)
    assert result.ok is good and (len(result.records) == 3) is good
    # and none of their values is anywhere in what came out
    said = _everything_said(result, caplog, capsys)
    for value in SECRETS:
        assert value not in said, value


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_row_with_only_identifying_content_is_skipped_without_its_values(kind, caplog, capsys):
    # given a row where only the name is filled in (nothing to import: no id, group or score)
    rows = [["UPN", "Forename", "Group", "Score"], ["A1", "Ann", "I", "5"], ["", "Zebedee", "", ""]]
    result = parse(csv_bytes(rows) if kind == "csv" else xlsx_bytes({"S": rows}))
    # then it counts as blank (the name column is never read) and the name is not repeated anywhere
    assert result.ok and result.row_count == 1
    assert "Zebedee" not in _everything_said(result, caplog, capsys)


def test_headerless_file_of_names_is_rejected_without_echoing_them(caplog, capsys):
    # given a file with no header row, its first row being a pupil's details
    data = csv_bytes([["A1", "Zebedee", "Quixotic", "2014-03-07", "I", "50"],
                      ["A2", "Other", "Person", "2014-04-01", "C", "40"]])
    result = parse(data)
    # then it is rejected and that row is not reported back as "columns"
    assert not result.ok and result.columns_read == []
    said = _everything_said(result, caplog, capsys)
    for value in ("Zebedee", "Quixotic", "2014-03-07"):
        assert value not in said


def test_name_split_by_a_stray_comma_does_not_land_in_another_column(caplog, capsys):
    # given an unquoted "Quixotic, Zebedee" that pushes the first name into the Group column
    data = b"UPN,Name,Group,Score\nA1,Ann,I,5\nA2,Quixotic, Zebedee,C,6\n"
    result = parse(data)
    # then the row is reported whole and neither part of the name is echoed as a bad group value
    assert [(e.row, e.column, e.value) for e in result.errors] == [(3, None, None)]
    said = _everything_said(result, caplog, capsys)
    assert "Zebedee" not in said and "Quixotic" not in said
