"""Rotation conversions between axis-angle, rotation matrices and the continuous 6D form (via roma).

6D form: the first two columns of the rotation matrix, concatenated column by column
(r00, r10, r20, r01, r11, r21), as in Zhou et al. 2019.
"""
from __future__ import annotations

import roma
import torch


def axis_angle_to_matrix(rotvec: torch.Tensor) -> torch.Tensor:
    """(..., 3) axis-angle -> (..., 3, 3) rotation matrices."""
    return roma.rotvec_to_rotmat(rotvec)


def matrix_to_axis_angle(matrix: torch.Tensor) -> torch.Tensor:
    """(..., 3, 3) rotation matrices -> (..., 3) axis-angle with angle in [0, pi]."""
    return roma.rotmat_to_rotvec(matrix)


def matrix_to_6d(matrix: torch.Tensor) -> torch.Tensor:
    """(..., 3, 3) rotation matrices -> (..., 6) first two columns."""
    return matrix[..., :, :2].transpose(-1, -2).reshape(*matrix.shape[:-2], 6)


def sixd_to_matrix(sixd: torch.Tensor) -> torch.Tensor:
    """(..., 6) possibly unnormalised 6D vectors -> (..., 3, 3) rotation matrices (Gram-Schmidt)."""
    columns = sixd.reshape(*sixd.shape[:-1], 2, 3).transpose(-1, -2)
    return roma.special_gramschmidt(columns)


def axis_angle_to_6d(rotvec: torch.Tensor) -> torch.Tensor:
    """(..., 3) axis-angle -> (..., 6)."""
    return matrix_to_6d(axis_angle_to_matrix(rotvec))


def sixd_to_axis_angle(sixd: torch.Tensor) -> torch.Tensor:
    """(..., 6) -> (..., 3) axis-angle."""
    return matrix_to_axis_angle(sixd_to_matrix(sixd))


def euler_to_axis_angle(convention: str, angles_deg: torch.Tensor) -> torch.Tensor:
    """Intrinsic Euler angles in degrees (e.g. convention "XYZ") -> (..., 3) axis-angle."""
    return roma.euler_to_rotvec(convention, angles_deg, degrees=True)


def rotation_between(source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """(..., 3, 3) smallest rotation turning direction ``source`` (..., 3) onto direction ``target`` (..., 3).

    Opposite directions have no unique smallest rotation; they raise ``ValueError``.
    """
    source = source / source.norm(dim=-1, keepdim=True)
    target = target / target.norm(dim=-1, keepdim=True)
    axis = torch.linalg.cross(source, target, dim=-1)
    sin, cos = axis.norm(dim=-1, keepdim=True), (source * target).sum(-1, keepdim=True)
    if ((sin < 1e-8) & (cos < 0)).any():
        raise ValueError("rotation_between: source and target point in opposite directions")
    return roma.rotvec_to_rotmat(axis / sin.clamp_min(1e-12) * torch.atan2(sin, cos))


def twist_angle(matrix: torch.Tensor, axis: torch.Tensor) -> torch.Tensor:
    """(...,) angle of the twist of rotations (..., 3, 3) about unit axes (..., 3) in a swing-twist decomposition.

    ``matrix = swing @ twist`` with ``twist`` a rotation about ``axis`` and ``swing`` about an axis orthogonal to it.
    """
    quat = roma.rotmat_to_unitquat(matrix)  # XYZW
    along = (quat[..., :3] * axis.to(quat)).sum(-1)
    return 2.0 * torch.atan2(along, quat[..., 3])


def axis_rotation(axis: torch.Tensor, angle: torch.Tensor) -> torch.Tensor:
    """(..., 3, 3) rotations by ``angle`` (...,) radians about unit axes (..., 3) (broadcast)."""
    return roma.rotvec_to_rotmat(angle.unsqueeze(-1) * axis.to(angle))
