"""Left/right mirroring of poses: swap the sides and reflect across the body's sagittal plane (x -> -x)."""
from __future__ import annotations

import re

import torch

from core.pose import Pose
from core.skeleton import MIRROR_PERMUTATION

# Reflecting x negates the y and z components of an axis-angle vector (R -> M R M, M = diag(-1, 1, 1)).
_AXIS_ANGLE_REFLECTION = torch.tensor([1.0, -1.0, -1.0])
_POSITION_REFLECTION = torch.tensor([-1.0, 1.0, 1.0])


def mirror_pose(pose: Pose) -> Pose:
    """The mirror image of a pose; ``mirror_pose(mirror_pose(p))`` equals ``p``."""
    full = pose.full[:, list(MIRROR_PERMUTATION)] * _AXIS_ANGLE_REFLECTION.to(pose.global_orient)
    transl = None if pose.transl is None else pose.transl * _POSITION_REFLECTION.to(pose.transl)
    return Pose(full[:, 0], full[:, 1:], transl, pose.betas)


def mirror_joints(joints: torch.Tensor) -> torch.Tensor:
    """Mirror (..., 24, 3) joint positions: swap sides and negate x."""
    return joints[..., list(MIRROR_PERMUTATION), :] * _POSITION_REFLECTION.to(joints)


_SIDE_WORDS = {"left": "right", "right": "left", "Left": "Right", "Right": "Left", "LEFT": "RIGHT", "RIGHT": "LEFT"}


def swap_sides_in_text(text: str) -> str:
    """Swap the words left and right (keeping case) in a description of a mirrored pose ("right angle" stays)."""
    return re.sub(r"\b(left|right|Left|Right|LEFT|RIGHT)\b(?![\s-]+angles?\b)", lambda m: _SIDE_WORDS[m.group(1)], text)
