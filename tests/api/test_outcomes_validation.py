"""Files and requests the upload refuses: every refusal is explained, and nothing is ever written."""
import pytest

from research.models import Measure

from ..factories import MeasureFactory
from .test_outcomes_support import counts, csv_bytes, long_rows, post_file, project_urns, pupils, xlsx_bytes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def seeded(world, api):
    """A theory-stage project with 4 stored baseline rows, so 'nothing written' means 'still 4'."""
    project = world.projects["theory"]
    response = post_file(api(world.user("member")), project, csv_bytes(long_rows(pupils(4), project_urns(project))),
                         measure=world.measure)
    assert response.status_code == 201
    return project


def errors_at(body) -> list[tuple]:
    return [(e["row"], e["column"]) for e in body["row_errors"]]


def test_row_errors_name_spreadsheet_rows_and_nothing_is_written(world, api, seeded):
    # given a file whose rows 3, 4, 5 and 6 each have one problem (header = row 1)
    urns = project_urns(seeded)
    outsider_urn = world.user("teacher").memberships.get().school.urn  # an alliance school not in the project
    rows = long_rows(pupils(6, start=50), urns)
    rows[2][4] = "absent"  # row 3: not a number
    rows[3][1] = "Maybe"  # row 4: unknown group
    rows[4][4] = 105  # row 5: above the 0-100 scale
    rows[5][2] = outsider_urn  # row 6: a school outside the project
    before = counts()
    # when it is uploaded
    response = post_file(api(world.user("member")), seeded, csv_bytes(rows), measure=world.measure)
    # then each problem is listed at its row and column, with the value and a message; nothing is stored
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_file" and body["stored"] is False and body["upload"] is None
    assert errors_at(body) == [(3, "Score"), (4, "Group"), (5, "Score"), (6, "School")]
    assert body["error_total"] == 4 and "4 problems in 4 rows; nothing was saved" in body["detail"]
    assert [e["value"] for e in body["row_errors"]] == ["absent", "Maybe", "105", outsider_urn]
    assert all(len(e["message"]) > 20 for e in body["row_errors"])
    assert counts() == before


def test_a_pupil_twice_in_one_file_is_an_error(world, api, seeded):
    # given a file listing the same pupil on rows 2 and 4
    rows = long_rows(pupils(3, start=50), project_urns(seeded))
    rows[3][0] = rows[1][0]
    before = counts()
    # when it is uploaded
    response = post_file(api(world.user("member")), seeded, csv_bytes(rows), measure=world.measure)
    # then the repeat is reported on row 4 naming row 2, and nothing is stored
    assert response.status_code == 400
    assert errors_at(response.json()) == [(4, "UPN")]
    assert "rows 2 and 4" in response.json()["row_errors"][0]["message"]
    assert counts() == before


def test_xlsx_errors_use_the_sheets_row_numbers(world, api, seeded):
    # given a workbook with two title rows, the header on row 3 and a bad score on sheet row 5
    rows = [["Maths baseline"], [], *long_rows(pupils(3, start=50), project_urns(seeded))]
    rows[4][4] = "n/k"  # not a number (n/a would mark the pupil absent)
    # when it is uploaded
    response = post_file(api(world.user("member")), seeded, xlsx_bytes(rows), name="x.xlsx", measure=world.measure)
    # then the error names row 5, as Excel shows it
    assert response.status_code == 400
    assert errors_at(response.json()) == [(5, "Score")]


def test_error_list_is_capped_with_the_true_total(world, api, seeded):
    # given 150 rows, every score out of scale
    rows = long_rows(pupils(150, start=50), project_urns(seeded), score=lambda i: 200 + i)
    before = counts()
    # when it is uploaded
    response = post_file(api(world.user("member")), seeded, csv_bytes(rows), measure=world.measure)
    # then 100 errors are listed (the first rows), the total says 150, the one group holds all 150 rows,
    # and nothing is stored
    assert response.status_code == 400
    body = response.json()
    assert len(body["row_errors"]) == 100 and body["error_total"] == 150
    assert [e["row"] for e in body["row_errors"]] == list(range(2, 102))
    assert "1 problem in 150 rows" in body["detail"]
    assert [(g["count"], g["rows"]) for g in body["error_groups"]] == [(150, "2-151")]
    assert counts() == before


def test_missing_required_columns(world, api, seeded):
    # given a file with no group column and no score column
    data = csv_bytes([["UPN", "School"], ["DEMO0001", project_urns(seeded)[0]]])
    # when it is uploaded
    response = post_file(api(world.user("member")), seeded, data, measure=world.measure)
    # then both are reported as whole-file problems (no row), and nothing is stored
    assert response.status_code == 400
    body = response.json()
    messages = " ".join(e["message"] for e in body["row_errors"])
    assert "No group column" in messages and "No score column" in messages
    assert all(e["row"] is None for e in body["row_errors"])
    assert counts() == (1, 4)


@pytest.mark.parametrize("stage, status", [("progress", "theory"), ("dissemination", "theory"),
                                           ("dissemination", "progress")])
def test_stage_not_reached(world, api, stage, status):
    # given a project that has not reached `stage`
    project = world.projects[status]
    data = csv_bytes(long_rows(pupils(3), project_urns(project)))
    # when data for that stage is uploaded
    response = post_file(api(world.user("project_lead")), project, data, measure=world.measure, stage=stage)
    # then it is refused with 409 stage_not_reached, and nothing is written
    assert response.status_code == 409
    assert response.json()["code"] == "stage_not_reached"
    assert counts() == (0, 0)


@pytest.mark.parametrize("status", ["published", "withdrawn", "proposed", "declined"])
def test_closed_projects_take_no_data(world, api, status):
    # given a project that is not running (published, withdrawn, only proposed, declined)
    project = world.projects[status]
    data = csv_bytes(long_rows(pupils(3), project_urns(project)))
    # when its lead uploads baseline data
    response = post_file(api(world.user("project_lead")), project, data, measure=world.measure)
    # then it is refused with 409 and a reason, and nothing is written
    assert response.status_code == 409
    assert response.json()["code"] == "project_closed_for_data"
    assert counts() == (0, 0)


def test_measure_not_chosen_by_the_project(world, api):
    # given an alliance measure that this project has not chosen
    project = world.projects["theory"]
    unchosen = MeasureFactory(alliance=world.alliance, name="Spelling test")
    data = csv_bytes(long_rows(pupils(3), project_urns(project)))
    # when data is uploaded for it
    response = post_file(api(world.user("member")), project, data, measure=unchosen)
    # then it is a 400 naming the measure field, and nothing is written
    assert response.status_code == 400
    assert "measure" in response.json()["errors"]
    assert "Maths test" in response.json()["errors"]["measure"][0]
    assert counts() == (0, 0)


def test_unknown_measure_id(world, api):
    # given a measure id that does not exist at all
    project = world.projects["theory"]
    missing = (Measure.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    # when it is used
    response = post_file(api(world.user("member")), project, csv_bytes(long_rows(pupils(2), project_urns(project))),
                         measure=missing)
    # then it is a 400, not a 500, and nothing is written
    assert response.status_code == 400
    assert counts() == (0, 0)


def test_file_over_the_size_limit(world, api, settings):
    # given a 2 KB limit and a file of more than 2 KB
    settings.OUTCOME_MAX_BYTES = 2048
    project = world.projects["theory"]
    data = csv_bytes(long_rows(pupils(120), project_urns(project)))
    assert len(data) > 2048
    # when it is uploaded
    response = post_file(api(world.user("member")), project, data, measure=world.measure)
    # then it is a 400 file_too_large with advice, and nothing is written
    assert response.status_code == 400
    assert response.json()["code"] == "file_too_large"
    assert "limit" in response.json()["detail"]
    assert counts() == (0, 0)


def test_file_just_under_the_size_limit_is_accepted(world, api, settings):
    # given a limit equal to the file's size
    project = world.projects["theory"]
    data = csv_bytes(long_rows(pupils(5), project_urns(project)))
    settings.OUTCOME_MAX_BYTES = len(data)
    # when it is uploaded
    response = post_file(api(world.user("member")), project, data, measure=world.measure)
    # then it is stored (the limit is inclusive)
    assert response.status_code == 201, response.json()


def test_file_over_the_row_limit(world, api, settings):
    # given a 10-row limit and an 11-row file
    settings.OUTCOME_MAX_ROWS = 10
    project = world.projects["theory"]
    data = csv_bytes(long_rows(pupils(11), project_urns(project)))
    # when it is uploaded
    response = post_file(api(world.user("member")), project, data, measure=world.measure)
    # then it is a 400 that says how many rows there are, the limit, and how to split; nothing is written
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_file" and body["error_total"] == 1
    message = body["row_errors"][0]["message"]
    assert body["row_errors"][0]["row"] is None
    assert "11 data rows" in message and "limit is 10" in message and "Split" in message
    assert counts() == (0, 0)


def test_xlsx_over_the_row_limit(world, api, settings):
    # given a 10-row limit and an 11-row workbook
    settings.OUTCOME_MAX_ROWS = 10
    project = world.projects["theory"]
    data = xlsx_bytes(long_rows(pupils(11), project_urns(project)))
    # when it is uploaded
    response = post_file(api(world.user("member")), project, data, name="big.xlsx", measure=world.measure)
    # then it is refused with the limit named, and nothing is written
    assert response.status_code == 400
    assert "limit is 10" in response.json()["row_errors"][0]["message"]
    assert counts() == (0, 0)


@pytest.mark.parametrize("data, expected", [
    (b"", "The file is empty"),
    (b"\xef\xbb\xbf", "The file is empty"),
    (b"UPN,Group,School,Score\r\n", "header row but no data rows"),
    (PDF, "This is a PDF, not a spreadsheet"),
    (b"\x00\x01\x02\x03" * 300, "not a spreadsheet"),
])
def test_files_that_cannot_be_used(world, api, data, expected):
    # given an empty file, a header-only file, a PDF, binary noise
    project = world.projects["theory"]
    # when it is uploaded (named .csv, as a user might)
    response = post_file(api(world.user("member")), project, data, name="results.csv", measure=world.measure)
    # then it is a 400 with one plain-English whole-file message, and nothing is written
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_file" and body["error_total"] == 1
    assert expected in body["row_errors"][0]["message"]
    assert "Traceback" not in body["detail"]
    assert counts() == (0, 0)


def test_bad_mode_and_stage_are_refused(world, api):
    # given a valid file
    project = world.projects["theory"]
    data = csv_bytes(long_rows(pupils(2), project_urns(project)))
    client = api(world.user("member"))
    # when the mode or the stage is not one of the choices
    bad_mode = post_file(client, project, data, measure=world.measure, mode="merge")
    bad_stage = post_file(client, project, data, measure=world.measure, stage="final")
    # then both are 400s naming the field, and nothing is written
    assert bad_mode.status_code == 400 and "mode" in bad_mode.json()["errors"]
    assert bad_stage.status_code == 400 and "stage" in bad_stage.json()["errors"]
    assert counts() == (0, 0)
