"""Anatomical angles -> SMPL local rotations, batched and differentiable (used directly and inside IK).

A pose is a vector of degrees of freedom (one entry per (group, angle) of the vocabulary, radians). Each joint's
local rotation is ``exp(swing) @ exp(twist) @ neutral``: ``swing`` is the axis-angle sum of its non-twist angles
(so flexion and abduction combine into one swing of sqrt(f^2 + a^2) degrees towards forward*f + outward*a),
``twist`` turns the limb about its own neutral axis first, and ``neutral`` is the anatomical zero (the SMPL rest
pose is a T-pose; the shoulders' neutral lowers the arms to hang at the sides).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from core.posespec.vocabulary import GROUPS, side_axis, smpl_joint
from core.rotations import axis_angle_to_matrix
from core.skeleton import JOINT_INDEX, NUM_JOINTS


@dataclass(frozen=True)
class Dof:
    """One degree of freedom: a (group, angle) pair and its limits in degrees."""

    group: str
    angle: str
    limits: tuple[float, float]

    @property
    def key(self) -> str:
        return f"{self.group}.{self.angle}"


def _build():
    dofs, swing, twist = [], [], []
    for group in GROUPS.values():
        for angle in group.angles:
            s = torch.zeros(NUM_JOINTS, 3)
            t = torch.zeros(NUM_JOINTS, 3)
            axis = torch.tensor(side_axis(group, angle.axis))
            for target, share in angle.targets:
                (t if angle.twist else s)[smpl_joint(group, target)] += share * axis
            dofs.append(Dof(group.key, angle.name, angle.limits))
            swing.append(s)
            twist.append(t)
    return tuple(dofs), torch.stack(swing), torch.stack(twist)


DOFS, _SWING_MAP, _TWIST_MAP = _build()
DOF_INDEX: dict[str, int] = {d.key: i for i, d in enumerate(DOFS)}
DOF_JOINTS: tuple[set[int], ...] = tuple(
    set(((_SWING_MAP[i] != 0) | (_TWIST_MAP[i] != 0)).any(dim=-1).nonzero().flatten().tolist()) for i in range(len(DOFS)))
"""The SMPL joints each DOF rotates."""
LIMITS_RAD = torch.tensor([d.limits for d in DOFS]) * (math.pi / 180)


def _neutral() -> torch.Tensor:
    rotvecs = torch.zeros(NUM_JOINTS, 3)
    rotvecs[JOINT_INDEX["left_shoulder"], 2] = -math.pi / 2
    rotvecs[JOINT_INDEX["right_shoulder"], 2] = math.pi / 2
    return axis_angle_to_matrix(rotvecs)


NEUTRAL = _neutral()
"""(24, 3, 3) local rotations of the anatomical zero pose (arms hanging, everything else as in the rest pose)."""


def local_rotations(dof_values: torch.Tensor) -> torch.Tensor:
    """(B, D) radians -> (B, 24, 3, 3) local rotations; the root (index 0) is the identity."""
    swing = torch.einsum("bd,djk->bjk", dof_values, _SWING_MAP.to(dof_values))
    twist = torch.einsum("bd,djk->bjk", dof_values, _TWIST_MAP.to(dof_values))
    return axis_angle_to_matrix(swing) @ axis_angle_to_matrix(twist) @ NEUTRAL.to(dof_values)
