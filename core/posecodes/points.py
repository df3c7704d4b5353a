"""Named body points: the 24 SMPL joints plus virtual points (hand tips, head top, chest, torso centre, limb
midpoints) computed from joint positions alone, batched and differentiable.

Shared by the captioner (posecodes) and the pose spec solver (goals).
"""
from __future__ import annotations

import torch

from core.skeleton import JOINT_INDEX, JOINT_NAMES

_J = JOINT_INDEX


def unit(v: torch.Tensor) -> torch.Tensor:
    """``v`` scaled to unit length along its last axis (zero vectors stay near zero)."""
    return v / v.norm(dim=-1, keepdim=True).clamp_min(1e-8)


def torso_frame(joints: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(left, up, forward) unit vectors (B, 3) of the torso, from the hips, shoulders, pelvis and neck."""
    across = (joints[:, _J["left_hip"]] - joints[:, _J["right_hip"]]
              + joints[:, _J["left_shoulder"]] - joints[:, _J["right_shoulder"]])
    up = unit(joints[:, _J["neck"]] - joints[:, _J["pelvis"]])
    forward = unit(torch.cross(across, up, dim=-1))
    left = torch.cross(up, forward, dim=-1)
    return left, up, forward


def _mid(a: str, b: str):
    return lambda j, f: (j[:, _J[a]] + j[:, _J[b]]) / 2


def _tip(side: str):
    return lambda j, f: j[:, _J[f"{side}_hand"]] + 0.9 * (j[:, _J[f"{side}_hand"]] - j[:, _J[f"{side}_wrist"]])


VIRTUAL_POINTS = {
    "left_hand_tip": _tip("left"),
    "right_hand_tip": _tip("right"),
    "head_top": lambda j, f: j[:, _J["head"]] + 0.14 * unit(j[:, _J["head"]] - j[:, _J["neck"]]),
    "face": lambda j, f: j[:, _J["head"]] + 0.09 * f[2] + 0.03 * f[1],
    "chest": lambda j, f: j[:, _J["spine3"]] + 0.11 * f[2],
    "belly": lambda j, f: j[:, _J["spine1"]] + 0.13 * f[2],
    "back": lambda j, f: j[:, _J["spine2"]] - 0.11 * f[2],
    "torso_centre": lambda j, f: j[:, [_J["pelvis"], _J["spine1"], _J["spine2"], _J["spine3"]]].mean(dim=1),
    **{f"{side}_upper_arm_mid": _mid(f"{side}_shoulder", f"{side}_elbow") for side in ("left", "right")},
    **{f"{side}_forearm_mid": _mid(f"{side}_elbow", f"{side}_wrist") for side in ("left", "right")},
    **{f"{side}_thigh_mid": _mid(f"{side}_hip", f"{side}_knee") for side in ("left", "right")},
    **{f"{side}_shin_mid": _mid(f"{side}_knee", f"{side}_ankle") for side in ("left", "right")},
}
"""Virtual point name -> function(joints (B, 24, 3), torso frame) -> (B, 3)."""

POINT_NAMES: tuple[str, ...] = (*JOINT_NAMES, *VIRTUAL_POINTS)

ANCHOR_JOINT = {
    **{name: name for name in JOINT_NAMES},
    "left_hand_tip": "left_hand", "right_hand_tip": "right_hand", "head_top": "head", "face": "head",
    "chest": "spine3", "belly": "spine1", "back": "spine2", "torso_centre": "spine3",
    **{f"{side}_{limb}_mid": f"{side}_{joint}" for side in ("left", "right")
       for limb, joint in (("upper_arm", "elbow"), ("forearm", "wrist"), ("thigh", "knee"), ("shin", "ankle"))},
}
"""The deepest SMPL joint whose motion moves each named point."""

# Approximate body thickness at each virtual point (metres), so contact tests measure skin to skin.
VIRTUAL_SURFACE_RADIUS = {
    "left_hand_tip": 0.01, "right_hand_tip": 0.01, "head_top": 0.01, "face": 0.01, "chest": 0.01, "belly": 0.01,
    "back": 0.01, "torso_centre": 0.12, "left_upper_arm_mid": 0.05, "right_upper_arm_mid": 0.05,
    "left_forearm_mid": 0.04, "right_forearm_mid": 0.04, "left_thigh_mid": 0.08, "right_thigh_mid": 0.08,
    "left_shin_mid": 0.05, "right_shin_mid": 0.05,
}


def body_points(joints: torch.Tensor, names: tuple[str, ...] | list[str] = POINT_NAMES) -> torch.Tensor:
    """(B, len(names), 3) positions of the named points for (B, 24, 3) joints."""
    frame = torso_frame(joints)
    columns = []
    for name in names:
        if name in _J:
            columns.append(joints[:, _J[name]])
        elif name in VIRTUAL_POINTS:
            columns.append(VIRTUAL_POINTS[name](joints, frame))
        else:
            raise KeyError(f"unknown body point {name!r}; known points: {', '.join(POINT_NAMES)}")
    return torch.stack(columns, dim=1)
