"""python manage.py import_outcomes: the same import as the API, from the command line."""
import io

import pytest
from django.core.management import CommandError, call_command

from research.models import ImportAlias, OutcomeRecord, OutcomeUpload

from ..api.test_outcomes_support import (counts, csv_bytes, expected_keys, keys_of, long_rows, post_file,
                                         project_urns, pupils)

pytestmark = pytest.mark.django_db


def run(project, path, *, user="member", **options):
    """call_command with captured output; returns (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_outcomes", str(project.pk), str(path), user=user, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def with_names(rows: list[list]) -> list[list]:
    """The same rows with a first-name and a surname column, as an MIS export has them."""
    return [[row[0], "First name", "Surname", *row[1:]] if i == 0 else [row[0], f"Name{i}", f"Family{i}", *row[1:]]
            for i, row in enumerate(rows)]


def stored_rows(project) -> set[tuple]:
    return set(OutcomeRecord.objects.filter(project=project).values_list(
        "pupil_key", "school__urn", "group", "score", "disadvantaged", "measure_id", "stage__kind"))


def test_command_stores_what_the_api_stores(world, api, tmp_path):
    # given one file, and two projects of the same alliance with the same schools
    by_command, by_api = world.projects["theory"], world.projects["progress"]
    assert project_urns(by_command) == project_urns(by_api)
    ids = pupils(8)
    data = csv_bytes(with_names(long_rows(ids, project_urns(by_command))))
    path = tmp_path / "baseline.csv"
    path.write_bytes(data)
    # when it is imported by the command into one and through the API into the other
    out, err = run(by_command, path, stage="theory", measure=world.measure.pk)
    response = post_file(api(world.user("member")), by_api, data, measure=world.measure)
    assert response.status_code == 201
    # then both hold the same rows under the same pupil keys
    assert stored_rows(by_command) == stored_rows(by_api)
    assert keys_of(project=by_command) == expected_keys(by_command, ids)
    upload = OutcomeUpload.objects.get(project=by_command)
    assert (upload.row_count, upload.record_count, upload.uploaded_by) == (8, 8, world.user("member"))
    assert upload.columns_dropped == ["First name", "Surname"]
    # and it says how the file was read, which columns it dropped, and what it stored
    assert "Read 8 rows as csv (long format)." in out
    assert "Dropped identifying columns: First name, Surname." in out
    assert f"Stored 8 records as upload {upload.pk} (0 replaced)." in out
    assert "8/8 rows" in err  # the progress bar


def test_command_replace(world, tmp_path):
    # given 5 stored pupils
    project = world.projects["theory"]
    urns = project_urns(project)
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(csv_bytes(long_rows(pupils(5), urns)))
    second.write_bytes(csv_bytes(long_rows(pupils(3, start=40), urns)))
    run(project, first, stage="theory", measure=world.measure.pk)
    # when a 3-pupil file replaces them
    out, _ = run(project, second, stage="theory", measure=world.measure.pk, mode="replace")
    # then exactly the 3 new pupils are stored
    assert keys_of(project=project) == expected_keys(project, pupils(3, start=40))
    assert "(5 replaced)" in out


def test_broken_file_raises_with_every_row_error_and_stores_nothing(world, tmp_path):
    # given a file with a bad score on row 3 and an unknown group on row 5
    project = world.projects["theory"]
    rows = long_rows(pupils(5), project_urns(project))
    rows[2][4] = "absent"
    rows[4][1] = "Maybe"
    path = tmp_path / "broken.csv"
    path.write_bytes(csv_bytes(rows))
    out, err = io.StringIO(), io.StringIO()
    # when the command imports it
    with pytest.raises(CommandError) as raised:
        call_command("import_outcomes", str(project.pk), str(path), stage="theory", measure=world.measure.pk,
                     user="member", stdout=out, stderr=err)
    # then it fails naming the count, lists each problem with its rows and values, and nothing is stored
    assert "2 problem(s); nothing was stored." in str(raised.value)
    printed = out.getvalue()
    assert "rows 3, Score: Not a number" in printed and "(values: 'absent')" in printed
    assert "rows 5, Group: Not a group this import knows" in printed and "(values: 'Maybe')" in printed
    assert "unmatched group 'Maybe' (1 rows)" in printed
    assert counts() == (0, 0)


def test_dry_run_stores_nothing(world, tmp_path):
    # given a valid file
    project = world.projects["theory"]
    path = tmp_path / "ok.csv"
    path.write_bytes(csv_bytes(long_rows(pupils(6), project_urns(project))))
    # when the command runs with --dry-run
    out, _ = run(project, path, stage="theory", measure=world.measure.pk, dry_run=True)
    # then it reports what it would store, and stores nothing
    assert "Dry run: 6 records would be stored (0 replaced). Nothing was stored." in out
    assert counts() == (0, 0)


def test_command_refuses_a_stage_not_reached(world, tmp_path):
    # given a project still at the theory stage
    project = world.projects["theory"]
    path = tmp_path / "ok.csv"
    path.write_bytes(csv_bytes(long_rows(pupils(3), project_urns(project))))
    # when the command imports final-stage data
    with pytest.raises(CommandError, match="has not reached"):
        run(project, path, stage="dissemination", measure=world.measure.pk)
    # then nothing is stored
    assert counts() == (0, 0)


def test_command_refuses_a_non_member(world, tmp_path):
    # given a teacher who is not in the project
    project = world.projects["theory"]
    path = tmp_path / "ok.csv"
    path.write_bytes(csv_bytes(long_rows(pupils(3), project_urns(project))))
    # when the command runs as them
    with pytest.raises(CommandError):
        run(project, path, stage="theory", measure=world.measure.pk, user="teacher")
    # then nothing is stored
    assert counts() == (0, 0)


def test_command_reports_unknown_user_project_and_file(world, tmp_path):
    # given a valid file
    project = world.projects["theory"]
    path = tmp_path / "ok.csv"
    path.write_bytes(csv_bytes(long_rows(pupils(3), project_urns(project))))
    # when the user, the project or the file does not exist
    # then each is a CommandError, not a traceback
    with pytest.raises(CommandError):
        run(project, path, stage="theory", measure=world.measure.pk, user="nobody")
    with pytest.raises(CommandError):
        call_command("import_outcomes", "999999", str(path), stage="theory", user="member",
                     stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="No file"):
        run(project, tmp_path / "missing.csv", stage="theory", measure=world.measure.pk)
    assert counts() == (0, 0)


def test_maps_on_the_command_line_place_the_files_own_spellings(world, tmp_path):
    # given a file whose School column spells the member's school its own way
    project = world.projects["theory"]
    school = world.user("member").memberships.get().school
    rows = long_rows(pupils(4), ["Our school"])
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(rows))
    out = io.StringIO()
    # when it is imported with a school map
    call_command("import_outcomes", str(project.pk), str(path), stage="theory", measure=world.measure.pk,
                 user="member", school_map=f'{{"Our school": {school.pk}}}', stdout=out, stderr=io.StringIO())
    # then it is stored, and the spelling is the alliance's alias now
    assert counts() == (1, 4)
    assert ImportAlias.objects.get().school_id == school.pk
    # and a map that is not JSON is refused before anything is read
    with pytest.raises(CommandError, match="--group-map is not valid JSON"):
        call_command("import_outcomes", str(project.pk), str(path), stage="theory", user="member", group_map="{",
                     stdout=io.StringIO(), stderr=io.StringIO())
