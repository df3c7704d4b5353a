"""The SMPL kinematic tree and the canonical rest skeleton used for forward kinematics.

Coordinates everywhere in the project: metres, y up, the body faces +z, +x is the body's left.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import torch

JOINT_NAMES: tuple[str, ...] = (
    "pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee", "spine2",
    "left_ankle", "right_ankle", "spine3", "left_foot", "right_foot", "neck",
    "left_collar", "right_collar", "head", "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hand", "right_hand",
)
NUM_JOINTS = len(JOINT_NAMES)
NUM_BODY_JOINTS = NUM_JOINTS - 1
PARENTS: tuple[int, ...] = (
    -1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21,
)
JOINT_INDEX: dict[str, int] = {name: i for i, name in enumerate(JOINT_NAMES)}


def _mirror_permutation() -> tuple[int, ...]:
    perm = []
    for name in JOINT_NAMES:
        if name.startswith("left_"):
            perm.append(JOINT_INDEX["right_" + name[5:]])
        elif name.startswith("right_"):
            perm.append(JOINT_INDEX["left_" + name[6:]])
        else:
            perm.append(JOINT_INDEX[name])
    return tuple(perm)


MIRROR_PERMUTATION: tuple[int, ...] = _mirror_permutation()
"""MIRROR_PERMUTATION[i] is the joint that plays joint i's role on the other side of the body."""

ASSET_DIR = Path(__file__).resolve().parent / "assets"
DEFAULT_SKELETON_FILE = ASSET_DIR / "skeleton_anny.json"


@dataclass(frozen=True)
class Skeleton:
    """Rest-pose (zero rotation, T-pose) joint positions of a body model, shape (24, 3), pelvis-relative."""

    rest_joints: torch.Tensor
    source: str

    def __post_init__(self) -> None:
        if tuple(self.rest_joints.shape) != (NUM_JOINTS, 3):
            raise ValueError(f"rest_joints must have shape (24, 3), got {tuple(self.rest_joints.shape)}")
        if not torch.isfinite(self.rest_joints).all():
            raise ValueError("rest_joints contains NaN or infinite values")

    @property
    def offsets(self) -> torch.Tensor:
        """Bone vectors from each joint's parent to the joint, shape (24, 3); the root's is its position."""
        parents = torch.tensor([0, *PARENTS[1:]])
        offsets = self.rest_joints - self.rest_joints[parents]
        offsets[0] = self.rest_joints[0]
        return offsets

    def symmetrized(self) -> "Skeleton":
        """The skeleton averaged with its mirror image, so mirroring a pose mirrors its joints exactly."""
        reflected = self.rest_joints[list(MIRROR_PERMUTATION)] * torch.tensor([-1.0, 1.0, 1.0])
        return Skeleton(rest_joints=(self.rest_joints + reflected) / 2, source=self.source + " (symmetrized)")

    def to_json(self, path: str | Path) -> None:
        """Write the skeleton as {"source", "joint_names", "rest_joints"}."""
        payload = {
            "source": self.source,
            "joint_names": list(JOINT_NAMES),
            "rest_joints": [[round(float(v), 6) for v in row] for row in self.rest_joints.tolist()],
        }
        Path(path).write_text(json.dumps(payload, indent=1) + "\n")

    @classmethod
    def from_json(cls, path: str | Path) -> "Skeleton":
        """Read a skeleton written by :meth:`to_json`."""
        payload = json.loads(Path(path).read_text())
        if payload.get("joint_names") != list(JOINT_NAMES):
            raise ValueError(f"{path}: joint_names do not match the SMPL joint order")
        return cls(rest_joints=torch.tensor(payload["rest_joints"], dtype=torch.float32), source=payload["source"])


@lru_cache(maxsize=1)
def default_skeleton() -> Skeleton:
    """The canonical skeleton: the default body model's rest joints, stored in core/assets."""
    return Skeleton.from_json(DEFAULT_SKELETON_FILE)
