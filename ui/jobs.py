"""Training jobs launched from the Train tab: their records in the store, their processes via a JobRunner.

The database is the source of truth for a job's state; the runner supplies the evidence (process alive? status
file?). :meth:`JobManager.refresh` reconciles the two and is safe to call from several sessions at once: state
moves are atomic in the store, and a lost race just re-reads the row.
"""
from __future__ import annotations

import json
import secrets
import socket
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import yaml

from core.generate import resolve_model_dir
from db import ConflictError, Store
from db.jobs import JobInfo
from ui.job_files import read_metrics
from ui.runner import JobHandle, JobRunner, RunState

JOB_KIND = "finetune"


@dataclass(frozen=True)
class Hyperparameters:
    """LoRA fine-tuning settings (paper defaults)."""

    lora_r: int = 64
    lora_alpha: int = 16
    lora_dropout: float = 0.05
    epochs: int = 5
    batch_size: int = 8
    lr: float = 5e-5

    def validate(self) -> None:
        """ValueError naming the first out-of-range field."""
        checks = [("lora_r", 1 <= self.lora_r <= 1024), ("lora_alpha", 1 <= self.lora_alpha <= 4096),
                  ("lora_dropout", 0.0 <= self.lora_dropout < 1.0), ("epochs", 1 <= self.epochs <= 1000),
                  ("batch_size", 1 <= self.batch_size <= 4096), ("lr", 0.0 < self.lr <= 1.0)]
        for name, ok in checks:
            if not ok:
                raise ValueError(f"hyperparameter {name}={getattr(self, name)!r} is out of range")


class JobManager:
    """Launch, reconcile and cancel fine-tuning jobs."""

    def __init__(self, store: Store, runner: JobRunner, jobs_dir: Path, launcher: str = "python") -> None:
        self.store = store
        self.runner = runner
        self.jobs_dir = jobs_dir
        self.launcher = launcher
        self.host = socket.gethostname()

    # -- paths -----------------------------------------------------------------------------------------------
    def job_dir(self, job: JobInfo) -> Path:
        return Path(job.config["job_dir"])

    def run_dir(self, job: JobInfo) -> Path:
        return Path(job.config["run_dir"])

    def metrics_path(self, job: JobInfo) -> Path:
        return self.checkpoint_path(job) / "metrics.jsonl"

    def checkpoint_path(self, job: JobInfo) -> Path:
        """The stage directory the training CLI fills: model/, summary.json, metrics.jsonl."""
        return self.run_dir(job) / JOB_KIND

    def handle(self, job: JobInfo) -> JobHandle:
        return JobHandle(self.runner.name, str(job.pid), self.job_dir(job))

    # -- launching -------------------------------------------------------------------------------------------
    def _command(self, config_path: Path, export_path: str) -> list[str]:
        entry = [sys.executable, "-m", "training"] if self.launcher == "python" else \
            ["accelerate", "launch", "-m", "training"]
        return [*entry, JOB_KIND, "--config", str(config_path), "--export", export_path]

    def launch(self, created_by: int, export_id: int, base_checkpoint: Path, hyper: Hyperparameters,
               extra: dict | None = None) -> JobInfo:
        """Record a job, write its training config and start it; the job is 'failed' if it cannot start."""
        hyper.validate()
        export = self.store.exports.get(export_id)
        try:
            base_model = resolve_model_dir(base_checkpoint)
        except FileNotFoundError as exc:
            raise ValueError(f"base checkpoint: {exc}") from exc
        job_dir = (self.jobs_dir / f"{datetime.now(timezone.utc):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}").resolve()
        run_dir = job_dir / "run"
        finetune = {"epochs": hyper.epochs, "batch_size": hyper.batch_size, "lr": hyper.lr, "lora_r": hyper.lora_r,
                    "lora_alpha": hyper.lora_alpha, "lora_dropout": hyper.lora_dropout, **(extra or {})}
        training_config = {"run_dir": str(run_dir), "finetune": finetune}
        # The fine-tuning stage puts LoRA on top of <run_dir>/pretrain/model: point that at the chosen base.
        (run_dir / "pretrain").mkdir(parents=True)
        (run_dir / "pretrain" / "model").symlink_to(base_model, target_is_directory=True)
        config_path = job_dir / "config.yaml"
        config_path.write_text(yaml.safe_dump(training_config, sort_keys=False))
        job = self.store.jobs.create_job(
            JOB_KIND, {"export": export.path, "base_checkpoint": str(base_checkpoint), "finetune": finetune,
                       "runner": self.runner.name, "job_dir": str(job_dir), "run_dir": str(run_dir)},
            export_id=export_id, created_by=created_by, log_path=str(job_dir / "train.log"))
        try:
            handle = self.runner.submit(self._command(config_path, export.path), job_dir)
        except OSError as exc:
            self.store.jobs.update_job_state(job.id, "failed", error=f"could not start the job: {exc}")
            raise
        return self.store.jobs.update_job_state(job.id, "running", pid=int(handle.ref), host=self.host)

    def register_shipped(self, checkpoint: Path) -> None:
        """List the shipped demo checkpoint with its evaluation metrics (active when nothing else is)."""
        resolved = str(checkpoint.resolve())
        if not checkpoint.is_dir() or any(c.path == resolved for c in self.store.jobs.list_checkpoints()):
            return
        try:
            self.store.jobs.register_checkpoint(checkpoint, read_checkpoint_metrics(checkpoint),
                                                activate=self.store.jobs.active_checkpoint() is None)
        except ConflictError:
            pass  # another app process registered it at the same moment

    # -- reconciling -----------------------------------------------------------------------------------------
    def refresh(self, job: JobInfo) -> JobInfo:
        """Bring a running job's record up to date with its process; registers the checkpoint on success."""
        if job.state != "running" or job.pid is None:
            return job
        if self.runner.host_bound and job.host and job.host != self.host:
            return job  # started by a server on another machine; only that machine can see its process
        status = self.runner.poll(self.handle(job))
        if status.state is RunState.RUNNING:
            return job
        try:
            if status.state is RunState.SUCCEEDED:
                return self._finish_succeeded(job)
            state = "cancelled" if status.state is RunState.CANCELLED else "failed"
            return self.store.jobs.update_job_state(job.id, state, error=status.detail or None)
        except ConflictError:
            return self.store.jobs.get_job(job.id)  # another session recorded the outcome first

    def _finish_succeeded(self, job: JobInfo) -> JobInfo:
        checkpoint = self.checkpoint_path(job)
        if not checkpoint.is_dir():
            return self.store.jobs.update_job_state(
                job.id, "failed", error=f"training exited cleanly but wrote no checkpoint at {checkpoint}")
        if not self.store.jobs.list_checkpoints(job_id=job.id):
            try:
                self.store.jobs.register_checkpoint(checkpoint, read_checkpoint_metrics(checkpoint), job_id=job.id)
            except ConflictError:
                pass  # registered by a concurrent refresh
        return self.store.jobs.update_job_state(job.id, "succeeded")

    def refresh_running(self) -> list[JobInfo]:
        """Reconcile every job the store believes is running (at start-up and on each jobs-list refresh)."""
        return [self.refresh(job) for job in self.store.jobs.list_jobs(state="running", limit=1000)]

    def cancel(self, job_id: int) -> JobInfo:
        """Stop a running job; its state becomes 'cancelled' once the process has exited."""
        job = self.store.jobs.get_job(job_id)
        if job.state != "running":
            raise ValueError(f"job {job_id} is {job.state}; only a running job can be cancelled")
        self.runner.cancel(self.handle(job))
        return job


def _json_dict(path: Path) -> dict:
    try:
        payload = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return payload if isinstance(payload, dict) else {}


def _manifest_figures(metrics: dict) -> dict:
    """The headline figures of a packaged checkpoint's manifest: per evaluated method its unseen-action MPJPE and
    PFD, the tokenizer's held-out reconstruction error and the retrieval evaluator's text->pose R@10."""
    figures = {f"{method} {key}": row[key] for method, row in (metrics.get("evaluation") or {}).items()
               for key in ("MPJPE_mm", "PFD") if isinstance(row.get(key), (int, float))}
    tokenizer = (metrics.get("tokenizer") or {}).get("heldout") or {}
    if "mpjpe_mm" in tokenizer:
        figures["tokenizer heldout MPJPE_mm"] = tokenizer["mpjpe_mm"]
    retrieval = (metrics.get("retrieval") or {}).get("heldout") or {}
    if "text2pose_R@10" in retrieval:
        figures["retrieval text2pose R@10"] = retrieval["text2pose_R@10"]
    return figures


def read_checkpoint_metrics(checkpoint: Path) -> dict:
    """Figures for the checkpoints table: evaluation metrics from a packaged checkpoint's manifest, or for a
    fine-tuning run its summary (steps, samples, data hash) and last logged losses."""
    manifest = _json_dict(checkpoint / "manifest.json")
    figures = _manifest_figures(manifest.get("metrics") or {})
    if "finetune_mode" in manifest:
        figures["finetune_mode"] = manifest["finetune_mode"]  # which evaluated run this checkpoint is
    summary = _json_dict(checkpoint / "summary.json")
    figures.update({key: value for key, value in summary.items()
                    if key in ("steps", "epochs", "train_samples", "data_sha256")})
    losses = read_metrics(checkpoint / "metrics.jsonl")
    if not losses.empty:
        last = losses[losses["step"] == losses["step"].max()]
        figures.update({f"final_{row.metric}": round(row.value, 4) for row in last.itertuples()})
    return figures
