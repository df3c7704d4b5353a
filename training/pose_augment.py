"""Pose augmentation for tokenizer training: body-part mixing between poses, joint noise and heading jitter."""
from __future__ import annotations

import torch

from core.rotations import axis_angle_to_matrix, matrix_to_axis_angle

BODY_PARTS: dict[str, tuple[int, ...]] = {
    "left_arm": (13, 16, 18, 20, 22),
    "right_arm": (14, 17, 19, 21, 23),
    "left_leg": (1, 4, 7, 10),
    "right_leg": (2, 5, 8, 11),
    "spine": (3, 6, 9, 12, 15),
}


def augment_poses(full: torch.Tensor, generator: torch.Generator, mix_prob: float = 0.5,
                  noise_std: float = 0.08, yaw_range: float = 0.5) -> torch.Tensor:
    """New (B, 24, 3) axis-angle poses from a batch.

    Each body part is, with ``mix_prob``, copied from another pose of the batch; every joint gets Gaussian
    axis-angle noise of ``noise_std`` radians (composed as a rotation); the root turns about the vertical axis
    by up to ``yaw_range`` radians.
    """
    batch = full.shape[0]
    out = full.clone()
    for joints in BODY_PARTS.values():
        donors = torch.randint(0, batch, (batch,), generator=generator)
        take = torch.rand(batch, generator=generator) < mix_prob
        rows = take.nonzero().squeeze(1).unsqueeze(1)
        out[rows, torch.tensor(joints)] = full[donors[take]][:, list(joints)]
    noise = torch.randn(out.shape, generator=generator) * noise_std
    rot = axis_angle_to_matrix(noise) @ axis_angle_to_matrix(out)
    yaw = (torch.rand(batch, generator=generator) * 2 - 1) * yaw_range
    yaw_vec = torch.zeros(batch, 3)
    yaw_vec[:, 1] = yaw
    rot[:, 0] = axis_angle_to_matrix(yaw_vec) @ rot[:, 0]
    return matrix_to_axis_angle(rot)
