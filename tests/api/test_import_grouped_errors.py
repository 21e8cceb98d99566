"""Issue 13, grouped errors: one entry per (column, problem) with the count, the rows as ranges and the
first values, worst first; whole-file problems say so; every column read is used, dropped or listed as
not used with the reason."""
import pytest

from .import_mapping_support import ids, post, setting
from .test_outcomes_support import counts, csv_bytes

pytestmark = pytest.mark.django_db
__all__ = ["setting"]


def test_eighty_rows_with_one_spelling_are_one_group_beside_the_few_real_errors(world, api, setting):
    # given 80 rows whose School column spells a school its own way, and 4 other errors among 12 more rows
    rows = [["UPN", "Group", "School", "Score"]]
    rows += [[pid, "I", "St Faith's Infants", 50] for pid in ids(80)]  # rows 2-81
    rows += [[pid, "C", "100002", 50] for pid in ids(12, start=200)]  # rows 82-93
    rows[81][3] = 150  # row 82: above the maximum
    rows[83][3] = "lots"  # row 84: not a number
    rows[84][3] = "many"  # row 85: not a number
    rows[88][1] = "Both"  # row 89: unknown group
    before = counts()
    # when it is uploaded
    response = post(api(world.user("member")), setting.project, csv_bytes(rows), measure=setting.maths)
    # then the answer holds one group per column and problem, most rows first, rows as ranges
    assert response.status_code == 400
    body = response.json()
    assert [(g["column"], g["problem"], g["count"], g["rows"], g["values"]) for g in body["error_groups"]] == [
        ("School", "unknown_school", 80, "2-81", ["St Faith's Infants"]),
        ("Score", "not_a_number", 2, "84-85", ["lots", "many"]),
        ("Score", "above_scale", 1, "82", ["150"]),  # as many rows: the earlier first
        ("Group", "unknown_group", 1, "89", ["Both"]),
    ]
    assert all(not g["whole_file"] and g["message"] for g in body["error_groups"])
    assert "'St Faith's Infants'" not in body["error_groups"][0]["message"]  # a group's message names no one value
    # and the summary counts problems and rows
    assert body["error_summary"] == {"problems": 4, "rows": 84, "whole_file": 0, "text": "4 problems in 84 rows"}
    assert body["detail"].startswith("The file has 4 problems in 84 rows; nothing was saved.")
    # and the flat list is still there, every error with its row
    assert body["error_total"] == 84 and len(body["row_errors"]) == 84
    assert all(isinstance(e["row"], int) and e["problem"] for e in body["row_errors"])
    assert counts() == before


def test_scattered_rows_are_written_as_ranges(world, api, setting):
    # given bad scores on rows 5, 9, 10, 11 and 12
    rows = [["UPN", "Group", "Score"]] + [[pid, "I", 50] for pid in ids(12)]
    for row in (5, 9, 10, 11, 12):
        rows[row - 1][2] = 101
    response = post(api(world.user("member")), setting.project, csv_bytes(rows), measure=setting.maths)
    [group] = response.json()["error_groups"]
    assert group["rows"] == "5, 9-12" and group["count"] == 5 and group["row_count"] == 5
    assert group["values"] == ["101"]


def test_a_pupil_twice_and_pupils_already_stored_are_grouped_too(world, api, setting):
    client = api(world.user("member"))
    first = [["UPN", "Group", "Score"]] + [[pid, "I", 50] for pid in ids(5)]
    assert post(client, setting.project, csv_bytes(first), measure=setting.maths).status_code == 201
    # when the same pupils are appended again
    response = post(client, setting.project, csv_bytes(first), measure=setting.maths)
    # then one group says so for all five rows
    assert response.status_code == 400
    assert [(g["column"], g["problem"], g["count"], g["rows"]) for g in response.json()["error_groups"]] == [
        ("UPN", "already_stored", 5, "2-6")]
    # and a pupil twice in one file is one group naming the repeats
    twice = [["UPN", "Group", "Score"], ["MAP0100", "I", 1], ["MAP0101", "I", 2], ["MAP0100", "I", 3],
             ["MAP0101", "C", 4]]
    response = post(client, setting.project, csv_bytes(twice), measure=setting.maths)
    assert [(g["problem"], g["rows"], g["values"]) for g in response.json()["error_groups"]] == [
        ("duplicate_pupil", "4-5", ["MAP0100", "MAP0101"])]


def test_whole_file_problems_say_so_and_come_first(world, api, setting):
    # given a file with no pupil id column, and a row with a bad score
    rows = [["Group", "Score"], ["I", 50], ["C", "x5"]]
    response = post(api(world.user("member")), setting.project, csv_bytes(rows), measure=setting.maths)
    body = response.json()
    assert response.status_code == 400
    first, second = body["error_groups"]
    assert first["whole_file"] is True and first["rows"] is None and first["problem"] == "file"
    assert "No pupil id column" in first["message"] and "'Group', 'Score'" in first["message"]
    assert second["rows"] == "3" and not second["whole_file"]
    assert body["error_summary"]["text"] == "2 problems: 1 in 1 row, 1 with the whole file"


def test_a_file_that_cannot_be_read_is_one_whole_file_group(world, api, setting):
    response = post(api(world.user("member")), setting.project, b"%PDF-1.7\n%%EOF\n", name="x.csv",
                    measure=setting.maths)
    body = response.json()
    assert response.status_code == 400
    assert [(g["whole_file"], g["rows"], g["count"]) for g in body["error_groups"]] == [(True, None, 1)]
    assert body["error_summary"]["text"] == "1 problem with the whole file"


def test_every_column_is_used_dropped_or_listed_with_its_reason(world, api, setting):
    # given an export with names, a second id, pupil details, a blank-headed column, free text and a
    # column the import does not know
    header = ["UPN", "Adno", "Forename", "Surname", "Group", "School", "Gender", "Form", "Score", "Maths test",
              "Teacher notes", "", "Reading age"]
    rows = [header] + [[pid, f"{i}", "Ann", "Example", "I", "100001", "F", "5B", 50, 40, "fine", "", 9]
                       for i, pid in enumerate(ids(3))]
    response = post(api(world.user("member")), setting.project, csv_bytes(rows), measure=setting.maths)
    assert response.status_code == 201, response.json()
    body = response.json()
    read_as = body["read_as"]
    used = set(read_as["columns_used"].values()) | {m["column"] for m in read_as["measures"]}
    dropped = set(body["columns_dropped"])
    not_used = {c["column"]: c["reason"] for c in read_as["columns_not_used"]}
    # then each column is in exactly one of the three
    assert sorted([*used, *dropped, *not_used]) == sorted(body["columns_read"])
    assert dropped == {"Forename", "Surname"}
    assert not_used == {
        "Adno": "another column holds the same information ('UPN'), and that one was used",
        "Gender": "a pupil detail the analysis does not use",
        "Form": "a pupil detail the analysis does not use",
        "Maths test": "the file has a score column ('Score'), so columns named after measures are not read as scores",
        "Teacher notes": "not a column this import knows",
        "(column L)": "the column has no heading, so its values cannot be placed",
        "Reading age": "not a column this import knows",
    }


def test_a_wide_files_unknown_text_column_is_listed_as_not_scores(world, api, setting):
    rows = [["UPN", "Group", "Maths test", "Comments about progress", "Target"]] + [
        [pid, "I", 50, "good", ""] for pid in ids(3)]
    response = post(api(world.user("member")), setting.project, csv_bytes(rows))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {c["column"]: c["reason"] for c in body["read_as"]["columns_not_used"]} == {
        "Comments about progress": "not a column this import knows, and its values are not scores",
        "Target": "not a column this import knows, and it holds nothing",
    }
    assert body["unmatched"]["measure"] == []  # text is not offered as a measure
