"""Reading what a running training job leaves on disk: its log tail and its JSONL metrics."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

METRICS_COLUMNS = ["step", "metric", "value"]
_NOT_PLOTTED = {"step", "epoch", "time", "elapsed_s", "lr", "learning_rate"}


def tail_text(path: Path, max_lines: int = 40, max_bytes: int = 64_000) -> str:
    """The last ``max_lines`` lines of a (possibly growing) log file; progress-bar carriage returns collapsed."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            start = max(0, size - max_bytes)
            handle.seek(start)
            data = handle.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    lines = [line.rsplit("\r", 1)[-1] for line in data.replace("\r\n", "\n").rstrip("\n").split("\n")]
    if start > 0:
        lines = lines[1:]  # the first line was cut by the seek
    return "\n".join(lines[-max_lines:])


def empty_metrics() -> pd.DataFrame:
    """An empty (step, metric, value) table with numeric dtypes, so a plot started from it keeps numeric axes."""
    return pd.DataFrame({"step": pd.Series(dtype="int64"), "metric": pd.Series(dtype="object"),
                         "value": pd.Series(dtype="float64")})


def read_metrics(path: Path) -> pd.DataFrame:
    """Loss curves from a JSONL metrics log as a long table (step, metric, value) for a line plot.

    Every numeric field of a record with a ``step`` becomes a series (``loss``, ``loss_text``, ``val_loss``...);
    records without a step and unreadable lines (a line being written) are skipped.
    """
    rows: list[tuple[int, str, float]] = []
    try:
        text = path.read_text()
    except FileNotFoundError:
        return empty_metrics()
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict) or not isinstance(record.get("step"), (int, float)):
            continue
        prefix = f"{record['split']}/" if isinstance(record.get("split"), str) else ""
        for key, value in record.items():
            if key not in _NOT_PLOTTED and isinstance(value, (int, float)) and not isinstance(value, bool):
                rows.append((int(record["step"]), prefix + key, float(value)))
    return pd.DataFrame(rows, columns=METRICS_COLUMNS) if rows else empty_metrics()


def device_summary() -> str:
    """Which device training would use here, e.g. 'GPU: NVIDIA A100 (1 device)' or 'CPU: 2 cores'."""
    import torch

    if torch.cuda.is_available():
        count = torch.cuda.device_count()
        return f"GPU: {torch.cuda.get_device_name(0)} ({count} device{'s' if count > 1 else ''})"
    return f"CPU: {os.cpu_count()} cores (no GPU found)"
