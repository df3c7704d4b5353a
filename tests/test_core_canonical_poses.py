"""The canonical poses mean what their names say (checked on joints after ground placement)."""
import pytest
import torch

from core.canonical_poses import CANONICAL_POSE_NAMES, canonical_pose, canonical_poses, pose_from_angles
from core.kinematics import joint_positions
from core.placement import place_on_ground
from core.rotations import axis_angle_to_matrix
from core.skeleton import JOINT_INDEX


def joints_of(name):
    joints = joint_positions(place_on_ground(canonical_pose(name)))[0]
    return {joint: joints[index] for joint, index in JOINT_INDEX.items()}


def test_all_eight_are_listed():
    names, poses = canonical_poses()
    assert names == list(CANONICAL_POSE_NAMES) and poses.batch_size == 8
    assert set(names) == {"T-pose", "A-pose", "sitting", "squatting", "lying on back", "arms up", "lunge", "kneeling"}


def test_t_and_a_pose_arms():
    t, a = joints_of("T-pose"), joints_of("A-pose")
    assert abs(t["left_wrist"][1] - t["left_shoulder"][1]) < 0.01
    drop = a["left_shoulder"][1] - a["left_wrist"][1]
    reach = a["left_wrist"][0] - a["left_shoulder"][0]
    assert drop == pytest.approx(reach, rel=0.1)  # 45 degrees down
    assert a["right_wrist"][0] < a["right_shoulder"][0] and a["right_wrist"][1] < a["right_shoulder"][1]


def test_sitting_has_horizontal_thighs_forward_and_vertical_shins():
    j = joints_of("sitting")
    for side in ("left", "right"):
        thigh = j[f"{side}_knee"] - j[f"{side}_hip"]
        shin = j[f"{side}_ankle"] - j[f"{side}_knee"]
        assert thigh[2] > 0.3 and abs(thigh[1]) < 0.02
        assert shin[1] < -0.35 and abs(shin[2]) < 0.05
    assert 0.35 < j["pelvis"][1] < 0.6  # chair height


def test_squatting_hips_low_and_heels_down():
    j = joints_of("squatting")
    assert j["pelvis"][1] < 0.45 and j["pelvis"][1] < j["left_knee"][1] + 0.05
    assert abs(j["left_ankle"][1] - 0.07) < 0.03 and j["left_knee"][2] > j["left_ankle"][2]


def test_lying_on_back_is_horizontal_face_up():
    j = joints_of("lying on back")
    assert abs(j["head"][1] - j["left_ankle"][1]) < 0.1
    assert j["head"][2] < j["pelvis"][2] - 0.4 and j["left_ankle"][2] > j["pelvis"][2] + 0.6
    facing = axis_angle_to_matrix(canonical_pose("lying on back").global_orient[0]) @ torch.tensor([0.0, 0.0, 1.0])
    assert facing[1] > 0.99  # the body's front points up


def test_arms_up_hands_above_head():
    j = joints_of("arms up")
    assert j["left_hand"][1] > j["head"][1] + 0.4 and j["right_hand"][1] > j["head"][1] + 0.4


def test_lunge_left_leg_forward_right_knee_low():
    j = joints_of("lunge")
    assert j["left_knee"][2] > j["pelvis"][2] + 0.3 and j["right_knee"][2] < j["pelvis"][2] - 0.1
    assert j["right_knee"][1] < 0.2 and abs(j["left_knee"][1] - j["left_hip"][1]) < 0.08


def test_kneeling_knees_on_floor_torso_upright():
    j = joints_of("kneeling")
    assert j["left_knee"][1] < 0.07 and j["right_knee"][1] < 0.07
    assert j["left_ankle"][2] < j["left_knee"][2] - 0.3
    assert abs(j["neck"][2] - j["pelvis"][2]) < 0.05


def test_pose_from_angles_rejects_unknown_joints():
    with pytest.raises(ValueError, match="unknown joint names: left_tail"):
        pose_from_angles({"left_tail": (0, 0, 0)})
    with pytest.raises(KeyError, match="unknown canonical pose 'dab'"):
        canonical_pose("dab")
    assert torch.equal(pose_from_angles({}).full, torch.zeros(1, 24, 3))
