"""A load run on loopback: concurrent clients against gunicorn + PostgreSQL, bounded in time and requests.

    .venv/bin/python -m tests.load.run [--seconds 60] [--max-requests 4000] [--clients 8]
        [--workers 3] [--threads 2] [--projects 500] [--outcome-rows 50000]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]

Creates its own database (load_<pid>), migrates it, loads the demo alliance and a small
generate_scale, starts redis (shared chart cache, if redis-server is installed) and gunicorn on
127.0.0.1, runs the clients (tests/load/mix.py), prints figures per endpoint group and overall,
then stops the servers and drops the database whatever happened. Exit 1 when any request erred.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import report
from .databases import ROOT, ThrowawayDatabases, manage
from .gunicorn_server import GunicornServer, collect_static
from .http_client import Client, Recorder
from .mix import Budget, ChartCache, LoadUser
from .plan import MARKER
from .redis_server import RedisServer

# The app throttles sign-in per address and uploads per user; a load run does both far more often
# than a person, from one address. Lifted for the run, so a 429 is never mistaken for capacity.
THROTTLE_ENV = {"THROTTLE_SIGN_IN": "1000000/min", "THROTTLE_UPLOADS": "1000000/hour"}
OUT = ROOT / "test-output" / "load"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--alliances", type=int, default=5)
    parser.add_argument("--schools", type=int, default=60)
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--outcome-rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-redis", action="store_true", help="per-worker memory cache instead of redis")
    parser.add_argument("--postgres", default=os.environ.get("LOAD_POSTGRES_URL",
                                                             "postgres://postgres@127.0.0.1:5432/postgres"),
                        metavar="ADMIN_URL", help="server on which to create (and drop) the run's database")
    return parser.parse_args(argv)


def prepare(url: str, args) -> dict:
    manage(url, "migrate", "--noinput", "-v0")
    manage(url, "load_demo")
    manage(url, "generate_scale", f"--alliances={args.alliances}", f"--schools={args.schools}",
           f"--projects={args.projects}", f"--outcome-rows={args.outcome_rows}", f"--seed={args.seed}",
           "--prefix=load", timeout=1800)
    out = manage(url, "shell", "-v0", "-c", "from tests.load.plan import main; main()")
    return json.loads(next(ln for ln in out.splitlines() if ln.startswith(MARKER))[len(MARKER):])


def in_parallel(functions, timeout: float) -> None:
    threads = [threading.Thread(target=f, daemon=True) for f in functions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)  # a request in flight at the deadline may still finish


def drive(server: GunicornServer, plan: dict, args) -> tuple[Recorder, Recorder, float]:
    """(what the clients did before the clock, what they did in the timed run, its wall seconds)."""
    setup, recorder = Recorder(), Recorder()
    shared = {"charts": ChartCache(), "finding_slugs": plan["finding_slugs"]}
    people = [{"projects": plan["anonymous_projects"]}] + plan["clients"]  # the first never signs in
    users = [LoadUser(Client("127.0.0.1", server.port, setup), people[i % len(people)], shared, args.seed + i)
             for i in range(args.clients)]
    in_parallel([u.prepare for u in users], timeout=300)
    for u in users:
        u.client.recorder = recorder
    budget = Budget(args.seconds, args.max_requests)
    started = time.monotonic()
    in_parallel([lambda u=u: u.run(budget) for u in users], timeout=args.seconds + 120)
    wall = time.monotonic() - started
    for u in users:
        u.client.close()
    return setup, recorder, wall


def main(argv=None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="load-"))
    OUT.mkdir(parents=True, exist_ok=True)
    log_path = OUT / "gunicorn.log"
    log_path.unlink(missing_ok=True)
    dbs = ThrowawayDatabases(workdir=workdir, prefix=f"load{os.getpid()}", postgres_admin_url=args.postgres)
    redis = RedisServer()
    use_redis = redis.available and not args.no_redis
    server = None
    try:
        t0 = time.monotonic()
        url = dbs.create("db")
        plan = prepare(url, args)
        env = {**collect_static(workdir / "static"), **THROTTLE_ENV, "DATABASE_URL": url,
               "DJANGO_MEDIA_ROOT": str(workdir / "media"), "DATABASE_CONN_MAX_AGE": "60"}
        if use_redis:
            env["REDIS_URL"] = redis.start().url
        server = GunicornServer(env=env, log_path=log_path, workers=args.workers,
                                threads=args.threads).start()
        print(f"== load run: {args.seconds:.0f} s or {args.max_requests} requests, {args.clients} clients, "
              f"gunicorn {args.workers} workers x {args.threads} threads, PostgreSQL, "
              f"cache {'redis' if use_redis else 'per-worker memory'}; data: {plan['project_count']} "
              f"projects, {args.outcome_rows} outcome rows (set up in {time.monotonic() - t0:.0f} s)")
        print(f"   machine load average (1 min) at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
              "(other work on the machine shows up in the latencies)")
        print(f"   throttles raised for the run: {', '.join(f'{k}={v}' for k, v in THROTTLE_ENV.items())} "
              "(so no 429 is expected; any would count as an error)", flush=True)
        setup, recorder, wall = drive(server, plan, args)
        print("\n".join(report.setup_lines(setup)))
        print("\n".join(report.lines(recorder, wall, setup_errors=sum(not s.ok for s in setup.samples))))
        print(f"load machine load average at end {os.getloadavg()[0]:.1f}")
        server_errors = [ln for ln in log_path.read_text(errors="replace").splitlines()
                         if "Internal Server Error" in ln or "WORKER TIMEOUT" in ln or "Traceback" in ln]
        if server_errors:
            print(f"server log ({log_path.relative_to(ROOT)}):")
            print("\n".join(f"  {ln}" for ln in server_errors[:10]))
        failed = any(not s.ok for s in recorder.samples + setup.samples) or not recorder.samples
        return 1 if failed else 0
    except Exception as error:  # the run itself broke: say so, and still clean up
        print(f"load run broke: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    finally:
        if server is not None:
            server.stop()
        redis.stop()
        dbs.drop_all()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
