"""App settings from command-line flags and environment variables (documented in docs/app.md)."""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AppConfig:
    """Everything the app needs to start; paths are absolute."""

    data_dir: Path
    database_url: str | None
    checkpoint: Path | None
    host: str
    port: int
    generation_concurrency: int
    queue_size: int
    runner: str
    train_launcher: str
    admin_user: str | None
    admin_password: str | None

    @property
    def jobs_dir(self) -> Path:
        return self.data_dir / "jobs"

    @property
    def checkpoints_dir(self) -> Path:
        return self.data_dir / "checkpoints"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def outputs_dir(self) -> Path:
        return self.data_dir / "outputs"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"environment variable {name}={raw!r} is not an integer") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="CoT-Pose Studio: Demo, Annotate and Train in one Gradio app.")
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("COTPOSE_DATA_DIR", "runtime")),
                        help="directory for the database, jobs, checkpoints and exports (env COTPOSE_DATA_DIR)")
    parser.add_argument("--checkpoint", type=Path, default=os.environ.get("COTPOSE_CHECKPOINT") or None,
                        help="model checkpoint for the Demo tab; default: the active one in the database, "
                             "else the shipped demo checkpoint (env COTPOSE_CHECKPOINT)")
    parser.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                        help="address to listen on (env GRADIO_SERVER_NAME)")
    parser.add_argument("--port", type=int, default=_env_int("GRADIO_SERVER_PORT", 7860),
                        help="port to listen on (env GRADIO_SERVER_PORT)")
    parser.add_argument("--concurrency", type=int, default=_env_int("COTPOSE_CONCURRENCY", 1),
                        help="generations run at the same time; others wait in the queue (env COTPOSE_CONCURRENCY)")
    parser.add_argument("--queue-size", type=int, default=_env_int("COTPOSE_QUEUE_SIZE", 16),
                        help="requests allowed to wait; beyond that visitors are told to retry "
                             "(env COTPOSE_QUEUE_SIZE)")
    parser.add_argument("--runner", default=os.environ.get("COTPOSE_RUNNER", "local"),
                        help="where training jobs run: 'local' (env COTPOSE_RUNNER)")
    parser.add_argument("--train-launcher", choices=("python", "accelerate"),
                        default=os.environ.get("COTPOSE_TRAIN_LAUNCHER", "python"),
                        help="start training with 'python -m training' or 'accelerate launch -m training' "
                             "(env COTPOSE_TRAIN_LAUNCHER)")
    return parser


def load_config(argv: list[str] | None = None) -> AppConfig:
    """Parse flags (with environment defaults) into an :class:`AppConfig`."""
    args = build_parser().parse_args(argv)
    if args.concurrency < 1:
        raise SystemExit(f"--concurrency must be at least 1, got {args.concurrency}")
    if args.queue_size < 1:
        raise SystemExit(f"--queue-size must be at least 1, got {args.queue_size}")
    return AppConfig(
        data_dir=args.data_dir.resolve(),
        database_url=os.environ.get("DATABASE_URL") or None,
        checkpoint=args.checkpoint.resolve() if args.checkpoint else None,
        host=args.host, port=args.port,
        generation_concurrency=args.concurrency, queue_size=args.queue_size,
        runner=args.runner, train_launcher=args.train_launcher,
        admin_user=os.environ.get("COTPOSE_ADMIN_USER") or None,
        admin_password=os.environ.get("COTPOSE_ADMIN_PASSWORD") or None,
    )
