"""Placing a posed body on the ground plane y = 0."""
from __future__ import annotations

import torch

from core.kinematics import joint_positions
from core.pose import Pose
from core.skeleton import JOINT_NAMES, Skeleton

# Approximate distance from each joint centre to the body surface below it (metres), so that a body placed
# from joints alone rests on its skin, not on its bones: ankles stand ~7 cm above the sole, the pelvis
# lies ~10 cm above the floor when lying down, and so on.
SURFACE_RADIUS = torch.tensor([
    {"pelvis": 0.10, "spine1": 0.10, "spine2": 0.10, "spine3": 0.10, "neck": 0.06, "head": 0.10,
     "left_hip": 0.09, "right_hip": 0.09, "left_knee": 0.05, "right_knee": 0.05,
     "left_ankle": 0.07, "right_ankle": 0.07, "left_foot": 0.03, "right_foot": 0.03,
     "left_collar": 0.07, "right_collar": 0.07, "left_shoulder": 0.05, "right_shoulder": 0.05,
     "left_elbow": 0.04, "right_elbow": 0.04, "left_wrist": 0.03, "right_wrist": 0.03,
     "left_hand": 0.02, "right_hand": 0.02}[name]
    for name in JOINT_NAMES
])


def ground_offset(joints: torch.Tensor) -> torch.Tensor:
    """(B,) height of the lowest body surface point estimated from (B, 24, 3) joints."""
    return (joints[..., 1] - SURFACE_RADIUS.to(joints)).min(dim=-1).values


def place_on_ground(pose: Pose, skeleton: Skeleton | None = None, centre: bool = True) -> Pose:
    """Set ``transl`` so the body rests on y = 0 and, if ``centre``, the pelvis is above the origin."""
    base = pose.with_transl(None)
    joints = joint_positions(base, skeleton)
    transl = torch.zeros(pose.batch_size, 3, dtype=joints.dtype)
    transl[:, 1] = -ground_offset(joints)
    if centre:
        transl[:, 0] = -joints[:, 0, 0]
        transl[:, 2] = -joints[:, 0, 2]
    return pose.with_transl(transl)
