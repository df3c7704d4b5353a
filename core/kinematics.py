"""Forward kinematics of the SMPL tree on a rest skeleton."""
from __future__ import annotations

import torch

from core.pose import Pose
from core.rotations import axis_angle_to_matrix
from core.skeleton import PARENTS, Skeleton, default_skeleton


def forward_kinematics_full(
    rotations: torch.Tensor, skeleton: Skeleton | None = None, transl: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Joint positions (B, 24, 3) and global rotations (B, 24, 3, 3) from local rotation matrices (B, 24, 3, 3).

    The root joint sits at the skeleton's pelvis position plus ``transl``.
    """
    skeleton = skeleton or default_skeleton()
    offsets = skeleton.offsets.to(rotations)
    global_rot = [rotations[:, 0]]
    positions = [offsets[0].expand(rotations.shape[0], 3)]
    for joint in range(1, len(PARENTS)):
        parent = PARENTS[joint]
        global_rot.append(global_rot[parent] @ rotations[:, joint])
        positions.append(positions[parent] + global_rot[parent] @ offsets[joint])
    joints = torch.stack(positions, dim=1)
    if transl is not None:
        joints = joints + transl.unsqueeze(1)
    return joints, torch.stack(global_rot, dim=1)


def joint_positions(pose: Pose, skeleton: Skeleton | None = None) -> torch.Tensor:
    """(B, 24, 3) joint positions of a pose; includes ``pose.transl`` when set."""
    rotations = axis_angle_to_matrix(pose.full)
    return forward_kinematics_full(rotations, skeleton, pose.transl)[0]
