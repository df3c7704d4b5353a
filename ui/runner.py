"""Where training jobs run: an interface plus the local-process backend.

The web server never trains in its own process. A :class:`JobRunner` starts the training command somewhere else
and later answers "is it still running, and how did it end?" from durable evidence (a process id plus the status
file that :mod:`ui.job_wrapper` writes), so the answer survives a server restart. A cluster backend (Slurm) plugs
in by implementing the same three methods; see docs/app.md.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class RunState(str, Enum):
    """What a runner can tell about a submitted job."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    LOST = "lost"  # the process is gone and left no status: killed from outside


@dataclass(frozen=True)
class JobHandle:
    """Durable reference to a submitted job; ``ref`` is a pid (local) or a scheduler id (cluster)."""

    backend: str
    ref: str
    job_dir: Path

    @property
    def log_path(self) -> Path:
        return self.job_dir / "train.log"

    @property
    def status_path(self) -> Path:
        return self.job_dir / "status.json"


@dataclass(frozen=True)
class RunStatus:
    state: RunState
    returncode: int | None = None
    detail: str = ""


class JobRunner(ABC):
    """Backend that runs a command outside the web server."""

    name: str
    host_bound: bool = False  # True when only the submitting machine can see the job (local processes)

    @abstractmethod
    def submit(self, command: list[str], job_dir: Path, env: dict[str, str] | None = None) -> JobHandle:
        """Start ``command`` (logging to ``job_dir/train.log``) and return at once."""

    @abstractmethod
    def poll(self, handle: JobHandle) -> RunStatus:
        """Current state of a job, also for jobs submitted by an earlier server process."""

    @abstractmethod
    def cancel(self, handle: JobHandle) -> None:
        """Ask the job to stop; its final state becomes CANCELLED once it has exited."""


def read_status_file(handle: JobHandle) -> RunStatus | None:
    """The outcome recorded by :mod:`ui.job_wrapper`, or None while the job has not finished."""
    try:
        payload = json.loads(handle.status_path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        return RunStatus(RunState.FAILED, None, f"unreadable status file {handle.status_path}: {exc}")
    code = int(payload.get("returncode", -1))
    if payload.get("cancelled"):
        return RunStatus(RunState.CANCELLED, code, "cancelled")
    if code == 0:
        return RunStatus(RunState.SUCCEEDED, 0, "")
    return RunStatus(RunState.FAILED, code, f"training exited with code {code}; see the log")


def wrapped_command(command: list[str], handle_dir: Path) -> list[str]:
    """``command`` run under the status-recording supervisor."""
    return [sys.executable, "-m", "ui.job_wrapper", "--status-file", str(handle_dir / "status.json"), "--", *command]


def _process_alive(pid: int, marker: str) -> bool:
    """True if ``pid`` runs and is our job (its command line mentions ``marker``), so a reused pid is not mistaken."""
    proc = Path(f"/proc/{pid}")
    if proc.exists():
        try:
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):
            return False
        return state not in ("Z", "X") and marker in cmdline
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class LocalProcessRunner(JobRunner):
    """Runs jobs as detached processes on this machine (own session, so a server restart does not kill them)."""

    name = "local"
    host_bound = True

    def __init__(self) -> None:
        self._children: dict[int, subprocess.Popen] = {}

    def submit(self, command: list[str], job_dir: Path, env: dict[str, str] | None = None) -> JobHandle:
        job_dir.mkdir(parents=True, exist_ok=True)
        with open(job_dir / "train.log", "ab") as log:
            child = subprocess.Popen(
                wrapped_command(command, job_dir), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=os.getcwd(), env={**os.environ, **(env or {})}, start_new_session=True)
        self._children[child.pid] = child
        return JobHandle(self.name, str(child.pid), job_dir)

    def poll(self, handle: JobHandle) -> RunStatus:
        pid = int(handle.ref)
        child = self._children.get(pid)
        if child is not None and child.poll() is not None:
            self._children.pop(pid, None)  # reaped; the status file below tells the outcome
        finished = read_status_file(handle)
        if finished is not None:
            return finished
        if _process_alive(pid, str(handle.job_dir)):
            return RunStatus(RunState.RUNNING)
        return RunStatus(RunState.LOST, None,
                         f"process {pid} is gone without recording an exit status (killed or machine restarted)")

    def cancel(self, handle: JobHandle) -> None:
        pid = int(handle.ref)
        if not _process_alive(pid, str(handle.job_dir)):
            return
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def make_runner(name: str) -> JobRunner:
    """The runner backend called ``name`` (``COTPOSE_RUNNER``)."""
    if name == "local":
        return LocalProcessRunner()
    raise ValueError(f"unknown job runner {name!r}; available: 'local' (see docs/app.md for adding 'slurm')")
