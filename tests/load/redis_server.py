"""A throwaway redis-server on 127.0.0.1:<free port>, so gunicorn's workers share one chart cache
(REDIS_URL), as in production; without it each worker renders its own "warm" charts."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time

from .gunicorn_server import free_port


class RedisServer:
    def __init__(self):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    @property
    def available(self) -> bool:
        return self.binary is not None

    def start(self, wait: float = 10) -> "RedisServer":
        # In memory only: no snapshot, no append-only file, nothing left on disk.
        self.proc = subprocess.Popen([self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
                                      "--appendonly", "no", "--maxmemory", "256mb",
                                      "--maxmemory-policy", "allkeys-lru"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None
