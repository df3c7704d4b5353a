"""Supervisor that runs one training command outside the web server and records how it ended.

Run as ``python -m ui.job_wrapper --status-file STATUS -- COMMAND ...``. The command's output goes to this
process's stdout/stderr (the runner points them at the job's log file). When the command ends, a JSON status
file is written atomically: ``{"returncode": int, "cancelled": bool, "finished_at": iso-8601}``. A job whose
process is gone but has no status file was killed from outside (machine reboot, OOM killer), and the app marks
it failed. SIGTERM/SIGINT (a cancel) are forwarded to the command, which is then recorded as cancelled.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path


def write_status(path: Path, returncode: int, cancelled: bool) -> None:
    """Write the status file atomically so a reader never sees half of it."""
    payload = {"returncode": returncode, "cancelled": cancelled,
               "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(payload))
    os.replace(tmp, path)


def run(command: list[str], status_file: Path) -> int:
    """Run ``command``, forward termination signals to it, and record its outcome in ``status_file``."""
    child = subprocess.Popen(command)
    cancelled = False

    def forward(signum, _frame):
        nonlocal cancelled
        cancelled = True
        if child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    returncode = child.wait()
    write_status(status_file, returncode, cancelled)
    return returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--status-file", type=Path, required=True, help="JSON file written when the command ends")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command to run, after --")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given after --")
    print(f"[job] running: {' '.join(command)}", flush=True)
    returncode = run(command, args.status_file)
    print(f"[job] exited with code {returncode}", flush=True)
    return returncode


if __name__ == "__main__":
    sys.exit(main())
