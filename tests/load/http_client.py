"""A small HTTP client for load clients (http.client, one connection per client thread) and the
recorder of what every request took and answered."""
from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class Sample:
    group: str
    seconds: float
    ok: bool


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stale_retries: int = 0
    statuses: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, group: str, seconds: float, status: int, expected: tuple[int, ...], path: str, body: bytes):
        ok = status in expected
        with self.lock:
            self.samples.append(Sample(group, seconds, ok))
            self.statuses[group][status] += 1
            if not ok and len(self.errors) < 200:
                self.errors.append(f"{group}: {status} (expected {'/'.join(map(str, expected))}) {path} "
                                   f"{body[:300].decode('utf-8', 'replace')!r}")


class Client:
    """One simulated person: their token, their connection, their requests recorded under a group name."""

    def __init__(self, host: str, port: int, recorder: Recorder, timeout: float = 60):
        self.host, self.port, self.timeout = host, port, timeout
        self.recorder = recorder
        self.token: str | None = None
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)
        self.reused = False  # has the open connection already carried a request?

    def _reconnect(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        self.reused = False

    def _exchange(self, method, path, body, headers) -> tuple[int, bytes]:
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        self.reused = not response.will_close
        if response.will_close:
            self._reconnect()
        return response.status, data

    def request(self, group: str, method: str, path: str, *, body: bytes | None = None,
                content_type: str | None = None, expected: tuple[int, ...] = (200,)) -> tuple[int, bytes]:
        headers = {"Accept": "*/*"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if content_type:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        try:
            try:
                status, data = self._exchange(method, path, body, headers)
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                if not self.reused:
                    raise
                # The server closed an idle keep-alive connection as we reused it (gunicorn's keepalive
                # timeout): it never saw the request. Retry once on a new connection, as browsers and
                # urllib3 do; counted, and timed from the first attempt.
                with self.recorder.lock:
                    self.recorder.stale_retries += 1
                self._reconnect()
                status, data = self._exchange(method, path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            # Any other dropped or refused connection is an error of the run.
            self._reconnect()
            status, data = 0, f"{type(error).__name__}: {error}".encode()
        self.recorder.add(group, time.perf_counter() - started, status, expected, path, data)
        return status, data

    def get_json(self, group: str, path: str, expected: tuple[int, ...] = (200,)):
        status, data = self.request(group, "GET", path, expected=expected)
        try:
            return json.loads(data) if status == 200 else None
        except ValueError:
            return None

    def post_multipart(self, group: str, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]],
                       expected: tuple[int, ...] = (201,)) -> tuple[int, bytes]:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content, ctype) in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f"Content-Type: {ctype}\r\n\r\n".encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(group, "POST", path, body=b"".join(parts),
                            content_type=f"multipart/form-data; boundary={boundary}", expected=expected)

    def close(self) -> None:
        self.conn.close()
