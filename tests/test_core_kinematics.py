"""Forward kinematics against hand-computed cases, mirroring, and ground placement."""
import math

import pytest
import torch

from core.canonical_poses import canonical_poses
from core.kinematics import forward_kinematics_full, joint_positions
from core.mirror import mirror_joints, mirror_pose, swap_sides_in_text
from core.placement import ground_offset, place_on_ground
from core.pose import Pose
from core.skeleton import JOINT_INDEX, Skeleton, default_skeleton

L_SHOULDER, L_ELBOW, L_WRIST, L_HIP = (JOINT_INDEX[n] for n in ("left_shoulder", "left_elbow", "left_wrist", "left_hip"))


@pytest.fixture()
def simple_skeleton():
    """The canonical skeleton with the left arm and hip moved to round numbers."""
    joints = default_skeleton().rest_joints.clone()
    joints[L_SHOULDER] = torch.tensor([0.2, 0.4, 0.0])
    joints[L_ELBOW] = torch.tensor([0.5, 0.4, 0.0])
    joints[L_WRIST] = torch.tensor([0.75, 0.4, 0.0])
    joints[L_HIP] = torch.tensor([0.1, -0.1, 0.0])
    return Skeleton(joints, "test")


def _pose(**rotvecs):
    full = torch.zeros(1, 24, 3)
    for name, value in rotvecs.items():
        full[0, JOINT_INDEX[name]] = torch.tensor(value)
    return Pose.from_full(full)


def test_zero_pose_gives_rest_joints_plus_transl():
    pose = Pose.zeros(2).with_transl(torch.tensor([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]]))
    joints = joint_positions(pose)
    rest = default_skeleton().rest_joints
    torch.testing.assert_close(joints[0], rest)
    torch.testing.assert_close(joints[1], rest + torch.tensor([1.0, 2.0, 3.0]))


def test_raising_the_left_arm_by_hand(simple_skeleton):
    # Shoulder +90 deg about z turns the arm from +x to +y; elbow -90 deg about its local y then points the
    # forearm to +z (forward): wrist = elbow + Rz(90) Ry(-90) (0.25, 0, 0) = elbow + (0, 0, 0.25).
    pose = _pose(left_shoulder=[0.0, 0.0, math.pi / 2], left_elbow=[0.0, -math.pi / 2, 0.0])
    joints = joint_positions(pose, simple_skeleton)[0]
    torch.testing.assert_close(joints[L_ELBOW], torch.tensor([0.2, 0.7, 0.0]), atol=1e-6, rtol=0)
    torch.testing.assert_close(joints[L_WRIST], torch.tensor([0.2, 0.7, 0.25]), atol=1e-6, rtol=0)


def test_root_rotation_turns_the_body_about_the_pelvis(simple_skeleton):
    pose = _pose(pelvis=[0.0, math.pi, 0.0]).with_transl(torch.tensor([[0.0, 1.0, 0.0]]))
    joints = joint_positions(pose, simple_skeleton)[0]
    torch.testing.assert_close(joints[L_HIP], torch.tensor([-0.1, 0.9, 0.0]), atol=1e-6, rtol=0)
    torch.testing.assert_close(joints[L_WRIST], torch.tensor([-0.75, 1.4, 0.0]), atol=1e-6, rtol=0)


def test_global_rotations_compose_down_the_chain():
    pose = _pose(left_shoulder=[0.0, 0.0, 0.5], left_elbow=[0.0, 0.0, 0.25])
    def about_z(angle):
        c, s = math.cos(angle), math.sin(angle)
        return torch.tensor([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])

    rotations = torch.eye(3).repeat(1, 24, 1, 1)
    rotations[0, L_SHOULDER], rotations[0, L_ELBOW] = about_z(0.5), about_z(0.25)
    joints, global_rot = forward_kinematics_full(rotations)
    torch.testing.assert_close(joints, joint_positions(pose), atol=1e-6, rtol=0)
    torch.testing.assert_close(global_rot[0, L_WRIST], about_z(0.75), atol=1e-6, rtol=0)


def test_fk_is_differentiable():
    body_pose = torch.zeros(1, 23, 3, requires_grad=True)
    joint_positions(Pose(torch.zeros(1, 3), body_pose))[0, L_WRIST, 1].backward()
    assert body_pose.grad[0, L_SHOULDER - 1, 2] > 0  # raising the arm (about +z) lifts the wrist


def test_mirror_is_an_involution_and_mirrors_joints():
    g = torch.Generator().manual_seed(0)
    pose = Pose.from_params(torch.randn(8, 3, generator=g), torch.randn(8, 69, generator=g) * 0.5,
                            transl=torch.randn(8, 3, generator=g))
    twice = mirror_pose(mirror_pose(pose))
    torch.testing.assert_close(twice.full, pose.full)
    torch.testing.assert_close(twice.transl, pose.transl)
    torch.testing.assert_close(joint_positions(mirror_pose(pose)), mirror_joints(joint_positions(pose)), atol=1e-5, rtol=0)


def test_mirroring_swaps_a_raised_arm():
    raised_left = _pose(left_shoulder=[0.0, 0.0, 1.2])
    mirrored = mirror_pose(raised_left)
    right = JOINT_INDEX["right_shoulder"]
    torch.testing.assert_close(mirrored.full[0, right], torch.tensor([0.0, 0.0, -1.2]))
    assert mirrored.full[0, L_SHOULDER].abs().max() == 0


def test_swap_sides_in_text_keeps_case_and_whole_words():
    text = "Left hand on the right knee; LEFT foot forward, leftover weight on the rightmost toe."
    assert swap_sides_in_text(text) == "Right hand on the left knee; RIGHT foot forward, leftover weight on the rightmost toe."


def test_place_on_ground_rests_every_canonical_pose_on_the_floor():
    _, poses = canonical_poses()
    placed = place_on_ground(poses)
    joints = joint_positions(placed)
    torch.testing.assert_close(ground_offset(joints), torch.zeros(poses.batch_size), atol=1e-5, rtol=0)
    torch.testing.assert_close(joints[:, 0, [0, 2]], torch.zeros(poses.batch_size, 2), atol=1e-5, rtol=0)
