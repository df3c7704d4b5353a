"""Shared helpers of the bench scripts: timing, percentiles and the target table they print."""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_ms(function: Callable[[], object], repeats: int, warmup: int = 2) -> float:
    """Median wall time of ``function()`` in milliseconds after ``warmup`` untimed calls."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values``; ``fraction`` in [0, 1] (0.95 = p95)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def verdict(value: float, target: float | None) -> str:
    """"<= target ok" / "<= target MISSED", or "" without a target."""
    return "" if target is None else f"<= {target:g}" + (" ok" if value <= target else " MISSED")


def print_targets(rows: list[tuple[str, float, float | None]], unit: str = "median ms") -> None:
    """Print (name, value, target or None) rows as one aligned table."""
    width = max(len(name) for name, _, _ in rows) + 2
    print(f"{'measurement':{width}s} {unit:>10s} {'target':>8s}")
    for name, value, target in rows:
        print(f"{name:{width}s} {value:10.2f} {verdict(value, target):>8s}")
