"""Synthesis throughput with renders: triplets per second and seconds per stage on this machine.

Runs the offline config (renders, posecode captions, rule refinement, mirrors and variations) over the first
``--poses`` seed poses into a fresh temporary directory, so every pose is really processed.
    python bench/bench_synthesis.py [--poses 48] [--workers 2]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synthesis.config import load_config  # noqa: E402
from synthesis.pipeline import run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="synthesis/configs/offline.yaml", help="synthesis config")
    parser.add_argument("--poses", type=int, default=48, help="seed poses to process")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (0 = in process)")
    args = parser.parse_args()
    config = replace(load_config(args.config), workers=args.workers)
    with tempfile.TemporaryDirectory(prefix="bench-synthesis-") as out:
        run(config, limit=1, output=Path(out) / "warm", progress=False)  # solver cache, body model, GL warm-up
        start = time.perf_counter()
        summary = run(config, limit=args.poses, output=Path(out) / "run", progress=False)
        wall = time.perf_counter() - start
    print(f"poses: {summary.items}, triplets: {summary.added}, workers: {args.workers}, wall: {wall:.1f} s")
    print(f"throughput: {summary.added / wall:.1f} triplets/s with renders (target >= 20), "
          f"{summary.items / wall:.2f} poses/s")
    print("time per stage (summed over workers; per triplet):")
    for stage, seconds in sorted(summary.stage_seconds.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:<8} {seconds:7.2f} s   {1000 * seconds / max(1, summary.added):7.2f} ms")


if __name__ == "__main__":
    main()
