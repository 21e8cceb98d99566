"""Column mapping: every header family in any case/spacing, identifying columns dropped, others ignored."""
import pytest

from research.imports.columns import column_letter, is_identifying, normalise_header, plan_columns

from .helpers import MEASURES, csv_bytes, parse


def _one_row(headers, values, **overrides):
    return parse(csv_bytes([headers, values]), **overrides)


@pytest.mark.parametrize("header", [
    "UPN", "upn", "Pupil ID", "pupil_id", "PupilID", " PUPIL-ID ", "Admission No", "Admission No.", "Adno",
    "Student ID", "student_number",
])
def test_pupil_id_variants(header):
    result = _one_row([header, "Group", "Score"], ["A1", "I", "5"])
    assert result.ok, result.errors
    assert result.read_as["columns_used"]["pupil_id"] == header.strip()


@pytest.mark.parametrize("header", ["Score", "score", "Mark", "MARK", "Result", "Value", " _score_ "])
def test_score_variants(header):
    result = _one_row(["UPN", "Group", header], ["A1", "I", "7"])
    assert result.records["score"].tolist() == [7.0]


@pytest.mark.parametrize("header", ["Group", "group", "Arm", "Condition", "GROUP "])
def test_group_variants(header):
    result = _one_row(["UPN", header, "Score"], ["A1", "Control", "7"])
    assert result.records["group"].tolist() == ["comparison"]


@pytest.mark.parametrize("header", ["PP", "Pupil Premium", "pupil_premium", "Disadvantaged", "FSM", "Ever 6 FSM"])
def test_disadvantage_variants(header):
    result = _one_row(["UPN", "Group", "Score", header], ["A1", "I", "7", "Y"])
    assert result.records["disadvantaged"].tolist() == [True]


@pytest.mark.parametrize("header", ["SEN", "SEND", "SEN Status", "sen_status"])
def test_send_variants(header):
    result = _one_row(["UPN", "Group", "Score", header], ["A1", "I", "7", "K"])
    assert result.records["send"].tolist() == [True]


@pytest.mark.parametrize("header", ["EAL", "eal", " E.A.L. "])
def test_eal_variants(header):
    result = _one_row(["UPN", "Group", "Score", header], ["A1", "I", "7", "no"])
    assert result.records["eal"].tolist() == [False]


@pytest.mark.parametrize("header", ["Year", "Year group", "year_group", "NC Year", "YearGroup"])
def test_year_variants(header):
    result = _one_row(["UPN", "Group", "Score", header], ["A1", "I", "7", "Year 4"])
    assert result.records["year_group"].tolist() == [4]


@pytest.mark.parametrize("header, value", [("School", "Beta Academy"), ("School name", " beta  ACADEMY "),
                                           ("URN", "100002"), ("School", "100002")])
def test_school_by_name_or_urn(header, value):
    result = _one_row(["UPN", "Group", "Score", header], ["A1", "I", "7", value])
    assert result.records["school_id"].tolist() == [11]


@pytest.mark.parametrize("header", [
    "Forename", "First name", "Surname", "Last Name", "Name", "Full name", "Legal name", "Pupil name",
    "Preferred name", "Legal Forename", "Date of birth", "DOB", "D.O.B.", "Birth date", "Postcode", "Post code",
    "Address", "Home address line 1", "Email", "E-mail", "Parent email", "Phone", "Telephone", "Mobile",
    "Parent/carer contact", "Contact number",
])
def test_identifying_headers_are_dropped_and_reported(header):
    # given an identifying column
    result = _one_row(["UPN", header, "Group", "Score"], ["A1", "secret-value", "I", "7"])
    # then it is dropped, named by its original header, and the import still works
    assert result.ok, result.errors
    assert result.columns_dropped == [header]
    assert header not in result.read_as["columns_ignored"]


@pytest.mark.parametrize("header", ["School name", "Measure", "Pupil Premium", "Year group", "UPN", "Score"])
def test_recognised_columns_are_not_mistaken_for_identifying(header):
    assert not is_identifying(header)


def test_unknown_columns_are_ignored_and_listed():
    result = _one_row(["UPN", "Group", "Score", "Gender", "Tutor group", ""], ["A1", "I", "7", "F", "5B", "x"])
    assert result.ok
    assert result.read_as["columns_ignored"] == ["Gender", "Tutor group", "(column F)"]
    assert result.columns_read == ["UPN", "Group", "Score", "Gender", "Tutor group", "(column F)"]


def test_best_pupil_id_column_wins_over_admission_number():
    # given both an admission number and a UPN
    result = _one_row(["Adno", "UPN", "Group", "Score"], ["001", "K9", "I", "7"])
    # then the UPN is the id and the admission number is ignored
    assert result.read_as["columns_used"]["pupil_id"] == "UPN"
    assert result.read_as["columns_ignored"] == ["Adno"]


def test_two_columns_with_the_same_role_and_header_is_an_error():
    result = _one_row(["UPN", "Group", "Score", "score"], ["A1", "I", "7", "8"])
    assert not result.ok and result.records.empty
    assert result.errors[0].row is None
    assert "two 'Score' columns (columns C and D)" in result.errors[0].message


def test_helpers():
    assert normalise_header(" Pupil_ID - ") == "pupilid"
    assert [column_letter(i) for i in (0, 25, 26, 701)] == ["A", "Z", "AA", "ZZ"]
    plan = plan_columns(["UPN", "Reading", "Maths", "Surname"], MEASURES)
    assert plan.layout == "wide" and plan.dropped == [3] and sorted(plan.measure_columns) == [1, 2]
