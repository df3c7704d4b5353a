"""The committed canonical skeleton is the Anny body model's T-posed rest skeleton."""
import torch

from core.body import load_body_model
from core.skeleton import JOINT_INDEX, MIRROR_PERMUTATION, default_skeleton


def test_asset_matches_anny_rest_skeleton():
    anny_skeleton = load_body_model("anny").skeleton()
    torch.testing.assert_close(default_skeleton().rest_joints, anny_skeleton.rest_joints, atol=2e-6, rtol=0)


def test_asset_is_a_symmetric_t_pose_with_pelvis_at_origin():
    joints = default_skeleton().rest_joints
    assert torch.equal(joints[0], torch.zeros(3))
    mirrored = joints[list(MIRROR_PERMUTATION)] * torch.tensor([-1.0, 1.0, 1.0])
    torch.testing.assert_close(joints, mirrored, atol=1e-6, rtol=0)
    # Arms stretched sideways along +x (left) at shoulder height.
    arm = joints[[JOINT_INDEX[n] for n in ("left_shoulder", "left_elbow", "left_wrist", "left_hand")]]
    assert (arm[1:, 0] > arm[:-1, 0] + 0.05).all()
    torch.testing.assert_close(arm[:, 1:], arm[:1, 1:].expand(4, 2), atol=1e-4, rtol=0)
    # Head above neck above pelvis above knees above ankles; a standing adult 1.4-2 m tall.
    height = [joints[JOINT_INDEX[n], 1] for n in ("head", "neck", "pelvis", "left_knee", "left_ankle")]
    assert all(a > b for a, b in zip(height, height[1:]))
    assert 1.2 < float(height[0] - height[-1]) < 1.8
