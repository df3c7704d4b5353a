"""Eight canonical reference poses (T-pose, A-pose, sitting, squatting, lying on back, arms up, lunge,
kneeling) written as joint rotations, for pictures, tests and sanity checks.

Joint angles are intrinsic XYZ Euler angles in degrees in the project frame (x: body's left, y: up, z: front).
Handy signs: hip flexion (thigh forward) is -x, knee flexion +x, ankle plantar flexion (toes down) +x, spine
forward bend +x; lowering the left arm from the T-pose is -z at the left shoulder (+z for the right); bending
the left elbow forward is -y (+y for the right).
"""
from __future__ import annotations

import torch

from core.pose import Pose
from core.rotations import euler_to_axis_angle
from core.skeleton import JOINT_INDEX, NUM_JOINTS

# Arms hanging relaxed at the sides.
_ARMS_DOWN = {"left_shoulder": (0, 0, -70), "right_shoulder": (0, 0, 70)}

CANONICAL_POSE_ANGLES: dict[str, dict[str, tuple[float, float, float]]] = {
    "T-pose": {},
    "A-pose": {"left_shoulder": (0, 0, -45), "right_shoulder": (0, 0, 45)},
    "sitting": {
        # The rest thighs lean ~5 degrees forward, so 85 degrees of hip flexion makes them horizontal.
        "left_hip": (-85, 0, 0), "right_hip": (-85, 0, 0), "left_knee": (85, 0, 0), "right_knee": (85, 0, 0),
        **_ARMS_DOWN, "left_elbow": (0, -55, 0), "right_elbow": (0, 55, 0),
    },
    "squatting": {
        "left_hip": (-115, 0, -8), "right_hip": (-115, 0, 8), "left_knee": (135, 0, 0), "right_knee": (135, 0, 0),
        "left_ankle": (-20, 0, 0), "right_ankle": (-20, 0, 0), "spine1": (20, 0, 0), "spine2": (10, 0, 0),
        "left_shoulder": (0, -80, -10), "right_shoulder": (0, 80, 10),
    },
    "lying on back": {"pelvis": (-90, 0, 0), **_ARMS_DOWN},
    "arms up": {
        "left_collar": (0, 0, 15), "right_collar": (0, 0, -15),
        "left_shoulder": (0, 0, 70), "right_shoulder": (0, 0, -70),
    },
    "lunge": {
        "left_hip": (-85, 0, 0), "left_knee": (85, 0, 0), "right_hip": (25, 0, 0), "right_knee": (75, 0, 0),
        "right_ankle": (-20, 0, 0), **_ARMS_DOWN,
    },
    "kneeling": {
        "left_knee": (90, 0, 0), "right_knee": (90, 0, 0), "left_ankle": (80, 0, 0), "right_ankle": (80, 0, 0),
        **_ARMS_DOWN,
    },
}
CANONICAL_POSE_NAMES: tuple[str, ...] = tuple(CANONICAL_POSE_ANGLES)


def pose_from_angles(angles: dict[str, tuple[float, float, float]]) -> Pose:
    """A single pose from {joint name: intrinsic XYZ Euler angles in degrees}; other joints stay at zero."""
    unknown = sorted(set(angles) - set(JOINT_INDEX))
    if unknown:
        raise ValueError(f"unknown joint names: {', '.join(unknown)}")
    full = torch.zeros(NUM_JOINTS, 3)
    for joint, degrees in angles.items():
        full[JOINT_INDEX[joint]] = euler_to_axis_angle("XYZ", torch.tensor(degrees, dtype=torch.float32))
    return Pose.from_full(full.unsqueeze(0))


def canonical_pose(name: str) -> Pose:
    """One canonical pose by name (see ``CANONICAL_POSE_NAMES``), batch of one, without translation."""
    if name not in CANONICAL_POSE_ANGLES:
        raise KeyError(f"unknown canonical pose {name!r}; choose from {', '.join(CANONICAL_POSE_NAMES)}")
    return pose_from_angles(CANONICAL_POSE_ANGLES[name])


def canonical_poses() -> tuple[list[str], Pose]:
    """All canonical poses as (names, batch)."""
    return list(CANONICAL_POSE_NAMES), Pose.cat([canonical_pose(name) for name in CANONICAL_POSE_NAMES])
