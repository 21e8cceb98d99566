"""A 200,000-row import through a background job while the server keeps answering (issue 13).

The worker is a process of its own (`manage.py run_worker --batch`, as deployed beside the server),
on the bench's own database (a file with WAL on SQLite; the test database on PostgreSQL). This
process is the server: once the job runs it asks for the project page (GET /api/v1/projects/{id}/),
then the results, again and again until the job ends, and notes from the job's row what the job was
doing at each request (reading and checking, or storing). The target is the project page's median.

    python -m tests.bench.jobs          # this figure alone (SQLite; DATABASE_URL=postgres://... for PostgreSQL)
"""
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROWS = 200_000
ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The bench's database, for the worker process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_DEBUG": "1",
           "DJANGO_SETTINGS_MODULE": "config.settings", "TASKS_BACKEND": "database"}
    env.pop("PYTHONPATH", None)
    return subprocess.Popen([sys.executable, "manage.py", "run_worker", "--batch"], cwd=ROOT, env=env,
                            stdout=log_path.open("w"), stderr=subprocess.STDOUT)


def timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    took = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return took


def run(project, measure, lead, rows: int = ROWS) -> list[str]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from research.models import ImportJob, OutcomeRecord

    from .imports import make_file

    assert rows > settings.IMPORT_JOB_ROWS, "the file must be large enough to become a job"
    data = make_file(project, rows)
    client = Client()
    client.force_login(lead)
    page_url, results_url = f"/api/v1/projects/{project.pk}/", f"/api/v1/projects/{project.pk}/results/"
    timed(client, page_url), timed(client, results_url)  # warm: the first request pays for imports
    started = time.perf_counter()
    response = client.post(f"/api/v1/projects/{project.pk}/outcome-uploads/", {
        "file": SimpleUploadedFile("bench-job.csv", data, content_type="text/csv"), "stage": "theory",
        "measure": measure.pk, "mode": "replace"})
    accepted = time.perf_counter() - started
    assert response.status_code == 202, response.content[:300]
    job_id = response.json()["id"]
    log_path = Path(connection.settings_dict["NAME"]).with_suffix(".worker.log") if connection.vendor == "sqlite" \
        else Path("/tmp") / f"bench-worker-{os.getpid()}.log"
    worker = start_worker(log_path)
    times = {"page": {"reading": [], "storing": []}, "results": {"reading": [], "storing": []}}
    try:
        while True:
            job = ImportJob.objects.values("status", "rows_to_store").get(pk=job_id)
            if job["status"] in ("done", "failed"):
                break
            if job["status"] == "queued":  # the worker process is starting
                time.sleep(0.05)
                continue
            phase = "reading" if job["rows_to_store"] is None else "storing"
            times["page"][phase].append(timed(client, page_url))
            times["results"][phase].append(timed(client, results_url))
        worker.wait(timeout=600)
    finally:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=60)
    job = ImportJob.objects.get(pk=job_id)
    assert job.status == "done", (job.status, log_path.read_text()[-2000:])
    assert job.rows_stored == rows and OutcomeRecord.objects.filter(upload__project=project).count() == rows
    total = (job.finished_at - job.created_at).total_seconds()
    ran = (job.finished_at - job.started_at).total_seconds()
    page = times["page"]["reading"] + times["page"]["storing"]
    results = times["results"]["reading"] + times["results"]["storing"]
    assert page, "no request was made while the job ran"

    def ms(values):
        return f"{statistics.median(values) * 1000:.0f}" if values else "-"

    return [
        f"import job {rows // 1000}k rows project page median ms {ms(page)} (target < 200)",
        f"  job total {total:.1f} s from upload to done ({accepted:.1f} s to answer the upload 202; the worker "
        f"process started, then ran the job in {ran:.1f} s); {connection.vendor}",
        f"  while it ran: {len(page)} project pages, median {ms(times['page']['reading'])} ms over "
        f"{len(times['page']['reading'])} while the file was read and checked and {ms(times['page']['storing'])} ms "
        f"over {len(times['page']['storing'])} while its rows were stored (max {max(page) * 1000:.0f} ms); "
        f"{len(results)} results, median {ms(results)} ms ({ms(times['results']['storing'])} ms while storing)",
    ]


def main() -> None:
    from .setup import bench_project, start_django, stop_django

    rows = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    connection_, old_name = start_django()
    try:
        print(f"database {connection_.vendor}", flush=True)
        project, measure, lead = bench_project()
        for line in run(project, measure, lead, rows):
            print(line, flush=True)
    finally:
        stop_django(connection_, old_name)


if __name__ == "__main__":
    main()
