"""AMASS motion files (.npz with ``poses``, ``trans``, ``betas``, ``mocap_framerate``) -> single-frame SMPL poses.

AMASS stores SMPL-H (156 values per frame) or SMPL-X (165) parameters in a z-up world. A frame becomes an SMPL
pose in project axes: the 22 body joints are kept (hand joints become zero, see core.pose_io.load_npz), the root
is turned to y-up and its heading removed so the body faces +z (captions describe the body, not the room).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from core.pose import Pose
from core.pose_io import PoseFileError, load_npz
from core.rotations import axis_angle_to_matrix, matrix_to_axis_angle
from synthesis.importers.errors import DatasetFormatError

REQUIRED_KEYS = ("poses", "trans", "mocap_framerate")
Z_UP_TO_Y_UP = axis_angle_to_matrix(torch.tensor([-math.pi / 2, 0.0, 0.0]))


@dataclass(frozen=True)
class AmassSequence:
    """One AMASS file: all frames as a pose batch (project axes) and the capture frame rate."""

    path: Path
    poses: Pose
    framerate: float

    def frame(self, index: int) -> Pose:
        """The pose at a frame index; the error names the file and the index."""
        if not 0 <= index < self.poses.batch_size:
            raise DatasetFormatError(f"{self.path}: frame {index} out of range (0..{self.poses.batch_size - 1})")
        return self.poses[index]


def face_forward(pose: Pose) -> Pose:
    """Rotate about the vertical axis so the pelvis faces +z; keeps tilt (lying, leaning) intact."""
    root = axis_angle_to_matrix(pose.global_orient)
    forward = root[:, :, 2]
    yaw = torch.atan2(forward[:, 0], forward[:, 2])
    undo = axis_angle_to_matrix(torch.stack([torch.zeros_like(yaw), -yaw, torch.zeros_like(yaw)], dim=-1))
    return Pose(matrix_to_axis_angle(undo @ root), pose.body_pose, None, pose.betas)


def z_up_to_project(pose: Pose) -> Pose:
    """An AMASS (z-up) root rotation in the project's y-up axes, facing +z."""
    root = Z_UP_TO_Y_UP.to(pose.global_orient) @ axis_angle_to_matrix(pose.global_orient)
    return face_forward(Pose(matrix_to_axis_angle(root), pose.body_pose, None, pose.betas))


@lru_cache(maxsize=32)
def load_amass(path: str | Path) -> AmassSequence:
    """Read and convert one AMASS .npz; the error names the file and the missing or bad field."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [key for key in REQUIRED_KEYS if key not in data.files]
            framerate = float(data["mocap_framerate"]) if "mocap_framerate" in data.files else None
    except (OSError, ValueError) as exc:
        raise DatasetFormatError(f"{path}: not a readable AMASS .npz ({exc})") from exc
    if missing:
        raise DatasetFormatError(f"{path}: missing field(s) {', '.join(missing)}")
    if not framerate or framerate <= 0:
        raise DatasetFormatError(f"{path}: field 'mocap_framerate' must be a positive number, got {framerate}")
    try:
        poses = load_npz(path)
    except PoseFileError as exc:
        raise DatasetFormatError(str(exc)) from exc
    return AmassSequence(path, z_up_to_project(poses), framerate)
