"""A large outcome file on the project page (issue 13): imported in the background, with a progress bar,
then the same result as any upload. The live server takes files above 100 rows as jobs; the database
backend's worker runs beside it in a thread, as `make run` runs it beside the server."""
import time

import pytest
from playwright.sync_api import expect

from research.models import ImportJob, OutcomeRecord, Project
from research.services import import_jobs

from ..task_workers import BACKENDS, WorkerThread
from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

ROWS = 3000


@pytest.fixture
def worker(demo, settings, monkeypatch):
    settings.IMPORT_JOB_ROWS = 100
    settings.TASKS = BACKENDS["database"]
    # A 3,000-row file imports in well under a second; hold the job once its file is checked, so the page
    # shows where it is as it would for a large one.
    checked = import_jobs._Progress.parsed

    def slowly(self, parsed):
        checked(self, parsed)
        time.sleep(3)

    monkeypatch.setattr(import_jobs._Progress, "parsed", slowly)
    thread = WorkerThread()
    thread.start()
    yield thread
    thread.stop()


def big_file() -> bytes:
    lines = ["UPN,Group,Score"] + [f"JOB{i:06d},{'Intervention' if i % 2 else 'Comparison'},{40 + i % 50}"
                                   for i in range(ROWS)]
    return ("\n".join(lines) + "\n").encode()


def test_a_large_file_shows_its_progress_then_the_result(worker, visitor):
    # given a member of the project in dissemination, on its outcome data form
    project = Project.objects.get(title="Verbal or visual feedback")
    stored = OutcomeRecord.objects.filter(stage__project=project).count()
    member = visitor("teacher.a")
    member.sign_in("teacher.a")
    page = member.visit(f"/projects/{project.id}/", "project")
    form = page.locator("#outcome-form")
    form.get_by_label("Measure").select_option(label="Writing assessment (0–100)")
    form.get_by_label("File", exact=True).set_input_files(
        {"name": "whole-year.csv", "mimeType": "text/csv", "buffer": big_file()})

    # when they upload a file of 3,000 pupils
    form.get_by_role("button", name="Upload", exact=True).click()

    # then a progress bar says, in a line read out as it changes, that the import goes on in the background
    progress = page.locator("#outcome-progress")
    expect(progress).to_be_visible()
    expect(progress.get_by_role("progressbar", name="Importing in the background")).to_be_visible()
    status = progress.get_by_role("status")
    expect(status).to_contain_text("3,000 rows checked. Storing: 3,000 scores.")
    # (the bar counts steps: received, read and checked, stored; two of three are done)
    assert progress.locator("progress").evaluate("bar => bar.value / bar.max") == pytest.approx(2 / 3)
    member.screenshot("import-progress")
    form.screenshot(path=str(SCREENSHOTS / f"{member.prefix}-import-progress-form.png"))

    # and once the job is done, the same result as any upload, and the bar goes
    preview = page.locator("#outcome-preview")
    expect(preview).to_contain_text("3000 rows read: 3000 scores were stored", timeout=30_000)
    expect(preview).to_be_focused()
    expect(progress).to_be_hidden()
    expect(page.locator("#outcome-uploads tbody tr").first).to_contain_text("3000")
    member.screenshot("import-done")
    assert OutcomeRecord.objects.filter(stage__project=project).count() == stored + ROWS
    job = ImportJob.objects.get()
    assert (job.status, job.rows_stored, job.file_data) == ("done", ROWS, None)
