"""3D pose stage: from the authored spec (offline default) or estimated from the image by an external tool.

Each source returns the pose (one SMPL pose, placed on the ground) and flags describing problems with it.
"""
from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from core.placement import place_on_ground
from core.pose import Pose
from synthesis.smplx_adapter import load_smplx_file
from synthesis.work_items import WorkItem


class EstimationError(RuntimeError):
    """The pose estimator failed or wrote no usable output; the message names the item and the command."""


@dataclass
class SeedSpecPose:
    """The authored pose: the item's spec solved by core.posespec (solved once by the seed library, cached).

    Joint-limit or goal reports of the solver become flags, never silence.
    """

    name: str = "seed_spec"

    def pose(self, item: WorkItem, image_png: bytes | None, seed: int) -> tuple[Pose, list[str]]:
        if item.solved_pose is None:
            raise ValueError(f"{item.key}: the seed_spec pose backend needs items from the seed_library prompts")
        return item.solved_pose, [f"solver: {problem}" for problem in item.solver_problems]


@dataclass
class CommandEstimatorPose:
    """Run a human-mesh-recovery tool (e.g. SMPLest-X's inference script) on the image; read its SMPL-X output.

    ``command`` is an argument list in which ``{image}`` and ``{output}`` are replaced by a PNG path and the
    ``.npz`` path the tool must write (SMPL-X parameters, see synthesis.smplx_adapter). With several people in
    the output the first is used. ``frame`` and ``hands`` are passed to the SMPL-X -> SMPL conversion.
    """

    command: list[str] = field(default_factory=list)
    frame: str = "camera"
    hands: str = "knuckles"
    timeout_s: float = 300.0
    name: str = "smplx_command"

    def pose(self, item: WorkItem, image_png: bytes | None, seed: int) -> tuple[Pose, list[str]]:
        if image_png is None:
            raise EstimationError(f"{item.key}: the estimator needs an image; configure an image backend")
        if not self.command:
            raise EstimationError("smplx_command: 'command' is empty; give the estimator's argument list")
        with tempfile.TemporaryDirectory(prefix="cotpose-estimate-") as tmp:
            image, output = Path(tmp) / "image.png", Path(tmp) / "smplx.npz"
            image.write_bytes(image_png)
            argv = [part.format(image=image, output=output) for part in self.command]
            try:
                run = subprocess.run(argv, capture_output=True, text=True, timeout=self.timeout_s)
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise EstimationError(f"{item.key}: estimator {argv[0]!r} did not run: {exc}") from exc
            if run.returncode != 0 or not output.exists():
                raise EstimationError(f"{item.key}: estimator {argv[0]!r} exited {run.returncode} without "
                                      f"{output.name}; stderr: {run.stderr.strip()[-300:]}")
            people = load_smplx_file(output, frame=self.frame, hands=self.hands)
        flags = [f"estimator: {people.batch_size} people found, the first was used"] if people.batch_size > 1 else []
        first = people[0]
        return place_on_ground(Pose(first.global_orient, first.body_pose)), flags
