"""The job runner and job bookkeeping behind the Train tab, with real detached processes and a real store."""
from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from db import open_store
from training.metrics_log import MetricLog
from ui.job_files import read_metrics, tail_text
from ui.jobs import JobManager
from ui.runner import JobHandle, LocalProcessRunner, RunState


def wait_for(runner, handle, states, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = runner.poll(handle)
        if status.state in states:
            return status
        time.sleep(0.1)
    raise AssertionError(f"job did not reach {states} in {timeout}s; last: {runner.poll(handle)}")


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_success_and_log(tmp_path):
    runner = LocalProcessRunner()
    handle = runner.submit(python("print('hello from the job', flush=True)"), tmp_path / "job")
    status = wait_for(runner, handle, {RunState.SUCCEEDED, RunState.FAILED})
    assert status.state is RunState.SUCCEEDED and status.returncode == 0
    assert "hello from the job" in tail_text(handle.log_path)


def test_failure_reports_exit_code(tmp_path):
    runner = LocalProcessRunner()
    handle = runner.submit(python("import sys; sys.exit(3)"), tmp_path / "job")
    status = wait_for(runner, handle, {RunState.SUCCEEDED, RunState.FAILED})
    assert status.state is RunState.FAILED and status.returncode == 3
    assert "code 3" in status.detail


def test_cancel_stops_the_process_group(tmp_path):
    runner = LocalProcessRunner()
    handle = runner.submit(python("import time; print('started', flush=True); time.sleep(60)"), tmp_path / "job")
    deadline = time.monotonic() + 10
    while "started" not in tail_text(handle.log_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    runner.cancel(handle)
    status = wait_for(runner, handle, {RunState.CANCELLED, RunState.FAILED, RunState.SUCCEEDED})
    assert status.state is RunState.CANCELLED


def test_a_new_server_process_finds_running_jobs_and_their_outcome(tmp_path):
    first = LocalProcessRunner()
    handle = first.submit(python("import time; time.sleep(1.0)"), tmp_path / "job")
    after_restart = LocalProcessRunner()  # no child objects: only the pid and the status file to go by
    rebuilt = JobHandle(handle.backend, handle.ref, handle.job_dir)
    assert after_restart.poll(rebuilt).state is RunState.RUNNING
    assert wait_for(after_restart, rebuilt, {RunState.SUCCEEDED, RunState.FAILED}).state is RunState.SUCCEEDED
    first.poll(handle)  # reap the child


def test_a_job_killed_from_outside_is_lost_not_running(tmp_path):
    runner = LocalProcessRunner()
    handle = runner.submit(python("import time; time.sleep(60)"), tmp_path / "job")
    time.sleep(0.3)
    os.killpg(int(handle.ref), signal.SIGKILL)  # supervisor and command die without writing a status
    status = wait_for(runner, handle, {RunState.LOST, RunState.FAILED, RunState.SUCCEEDED})
    assert status.state is RunState.LOST and "without recording an exit status" in status.detail


def test_reused_pid_of_another_program_is_not_our_job(tmp_path):
    handle = JobHandle("local", str(os.getpid()), tmp_path / "never-started")
    assert LocalProcessRunner().poll(handle).state is RunState.LOST


def test_restart_marks_vanished_job_failed_in_the_store(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'app.db'}", exports_root=tmp_path / "exports")
    job_dir = tmp_path / "jobs" / "gone"
    job_dir.mkdir(parents=True)
    job = store.jobs.create_job("finetune", {"job_dir": str(job_dir), "run_dir": str(job_dir / "run")},
                                log_path=str(job_dir / "train.log"))
    runner = LocalProcessRunner()
    manager = JobManager(store, runner, tmp_path / "jobs")
    child = runner.submit(python("pass"), tmp_path / "jobs" / "other")  # a real pid that will be gone
    wait_for(runner, child, {RunState.SUCCEEDED})
    store.jobs.update_job_state(job.id, "running", pid=int(child.ref), host=manager.host)
    [refreshed] = manager.refresh_running()
    assert refreshed.state == "failed"
    assert "without recording an exit status" in refreshed.error
    assert store.jobs.get_job(job.id).state == "failed"
    store.close()


def test_metrics_from_the_training_log(tmp_path):
    log = MetricLog(tmp_path / "metrics.jsonl", "finetune")
    for step in (1, 2, 3):
        log.write(step, step / 3, loss=3.0 / step, lr=1e-4, loss_text=2.0 / step, loss_pose=1.0 / step)
    with (tmp_path / "metrics.jsonl").open("a") as handle:
        handle.write('{"step": 4, "loss": 0.')  # a line still being written
    table = read_metrics(tmp_path / "metrics.jsonl")
    assert sorted(set(table["metric"])) == ["loss", "loss_pose", "loss_text"]
    assert table[table.metric == "loss"]["value"].tolist() == pytest.approx([3.0, 1.5, 1.0])
    assert read_metrics(tmp_path / "missing.jsonl").empty


def test_tail_collapses_progress_bars(tmp_path):
    path = tmp_path / "train.log"
    path.write_text("start\n" + "".join(f"\rstep {i}/10" for i in range(11)) + "\ndone\n")
    assert tail_text(path, max_lines=3).splitlines() == ["start", "step 10/10", "done"]
    assert tail_text(tmp_path / "none.log") == ""
