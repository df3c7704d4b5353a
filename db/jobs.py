"""Training jobs and model checkpoints (the Train tab's records)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.errors import ConflictError, InputError, NotFoundError
from db.models import JOB_STATES, Checkpoint, DatasetExport, TrainingJob, utcnow

if TYPE_CHECKING:
    from db.store import Store

# state -> states it may move to
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "queued": ("running", "failed", "cancelled"),
    "running": ("succeeded", "failed", "cancelled"),
    "succeeded": (), "failed": (), "cancelled": (),
}
TERMINAL = ("succeeded", "failed", "cancelled")
MAX_ERROR_CHARS = 20_000


@dataclass(frozen=True)
class JobInfo:
    id: int
    kind: str
    state: str
    config: dict[str, Any]
    export_id: int | None
    created_by: int | None
    pid: int | None
    host: str | None
    log_path: str | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True)
class CheckpointInfo:
    id: int
    job_id: int | None
    path: str
    metrics: dict[str, Any]
    active: bool
    created_at: datetime


def _job(row: TrainingJob) -> JobInfo:
    return JobInfo(row.id, row.kind, row.state, row.config, row.export_id, row.created_by, row.pid, row.host,
                   row.log_path, row.error, row.created_at, row.started_at, row.ended_at)


def _checkpoint(row: Checkpoint) -> CheckpointInfo:
    return CheckpointInfo(row.id, row.job_id, row.path, row.metrics, row.active, row.created_at)


def _json_object(name: str, value: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(f"{name} must be a JSON object (dict), got {type(value).__name__}")
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} is not JSON-serialisable: {exc}") from exc


class JobService:
    """Create and track training jobs; register and activate checkpoints."""

    def __init__(self, store: "Store") -> None:
        self._store = store

    def create_job(self, kind: str, config: dict[str, Any], *, export_id: int | None = None,
                   created_by: int | None = None, log_path: str | None = None) -> JobInfo:
        """A new job in state 'queued'. ``kind`` names the training stage (e.g. "tokenizer", "sft")."""
        if not kind.strip() or len(kind) > 64:
            raise InputError(f"job kind must be 1-64 characters, got {kind!r}")
        config = _json_object("config", config)

        def work(session: Session) -> JobInfo:
            if export_id is not None and session.get(DatasetExport, export_id) is None:
                raise NotFoundError(f"dataset export {export_id} does not exist")
            row = TrainingJob(kind=kind, state="queued", config=config, export_id=export_id, created_by=created_by,
                              log_path=log_path, created_at=utcnow())
            session.add(row)
            session.flush()
            return _job(row)

        return self._store.write(work)

    def update_job_state(self, job_id: int, state: str, *, pid: int | None = None, host: str | None = None,
                         error: str | None = None, log_path: str | None = None) -> JobInfo:
        """Move a job to ``state`` (queued -> running -> succeeded/failed/cancelled; queued -> failed/cancelled).

        Sets started_at on 'running' and ended_at on a terminal state. ConflictError for an illegal move
        (checked and applied atomically, so two workers cannot both start the same job).
        """
        if state not in JOB_STATES:
            raise InputError(f"job state must be one of {', '.join(JOB_STATES)}, got {state!r}")
        allowed_from = [source for source, targets in TRANSITIONS.items() if state in targets]
        values: dict[str, Any] = {"state": state}
        values.update({key: value for key, value in
                       (("pid", pid), ("host", host), ("log_path", log_path)) if value is not None})
        if error is not None:
            values["error"] = error[-MAX_ERROR_CHARS:]

        def work(session: Session) -> JobInfo:
            now = utcnow()
            if state == "running":
                values["started_at"] = now
            if state in TERMINAL:
                values["ended_at"] = now
            done = session.execute(update(TrainingJob).where(
                TrainingJob.id == job_id, TrainingJob.state.in_(allowed_from)).values(**values)).rowcount
            row = session.get(TrainingJob, job_id, populate_existing=True)
            if row is None:
                raise NotFoundError(f"training job {job_id} does not exist")
            if done != 1:
                raise ConflictError(f"training job {job_id} is {row.state}; it cannot become {state}")
            return _job(row)

        return self._store.write(work)

    def get_job(self, job_id: int) -> JobInfo:
        with self._store.read() as session:
            row = session.get(TrainingJob, job_id)
            if row is None:
                raise NotFoundError(f"training job {job_id} does not exist")
            return _job(row)

    def list_jobs(self, state: str | None = None, limit: int = 50) -> list[JobInfo]:
        """Most recent jobs first, optionally only those in ``state``."""
        with self._store.read() as session:
            query = select(TrainingJob).order_by(TrainingJob.id.desc()).limit(limit)
            if state is not None:
                query = query.where(TrainingJob.state == state)
            return [_job(row) for row in session.scalars(query)]

    def register_checkpoint(self, path: str | Path, metrics: dict[str, Any] | None = None, *,
                            job_id: int | None = None, activate: bool = False) -> CheckpointInfo:
        """Record a checkpoint directory (unique path); optionally make it the active one."""
        path = str(Path(path).resolve())
        metrics = _json_object("metrics", metrics or {})

        def work(session: Session) -> CheckpointInfo:
            if job_id is not None and session.get(TrainingJob, job_id) is None:
                raise NotFoundError(f"training job {job_id} does not exist")
            if session.scalar(select(Checkpoint.id).where(Checkpoint.path == path)) is not None:
                raise ConflictError(f"checkpoint {path} is already registered")
            if activate:
                session.execute(update(Checkpoint).where(Checkpoint.active.is_(True)).values(active=False))
            row = Checkpoint(job_id=job_id, path=path, metrics=metrics, active=activate, created_at=utcnow())
            session.add(row)
            session.flush()
            return _checkpoint(row)

        return self._store.write(work)

    def activate_checkpoint(self, checkpoint_id: int) -> CheckpointInfo:
        """Make this checkpoint the only active one."""
        def work(session: Session) -> CheckpointInfo:
            row = session.get(Checkpoint, checkpoint_id)
            if row is None:
                raise NotFoundError(f"checkpoint {checkpoint_id} does not exist")
            session.execute(update(Checkpoint).where(Checkpoint.active.is_(True), Checkpoint.id != checkpoint_id)
                            .values(active=False))
            session.flush()
            row.active = True
            session.flush()
            return _checkpoint(row)

        return self._store.write(work)

    def active_checkpoint(self) -> CheckpointInfo | None:
        """The checkpoint the app should serve, or None."""
        with self._store.read() as session:
            row = session.scalar(select(Checkpoint).where(Checkpoint.active.is_(True)))
            return _checkpoint(row) if row else None

    def list_checkpoints(self, job_id: int | None = None) -> list[CheckpointInfo]:
        """Checkpoints, newest first (optionally of one job)."""
        with self._store.read() as session:
            query = select(Checkpoint).order_by(Checkpoint.id.desc())
            if job_id is not None:
                query = query.where(Checkpoint.job_id == job_id)
            return [_checkpoint(row) for row in session.scalars(query)]
