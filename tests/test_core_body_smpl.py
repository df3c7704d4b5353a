"""SMPL backend through smplx, on a synthetic SMPL-format model file built here (no licensed files needed)."""
import pickle

import numpy as np
import pytest
import torch

from core.body import BodyModelError, load_body_model
from core.body.smpl_model import SMPL_DIR_ENV, SmplBody
from core.kinematics import forward_kinematics_full, joint_positions
from core.pose import Pose
from core.rotations import axis_angle_to_matrix
from core.skeleton import NUM_JOINTS, PARENTS, default_skeleton

NUM_VERTICES = 6890  # smplx reads extra keypoints at fixed SMPL vertex ids, so the count must match SMPL


def write_synthetic_smpl(path, seed=0):
    """A valid SMPL_NEUTRAL.pkl: vertices in clusters around the canonical joints, each cluster skinned rigidly
    to its joint, joints regressed as cluster means; random shape directions, zero pose correctives."""
    rng = np.random.default_rng(seed)
    owner = np.arange(NUM_VERTICES) % NUM_JOINTS
    joints = default_skeleton().rest_joints.numpy().astype(np.float64)
    offsets = rng.normal(scale=0.02, size=(NUM_VERTICES, 3))
    for j in range(NUM_JOINTS):
        offsets[owner == j] -= offsets[owner == j].mean(0)
    v_template = joints[owner] + np.array([0.0, 0.25, 0.0]) + offsets  # SMPL's pelvis is not at the origin
    regressor = np.zeros((NUM_JOINTS, NUM_VERTICES))
    regressor[owner, np.arange(NUM_VERTICES)] = 1.0 / np.bincount(owner)[owner]
    weights = np.zeros((NUM_VERTICES, NUM_JOINTS))
    weights[np.arange(NUM_VERTICES), owner] = 1.0
    parents = np.array([2**32 - 1, *PARENTS[1:]], dtype=np.int64)
    data = {
        "v_template": v_template, "J_regressor": regressor, "weights": weights,
        "shapedirs": rng.normal(scale=0.01, size=(NUM_VERTICES, 3, 10)),
        "posedirs": np.zeros((NUM_VERTICES, 3, 207), dtype=np.float32),
        "kintree_table": np.stack([parents, np.arange(NUM_JOINTS)]),
        "f": rng.integers(0, NUM_VERTICES, size=(2000, 3)),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        pickle.dump(data, handle)
    return owner


@pytest.fixture(scope="module")
def smpl_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("smpl_models")
    owner = write_synthetic_smpl(directory / "smpl" / "SMPL_NEUTRAL.pkl")
    return directory, owner


@pytest.fixture(scope="module")
def smpl(smpl_dir):
    return load_body_model("smpl", model_dir=smpl_dir[0])


def _random_pose(batch, seed, transl=True):
    g = torch.Generator().manual_seed(seed)
    return Pose.from_params(torch.randn(batch, 3, generator=g) * 0.5, torch.randn(batch, 69, generator=g) * 0.4,
                            transl=torch.randn(batch, 3, generator=g) if transl else None)


def test_skeleton_is_the_model_rest_joints_pelvis_at_origin(smpl):
    torch.testing.assert_close(smpl.skeleton().rest_joints, default_skeleton().rest_joints, atol=1e-5, rtol=0)
    assert smpl.name == "smpl" and smpl.faces.shape == (2000, 3) and smpl.faces.dtype == np.int64


def test_joints_agree_with_core_forward_kinematics_and_transl(smpl):
    pose = _random_pose(5, seed=1)
    output = smpl.forward(pose)
    assert output.vertices.shape == (5, NUM_VERTICES, 3) and output.joints.shape == (5, 24, 3)
    torch.testing.assert_close(output.joints, joint_positions(pose, smpl.skeleton()), atol=1e-4, rtol=0)
    torch.testing.assert_close(output.joints[:, 0], pose.transl, atol=1e-5, rtol=0)


def test_vertices_follow_their_joint_rigidly(smpl, smpl_dir):
    owner = torch.from_numpy(smpl_dir[1])
    pose = _random_pose(2, seed=2, transl=False)
    output = smpl.forward(pose)
    _, global_rot = forward_kinematics_full(axis_angle_to_matrix(pose.full), smpl.skeleton())
    rest = smpl.forward(Pose.zeros(1)).vertices[0]
    rest_joints = smpl.skeleton().rest_joints
    expected = torch.einsum("bvij,vj->bvi", global_rot[:, owner], rest - rest_joints[owner]) + output.joints[:, owner]
    torch.testing.assert_close(output.vertices, expected, atol=1e-4, rtol=0)


def test_betas_change_the_shape(smpl):
    pose = Pose.zeros(1)
    shaped = Pose(pose.global_orient, pose.body_pose, betas=torch.full((1, 10), 2.0))
    assert (smpl.forward(shaped).vertices - smpl.forward(pose).vertices).abs().max() > 1e-3


def test_env_var_selects_directory(smpl_dir, monkeypatch):
    monkeypatch.setenv(SMPL_DIR_ENV, str(smpl_dir[0]))
    assert isinstance(load_body_model("smpl"), SmplBody)


def test_missing_file_error_names_file_places_and_source(tmp_path, monkeypatch):
    with pytest.raises(BodyModelError) as err:
        load_body_model("smpl", model_dir=tmp_path, gender="female")
    message = str(err.value)
    assert "SMPL_FEMALE.pkl" in message and str(tmp_path / "smpl" / "SMPL_FEMALE.pkl") in message
    assert "https://smpl.is.tue.mpg.de" in message
    monkeypatch.delenv(SMPL_DIR_ENV, raising=False)
    with pytest.raises(BodyModelError, match=f"SMPL_NEUTRAL.pkl.*{SMPL_DIR_ENV}"):
        load_body_model("smpl")


def test_unusable_file_and_unknown_names_are_reported(tmp_path):
    (tmp_path / "SMPL_NEUTRAL.pkl").write_bytes(b"not a pickle")
    with pytest.raises(BodyModelError, match="cannot load .*SMPL_NEUTRAL.pkl"):
        load_body_model("smpl", model_dir=tmp_path)
    with pytest.raises(BodyModelError, match="unknown gender"):
        load_body_model("smpl", model_dir=tmp_path, gender="other")
    with pytest.raises(BodyModelError, match="unknown body model 'star'"):
        load_body_model("star")
