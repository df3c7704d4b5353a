"""Median times of the posecodes captioner (ms per pose, batch 1 and 256) and of the pose spec solver.

Run ``python bench/bench_posecodes.py``; targets on a 2-core CPU: captioning <= 2 ms per pose batched, solving
<= 50 ms for an angles-only spec and <= 500 ms with goals.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from bench.bench_core import random_poses  # noqa: E402
from bench.timing import median_ms, print_targets  # noqa: E402
from core.posecodes.caption import caption_poses  # noqa: E402
from core.posespec import solve  # noqa: E402

ANGLES_ONLY = {"left_hip": {"flexion": 90}, "left_knee": 90, "right_knee": 20, "right_shoulder": {"flexion": 150},
               "right_elbow": 40, "spine": {"flexion": 10, "twist": 15}, "body": {"facing": 30}}
WITH_GOALS = {**ANGLES_ONLY, "goals": {"left_hand": {"on": "right_knee"}, "right_wrist": {"near": "head"}}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10, help="timed calls per measurement (default 10)")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.set_grad_enabled(False)
    one, many = random_poses(1), random_poses(256)
    batch_one = median_ms(lambda: caption_poses(one, n=1, seed=0), args.repeats)
    batched = median_ms(lambda: caption_poses(many, n=1, seed=0), args.repeats) / 256
    batched_three = median_ms(lambda: caption_poses(many, n=3, seed=0), args.repeats) / 256
    torch.set_grad_enabled(True)  # the IK of goals needs gradients
    rows = [
        ("caption batch 1 (ms/pose)", batch_one, None),
        ("caption batch 256 (ms/pose)", batched, 2.0),
        ("caption batch 256, n=3 (ms/pose)", batched_three, None),
        ("solve spec, angles only", median_ms(lambda: solve(ANGLES_ONLY, seed=0), args.repeats), 50.0),
        ("solve spec, with 2 goals", median_ms(lambda: solve(WITH_GOALS, seed=0), args.repeats), 500.0),
    ]
    print(f"torch threads: {torch.get_num_threads()}, repeats: {args.repeats}")
    print_targets(rows)


if __name__ == "__main__":
    main()
