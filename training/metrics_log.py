"""JSONL metric logs: one JSON object per training step (the app's Train tab tails these files)."""
from __future__ import annotations

import json
import time
from pathlib import Path


class MetricLog:
    """Appends {"stage", "step", "epoch", "loss", "loss_text", "loss_pose", "lr", "time", ...} lines."""

    def __init__(self, path: str | Path, stage: str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.stage = stage
        self.start = time.time()

    def write(self, step: int, epoch: float, loss: float, lr: float, loss_text: float | None = None,
              loss_pose: float | None = None, **extra: float) -> None:
        """Append one step's metrics; ``time`` is seconds since the log was opened."""
        record = {"stage": self.stage, "step": step, "epoch": round(epoch, 4), "loss": round(float(loss), 6),
                  "loss_text": None if loss_text is None else round(float(loss_text), 6),
                  "loss_pose": None if loss_pose is None else round(float(loss_pose), 6),
                  "lr": lr, "time": round(time.time() - self.start, 3)}
        record.update({k: round(float(v), 6) for k, v in extra.items()})
        with self.path.open("a") as handle:
            handle.write(json.dumps(record) + "\n")
