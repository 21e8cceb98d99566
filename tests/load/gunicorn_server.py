"""gunicorn serving config.wsgi on 127.0.0.1:<free port>, started and stopped by a runner."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")

# Production-like settings on loopback: debug off, plain HTTP (no TLS redirect), no HSTS.
PRODUCTION_LIKE_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "loopback-run-secret-key-not-for-production-0123456789abcdef",
    "PSEUDONYM_KEY": "loopback-run-pseudonym-key",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
    "DJANGO_LOG_LEVEL": "WARNING",
}


def collect_static(static_root: Path) -> dict:
    """Collect static files into `static_root`; returns the env a server needs to use them."""
    env = {**PRODUCTION_LIKE_ENV, "DJANGO_SETTINGS_MODULE": "tests.load.loopback_settings",
           "LOOPBACK_STATIC_ROOT": str(static_root)}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                   env={**os.environ, **env}, check=True, capture_output=True, timeout=600)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GunicornServer:
    """Production-like gunicorn; `env` must hold DATABASE_URL and what collect_static returned."""

    def __init__(self, *, env: dict, log_path: Path, workers: int = 2, threads: int = 1, timeout: int = 60):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **PRODUCTION_LIKE_ENV, **env}
        self.log_path = log_path
        self.args = [str(GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{self.port}",
                     "--workers", str(workers), "--threads", str(threads),
                     "--worker-class", "gthread" if threads > 1 else "sync",
                     "--timeout", str(timeout), "--graceful-timeout", "5",
                     # The default control socket is one path in $HOME: several servers would fight over it.
                     "--no-control-socket"]
        self.proc: subprocess.Popen | None = None

    def start(self, ready_path: str = "/api/v1/taxonomy/", wait: float = 60) -> "GunicornServer":
        self._log = open(self.log_path, "ab")
        # Own process group, so stopping it stops its workers too and nothing else.
        self.proc = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}):\n{self._log_tail()}")
            try:
                with urllib.request.urlopen(self.base_url + ready_path, timeout=5) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer {ready_path} within {wait}s:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.proc = None
        if getattr(self, "_log", None):
            self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
