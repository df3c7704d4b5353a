"""Annotation store speed on a SQLite file: import (samples/s) and claim+decide latency p50/p95 at 100k samples.

Run ``python bench/bench_db.py``; target: claim+decide p95 <= 20 ms at 100k samples. Writing the synthetic
synthesis output comes first and is not timed (about 30 s for 100k; ``--workdir`` keeps it for the next run).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db import open_store  # noqa: E402
from db.queue import QueueFilter  # noqa: E402
from bench.timing import percentile, verdict  # noqa: E402
from db.store import Store  # noqa: E402
from db.synthetic import write_synthetic_dir  # noqa: E402

TARGET_P95_MS = 20.0


def review_loop(store: Store, annotator: int, decisions: int, filters: QueueFilter | None = None,
                warmup: int = 20) -> dict[str, list[float]]:
    """Claim and decide ``decisions`` samples (after ``warmup`` untimed ones); ms per claim, decide and both."""
    times: dict[str, list[float]] = {"claim": [], "decide": [], "claim+decide": []}
    for step in range(warmup + decisions):
        start = time.perf_counter()
        claim = store.queue.claim(annotator, filters)
        claimed = time.perf_counter()
        if claim is None:
            raise SystemExit(f"queue ran dry after {step} decisions; use more --samples")
        decision = ("approve", "reject", "edit_approve")[step % 3]
        store.queue.decide(annotator, claim.sample.id, claim.token, decision,
                           "The arms are raised." if decision == "edit_approve" else None)
        done = time.perf_counter()
        if step >= warmup:
            times["claim"].append((claimed - start) * 1000)
            times["decide"].append((done - claimed) * 1000)
            times["claim+decide"].append((done - start) * 1000)
    return times


def timed_ms(function: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _undo_and_redo(store: Store, annotator: int) -> None:
    undone = store.queue.undo_last(annotator)
    store.queue.decide(annotator, undone.claim.sample.id, undone.claim.token, "approve")


def _progress_panel(store: Store, annotator: int) -> None:
    """The figures the Annotate tab shows after every decision."""
    store.queue.progress()
    store.queue.annotator_progress(annotator)
    store.queue.agreement()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000, help="samples in the database (default 100000)")
    parser.add_argument("--decisions", type=int, default=1000, help="timed claim+decide pairs per row (default 1000)")
    parser.add_argument("--workdir", type=Path,
                        help="keep the synthesis output and database here (default: a temporary directory)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        synth = work / f"synth-{args.samples}"
        if not (synth / "manifest.json").is_file():
            start = time.perf_counter()
            write_synthetic_dir(synth, args.samples, seed=0)
            print(f"wrote {args.samples} synthetic samples in {time.perf_counter() - start:.1f} s (not timed)")
        database = work / "bench.db"
        for path in work.glob("bench.db*"):
            path.unlink()
        store = open_store(f"sqlite:///{database}", exports_root=work / "exports")
        start = time.perf_counter()
        result = store.samples.import_dir(synth)
        import_s = time.perf_counter() - start
        again = timed_ms(lambda: store.samples.import_dir(synth), 1)[0] / 1000
        ann, bob = (store.users.create(name, "correct horse").id for name in ("ann", "bob"))
        rows = [(f"{name} (no filter)", times) for name, times in review_loop(store, ann, args.decisions).items()]
        rows += [(f"claim+decide, {label}", review_loop(store, bob, args.decisions, filters)["claim+decide"])
                 for label, filters in (("category filter", QueueFilter(category="dance")),
                                        ("flagged filter", QueueFilter(flagged=True)))]
        rows.append(("undo last + decide again", timed_ms(lambda: _undo_and_redo(store, ann), args.decisions // 10)))
        rows.append(("progress panel (Annotate tab)", timed_ms(lambda: _progress_panel(store, ann), 50)))
        size_mb = database.stat().st_size / 1e6
        store.close()

    print(f"import: {result.inserted} samples in {import_s:.1f} s = {result.inserted / import_s:,.0f} samples/s "
          f"(re-import of the same directory, nothing new: {again:.1f} s); database {size_mb:.0f} MB")
    print(f"latency at {args.samples:,} samples, {args.decisions} timed decisions per row, one process:")
    print(f"{'operation':34s} {'p50 ms':>8s} {'p95 ms':>8s} {'target p95':>12s}")
    for name, times in rows:
        p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
        target = TARGET_P95_MS if name.startswith("claim+decide") else None
        print(f"{name:34s} {p50:8.2f} {p95:8.2f} {verdict(p95, target):>12s}")


if __name__ == "__main__":
    main()
