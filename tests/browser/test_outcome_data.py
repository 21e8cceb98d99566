"""Outcome data on the project page: a broken file's problems grouped, the cap on the rows listed, and what a
non-member sees of the results (small groups as "c", no upload form)."""
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from research.models import OutcomeRecord, OutcomeUpload, Project
from research.models.choices import Status
from research.services.disclosed import disclosed_results_freeze
from research.services.outcomes import outcomes_import

from .test_project_page import accepted_project

pytestmark = pytest.mark.browser

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"


def rows_of(table):
    return [[cell.strip() for cell in row] for row in
            table.locator("tbody tr").evaluate_all("rows => rows.map(r => [...r.cells].map(c => c.textContent))")]


def test_a_broken_file_lists_every_row_error_with_its_spreadsheet_row_and_stores_nothing(demo, visitor):
    # given a member of the project in dissemination, on its outcome data form
    project = Project.objects.get(title="Verbal or visual feedback")
    stored = OutcomeRecord.objects.filter(stage__project=project).count()
    member = visitor("teacher.a")
    member.sign_in("teacher.a")
    page = member.visit(f"/projects/{project.id}/", "project")
    form = page.locator("#outcome-form")
    expect(form.get_by_label("Stage")).to_have_value("dissemination")

    # when they check the sample broken file against the writing assessment
    form.get_by_label("Measure").select_option(label="Writing assessment (0–100)")
    form.get_by_label("File", exact=True).set_input_files(str(SAMPLES / "broken.csv"))
    form.get_by_role("button", name="Check first (dry run)").click()

    # then a focused summary says nothing was saved, and each problem is a collapsed group naming its column and
    # the rows a spreadsheet shows (the header is row 1), worst first (here one row each: in row order)
    errors = page.locator("#outcome-errors")
    expect(errors).to_be_focused()
    expect(errors).to_contain_text("The file has 5 problems in 5 rows; nothing was saved.")
    groups = errors.locator("details.error-group")
    expect(groups).to_have_count(5)
    assert [text.split(":")[0] + ":" + text.split(":")[1] for text in groups.locator("summary").all_text_contents()] == [
        "Score: 1 row (3)", "Score: 1 row (4)", "Group: 1 row (5)", "UPN: 1 row (7)", "School: 1 row (8)"]
    # and opening a group shows its rows with the value and what to fix
    groups.first.locator("summary").click()
    table = groups.first.get_by_role("table", name="Rows")
    member.screenshot("row-errors")
    rows = rows_of(table)
    assert [row[:2] for row in rows] == [["3", "105"]]
    assert "above this measure's maximum of 100" in rows[0][2]
    # and the school and group the file names its own way are offered for matching
    mapping = page.locator("#outcome-mapping")
    expect(mapping.get_by_label("“123456”")).to_be_visible()
    expect(mapping.get_by_label("“Maybe”")).to_be_visible()

    # when they upload it for real anyway
    form.get_by_role("button", name="Upload", exact=True).click()
    expect(errors).to_contain_text("The file has 5 problems in 5 rows")
    # then nothing was stored either
    assert OutcomeRecord.objects.filter(stage__project=project).count() == stored
    assert not OutcomeUpload.objects.filter(project=project, row_count=8).exists()

    # when a file has more problems than the API lists
    lines = ["UPN,Group,School,Score"] + [f"CAP{i:04d},Intervention,900003,lots" for i in range(130)]
    form.get_by_label("File", exact=True).set_input_files(
        {"name": "many.csv", "mimeType": "text/csv", "buffer": ("\n".join(lines) + "\n").encode()})
    form.get_by_role("button", name="Check first (dry run)").click()
    # then they are one group of 130 rows, whose table says it shows the first 100 of them
    expect(errors).to_contain_text("The file has 1 problem in 130 rows; nothing was saved.")
    group = errors.locator("details.error-group")
    expect(group).to_have_count(1)
    expect(group.locator("summary")).to_contain_text("Score: 130 rows (2-131)")
    group.locator("summary").click()
    table = group.get_by_role("table", name="Rows: the first 100 of 130")
    expect(table.locator("tbody tr")).to_have_count(100)
    expect(table.locator("tbody tr").first).to_contain_text("2")
    member.screenshot("capped-errors")


def test_a_member_uploads_checks_and_deletes_an_upload(demo, visitor):
    # given a member with the sample file that has names in it
    project = Project.objects.get(title="Verbal or visual feedback")
    member = visitor("teacher.a")
    member.sign_in("teacher.a")
    page = member.visit(f"/projects/{project.id}/", "project")
    form = page.locator("#outcome-form")
    form.get_by_label("Measure").select_option(label="Writing assessment (0–100)")
    form.get_by_label("Replace them with this file").check()
    form.get_by_label("File", exact=True).set_input_files(str(SAMPLES / "baseline-with-names.csv"))

    # when they check it
    form.get_by_role("button", name="Check first (dry run)").click()
    # then the preview names the dropped columns and how many stored rows it would replace
    preview = page.locator("#outcome-preview")
    expect(preview).to_be_focused()
    expect(preview).to_contain_text("24 rows read: 24 scores would be stored, replacing 45.")
    expect(preview.locator("#columns-dropped")).to_contain_text("First name, Surname, Date of birth")

    # when they upload it, then delete it after confirming
    form.get_by_role("button", name="Upload", exact=True).click()
    expect(preview).to_contain_text("24 rows read: 24 scores were stored, replacing 45.")
    upload = OutcomeUpload.objects.filter(project=project).latest("id")
    row = page.locator("#outcome-uploads tbody tr").first  # newest first
    expect(row).to_contain_text("Dissemination: Writing assessment")
    expect(row).to_contain_text("by Amira Hussain")
    expect(page.locator("#outcome-uploads tbody tr").filter(has_text="by Priya Shah").first).to_contain_text(
        "Replaced by a later upload")
    row.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete the upload").click()
    # then it is listed as deleted, and its rows are gone
    expect(page.locator("#status")).to_have_text("The upload has been deleted.")
    expect(page.locator("#outcome-uploads")).to_contain_text("Deleted by Amira Hussain")
    member.screenshot("deleted")
    assert not OutcomeRecord.objects.filter(upload=upload).exists()
    # and the export link downloads the project's remaining rows
    export = page.request.get(page.get_by_role("link", name="Download the stored scores (CSV, pupils as codes)").get_attribute("href"))
    assert export.status == 200 and export.body().startswith(b"stage,measure,pupil_key")


def test_a_non_member_sees_results_with_small_groups_hidden_and_no_upload_form(demo, visitor):
    # given a project with 10 intervention pupils and only 4 in the comparison group at baseline and final,
    # and the view outsiders see frozen since (as its last status change would have)
    project = accepted_project("Talk for writing in Year 3")
    Project.objects.filter(pk=project.pk).update(status=Status.DISSEMINATION)  # the stages' writing is not the point
    project.refresh_from_db()
    for stage, lift in (("theory", 0), ("dissemination", 5)):
        rows = ["UPN,Group,School,Score"] + [
            f"SMALL{i:03d},{'Intervention' if i < 10 else 'Comparison'},900003,{40 + i + lift}" for i in range(14)]
        result = outcomes_import(actor=get_user_model().objects.get(username="teacher.a"), project=project,
                                 stage_kind=stage, data=("\n".join(rows) + "\n").encode(), filename=f"{stage}.csv",
                                 measure_id=project.measures.get().id)
        assert result.ok
    disclosed_results_freeze(project=Project.objects.select_related("alliance").get(pk=project.pk), reason="test")

    # when teacher.b, in the alliance but not in the project, opens its page
    outsider = visitor("teacher.b")
    outsider.sign_in("teacher.b")
    page = outsider.visit(f"/projects/{project.id}/", "results-as-non-member")

    # then the results show the intervention group, the comparison group's figures as "c", and say why
    table = page.get_by_role("table", name="Writing assessment: pupils, mean and spread at each stage")
    expect(table.get_by_role("row", name="Theory session Intervention 10")).to_be_visible()
    rows = rows_of(table)
    assert ["Theory session", "Comparison", "c", "c", "c"] in rows
    assert "4" not in [row[2] for row in rows]
    expect(page.locator(".c-note")).to_have_text(
        "c = fewer than 6 pupils, or a figure revealing such a group: hidden to protect privacy.")
    # and there is no upload form, no list of uploads and no export
    expect(page.locator("#outcome-data")).to_be_hidden()
    expect(page.locator("#outcome-form")).to_be_hidden()
    assert outsider.page.request.get(f"/api/v1/projects/{project.id}/outcomes/?format=csv").status == 404
    outsider.screenshot("non-member-results")

    # while a member sees the small group's real figures
    member = visitor("teacher.a")
    member.sign_in("teacher.a")
    page = member.visit(f"/projects/{project.id}/", "results-as-member")
    table = page.get_by_role("table", name="Writing assessment: pupils, mean and spread at each stage")
    expect(table.get_by_role("row", name="Theory session Comparison 4")).to_be_visible()
    expect(page.locator(".c-note")).to_be_hidden()
