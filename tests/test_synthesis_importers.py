"""AMASS + PoseScript + BABEL importers on small fixtures written in the datasets' own formats."""
import json
import math

import numpy as np
import pytest
from scipy.spatial.transform import Rotation
import torch

from core.rotations import axis_angle_to_matrix
from synthesis.importers.align import build_triplets
from synthesis.importers.errors import DatasetFormatError

SEQ_A = "CMU/01/01_01_poses.npz"
SEQ_B = "BioMotionLab_NTroje/rub001/0001_treadmill_norm_poses.npz"


def write_amass(path, frames, framerate=120.0):
    poses = np.zeros((frames, 156), np.float32)
    # upright in AMASS's z-up world (x rotated by 90 degrees), turning about the vertical z axis over time
    turns = Rotation.from_euler("z", np.linspace(0, 1.0, frames)[:, None]) * Rotation.from_euler("x", math.pi / 2)
    poses[:, :3] = turns.as_rotvec()
    poses[:, 3 * 18 + 2] = np.linspace(0, -1.5, frames)  # left elbow bending over time
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, poses=poses, trans=np.zeros((frames, 3), np.float32), betas=np.zeros(16, np.float32),
             gender=np.array("neutral"), mocap_framerate=np.array(framerate))


@pytest.fixture
def dataset(tmp_path):
    amass = tmp_path / "amass"
    write_amass(amass / SEQ_A, 240)
    write_amass(amass / SEQ_B, 120, framerate=60.0)
    ps = tmp_path / "posescript"
    ps.mkdir()
    id_map = {"0": ["AMASS", SEQ_A, 30], "1": ["AMASS", SEQ_A, 200], "2": ["AMASS", SEQ_B, 60],
              "3": ["AMASS", SEQ_A, 40], "4": ["AMASS", "DanceDB/x/y_poses.npz", 5]}
    (ps / "ids_2_dataset_sequence_and_frame_index_100k.json").write_text(json.dumps(id_map))
    (ps / "posescript_human_6293.json").write_text(json.dumps({"1": "The person raises the left arm."}))
    (ps / "posescript_auto_100k.json").write_text(json.dumps({
        "0": ["The left elbow is slightly bent.", "Left elbow a bit bent."],
        "1": ["auto one"], "2": ["The person walks."], "3": ["A duplicate wave."], "4": ["no babel"]}))
    babel = tmp_path / "babel"
    babel.mkdir()
    (babel / "train.json").write_text(json.dumps({
        "7": {"babel_sid": 7, "url": "u", "feat_p": "CMU/" + SEQ_A, "dur": 2.0,
              "seq_ann": {"labels": [{"raw_label": "wave", "proc_label": "wave", "act_cat": ["gesture"],
                                      "seg_id": "s"}]},
              "frame_ann": {"labels": [
                  {"raw_label": "waving hand", "proc_label": "wave", "act_cat": ["gesture"], "seg_id": "a",
                   "start_t": 0.0, "end_t": 1.0},
                  {"raw_label": "transition", "proc_label": "transition", "act_cat": ["transition"],
                   "seg_id": "b", "start_t": 0.9, "end_t": 1.2},
                  {"raw_label": "raise left arm", "proc_label": "raise arm", "act_cat": ["arm movements"],
                   "seg_id": "c", "start_t": 1.2, "end_t": 2.0}]}},
        "8": {"babel_sid": 8, "url": "u", "feat_p": "BMLrub/" + SEQ_B, "dur": 2.0,
              "seq_ann": {"labels": [{"raw_label": "walking", "proc_label": "walk", "act_cat": ["walk"],
                                      "seg_id": "d"}]},
              "frame_ann": None}}))
    return {"amass": amass, "id_map": ps / "ids_2_dataset_sequence_and_frame_index_100k.json",
            "captions": [ps / "posescript_human_6293.json", ps / "posescript_auto_100k.json"],
            "babel": [babel / "train.json"]}


def build(d, **kwargs):
    return build_triplets(d["amass"], d["id_map"], d["captions"], d["babel"], **kwargs)


def test_aligns_by_frame_index_and_dedupes_by_action(dataset):
    triplets = build(dataset)
    by_action = {t.action: t for t in triplets}
    # id 0 (frame 30 / 120 fps = 0.25 s) -> wave; id 3 is a second "wave" pose and is dropped;
    # id 1 (200 / 120 = 1.67 s) -> raise arm with its human caption first; id 2: sequence-level "walk";
    # id 4 has no BABEL sequence.
    assert sorted(by_action) == ["raise arm", "walk", "wave"]
    assert by_action["wave"].variant == "posescript 0"
    assert by_action["wave"].detailed_raw == "The left elbow is slightly bent."
    assert by_action["raise arm"].detailed_raw == "The person raises the left arm."
    assert by_action["wave"].abstract_prompt == "Generate the pose of wave"
    assert by_action["walk"].category == "walk" and by_action["walk"].source == "amass-posescript-babel"
    assert len(build(dataset, dedupe=False)) == 4


def test_pose_is_the_frame_in_project_axes(dataset):
    wave = next(t for t in build(dataset) if t.action == "wave")
    assert torch.allclose(wave.pose.body_pose[0, 17, 2], torch.tensor(-1.5 * 30 / 239), atol=1e-5)
    # z-up AMASS root (turned about z) becomes upright in y-up, facing +z
    assert torch.allclose(axis_angle_to_matrix(wave.pose.global_orient[0]), torch.eye(3), atol=1e-5)


def test_malformed_inputs_name_file_record_and_field(dataset, tmp_path):
    dataset["id_map"].write_text(json.dumps({"0": ["AMASS", SEQ_A, "thirty"]}))
    with pytest.raises(DatasetFormatError, match=r"ids_2.*record '0': field 'frame_index'"):
        build(dataset)
    dataset["id_map"].write_text(json.dumps({"0": ["AMASS", SEQ_A, 30]}))
    dataset["captions"] = [dataset["captions"][1]]
    with pytest.raises(DatasetFormatError, match=r"posescript_auto_100k.json: record '1' is not in"):
        build(dataset)
    bad_babel = tmp_path / "val.json"
    bad_babel.write_text(json.dumps({"9": {"feat_p": "CMU/x.npz", "dur": 1.0, "seq_ann": None,
                                           "frame_ann": {"labels": [{"proc_label": "kick", "start_t": 0.5}]}}}))
    dataset["babel"] = [bad_babel]
    dataset["captions"] = [tmp_path / "one.json"]
    dataset["captions"][0].write_text(json.dumps({"0": "A caption."}))
    with pytest.raises(DatasetFormatError, match=r"val.json: record '9': frame_ann.labels\[0\]: field 'end_t'"):
        build(dataset)


def test_amass_file_without_framerate_is_named(dataset):
    path = dataset["amass"] / SEQ_A
    np.savez(path, poses=np.zeros((300, 156), np.float32), trans=np.zeros((300, 3), np.float32))
    with pytest.raises(DatasetFormatError, match=r"01_01_poses.npz: missing field\(s\) mocap_framerate"):
        from synthesis.importers.amass import load_amass
        load_amass.cache_clear()
        build(dataset)
