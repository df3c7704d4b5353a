"""Anatomical sign conventions of the spec language, checked on forward-kinematics joint positions."""
import pytest
import torch

from core.kinematics import joint_positions
from core.mirror import mirror_pose
from core.posespec import solve_spec
from core.skeleton import JOINT_INDEX as J


def joints_of(spec: dict) -> torch.Tensor:
    return joint_positions(solve_spec(spec))[0]


def direction(j: torch.Tensor, a: str, b: str) -> torch.Tensor:
    v = j[J[b]] - j[J[a]]
    return v / v.norm()


def test_empty_spec_stands_with_arms_hanging_on_the_ground():
    j = joints_of({})
    assert direction(j, "left_shoulder", "left_wrist")[1] < -0.99
    assert direction(j, "right_shoulder", "right_wrist")[1] < -0.99
    assert j[J["head"], 1] > 1.3 and 0.0 < j[J["left_ankle"], 1] < 0.12


@pytest.mark.parametrize("side", ["left", "right"])
def test_shoulder_flexion_90_points_the_arm_forward_at_shoulder_height(side):
    j = joints_of({f"{side}_shoulder": {"flexion": 90}})
    d = direction(j, f"{side}_shoulder", f"{side}_wrist")
    assert d[2] > 0.99
    assert abs(j[J[f"{side}_wrist"], 1] - j[J[f"{side}_shoulder"], 1]) < 0.05


@pytest.mark.parametrize("side,sign", [("left", 1), ("right", -1)])
def test_shoulder_abduction_90_is_a_t_pose_arm_and_180_is_overhead(side, sign):
    d = direction(joints_of({f"{side}_shoulder": {"abduction": 90}}), f"{side}_shoulder", f"{side}_wrist")
    assert d[0] * sign > 0.99
    d = direction(joints_of({f"{side}_shoulder": {"abduction": 180}}), f"{side}_shoulder", f"{side}_wrist")
    assert d[1] > 0.99


@pytest.mark.parametrize("side", ["left", "right"])
def test_elbow_flexion_brings_the_hanging_forearm_forward(side):
    d = direction(joints_of({f"{side}_elbow": 90}), f"{side}_elbow", f"{side}_wrist")
    assert d[2] > 0.99


@pytest.mark.parametrize("side", ["left", "right"])
def test_hip_flexion_brings_the_thigh_forward_and_knee_flexion_the_shin_back(side):
    j = joints_of({f"{side}_hip": {"flexion": 90}})
    assert direction(j, f"{side}_hip", f"{side}_knee")[2] > 0.99
    j = joints_of({f"{side}_knee": {"flexion": 90}})
    assert direction(j, f"{side}_knee", f"{side}_ankle")[2] < -0.99


@pytest.mark.parametrize("side,sign", [("left", 1), ("right", -1)])
def test_hip_abduction_moves_the_leg_out_to_its_own_side(side, sign):
    d = direction(joints_of({f"{side}_hip": {"abduction": 40}}), f"{side}_hip", f"{side}_knee")
    assert d[0] * sign > 0.6


@pytest.mark.parametrize("side,sign", [("left", 1), ("right", -1)])
def test_internal_rotation_turns_a_bent_forearm_towards_the_belly(side, sign):
    j = joints_of({f"{side}_elbow": 90, f"{side}_shoulder": {"internal_rotation": 60}})
    d = direction(j, f"{side}_elbow", f"{side}_wrist")
    assert d[0] * sign < -0.8  # towards the midline


def test_spine_neck_and_whole_body_directions():
    j = joints_of({"spine": {"flexion": 60}})
    assert direction(j, "spine1", "neck")[2] > 0.6
    j = joints_of({"spine": {"side_bend": 40}})
    assert direction(j, "spine1", "neck")[0] > 0.4  # towards the body's left (+x)
    j = joints_of({"spine": {"twist": 45}})
    assert (j[J["right_shoulder"]] - j[J["left_shoulder"]])[2] > 0.2  # chest turns left: right shoulder forward
    j = joints_of({"neck": {"flexion": 45}})
    assert direction(j, "neck", "head")[2] > 0.5
    j = joints_of({"body": {"facing": 90}, "left_shoulder": {"flexion": 90}})
    assert direction(j, "left_shoulder", "left_wrist")[0] > 0.99  # facing +x


@pytest.mark.parametrize("lying,axis,sign", [("back", "front", 1), ("front", "front", -1),
                                             ("left_side", "left", -1), ("right_side", "left", 1)])
def test_lying_puts_the_named_side_down(lying, axis, sign):
    j = joints_of({"body": {"lying": lying}})
    assert abs(direction(j, "pelvis", "neck")[1]) < 0.1  # torso horizontal
    left = j[J["left_hip"]] - j[J["right_hip"]]
    front = torch.linalg.cross(left, j[J["neck"]] - j[J["pelvis"]])
    v = {"front": front, "left": left}[axis]
    assert (v / v.norm())[1] * sign > 0.95  # back: front faces up; front: down; left_side: left side down


def test_upside_down_and_hip_hinge():
    j = joints_of({"body": {"upside_down": True}})
    assert j[J["head"], 1] < j[J["pelvis"], 1] < j[J["left_ankle"], 1]
    j = joints_of({"body": {"hip_hinge": 90}})
    assert direction(j, "pelvis", "neck")[2] > 0.95  # torso forward, horizontal
    assert direction(j, "left_hip", "left_knee")[1] < -0.99  # legs still vertical


def test_mirrored_spec_words_give_the_mirrored_pose():
    left = solve_spec({"left_shoulder": {"flexion": 50, "abduction": 30, "internal_rotation": 20},
                       "left_hip": {"flexion": 30, "abduction": 10}, "left_knee": 40, "spine": {"twist": 20}})
    right = solve_spec({"right_shoulder": {"flexion": 50, "abduction": 30, "internal_rotation": 20},
                        "right_hip": {"flexion": 30, "abduction": 10}, "right_knee": 40, "spine": {"twist": -20}})
    assert torch.allclose(joint_positions(mirror_pose(left))[0], joint_positions(right)[0], atol=1e-4)
