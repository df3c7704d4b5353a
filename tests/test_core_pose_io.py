"""Pose files: AMASS/smplx .npz and the smpl-pose/v1 JSON form, round trips and bad-input errors."""
import json

import numpy as np
import pytest
import torch

from core.pose import Pose
from core.pose_io import (PoseFileError, load_json, load_npz, pose_from_json_dict, pose_to_json_dict, save_json,
                          save_npz)


@pytest.fixture()
def pose():
    g = torch.Generator().manual_seed(1)
    return Pose.from_params(torch.randn(3, 3, generator=g), torch.randn(3, 69, generator=g),
                            transl=torch.randn(3, 3, generator=g), betas=torch.randn(3, 10, generator=g))


def test_npz_round_trip_with_amass_keys(pose, tmp_path):
    path = tmp_path / "poses.npz"
    save_npz(path, pose)
    with np.load(path) as data:
        assert data["root_orient"].shape == (3, 3) and data["pose_body"].shape == (3, 63)
        assert data["pose_hand"].shape == (3, 6) and data["poses"].shape == (3, 72)
        assert data["trans"].shape == (3, 3) and str(data["gender"]) == "neutral"
    loaded = load_npz(path)
    for field in ("global_orient", "body_pose", "transl", "betas"):
        torch.testing.assert_close(getattr(loaded, field), getattr(pose, field))


def test_reads_amass_smplh_156_and_root_orient_files(tmp_path):
    g = np.random.default_rng(0)
    poses = g.normal(size=(4, 156)).astype(np.float32)
    np.savez(tmp_path / "amass.npz", poses=poses, trans=np.zeros((4, 3)), betas=np.ones(16), gender="female",
             mocap_framerate=120.0)
    loaded = load_npz(tmp_path / "amass.npz")
    assert loaded.batch_size == 4 and loaded.betas.shape == (4, 16)
    np.testing.assert_allclose(loaded.full.reshape(4, 72)[:, :66].numpy(), poses[:, :66])
    assert loaded.full[:, 22:].abs().max() == 0  # SMPL-H finger joints are not SMPL hand joints
    np.savez(tmp_path / "split.npz", root_orient=poses[:, :3], pose_body=poses[:, 3:66], pose_hand=poses[:, 66:])
    torch.testing.assert_close(load_npz(tmp_path / "split.npz").full, loaded.full)
    np.savez(tmp_path / "smplx.npz", global_orient=poses[:, :3], body_pose=poses[:, 3:66])
    torch.testing.assert_close(load_npz(tmp_path / "smplx.npz").full, loaded.full)


@pytest.mark.parametrize("arrays, message", [
    ({"trans": np.zeros((1, 3))}, "no pose found; expected 'poses'"),
    ({"poses": np.zeros((2, 70))}, "'poses' has 70 values per frame"),
    ({"root_orient": np.zeros((2, 3)), "pose_body": np.zeros((2, 60))}, "'pose_body' has 60 values"),
    ({"root_orient": np.zeros((2, 3)), "pose_body": np.zeros((3, 63))}, "do not fit together"),
    ({"poses": np.zeros((2, 72)), "trans": np.zeros((3, 3))}, r"'trans' has shape \(3, 3\)"),
    ({"poses": np.full((1, 72), np.nan)}, "global_orient: contains NaN"),
])
def test_bad_npz_files_name_the_file_and_field(tmp_path, arrays, message):
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(PoseFileError, match=message) as err:
        load_npz(path)
    assert str(path) in str(err.value)


def test_unreadable_npz(tmp_path):
    path = tmp_path / "text.npz"
    path.write_text("hello")
    with pytest.raises(PoseFileError, match="not a readable .npz"):
        load_npz(path)


def test_json_round_trip_and_documented_form(pose, tmp_path):
    path = tmp_path / "poses.json"
    save_json(path, pose)
    payload = json.loads(path.read_text())
    assert payload["format"] == "smpl-pose/v1" and len(payload["poses"]) == 3
    assert len(payload["poses"][0]["body_pose"]) == 23 and len(payload["poses"][0]["transl"]) == 3
    loaded = load_json(path)
    for field in ("global_orient", "body_pose", "transl", "betas"):
        torch.testing.assert_close(getattr(loaded, field), getattr(pose, field))
    bare = pose_from_json_dict(pose_to_json_dict(pose.with_transl(None)))
    assert bare.transl is None


@pytest.mark.parametrize("payload, message", [
    ({"poses": []}, 'expected an object with "format"'),
    ({"format": "smpl-pose/v1", "poses": []}, "'poses' must be a non-empty list"),
    ({"format": "smpl-pose/v1", "poses": [{"global_orient": [0, 0, 0]}]}, "pose 0 is missing body_pose"),
    ({"format": "smpl-pose/v1", "poses": [[0, 0, 0]]}, "pose 0 must be an object"),
    ({"format": "smpl-pose/v1", "poses": [{"global_orient": [0, 0, 0], "body_pose": [0] * 69},
                                          {"global_orient": [0, 0], "body_pose": [0] * 69}]},
     "pose 1: global_orient must have shape"),
])
def test_bad_json_names_the_pose_and_field(payload, message):
    with pytest.raises(PoseFileError, match=message):
        pose_from_json_dict(payload, "input.json")


def test_unreadable_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(PoseFileError, match="broken.json: not readable JSON"):
        load_json(path)
