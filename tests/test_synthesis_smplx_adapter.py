"""SMPL-X (SMPLest-X-style) parameters -> SMPL poses: joints, hands, frames, and errors on fixtures."""
import math

import numpy as np
import pytest
import torch

from core.kinematics import joint_positions
from core.pose import Pose
from core.rotations import axis_angle_to_matrix
from synthesis.smplx_adapter import SmplxInputError, load_smplx_file, smplx_to_smpl


def smplx_fixture(batch=1, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "global_orient": np.tile([math.pi, 0.0, 0.0], (batch, 1)),  # upright person in the camera frame
        "body_pose": rng.normal(0, 0.3, (batch, 21, 3)),
        "left_hand_pose": np.tile([0.0, 0.0, 0.6], (batch, 15)),
        "right_hand_pose": rng.normal(0, 0.05, (batch, 45)),
        "jaw_pose": np.zeros((batch, 3)),
        "betas": rng.normal(0, 1, (batch, 10)),
        "transl": np.tile([0.1, 0.2, 3.0], (batch, 1)),
    }


def test_body_joints_copied_and_knuckles_give_the_hand_joint():
    params = smplx_fixture()
    pose = smplx_to_smpl(params)
    assert torch.allclose(pose.body_pose[0, :21], torch.tensor(params["body_pose"][0], dtype=torch.float32))
    # every left finger joint is bent 0.6 rad about z, so the knuckle mean is the same rotation
    assert torch.allclose(pose.body_pose[0, 21], torch.tensor([0.0, 0.0, 0.6]), atol=1e-5)
    assert pose.betas.shape == (1, 10)
    assert smplx_to_smpl(params, hands="zero").body_pose[0, 21:].abs().max() == 0


def test_camera_frame_person_becomes_upright_and_facing_plus_z():
    pose = smplx_to_smpl({"global_orient": [math.pi, 0, 0], "body_pose": np.zeros(63)})
    assert torch.allclose(axis_angle_to_matrix(pose.global_orient[0]), torch.eye(3), atol=1e-6)
    joints = joint_positions(Pose(pose.global_orient, pose.body_pose))[0]
    assert joints[15, 1] > joints[0, 1] + 0.3  # head above pelvis: y up
    z_up = smplx_to_smpl({"global_orient": [math.pi / 2, 0, 0], "body_pose": np.zeros(63)}, frame="z_up")
    assert torch.allclose(axis_angle_to_matrix(z_up.global_orient[0]), torch.eye(3), atol=1e-6)


def test_smplest_x_key_names_and_npz_batches(tmp_path):
    params = smplx_fixture(batch=2)
    renamed = {"smplx_root_pose": params["global_orient"], "smplx_body_pose": params["body_pose"].reshape(2, 63),
               "smplx_lhand_pose": params["left_hand_pose"], "smplx_rhand_pose": params["right_hand_pose"],
               "smplx_jaw_pose": params["jaw_pose"], "smplx_shape": params["betas"], "cam_trans": params["transl"]}
    np.savez(tmp_path / "out.npz", **renamed)
    pose = load_smplx_file(tmp_path / "out.npz")
    assert pose.batch_size == 2
    assert torch.allclose(pose.body_pose, smplx_to_smpl(params).body_pose, atol=1e-6)
    assert torch.allclose(pose.transl[0], torch.tensor([0.1, -0.2, -3.0]), atol=1e-6)


@pytest.mark.parametrize("change, message", [
    (lambda p: p.pop("body_pose"), "missing field 'body_pose'"),
    (lambda p: p.__setitem__("left_hand_pose", np.zeros(12)), "'left_hand_pose' has 12 values"),
    (lambda p: p.__setitem__("body_pose", np.full(63, np.nan)), "record 0: field 'body_pose' holds NaN"),
])
def test_bad_input_names_file_and_field(tmp_path, change, message):
    params = smplx_fixture()
    change(params)
    np.savez(tmp_path / "bad.npz", **params)
    with pytest.raises(SmplxInputError, match=message) as info:
        load_smplx_file(tmp_path / "bad.npz")
    assert "bad.npz" in str(info.value)


ESTIMATOR_SCRIPT = """
import sys, numpy as np
image, output = sys.argv[1], sys.argv[2]
assert open(image, 'rb').read().startswith(b'\\x89PNG')
body = np.zeros((2, 63)); body[:, 3 * 3 + 0] = 1.2  # left knee (joint 4) bent, two people found
np.savez(output, smplx_root_pose=np.tile([3.14159265, 0, 0], (2, 1)), smplx_body_pose=body,
         smplx_lhand_pose=np.zeros((2, 45)), smplx_rhand_pose=np.zeros((2, 45)), cam_trans=np.zeros((2, 3)))
"""


def test_command_estimator_runs_the_tool_and_converts_its_output(tmp_path):
    import sys
    from synthesis.pose_sources import CommandEstimatorPose, EstimationError
    from synthesis.work_items import WorkItem
    script = tmp_path / "estimate.py"
    script.write_text(ESTIMATOR_SCRIPT)
    item = WorkItem("k", "Sports", "kicking", "v", "Generate the pose of kicking", "train", "generated")
    source = CommandEstimatorPose(command=[sys.executable, str(script), "{image}", "{output}"])
    pose, flags = source.pose(item, b"\x89PNG...", seed=0)
    assert pose.batch_size == 1 and float(pose.body_pose[0, 3, 0]) == pytest.approx(1.2)
    assert pose.transl is not None and flags == ["estimator: 2 people found, the first was used"]
    failing = CommandEstimatorPose(command=[sys.executable, "-c", "import sys; sys.exit('no person')"])
    with pytest.raises(EstimationError, match="k: estimator .* exited 1 .*no person"):
        failing.pose(item, b"\x89PNG", 0)
