"""Importing outcome files through POST /projects/{id}/outcome-uploads/: what is stored and reported."""
import hashlib
import re

import pytest

from research.models import OutcomeRecord, OutcomeUpload

from .test_outcomes_support import (HEX64, counts, csv_bytes, keys_of, long_rows, outcomes_url, post_file,
                                    project_urns, pupils, second_measure, upload_url, uploads_url, xlsx_bytes)

pytestmark = pytest.mark.django_db


def summary_of(body) -> dict:
    return {(s["measure"], s["group"]): s["records"] for s in body["summary"]}


def test_long_csv_is_stored_and_reported(world, api):
    # given a theory-stage project and a long-format CSV of 7 pupils (4 intervention, 3 comparison)
    project = world.projects["theory"]
    data = csv_bytes(long_rows(pupils(7), project_urns(project)))
    # when a member uploads it for the measure
    response = post_file(api(world.user("member")), project, data, measure=world.measure)
    # then it is stored, described as a long comma-separated CSV, with counts per measure and group
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["stored"] is True and body["dry_run"] is False
    assert body["rows_read"] == 7 and body["records"] == 7
    assert body["read_as"]["format"] == "csv" and body["read_as"]["delimiter"] == ","
    assert body["read_as"]["layout"] == "long"
    assert body["read_as"]["columns_used"]["pupil_id"] == "UPN"
    assert summary_of(body) == {(world.measure.pk, "intervention"): 4, (world.measure.pk, "comparison"): 3}
    assert body["columns_dropped"] == []
    upload = OutcomeUpload.objects.get()
    assert body["upload"]["id"] == upload.pk
    assert upload.sha256 == hashlib.sha256(data).hexdigest() and upload.size == len(data)
    assert (upload.row_count, upload.record_count, upload.status) == (7, 7, "imported")
    assert upload.uploaded_by == world.user("member") and upload.measure == world.measure
    records = OutcomeRecord.objects.filter(upload=upload)
    assert records.count() == 7
    assert {r.stage.kind for r in records} == {"theory"}
    assert all(r.measure_id == world.measure.pk and r.project_id == project.pk for r in records)


def test_stored_rows_carry_the_files_values(world, api):
    # given a file with one pupil whose every optional column is filled
    project = world.projects["theory"]
    urn = project_urns(project)[0]
    data = csv_bytes([["Pupil ID", "Group", "School", "Year", "PP", "SEN", "EAL", "Mark"],
                      ["demo 0001", "C", urn, "Y5", "Y", "K", "N", "61.5"]])
    # when it is uploaded
    response = post_file(api(world.user("member")), project, data, measure=world.measure)
    # then the record holds the parsed values, and the key is a 64-hex pseudonym, not the id
    assert response.status_code == 201, response.json()
    record = OutcomeRecord.objects.get()
    assert record.school.urn == urn and record.group == "comparison" and record.score == 61.5
    assert (record.year_group, record.disadvantaged, record.send, record.eal) == (5, True, True, False)
    assert record.pupil_key != "DEMO0001"
    assert re.match(HEX64, record.pupil_key)


def test_wide_csv_maps_columns_to_the_projects_measures(world, api):
    # given a project with two measures and a file with one column per measure (one score left blank)
    project = world.projects["theory"]
    reading = second_measure(world, project, "Reading age", scale_max=50)
    urns = project_urns(project)
    data = csv_bytes([["UPN", "Group", "School", "Maths test", "Reading age"],
                      ["DEMO0001", "Intervention", urns[0], 55, 20],
                      ["DEMO0002", "Comparison", urns[1], 44, 31],
                      ["DEMO0003", "Intervention", urns[0], 70, ""]])
    # when it is uploaded without naming a measure
    response = post_file(api(world.user("member")), project, data)
    # then it is read as wide, each column mapped to its measure, one record per non-blank score
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["read_as"]["layout"] == "wide"
    assert {(m["column"], m["measure_id"]) for m in body["read_as"]["measures"]} == {
        ("Maths test", world.measure.pk), ("Reading age", reading.pk)}
    assert body["rows_read"] == 3 and body["records"] == 5
    assert summary_of(body) == {(world.measure.pk, "intervention"): 2, (world.measure.pk, "comparison"): 1,
                                (reading.pk, "intervention"): 1, (reading.pk, "comparison"): 1}
    upload = OutcomeUpload.objects.get()
    assert upload.measure is None and (upload.row_count, upload.record_count) == (3, 5)
    assert OutcomeRecord.objects.filter(measure=reading).count() == 2
    assert sorted(OutcomeRecord.objects.filter(measure=world.measure).values_list("score", flat=True)) == [44, 55, 70]


def test_xlsx_long_file_is_read_as_a_workbook(world, api):
    # given an .xlsx workbook with a title row above the header and numbers stored as numbers
    project = world.projects["theory"]
    rows = [["Autumn baseline, Year 5"], *long_rows(pupils(6), project_urns(project))]
    data = xlsx_bytes(rows, title="Baseline")
    # when it is uploaded (named .xlsx, as the MIS exports it)
    response = post_file(api(world.user("project_lead")), project, data, name="baseline.xlsx",
                         measure=world.measure)
    # then it is read as xlsx from that sheet, header on row 2, and all six pupils are stored
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["read_as"]["format"] == "xlsx" and body["read_as"]["sheet"] == "Baseline"
    assert body["read_as"]["header_row"] == 2 and body["read_as"]["layout"] == "long"
    assert body["records"] == 6 and OutcomeRecord.objects.count() == 6
    assert OutcomeUpload.objects.get().sha256 == hashlib.sha256(data).hexdigest()


def test_xlsx_wide_file(world, api):
    # given a project with two measures and an .xlsx with one column per measure
    project = world.projects["progress"]
    reading = second_measure(world, project, "Reading age", scale_max=50)
    urns = project_urns(project)
    data = xlsx_bytes([["UPN", "Group", "School", "Maths test", "Reading age"],
                       ["DEMO0001", "Intervention", int(urns[0]), 55, 20],
                       ["DEMO0002", "Comparison", int(urns[1]), 44.5, 31]])
    # when it is uploaded for the progress stage
    response = post_file(api(world.user("member")), project, data, name="interim.xlsx", stage="progress")
    # then both measures are stored for that stage
    assert response.status_code == 201, response.json()
    assert response.json()["read_as"]["format"] == "xlsx" and response.json()["read_as"]["layout"] == "wide"
    assert OutcomeRecord.objects.filter(stage__kind="progress", measure=reading).count() == 2
    assert sorted(OutcomeRecord.objects.filter(measure=world.measure).values_list("score", flat=True)) == [44.5, 55]


def test_semicolon_csv_with_bom_and_identifying_columns(world, api):
    # given a semicolon CSV saved with a BOM, decimal commas, and names and a date of birth in it
    project = world.projects["theory"]
    urn = project_urns(project)[0]
    data = "\ufeff" + "UPN;First name;Surname;Date of birth;Group;School;Score\r\n" \
        + f"DEMO0001;Ava;Example;2016-01-10;Intervention;{urn};73,5\r\n" \
        + f"DEMO0002;Noah;Sample;2016-02-11;Comparison;{urn};45,5\r\n"
    # when it is uploaded
    response = post_file(api(world.user("member")), project, data.encode("utf-8"), measure=world.measure)
    # then the dialect is reported, the identifying columns are named as dropped and the scores parsed
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["read_as"]["delimiter"] == ";" and body["read_as"]["encoding"].startswith("utf-8")
    assert body["columns_dropped"] == ["First name", "Surname", "Date of birth"]
    assert OutcomeUpload.objects.get().columns_dropped == ["First name", "Surname", "Date of birth"]
    assert sorted(OutcomeRecord.objects.values_list("score", flat=True)) == [45.5, 73.5]


def test_upload_is_listed_and_shown(world, api):
    # given one stored upload
    project = world.projects["theory"]
    data = csv_bytes(long_rows(pupils(4), project_urns(project)))
    client = api(world.user("member"))
    upload_id = post_file(client, project, data, measure=world.measure).json()["upload"]["id"]
    # when the group lists uploads and opens this one
    listed = client.get(uploads_url(project))
    shown = client.get(upload_url(project, upload_id))
    # then both describe it: sha256 of the bytes, counts, who uploaded it, what was read
    assert listed.status_code == 200 and shown.status_code == 200
    assert [u["id"] for u in listed.json()] == [upload_id]
    item = shown.json()
    assert item == listed.json()[0]
    assert item["sha256"] == hashlib.sha256(data).hexdigest()
    assert (item["row_count"], item["record_count"], item["status"]) == (4, 4, "imported")
    assert item["uploaded_by"] == "member" and item["stage"] == "theory" and item["measure"] == world.measure.pk
    assert item["measure_name"] == "Maths test" and item["mode"] == "append"
    assert item["columns_read"] == ["UPN", "Group", "School", "Pupil Premium", "Score"]
    assert item["columns_dropped"] == [] and item["read_as"]["format"] == "csv"


def test_outcomes_list_is_paginated_and_filtered(world, api):
    # given 25 pupils at baseline and 3 at the progress update
    project = world.projects["progress"]
    urns = project_urns(project)
    client = api(world.user("member"))
    assert post_file(client, project, csv_bytes(long_rows(pupils(25), urns)), measure=world.measure).status_code == 201
    assert post_file(client, project, csv_bytes(long_rows(pupils(3), urns)), measure=world.measure,
                     stage="progress").status_code == 201
    # when the rows are listed, unfiltered and filtered
    everything = client.get(outcomes_url(project)).json()
    progress = client.get(outcomes_url(project), {"stage": "progress"}).json()
    comparison = client.get(outcomes_url(project), {"stage": "theory", "group": "comparison"}).json()
    # then the page holds 20 of 28, and the filters narrow the rows
    assert everything["count"] == 28 and len(everything["results"]) == 20
    assert progress["count"] == 3 and {r["stage"] for r in progress["results"]} == {"progress"}
    assert comparison["count"] == 12 and {r["group"] for r in comparison["results"]} == {"comparison"}
    row = progress["results"][0]
    assert set(row) == {"id", "stage", "measure", "pupil_key", "school", "group", "score", "year_group",
                        "disadvantaged", "send", "eal", "upload"}


def test_dry_run_writes_nothing_and_reports(world, api):
    # given a valid long-format file
    project = world.projects["theory"]
    before = counts()
    data = csv_bytes(long_rows(pupils(5), project_urns(project)))
    # when it is uploaded as a dry run
    response = post_file(api(world.user("member")), project, data, measure=world.measure, dry_run=True)
    # then the answer says what would be stored, and nothing is
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["dry_run"] is True and body["stored"] is False and body["upload"] is None
    assert body["records"] == 5 and body["rows_read"] == 5
    assert sum(s["records"] for s in body["summary"]) == 5
    assert counts() == before == (0, 0)


def test_dry_run_replace_reports_would_replace(world, api):
    # given 6 stored baseline rows for the measure
    project = world.projects["theory"]
    urns = project_urns(project)
    client = api(world.user("member"))
    assert post_file(client, project, csv_bytes(long_rows(pupils(6), urns)), measure=world.measure).status_code == 201
    before_keys = keys_of(project=project)
    # when a 4-row replacement is tried as a dry run
    response = post_file(client, project, csv_bytes(long_rows(pupils(4, start=100), urns)), measure=world.measure,
                         mode="replace", dry_run=True)
    # then it reports the 6 rows it would replace, and the stored rows are untouched
    assert response.status_code == 200, response.json()
    assert response.json()["would_replace"] == 6 and response.json()["records"] == 4
    assert counts() == (1, 6) and keys_of(project=project) == before_keys
    assert OutcomeUpload.objects.get().status == "imported"


def test_dry_run_of_a_broken_file_reports_errors_and_writes_nothing(world, api):
    # given a file with a non-numeric score on spreadsheet row 3
    project = world.projects["theory"]
    rows = long_rows(pupils(3), project_urns(project))
    rows[2][4] = "absent"
    # when it is uploaded as a dry run
    response = post_file(api(world.user("member")), project, csv_bytes(rows), measure=world.measure, dry_run=True)
    # then the error is reported and nothing is written
    assert response.status_code == 400
    assert [(e["row"], e["column"]) for e in response.json()["row_errors"]] == [(3, "Score")]
    assert counts() == (0, 0)


def test_file_without_a_school_column_uses_the_uploaders_school(world, api):
    # given a file with no School column
    project = world.projects["theory"]
    data = csv_bytes([["UPN", "Group", "Score"], ["DEMO0001", "I", 10], ["DEMO0002", "C", 12]])
    # when the project lead uploads it
    response = post_file(api(world.user("project_lead")), project, data, measure=world.measure)
    # then every row belongs to the lead's school
    assert response.status_code == 201, response.json()
    lead_school = world.user("project_lead").memberships.get().school
    assert set(OutcomeRecord.objects.values_list("school_id", flat=True)) == {lead_school.pk}


def test_upload_names_the_measure_its_rows_hold(world, api):
    # given a project with two measures, and a file whose Measure column names the reading measure
    project = world.projects["theory"]
    reading = second_measure(world, project, "Reading age", scale_max=50)
    urn = project_urns(project)[0]
    data = csv_bytes([["UPN", "Group", "School", "Measure", "Score"],
                      *[[pid, "I", urn, "Reading age", 10] for pid in pupils(3)]])
    # when it is uploaded with the maths measure chosen in the form
    response = post_file(api(world.user("member")), project, data, measure=world.measure)
    # then the rows are stored as reading scores, and the upload's audit names the same measure
    assert response.status_code == 201, response.json()
    assert set(OutcomeRecord.objects.values_list("measure_id", flat=True)) == {reading.pk}
    assert OutcomeUpload.objects.get().measure_id == reading.pk
    assert response.json()["upload"]["measure_name"] == "Reading age"
