"""schemathesis against the OpenAPI schema, as each role, on a fresh copy of the demo data.

    .venv/bin/python -m tests.schema.run_schemathesis [--max-examples 20] [--seed 20261122]
        [--roles anonymous,teacher.a] [--postgres postgres://postgres@127.0.0.1:5432/postgres]

Builds a throwaway database (SQLite by default) with migrate + load_demo, then for each role serves
a fresh copy of it with gunicorn on 127.0.0.1 and runs `st run` with that role's token. A fresh copy
per role means nothing has to be excluded: a role that deletes or withdraws demo data only spoils
its own copy. Checks: no 5xx, documented status codes, content types, headers and bodies.
Reports go to test-output/schemathesis/ (events, st output, gunicorn log per role; summary.txt).
Exit 0 when every check passed for every role, 1 when any failed, 2 when the run itself broke.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.load.databases import ROOT, ThrowawayDatabases, manage
from tests.load.gunicorn_server import GunicornServer, collect_static

from . import st_config, st_report
from .demo_ids import MARKER

ROLES = ["anonymous", "other.teacher", "teacher.b", "teacher.a", "project.lead", "alliance.lead", "admin"]
ROLE_NOTES = {"anonymous": "no token", "other.teacher": "another alliance", "teacher.b": "alliance member",
              "teacher.a": "project member", "project.lead": "project lead", "alliance.lead": "alliance lead",
              "admin": "staff"}
# Fuzzing signs in and uploads far more often than a person: lift the throttles rather than count 429s.
THROTTLE_ENV = {"THROTTLE_SIGN_IN": "1000000/min", "THROTTLE_UPLOADS": "1000000/hour"}
ST = Path(sys.executable).with_name("st")
OUT = ROOT / "test-output" / "schemathesis"
# Reproductions are written against `make run` (demo data, same ids) with TOKEN from POST /api/v1/auth/token/.
REPRO_BASE_URL = "http://127.0.0.1:8000"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=20, help="per operation, in the fuzzing phase")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--stateful-max-steps", type=int, default=10)
    parser.add_argument("--stateful-examples", type=int, default=5, help="scenarios in the stateful phase")
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--role-timeout", type=int, default=300, help="seconds; a role past it counts as broken")
    parser.add_argument("--time-budget", type=int, default=900,
                        help="seconds for all roles; roles not started by then are reported as not run")
    parser.add_argument("--only", help="regex of paths to test (for a quick look at one area)")
    parser.add_argument("--postgres", metavar="ADMIN_URL", help="use PostgreSQL instead of SQLite")
    return parser.parse_args(argv)


def build_template(dbs: ThrowawayDatabases) -> dict:
    url = dbs.create("template")
    manage(url, "migrate", "--noinput", "-v0")
    manage(url, "load_demo")
    out = manage(url, "shell", "-v0", "-c", "from tests.schema.demo_ids import main; main()")
    line = next(ln for ln in out.splitlines() if ln.startswith(MARKER))
    return json.loads(line[len(MARKER):])


def run_role(role: str, token: str | None, *, dbs, args, config: Path, workdir: Path,
             static_env: dict, timeout: float) -> st_report.RoleResult:
    role_dir = OUT / role
    role_dir.mkdir(parents=True)
    env = {**static_env, **THROTTLE_ENV, "DATABASE_URL": dbs.create(role, template="template"),
           "DJANGO_MEDIA_ROOT": str(workdir / f"media-{role}")}
    broken = None
    started = time.monotonic()
    with GunicornServer(env=env, log_path=role_dir / "gunicorn.log", workers=2) as server:
        command = [str(ST), "--config-file", str(config), "--no-color", "run", server.base_url + "/api/schema/",
                   "--seed", str(args.seed), "--max-examples", str(args.max_examples), "--workers", "1",
                   "--checks", ",".join(st_config.CHECKS), "--output-truncate", "true",
                   "--report", "ndjson", "--report-ndjson-path", str(role_dir / "events.ndjson")]
        if token:
            command += ["--header", f"Authorization: Token {token}"]
        if args.only:
            command += ["--include-path-regex", args.only]
        with open(role_dir / "st-output.txt", "w") as st_output:
            try:
                subprocess.run(command, cwd=workdir, stdout=st_output, stderr=subprocess.STDOUT, timeout=timeout)
            except subprocess.TimeoutExpired:
                broken = f"st run passed its {timeout:.0f} s time limit"
    events = role_dir / "events.ndjson"
    result = st_report.read_events(events, role) if events.exists() else st_report.RoleResult(role)
    if broken or not events.exists():
        result.errors.append(broken or f"st wrote no events; see {role_dir / 'st-output.txt'}")
    result.phase_seconds["total"] = time.monotonic() - started
    result.tracebacks = st_report.server_tracebacks((role_dir / "gunicorn.log").read_text(errors="replace"),
                                                    str(ROOT))
    return result


def _one_line(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width] + " ..."


def summary(results: list[st_report.RoleResult], args) -> tuple[list[str], list[str]]:
    """(lines for the terminal, lines for summary.txt): the file keeps whole reproductions and messages."""
    head = [f"== schemathesis {args.max_examples} examples per operation, seed {args.seed}, "
            f"checks: {', '.join(st_config.CHECKS)}"]
    for r in results:
        head.append(f"role {r.role:<14} ({ROLE_NOTES.get(r.role, '')}): operations {len(r.operations)}, "
                    f"test cases {r.test_cases}, failures {len(r.failures)}, errors {len(r.errors)}, "
                    f"{r.phase_seconds['total']:.0f} s")
    groups = st_report.group_failures(results)
    server_errors = sum(1 for r in results for f in r.failures if f.code == "ST101")
    operations = set().union(*(r.operations for r in results)) if results else set()
    head.append(f"schemathesis operations {len(operations)}, test cases {sum(r.test_cases for r in results)}, "
                f"failures {sum(len(r.failures) for r in results)} in {len(groups)} groups (target 0), "
                f"server errors {server_errors}, run errors {sum(len(r.errors) for r in results)}")
    kinds: dict[str, set] = {}
    for operation, check, what in groups:
        kinds.setdefault(f"{check}: {what if check.startswith('ST103') else ''}".rstrip(": "), set()).add(operation)
    head += [f"  {kind}: {len(ops)} operations" for kind, ops in sorted(kinds.items())]
    short, full = list(head), list(head)
    if groups:
        title = ("== failures grouped by operation / check / received; smallest reproduction of each "
                 f"(against `make run` at {REPRO_BASE_URL}, TOKEN from POST /api/v1/auth/token/ as that role)")
        short.append(title)
        full.append(title)
    for n, ((operation, check, what), failures) in enumerate(groups.items(), 1):
        example = st_report.smallest(failures)
        roles = sorted({f.role for f in failures}, key=lambda r: ROLES.index(r) if r in ROLES else len(ROLES))
        line = f"[{n}] {operation} | {check} | {what} | roles: {', '.join(roles)} | cases {len(failures)}"
        curl = example.curl(REPRO_BASE_URL)
        short += [line, f"    as {example.role}: {_one_line(curl, 300)}",
                  f"    -> {example.status}: {_one_line(example.response, 160)}"]
        full += [line, f"    as {example.role}: {curl}", f"    -> {example.status}: {example.response}",
                 "    " + example.message.replace("\n", "\n    ")]
    run_errors = [f"{r.role}: {e}" for r in results for e in r.errors]
    tracebacks: dict[str, list[str]] = {}
    for r in results:
        for trace in r.tracebacks:
            tracebacks.setdefault(trace, []).append(r.role)
    block = []
    if tracebacks:
        block.append("== 500s in the gunicorn logs: request -> deepest project frame: exception")
        block += [f"    {trace}  (roles: {', '.join(roles)})" for trace, roles in tracebacks.items()]
    if run_errors:
        block.append("== run errors")
        block += [f"    {e}" for e in run_errors]
    return short + block, full + block


def main(argv=None) -> int:
    args = parse_args(argv)
    roles = [r for r in args.roles.split(",") if r]
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    workdir = Path(tempfile.mkdtemp(prefix="schemathesis-"))
    dbs = ThrowawayDatabases(workdir=workdir, prefix=f"st{os.getpid()}", postgres_admin_url=args.postgres)
    results = []
    try:
        ids = build_template(dbs)
        static_env = collect_static(workdir / "static")
        config = workdir / "schemathesis.toml"
        config.write_text(st_config.render(ids, stateful_max_steps=args.stateful_max_steps,
                                         stateful_examples=args.stateful_examples))
        shutil.copy(config, OUT / "schemathesis.toml")
        deadline = time.monotonic() + args.time_budget
        for role in roles:
            left = deadline - time.monotonic()
            if left < 30:
                results.append(st_report.RoleResult(role, errors=[f"not run: the {args.time_budget} s budget is spent"],
                                                    phase_seconds={"total": 0}))
                continue
            token = None if role == "anonymous" else ids["tokens"][role]
            results.append(run_role(role, token, dbs=dbs, args=args, config=config, workdir=workdir,
                                    static_env=static_env, timeout=min(args.role_timeout, left)))
            print(f"  {role}: done in {results[-1].phase_seconds['total']:.0f} s", flush=True)
    except Exception as error:  # the run itself broke: say so, and still clean up
        print(f"schemathesis run broke: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    finally:
        dbs.drop_all()
        shutil.rmtree(workdir, ignore_errors=True)
    short, full = summary(results, args)
    (OUT / "summary.txt").write_text("\n".join(full) + "\n")
    print("\n".join(short))
    print(f"(details: {OUT.relative_to(ROOT)}/summary.txt and one folder per role)")
    if any(r.errors for r in results):
        return 2
    return 1 if any(r.failures for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
