"""Reads schemathesis's NDJSON event stream into counts and failures, and groups failures across roles.

A group is (operation, check, what was received); each keeps its smallest reproducing request.
"""
from __future__ import annotations

import base64
import json
import re
import shlex
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Failure:
    role: str
    operation: str
    code: str
    title: str
    message: str
    method: str
    uri: str
    body: str
    content_type: str
    status: int | None
    response: str

    @property
    def key(self) -> tuple[str, str, str]:
        return self.operation, f"{self.code} {self.title}", received(self.message)

    def curl(self, base_url: str) -> str:
        """A curl command against a demo server at `base_url`, with the role's token in $TOKEN."""
        uri = self.uri
        if "://" in uri:  # the run's ephemeral port -> the reader's server
            uri = base_url + "/" + uri.split("://", 1)[1].split("/", 1)[1]
        parts = ["curl", "-i", "-X", self.method]
        if self.role != "anonymous":
            parts += ["-H", "Authorization: Token $TOKEN"]
        if self.content_type:
            parts += ["-H", f"Content-Type: {self.content_type}"]
        body = self.body if self.body.isprintable() or not self.body else None
        if body:
            parts += ["--data-binary", body]
        command = " ".join(shlex.quote(p).replace("'Authorization: Token $TOKEN'", '"Authorization: Token $TOKEN"')
                           for p in parts + [uri])
        if body is None and self.body:
            command += f"  # body (not printable, {len(self.body)} chars): {self.body[:300]!r}"
        return command


@dataclass
class RoleResult:
    role: str
    operations: set[str] = field(default_factory=set)
    test_cases: int = 0
    failures: list[Failure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)
    phase_seconds: dict[str, float] = field(default_factory=dict)


_SCHEMA_ERROR = re.compile(r"( is not .*| is a required property.*| is too (long|short|large|small).*| does not match.*|"
                           r"Additional properties .*| should be non-empty.*| is not valid under .*)$")


def received(message: str) -> str:
    """What was wrong, without the parts that vary per case (the body, the run's port)."""
    first = re.sub(r"https?://127\.0\.0\.1:\d+", "", message.splitlines()[0] if message else "")
    found = _SCHEMA_ERROR.search(first)
    return ("<body>" + found.group(1)) if found and not first.startswith("Received") else first[:160]


def _text(payload) -> str:
    if payload is None:
        return ""
    if isinstance(payload, dict) and "$base64" in payload:
        raw = base64.b64decode(payload["$base64"])
        return raw.decode("utf-8", "replace")
    if isinstance(payload, dict) and "string" in payload:
        return payload["string"]
    return payload if isinstance(payload, str) else json.dumps(payload)


def _header(headers: dict, name: str) -> str:
    for key, values in (headers or {}).items():
        if key.lower() == name:
            return values[0] if isinstance(values, list) else values
    return ""


def read_events(path: Path, role: str) -> RoleResult:
    result = RoleResult(role)
    started: dict[str, float] = {}
    with open(path, encoding="utf-8") as events:
        for line in events:
            (kind, event), = json.loads(line).items()
            if kind == "PhaseStarted":
                started[event["phase"]["name"]] = event["timestamp"]
            elif kind == "PhaseFinished":
                name = event["phase"]["name"]
                result.phase_seconds[name] = event["timestamp"] - started.get(name, event["timestamp"])
            elif kind in ("NonFatalError", "FatalError"):
                result.errors.append(f"{kind}: {event.get('label', '')} {_text(event.get('info', event))[:500]}")
            elif kind == "ScenarioFinished":
                _read_scenario(event, result)
    return result


def _read_scenario(event: dict, result: RoleResult) -> None:
    recorder = event.get("recorder") or {}
    label = recorder.get("label", "")
    cases = recorder.get("cases", {})
    result.test_cases += len(cases)
    for case in cases.values():
        value = case["value"]
        result.operations.add(f"{value['method']} {value['path']}" if label == "Stateful tests" else label)
    for case_id, checks in (recorder.get("checks") or {}).items():
        for check in checks:
            if check.get("status") != "failure":
                continue
            info = check["failure_info"]["failure"]
            interaction = (recorder.get("interactions") or {}).get(case_id) or {}
            request, response = interaction.get("request", {}), interaction.get("response") or {}
            result.failures.append(Failure(
                role=result.role, operation=info.get("operation") or label, code=info.get("code", ""),
                title=info.get("title", check["name"]), message=info.get("message", ""),
                method=request.get("method", ""), uri=request.get("uri", ""), body=_text(request.get("body")),
                content_type=_header(request.get("headers"), "content-type"),
                status=response.get("status_code"), response=_text(response.get("content"))[:400],
            ))


def group_failures(results: list[RoleResult]) -> dict[tuple, list[Failure]]:
    groups: dict[tuple, list[Failure]] = defaultdict(list)
    for result in results:
        for failure in result.failures:
            groups[failure.key].append(failure)
    return dict(sorted(groups.items()))


def smallest(failures: list[Failure]) -> Failure:
    return min(failures, key=lambda f: (len(f.uri) + len(f.body), f.role))


_TRACE_FILE = re.compile(r'File "(?P<file>/[^"]+)", line (?P<line>\d+), in (?P<func>\S+)')
# Where a 500's traceback ends: the next log record (gunicorn's, or Django's "<Reason>: /path").
_NEXT_RECORD = re.compile(r"^(\[\d{4}-|[A-Z][A-Za-z ]+: /)")


def server_tracebacks(log_text: str, root: str) -> list[str]:
    """For each distinct 500 in a gunicorn log: the request, the deepest project frame, the exception."""
    found: dict[str, str] = {}
    for block in re.split(r"\n(?=Internal Server Error: )", log_text):
        if not block.startswith("Internal Server Error: "):
            continue
        lines = block.splitlines()
        body: list[str] = []
        for ln in lines[1:]:
            if _NEXT_RECORD.match(ln):
                break
            body.append(ln)
        text = "\n".join(body)
        frames = [m for m in _TRACE_FILE.finditer(text) if m["file"].startswith(root) and "/.venv/" not in m["file"]]
        frame = f"{frames[-1]['file'][len(root) + 1:]}:{frames[-1]['line']} in {frames[-1]['func']}" if frames else "-"
        exceptions = [ln for prev, ln in zip(body, body[1:]) if prev.startswith(" ") and ln and not ln.startswith(" ")
                      and not ln.startswith(("During handling", "The above exception"))]
        exception = exceptions[-1] if exceptions else "(no traceback logged)"
        found.setdefault(f"{frame} {exception}", f"{lines[0]} -> {frame}: {exception}")
    return list(found.values())
