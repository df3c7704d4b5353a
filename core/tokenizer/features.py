"""Pose <-> VQ-VAE features: 6D rotations of the root and the 21 body joints (SMPL's two hand joints are zero)."""
from __future__ import annotations

import torch

from core.pose import Pose
from core.rotations import axis_angle_to_6d, sixd_to_axis_angle
from core.skeleton import NUM_JOINTS

TOKENIZED_JOINTS = 22
"""Root + 21 body joints; SMPL joints 22 and 23 (hands) carry no information in body-only data."""


def pose_to_sixd(pose: Pose) -> torch.Tensor:
    """(B, 22, 6) 6D rotations of joints 0..21 of a pose."""
    return axis_angle_to_6d(pose.full[:, :TOKENIZED_JOINTS])


def sixd_to_pose(sixd: torch.Tensor) -> Pose:
    """Pose from (B, 22, 6) 6D rotations; the hand joints are set to zero rotation."""
    if sixd.ndim != 3 or tuple(sixd.shape[1:]) != (TOKENIZED_JOINTS, 6):
        raise ValueError(f"expected 6D rotations of shape (B, {TOKENIZED_JOINTS}, 6), got {tuple(sixd.shape)}")
    axis_angle = sixd_to_axis_angle(sixd)
    hands = axis_angle.new_zeros(sixd.shape[0], NUM_JOINTS - TOKENIZED_JOINTS, 3)
    return Pose.from_full(torch.cat([axis_angle, hands], dim=1))
