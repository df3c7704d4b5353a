"""Median per-call times of the pose core: FK (batch 1 and 1024), Anny mesh (batch 1), GLB export, one render.

Run ``python bench/bench_core.py``; targets on a 2-core CPU: FK-1024 <= 5 ms, mesh <= 20 ms, render <= 300 ms.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from core.body import load_body_model  # noqa: E402
from core.canonical_poses import canonical_pose  # noqa: E402
from core.export import export_pose  # noqa: E402
from core.kinematics import joint_positions  # noqa: E402
from core.pose import Pose  # noqa: E402
from bench.timing import median_ms, print_targets  # noqa: E402
from core.render import render_pose  # noqa: E402


def random_poses(batch: int) -> Pose:
    g = torch.Generator().manual_seed(0)
    return Pose.from_params(torch.randn(batch, 3, generator=g) * 0.3, torch.randn(batch, 69, generator=g) * 0.3)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="timed calls per measurement (default 20)")
    parser.add_argument("--size", type=int, default=512, help="render size per view in pixels (default 512)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch intra-op threads (default 1: these tensors are small, extra threads only contend)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.set_grad_enabled(False)
    anny = load_body_model("anny")
    lunge = canonical_pose("lunge")
    one, many = random_poses(1), random_poses(1024)
    with tempfile.TemporaryDirectory() as tmp:
        rows = [
            ("FK batch 1", median_ms(lambda: joint_positions(one), args.repeats), None),
            ("FK batch 1024", median_ms(lambda: joint_positions(many), args.repeats), 5.0),
            ("Anny mesh batch 1", median_ms(lambda: anny.forward(one), args.repeats), 20.0),
            ("GLB export (pose -> .glb)", median_ms(lambda: export_pose(lunge, Path(tmp) / "b.glb", anny), args.repeats),
             None),
            (f"render front+side {args.size}px", median_ms(lambda: render_pose(lunge, size=args.size, body_model=anny),
                                                           args.repeats), 300.0),
            (f"render front {args.size}px", median_ms(
                lambda: render_pose(lunge, size=args.size, views=("front",), body_model=anny), args.repeats), None),
        ]
    print(f"torch threads: {torch.get_num_threads()}, repeats: {args.repeats}")
    print_targets(rows)


if __name__ == "__main__":
    main()
