"""Large outcome files become background jobs (issue 13): 202, a job to poll, the same result at the end.

IMPORT_JOB_ROWS is lowered so small files stand in for large ones. Most tests run the task at once
(django-tasks' ImmediateBackend); the database backend's own worker takes jobs from the database in
the tests marked so (in this thread, in a thread of its own, and after a "restart"); RQ's in the
tests marked `rq` (CI runs them against the local Redis: .ci/run).
"""
import json
import logging
import os
import socket
import threading
import time
import uuid

import pytest
from django.db import connection, connections

from research.models import ImportJob, OutcomeRecord, OutcomeUpload
from research.services import import_jobs
from research.services.import_jobs import FILE_PURPOSE, import_jobs_tidy
from research.sealed import unseal

from ..task_workers import BACKENDS, WorkerThread, run_queued_tasks
from ..world import build_world
from .test_outcomes_support import csv_bytes, expected_keys, keys_of, long_rows, post_file, project_urns, pupils

THRESHOLD = 20
PUPILS = 60


@pytest.fixture
def jobs(settings):
    """Files above 20 rows go to a job, run at once by the immediate backend."""
    settings.IMPORT_JOB_ROWS = THRESHOLD
    settings.TASKS = BACKENDS["immediate"]
    return settings


@pytest.fixture
def queued(settings):
    """Files above 20 rows go to a job, queued in the database for its worker."""
    settings.IMPORT_JOB_ROWS = THRESHOLD
    settings.TASKS = BACKENDS["database"]
    return settings


def job_url(job_id) -> str:
    return f"/api/v1/jobs/{job_id}/"


def big_file(project, count=PUPILS, start=0, score=lambda i: 40 + i % 50) -> tuple[list[str], bytes]:
    ids = pupils(count, start=start)
    return ids, csv_bytes(long_rows(ids, project_urns(project), score=score))


# --- the contract ------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_file_above_the_threshold_answers_202_and_its_job_stores_every_row(world, api, jobs):
    # given a member of a theory-stage project and a file of 60 pupils, above the threshold of 20
    project, member = world.projects["theory"], world.user("member")
    ids, data = big_file(project)
    client = api(member)
    # when they upload it
    response = post_file(client, project, data, measure=world.measure)
    # then the answer is 202 with the job, and where to follow it
    assert response.status_code == 202, response.content[:500]
    job = response.json()
    assert response["Location"] == job["url"] == job_url(job["id"])
    assert (job["kind"], job["project"], job["stage"], job["dry_run"]) == ("outcome_import", project.pk, "theory",
                                                                           False)
    # and the job, once run, is done with every row stored
    followed = client.get(job_url(job["id"]))
    assert followed.status_code == 200
    body = followed.json()
    assert body["status"] == "done"
    assert (body["rows_total"], body["rows_read"], body["rows_validated"], body["rows_to_store"],
            body["rows_stored"]) == (PUPILS, PUPILS, PUPILS, PUPILS, PUPILS)
    assert body["error"] is None and body["result_status"] == 201
    assert keys_of(project=project, stage__kind="theory") == expected_keys(project, ids)
    # and its result is the body the same upload answers without a job
    result = body["result"]
    upload = OutcomeUpload.objects.get(project=project)
    assert result["stored"] is True and result["records"] == PUPILS and result["upload"]["id"] == upload.pk
    assert result["upload"]["record_count"] == PUPILS and result["upload"]["uploaded_by"] == "member"
    jobs.IMPORT_JOB_ROWS = 10_000
    direct = post_file(client, project, data, measure=world.measure, stage="theory", mode="replace")
    assert direct.status_code == 201
    assert set(direct.json()) == set(result)
    same = {"dry_run", "stored", "rows_read", "records", "summary", "columns_read", "columns_dropped", "read_as"}
    assert {k: direct.json()[k] for k in same} == {k: result[k] for k in same}


@pytest.mark.django_db
def test_a_file_at_the_threshold_is_imported_in_the_request(world, api, jobs):
    project = world.projects["theory"]
    _, data = big_file(project, count=THRESHOLD - 1)  # with its header: 20 rows
    response = post_file(api(world.user("member")), project, data, measure=world.measure)
    assert response.status_code == 201
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_a_dry_run_above_the_threshold_is_a_job_that_stores_nothing(world, api, jobs):
    project = world.projects["theory"]
    _, data = big_file(project)
    client = api(world.user("member"))
    response = post_file(client, project, data, measure=world.measure, dry_run=True)
    assert response.status_code == 202
    body = client.get(job_url(response.json()["id"])).json()
    assert (body["status"], body["dry_run"], body["result_status"], body["rows_stored"]) == ("done", True, 200, 0)
    assert body["result"]["dry_run"] is True and body["result"]["stored"] is False
    assert body["result"]["records"] == PUPILS
    assert OutcomeRecord.objects.count() == 0 and OutcomeUpload.objects.count() == 0


@pytest.mark.django_db
def test_a_failing_file_fails_its_job_with_every_error_and_stores_nothing(world, api, jobs):
    # given a file above the threshold whose rows 5 and 9 hold scores off the measure's scale
    project = world.projects["theory"]
    _, data = big_file(project, score=lambda i: 999 if i in (3, 7) else 50)
    client = api(world.user("member"))
    # when it is uploaded
    response = post_file(client, project, data, measure=world.measure)
    assert response.status_code == 202
    # then its job failed and says why, as the synchronous upload would have (400, every problem)
    body = client.get(job_url(response.json()["id"])).json()
    assert (body["status"], body["result"], body["result_status"]) == ("failed", None, 400)
    error = body["error"]
    assert error["code"] == "invalid_file" and error["error_total"] == 2
    assert [e["row"] for e in error["row_errors"]] == [5, 9]
    assert "nothing was saved" in error["detail"]
    # and nothing was written: no rows, no upload, and no rows counted as stored
    assert (body["rows_read"], body["rows_validated"], body["rows_stored"]) == (PUPILS, PUPILS, 0)
    assert OutcomeRecord.objects.count() == 0 and OutcomeUpload.objects.count() == 0


@pytest.mark.django_db
def test_what_stops_an_upload_before_reading_it_answers_at_once_without_a_job(world, api, jobs):
    # given a published project (its data is locked) and a big file
    project = world.projects["published"]
    _, data = big_file(project)
    response = post_file(api(world.user("member")), project, data, measure=world.measure, stage="dissemination")
    # then the refusal comes in the request, as for a small file, and no job is made
    assert response.status_code == 409 and response.json()["code"] == "project_closed_for_data"
    assert not ImportJob.objects.exists()


@pytest.mark.django_db(transaction=True)  # the worker closes its connections between tasks, as it should
def test_a_job_whose_project_closed_before_it_ran_fails_and_says_why(api, queued):
    # given a queued job, and the project withdrawn before a worker takes it
    from research import lifecycle

    world = build_world()
    project = world.projects["theory"]
    _, data = big_file(project)
    response = post_file(api(world.user("member")), project, data, measure=world.measure)
    assert response.status_code == 202 and response.json()["status"] == "queued"
    lifecycle.project_transition(project_id=project.pk, action="withdraw", actor=world.user("project_lead"))
    # when the worker runs it
    run_queued_tasks()
    # then it failed with the answer an upload gets now, and stored nothing
    body = api(world.user("member")).get(job_url(response.json()["id"])).json()
    assert (body["status"], body["result_status"], body["error"]["code"]) == ("failed", 409, "project_closed_for_data")
    assert "withdrawn" in body["error"]["detail"]
    assert ImportJob.objects.get().file_data is None and OutcomeRecord.objects.count() == 0


# --- who may follow a job ------------------------------------------------------------------------

@pytest.mark.django_db
def test_only_the_uploader_follows_a_job(world, api, jobs):
    project = world.projects["theory"]
    _, data = big_file(project)
    job_id = post_file(api(world.user("member")), project, data, measure=world.measure).json()["id"]
    # the uploader reads it; every one else gets 404 (anonymous: 401, sign in first), even the project
    # lead, the alliance lead and staff: its report is pupil-level data, like the rows
    statuses = {role: api(world.user(role)).get(job_url(job_id)).status_code
                for role in ("anonymous", "other", "teacher", "member", "project_lead", "alliance_lead", "staff")}
    assert statuses == {"anonymous": 401, "other": 404, "teacher": 404, "member": 200, "project_lead": 404,
                        "alliance_lead": 404, "staff": 404}
    assert api(world.user("member")).get(job_url(job_id + 1000)).status_code == 404


@pytest.mark.django_db
def test_an_uploader_who_left_the_group_no_longer_follows_the_job(world, api, jobs):
    project = world.projects["theory"]
    _, data = big_file(project)
    member = world.user("member")
    job_id = post_file(api(member), project, data, measure=world.measure).json()["id"]
    project.memberships.filter(user=member).delete()
    assert api(member).get(job_url(job_id)).status_code == 404


# --- the database backend and its worker ----------------------------------------------------------

IMPORT_TASK = "api.jobs.run_outcome_import_job"


@pytest.mark.django_db(transaction=True)
def test_a_worker_thread_takes_the_job_from_the_database_and_completes_it(api, queued):
    # given a queued job in the database (the task's row too) and no worker yet
    from django_tasks_db.models import DBTaskResult

    world = build_world()
    project = world.projects["theory"]
    ids, data = big_file(project)
    client = api(world.user("member"))
    response = post_file(client, project, data, measure=world.measure)
    assert response.status_code == 202
    job_id = response.json()["id"]
    assert client.get(job_url(job_id)).json()["status"] == "queued"
    task = DBTaskResult.objects.get(task_path=IMPORT_TASK)  # (the world's notification emails queue too)
    assert (task.status, task.args_kwargs) == ("READY", {"args": [job_id], "kwargs": {}})
    # when a worker polls the database in a thread of its own
    worker = WorkerThread()
    worker.start()
    try:
        deadline = time.monotonic() + 60
        while client.get(job_url(job_id)).json()["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline, "the worker did not finish the job"
            time.sleep(0.1)
    finally:
        worker.stop()
    # then it is done, every row stored, and the task row says it succeeded
    body = client.get(job_url(job_id)).json()
    assert (body["status"], body["rows_stored"], body["result"]["records"]) == ("done", PUPILS, PUPILS)
    assert keys_of(project=project) == expected_keys(project, ids)
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.return_value == {"job": job_id, "status": "done"}
    assert ImportJob.objects.get(pk=job_id).task_id == str(task.id)


@pytest.mark.django_db(transaction=True)
def test_a_queued_job_survives_a_restart(api, queued):
    # given a job queued by one server process
    from django_tasks_db.models import DBTaskResult

    world = build_world()
    project = world.projects["theory"]
    ids, data = big_file(project)
    job_id = post_file(api(world.user("member")), project, data, measure=world.measure).json()["id"]
    # whose file waits sealed in its row (never as plain text)
    job = ImportJob.objects.get(pk=job_id)
    sealed = bytes(job.file_data)
    assert ids[0].encode() not in sealed and b"Intervention" not in sealed
    assert unseal(sealed, purpose=FILE_PURPOSE, context=f"import-job-file:{project.pk}:{job.created_by_id}:"
                                                        f"{job.sha256}").endswith(data)
    # when that process goes (its connections closed) and a worker starts afresh (a new thread: its own
    # connection, its own task backends)
    connections.close_all()
    worker = threading.Thread(target=lambda: (run_queued_tasks(), connections.close_all()))
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive()
    # then the job completes as if nothing happened, and its file is gone
    job.refresh_from_db()
    assert (job.status, job.rows_stored, job.file_data) == ("done", PUPILS, None)
    assert DBTaskResult.objects.get(task_path=IMPORT_TASK).status == "SUCCESSFUL"
    assert keys_of(project=project) == expected_keys(project, ids)
    assert api(world.user("member")).get(job_url(job_id)).json()["result"]["stored"] is True


@pytest.mark.django_db(transaction=True)
def test_a_job_taken_twice_runs_once(api, queued):
    world = build_world()
    project = world.projects["theory"]
    _, data = big_file(project)
    job_id = post_file(api(world.user("member")), project, data, measure=world.measure).json()["id"]
    run_queued_tasks()
    from api.jobs import run_outcome_import_job

    assert run_outcome_import_job.call(job_id) == {"job": job_id, "status": "not_queued"}
    assert OutcomeUpload.objects.count() == 1


# --- failures that are not the file's -------------------------------------------------------------

@pytest.mark.django_db
def test_an_unexpected_error_fails_the_job_without_quoting_the_file(world, api, jobs, monkeypatch, caplog):
    # given an import that breaks on a cell of the file (its text in the exception)
    cell = "DEMO" + "000003"

    def broken(**kwargs):
        raise ValueError(f"could not convert {cell!r} to a score")

    monkeypatch.setattr(import_jobs, "outcomes_import", broken)
    project = world.projects["theory"]
    _, data = big_file(project)
    caplog.set_level(logging.DEBUG)
    client = api(world.user("member"))
    response = post_file(client, project, data, measure=world.measure)
    assert response.status_code == 202
    # then the job failed and says so, with nothing stored and its file gone
    body = client.get(job_url(response.json()["id"])).json()
    assert (body["status"], body["result_status"], body["error"]["code"]) == ("failed", 500, "job_failed")
    assert "nothing was stored" in body["error"]["detail"]
    assert ImportJob.objects.get().file_data is None and OutcomeRecord.objects.count() == 0
    # and the logs (the task backend logs the task's failure) name the job and the error's class only
    logged = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert "ValueError" in logged and f"import job {body['id']}" in logged
    assert "DEMO000003" not in logged


@pytest.mark.django_db
def test_a_worker_lost_mid_job_is_reported_failed_and_its_file_deleted(world, api, queued):
    project = world.projects["theory"]
    _, data = big_file(project)
    job_id = post_file(api(world.user("member")), project, data, measure=world.measure).json()["id"]
    # given the job claimed by a worker that then died (nothing written for over 15 minutes)
    long_ago = import_jobs.timezone.now() - import_jobs.STALE_AFTER * 2
    ImportJob.objects.filter(pk=job_id).update(status="running", started_at=long_ago, updated_at=long_ago)
    # when the next worker starts its next job (or starts at all)
    import_jobs_tidy()
    # then the uploader sees why, and the file is gone
    body = api(world.user("member")).get(job_url(job_id)).json()
    assert (body["status"], body["error"]["code"], body["rows_stored"]) == ("failed", "job_lost", 0)
    assert ImportJob.objects.get().file_data is None


@pytest.mark.django_db
def test_finished_jobs_go_after_the_keeping_time(world, api, jobs):
    project = world.projects["theory"]
    _, data = big_file(project)
    post_file(api(world.user("member")), project, data, measure=world.measure)
    job = ImportJob.objects.get()
    assert import_jobs_tidy() == 0
    ImportJob.objects.filter(pk=job.pk).update(finished_at=job.finished_at - import_jobs.timedelta(
        hours=jobs.IMPORT_JOB_KEEP_HOURS + 1))
    assert import_jobs_tidy() == 1 and not ImportJob.objects.exists()


# --- privacy --------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_no_identifier_reaches_the_database_through_a_job(world, api, jobs, capfd):
    # given a file with names and UPNs, some of them malformed (so the errors quote them)
    from ..research.test_outcomes_privacy import database_text

    project = world.projects["theory"]
    urns = project_urns(project)
    header = ["UPN", "First name", "Surname", "Group", "School", "Score"]
    rows = [[f"K80120000{i:04d}", f"Zephyrine{i}", "Quillborne", "Intervention" if i % 2 else "Comparison",
             urns[i % len(urns)], 50] for i in range(40)]
    repeated = [*rows[:6], [rows[4][0], *rows[6][1:]], *rows[7:]]  # row 8 repeats row 6's pupil: quoted
    client = api(world.user("member"))
    failed = post_file(client, project, csv_bytes([header, *repeated]), measure=world.measure)
    stored = post_file(client, project, csv_bytes([header, *rows]), measure=world.measure)
    assert (failed.status_code, stored.status_code) == (202, 202)
    error = client.get(job_url(failed.json()["id"])).json()["error"]
    assert rows[4][0] in json.dumps(error)  # the uploader sees the value to fix
    assert client.get(job_url(stored.json()["id"])).json()["status"] == "done"
    # then no UPN or name is in any text column of any table (the reports are sealed), nor printed
    texts, columns = database_text()
    assert "research_importjob.options" in columns
    haystack = "\n".join(texts)
    sensitive = ["Zephyrine", "Quillborne", *(row[0] for row in rows)]
    assert [value for value in sensitive if value in haystack] == []
    for job in ImportJob.objects.all():
        assert job.file_data is None and b"K801" not in bytes(job.report_data)
    captured = capfd.readouterr()
    assert not [value for value in sensitive if value in captured.out + captured.err]


# --- progress while the rows go in -----------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'",
                    reason="SQLite has one writer: while the rows go in, the import is it")
def test_rows_stored_moves_while_the_import_transaction_is_open_and_reads_do_not_wait(api, queued, monkeypatch):
    # given a job of 3,000 pupils stored 500 at a time, its counters written as often as they come
    from research.services import record_insert

    monkeypatch.setattr(record_insert, "CHUNK", 500)
    monkeypatch.setattr(import_jobs, "PROGRESS_SECONDS", 0)
    world = build_world()
    project, member = world.projects["theory"], world.user("member")
    _, data = big_file(project, count=3000)
    job_id = post_file(api(member), project, data, measure=world.measure).json()["id"]
    seen, answers = [], []
    original = import_jobs._Progress.stored

    def watched(self, done, total):
        original(self, done, total)
        if done == 1500:
            # half-way, with the import's transaction open: another client polls the job and reads the results
            def other_client():
                client = api(member)
                seen.append(client.get(job_url(job_id)).json()["rows_stored"])
                started = time.perf_counter()
                answers.append((client.get(f"/api/v1/projects/{project.pk}/results/").status_code,
                                time.perf_counter() - started))
                connection.close()

            thread = threading.Thread(target=other_client)
            thread.start()
            thread.join(timeout=30)

    monkeypatch.setattr(import_jobs._Progress, "stored", watched)
    run_queued_tasks()
    # then the poll saw the rows stored so far, and the results answered without waiting for the import
    assert seen == [1500]
    assert len(answers) == 1 and answers[0][0] == 200 and answers[0][1] < 5
    assert ImportJob.objects.get().rows_stored == 3000


# --- RQ (Redis) -----------------------------------------------------------------------------------

def redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def redis_reachable() -> bool:
    from urllib.parse import urlparse

    parts = urlparse(redis_url())
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def rq_backend(settings, monkeypatch):
    """The RQ backend on a queue of this test's own (suites on SQLite and PostgreSQL share one Redis)."""
    if not redis_reachable():
        if os.environ.get("REDIS_REQUIRED") == "1":
            pytest.fail(f"Redis cannot be reached at {redis_url()} (REDIS_REQUIRED=1)")
        pytest.skip(f"Redis cannot be reached at {redis_url()}")
    import api.jobs

    queue = f"test-{uuid.uuid4().hex[:12]}"
    settings.RQ_QUEUES = {name: {"URL": redis_url(), "DEFAULT_TIMEOUT": 600} for name in ("default", queue)}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [queue]}}
    settings.IMPORT_JOB_ROWS = THRESHOLD
    monkeypatch.setattr(api.jobs, "run_outcome_import_job", api.jobs.run_outcome_import_job.using(queue_name=queue))
    yield queue
    import django_rq

    django_rq.get_queue(queue).delete(delete_jobs=True)


@pytest.mark.rq
@pytest.mark.django_db(transaction=True)
def test_through_rq_a_simple_worker_completes_the_job(api, rq_backend):
    # given a job enqueued through the RQ backend (Redis)
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    world = build_world()
    project = world.projects["theory"]
    ids, data = big_file(project)
    client = api(world.user("member"))
    response = post_file(client, project, data, measure=world.measure)
    assert response.status_code == 202 and response.json()["status"] == "queued"
    queue = django_rq.get_queue(rq_backend, job_class=Job)
    assert queue.count == 1
    # when RQ's worker runs, in this process, until the queue is empty
    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    assert worker.work(burst=True)
    # then the job is done with every row stored, and RQ holds the task's result
    body = client.get(job_url(response.json()["id"])).json()
    assert (body["status"], body["rows_stored"], body["result"]["records"]) == ("done", PUPILS, PUPILS)
    assert keys_of(project=project) == expected_keys(project, ids)
    task_id = ImportJob.objects.get().task_id
    from research.tasks_api import default_task_backend

    assert default_task_backend.get_result(task_id).return_value == {"job": body["id"], "status": "done"}


# --- the answers fit the schema -------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_the_202_and_the_job_fit_the_schema(api, queued, client):
    from .test_schema_shapes import SCHEMA_URL, check, validator_for

    world = build_world()
    schema = client.get(SCHEMA_URL).json()
    validator = validator_for(schema)
    project = world.projects["theory"]
    member = api(world.user("member"))
    failures = []
    # queued, then done; a failing file; and a job that could not run
    _, good = big_file(project)
    _, bad = big_file(project, start=500, score=lambda i: 999 if i == 3 else 50)
    accepted = [post_file(member, project, data, measure=world.measure) for data in (good, bad)]
    for response in accepted:
        assert response.status_code == 202
        failures += check(schema, validator, "post", f"/api/v1/projects/{project.pk}/outcome-uploads/", response)
        failures += check(schema, validator, "get", response["Location"], member.get(response["Location"]))
    run_queued_tasks()
    statuses = []
    for response in accepted:
        followed = member.get(response["Location"])
        statuses.append(followed.json()["status"])
        failures += check(schema, validator, "get", response["Location"], followed)
    assert statuses == ["done", "failed"]
    failures += check(schema, validator, "get", "/api/v1/jobs/999/", member.get("/api/v1/jobs/999/"))
    assert failures == [], "\n".join(failures)


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="on PostgreSQL the test above checks this in-process")
def test_on_sqlite_pages_are_answered_while_a_worker_process_stores_a_job():
    # given the job benchmark on a small file: its own SQLite database in a file (WAL, as `make run` uses),
    # a worker process beside this one, and this process asking for the project page and results meanwhile
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    done = subprocess.run([sys.executable, "-m", "tests.bench.jobs", "60000"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    # then pages were answered while the worker's transaction was storing the rows, and quickly
    import re

    line = next(line for line in done.stdout.splitlines() if line.startswith("  while it ran:"))
    storing = re.search(r"(\d+) ms over (\d+) while its rows were stored", line)
    assert storing, line
    assert int(storing.group(2)) >= 1 and int(storing.group(1)) < 1000, line
