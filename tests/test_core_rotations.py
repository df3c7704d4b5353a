"""Rotation conversions and the helpers used by retargeting."""
import math

import pytest
import torch

from core.rotations import (axis_angle_to_6d, axis_angle_to_matrix, axis_rotation, euler_to_axis_angle,
                            matrix_to_axis_angle, rotation_between, sixd_to_axis_angle, twist_angle)


def test_axis_angle_matrix_and_6d_round_trips():
    rotvec = torch.randn(100, 3, generator=torch.Generator().manual_seed(0))
    rotvec = rotvec / rotvec.norm(dim=-1, keepdim=True) * torch.rand(100, 1) * 3.0  # angles below pi
    torch.testing.assert_close(matrix_to_axis_angle(axis_angle_to_matrix(rotvec)), rotvec, atol=1e-5, rtol=0)
    torch.testing.assert_close(sixd_to_axis_angle(axis_angle_to_6d(rotvec)), rotvec, atol=1e-5, rtol=0)


def test_hand_computed_rotation_and_euler():
    quarter_z = axis_angle_to_matrix(torch.tensor([0.0, 0.0, math.pi / 2]))
    torch.testing.assert_close(quarter_z @ torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 1.0, 0.0]), atol=1e-6, rtol=0)
    torch.testing.assert_close(euler_to_axis_angle("XYZ", torch.tensor([90.0, 0.0, 0.0])),
                               torch.tensor([math.pi / 2, 0.0, 0.0]), atol=1e-6, rtol=0)


def test_rotation_between_turns_source_onto_target():
    source, target = torch.tensor([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0]]), torch.tensor([[0.0, 0.0, 2.0], [1.0, 0.0, 0.0]])
    rotation = rotation_between(source, target)
    torch.testing.assert_close(rotation[0] @ source[0], torch.tensor([0.0, 0.0, 1.0]), atol=1e-6, rtol=0)
    torch.testing.assert_close(rotation[1], torch.eye(3), atol=1e-6, rtol=0)
    with pytest.raises(ValueError, match="opposite"):
        rotation_between(torch.tensor([1.0, 0.0, 0.0]), torch.tensor([-1.0, 0.0, 0.0]))


def test_twist_angle_of_swing_times_twist():
    axis = torch.tensor([1.0, 0.0, 0.0])
    swing = axis_angle_to_matrix(torch.tensor([0.0, 0.4, -0.3]))  # axis orthogonal to x
    twist = axis_rotation(axis, torch.tensor(0.7))
    assert twist_angle(swing @ twist, axis).item() == pytest.approx(0.7, abs=1e-5)
    assert twist_angle(swing, axis).item() == pytest.approx(0.0, abs=1e-6)
