"""Run the real app as a subprocess on a free local port (used by the browser tests and bench/bench_app.py)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppProcess:
    """``python app.py`` with its own data dir and port; a context manager that waits until it answers."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None, args: list[str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = data_dir / "app.log"
        self.env = {**os.environ, "PYOPENGL_PLATFORM": "egl", "HF_HUB_OFFLINE": "1", **(env or {})}
        self.args = args or []
        self.process: subprocess.Popen | None = None
        self.startup_s: float | None = None

    def start(self, timeout: float = 120.0) -> "AppProcess":
        """Start and block until the page is served; ``startup_s`` is the time that took."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        begin = time.perf_counter()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(REPO / "app.py"), "--data-dir", str(self.data_dir), "--port", str(self.port),
                 *self.args], cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited with code {self.process.returncode}; log:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        self.startup_s = time.perf_counter() - begin
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"the app did not answer at {self.url} within {timeout}s; log:\n{self.log_tail()}")

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        """Terminate the server (training jobs it started run on in their own sessions)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "AppProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
