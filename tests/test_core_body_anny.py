"""The Anny backend: SMPL rotations retargeted onto Anny's bones agree with FK on the canonical skeleton."""
import numpy as np
import pytest
import torch

from core.body import BodyModelError, load_body_model
from core.body.anny_rig import bone_driver
from core.canonical_poses import canonical_poses
from core.kinematics import joint_positions
from core.mirror import mirror_pose
from core.pose import Pose
from core.skeleton import JOINT_INDEX, default_skeleton

SEGMENTS = {
    "upper arm": [("left_shoulder", "left_elbow"), ("right_shoulder", "right_elbow")],
    "forearm": [("left_elbow", "left_wrist"), ("right_elbow", "right_wrist")],
    "thigh": [("left_hip", "left_knee"), ("right_hip", "right_knee")],
    "shin": [("left_knee", "left_ankle"), ("right_knee", "right_ankle")],
    "spine": [("pelvis", "spine1"), ("spine1", "spine2"), ("spine2", "spine3"), ("spine3", "neck")],
    "neck": [("neck", "head")],
}


@pytest.fixture(scope="module")
def anny():
    return load_body_model("anny")


def varied_poses() -> Pose:
    """8 canonical poses, their mirrors, and 16 random poses with joint angles up to ~70 degrees."""
    _, canonical = canonical_poses()
    g = torch.Generator().manual_seed(7)
    random = Pose.from_params(torch.randn(16, 3, generator=g), (torch.rand(16, 69, generator=g) - 0.5) * 2.4)
    return Pose.cat([canonical, mirror_pose(canonical), random])


def segment_cosines(joints_a, joints_b, pairs):
    ia = [JOINT_INDEX[a] for a, _ in pairs]
    ib = [JOINT_INDEX[b] for _, b in pairs]
    da, db = joints_a[:, ib] - joints_a[:, ia], joints_b[:, ib] - joints_b[:, ia]
    return torch.nn.functional.cosine_similarity(da, db, dim=-1)


def test_retargeted_segments_follow_canonical_fk(anny):
    poses = varied_poses()
    assert poses.batch_size >= 20
    anny_joints = anny.forward(poses).joints
    fk_joints = joint_positions(poses, default_skeleton())
    for name, pairs in SEGMENTS.items():
        worst = segment_cosines(anny_joints, fk_joints, pairs).min().item()
        assert worst >= 0.98, f"{name}: worst cosine {worst:.4f}"
    # The mapped bone heads coincide with the FK joints (twist is applied about each bone's own axis).
    assert (anny_joints - fk_joints).norm(dim=-1).max() < 1e-3


def test_mesh_follows_the_arm(anny):
    """Hand vertices of the posed mesh lie near the FK wrist, wherever the arm is turned."""
    g = torch.Generator().manual_seed(3)
    poses = Pose.from_params(torch.zeros(4, 3), (torch.rand(4, 69, generator=g) - 0.5) * 2.0)
    rest = anny.forward(Pose.zeros(1)).vertices[0]
    wrist = default_skeleton().rest_joints[JOINT_INDEX["left_wrist"]]
    near_wrist = (rest - wrist).norm(dim=-1) < 0.03
    assert near_wrist.sum() > 10
    posed = anny.forward(poses).vertices[:, near_wrist].mean(1)
    fk_wrist = joint_positions(poses)[:, JOINT_INDEX["left_wrist"]]
    assert (posed - fk_wrist).norm(dim=-1).max() < 0.03


def test_output_shapes_transl_and_faces(anny):
    pose = Pose.zeros(2).with_transl(torch.tensor([[0.0, 1.0, 0.0], [0.5, 0.9, -2.0]]))
    output = anny.forward(pose)
    assert output.vertices.shape == (2, 13718, 3) and output.joints.shape == (2, 24, 3)
    torch.testing.assert_close(output.joints[:, 0], pose.transl)
    torch.testing.assert_close(output.vertices[1] - output.vertices[0], torch.tensor([0.5, -0.1, -2.0]).expand(13718, 3),
                               atol=1e-5, rtol=0)
    faces = anny.faces
    assert faces.ndim == 2 and faces.shape[1] == 3 and faces.dtype == np.int64
    assert faces.min() == 0 and faces.max() == 13717


def test_rest_mesh_is_upright_facing_front(anny):
    vertices = anny.forward(Pose.zeros(1)).vertices[0]
    extent = vertices.max(0).values - vertices.min(0).values
    assert 1.5 < extent[0] < 1.8  # T-pose arm span
    assert 1.5 < extent[1] < 1.8  # height
    assert extent[2] < 0.4
    nose_region = vertices[vertices[:, 1] > 0.6]  # head: the nose points to +z
    assert nose_region[:, 2].max() > -nose_region[:, 2].min() + 0.03


def test_model_is_cached_per_process_and_options_checked(anny):
    assert load_body_model() is anny
    with pytest.raises(BodyModelError, match="bad phenotype"):
        load_body_model("anny", phenotype={"wingspan": 0.5})


def test_every_bone_has_a_driver_and_unknown_bones_are_rejected(anny):
    assert len(anny.rig.labels) == 104
    assert bone_driver("finger1-2.L") == ("left_wrist", None)
    assert bone_driver("toe3-1.R") == ("right_foot", None)
    twist = bone_driver("lowerarm02.R")[1]
    assert (twist.source, twist.fraction) == ("right_wrist", 0.5)
    with pytest.raises(ValueError, match="tail.L"):
        bone_driver("tail.L")
