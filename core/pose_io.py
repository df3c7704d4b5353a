"""Reading and writing poses in the keys smplx and AMASS use (.npz), and in a documented JSON form.

NPZ (written): ``root_orient`` (N, 3), ``pose_body`` (N, 63: joints 1-21), ``pose_hand`` (N, 6: SMPL's two
hand joints 22-23), ``poses`` (N, 72: the whole SMPL vector, root first), ``trans`` (N, 3) and ``betas`` when
known, plus ``gender`` and ``mocap_framerate`` like AMASS. NPZ (read): ``poses`` of 72 (SMPL), 156 (SMPL-H,
AMASS) or 165 (SMPL-X) values, or ``root_orient`` + ``pose_body`` (+ ``pose_hand``), or smplx-style
``global_orient`` + ``body_pose``. Only the 22 body joints are read from SMPL-H/SMPL-X; their hand joints
(which are finger joints there) become zero.

JSON: ``{"format": "smpl-pose/v1", "poses": [{"global_orient": [3], "body_pose": [[3] x 23],
"transl": [3] (optional), "betas": [n] (optional)}, ...]}``, angles in radians, metres.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from core.pose import Pose, PoseError

JSON_FORMAT = "smpl-pose/v1"


class PoseFileError(PoseError):
    """A pose file is missing fields or holds values of the wrong shape."""


def save_npz(path: str | Path, pose: Pose, gender: str = "neutral", framerate: float = 30.0) -> None:
    """Write a pose batch in AMASS/smplx keys."""
    full = pose.full.detach().cpu().numpy().reshape(pose.batch_size, -1).astype(np.float32)
    arrays = {
        "root_orient": full[:, :3], "pose_body": full[:, 3:66], "pose_hand": full[:, 66:72], "poses": full,
        "gender": np.array(gender), "mocap_framerate": np.array(framerate),
    }
    if pose.transl is not None:
        arrays["trans"] = pose.transl.detach().cpu().numpy().astype(np.float32)
    if pose.betas is not None:
        arrays["betas"] = pose.betas.detach().cpu().numpy().astype(np.float32)
    np.savez(path, **arrays)


def _body_from_npz(path: Path, data) -> np.ndarray:
    if "poses" in data:
        poses = np.asarray(data["poses"], dtype=np.float32)
        poses = poses.reshape(1, -1) if poses.ndim == 1 else poses
        if poses.shape[1] == 72:
            return poses
        if poses.shape[1] in (156, 165):
            return np.concatenate([poses[:, :66], np.zeros((len(poses), 6), np.float32)], axis=1)
        raise PoseFileError(f"{path}: 'poses' has {poses.shape[1]} values per frame; expected 72, 156 or 165")
    for root_key, body_key in (("root_orient", "pose_body"), ("global_orient", "body_pose")):
        if root_key in data and body_key in data:
            root = np.asarray(data[root_key], np.float32).reshape(-1, 3)
            body = np.asarray(data[body_key], np.float32).reshape(len(root), -1)
            if body.shape[1] == 63:
                hand = np.asarray(data["pose_hand"], np.float32).reshape(len(root), -1) if "pose_hand" in data else None
                hand = hand if hand is not None and hand.shape[1] == 6 else np.zeros((len(root), 6), np.float32)
                body = np.concatenate([body, hand], axis=1)
            if body.shape[1] != 69:
                raise PoseFileError(f"{path}: '{body_key}' has {body.shape[1]} values per frame; expected 63 or 69")
            return np.concatenate([root, body], axis=1)
    raise PoseFileError(f"{path}: no pose found; expected 'poses', or 'root_orient' + 'pose_body'")


def load_npz(path: str | Path) -> Pose:
    """Read an SMPL, AMASS (SMPL-H) or SMPL-X parameter file into a pose batch."""
    path = Path(path)
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise PoseFileError(f"{path}: not a readable .npz file ({exc})") from exc
    with data:
        try:
            full = _body_from_npz(path, data)
        except PoseFileError:
            raise
        except ValueError as exc:  # arrays whose frame counts disagree
            raise PoseFileError(f"{path}: pose arrays do not fit together ({exc})") from exc
        transl = np.asarray(data["trans"], np.float32) if "trans" in data else None
        if transl is not None and transl.size != 3 * len(full):
            raise PoseFileError(f"{path}: 'trans' has shape {transl.shape}; expected ({len(full)}, 3)")
        transl = None if transl is None else transl.reshape(len(full), 3)
        betas = None
        if "betas" in data:
            betas = np.asarray(data["betas"], np.float32)
            betas = np.broadcast_to(betas, (len(full), betas.shape[-1])).copy() if betas.ndim == 1 else betas
    try:
        return Pose.from_params(full[:, :3], full[:, 3:], transl, betas)
    except PoseError as exc:
        raise PoseFileError(f"{path}: {exc}") from exc


def pose_to_json_dict(pose: Pose) -> dict:
    """The JSON form of a pose batch (see module docstring)."""
    items = []
    for i in range(pose.batch_size):
        item = {"global_orient": pose.global_orient[i].tolist(), "body_pose": pose.body_pose[i].tolist()}
        if pose.transl is not None:
            item["transl"] = pose.transl[i].tolist()
        if pose.betas is not None:
            item["betas"] = pose.betas[i].tolist()
        items.append(item)
    return {"format": JSON_FORMAT, "poses": items}


def pose_from_json_dict(payload: dict, source: str = "<json>") -> Pose:
    """Parse the JSON form; errors name the source and the pose index."""
    if not isinstance(payload, dict) or payload.get("format") != JSON_FORMAT:
        raise PoseFileError(f"{source}: expected an object with \"format\": \"{JSON_FORMAT}\"")
    items = payload.get("poses")
    if not isinstance(items, list) or not items:
        raise PoseFileError(f"{source}: 'poses' must be a non-empty list")
    poses = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise PoseFileError(f"{source}: pose {i} must be an object, got {type(item).__name__}")
        missing = [k for k in ("global_orient", "body_pose") if k not in item]
        if missing:
            raise PoseFileError(f"{source}: pose {i} is missing {', '.join(missing)}")
        try:
            poses.append(Pose.from_params(item["global_orient"], item["body_pose"], item.get("transl"), item.get("betas")))
        except PoseError as exc:
            raise PoseFileError(f"{source}: pose {i}: {exc}") from exc
    return Pose.cat(poses)


def save_json(path: str | Path, pose: Pose) -> None:
    Path(path).write_text(json.dumps(pose_to_json_dict(pose)))


def load_json(path: str | Path) -> Pose:
    path = Path(path)
    try:
        payload = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise PoseFileError(f"{path}: not readable JSON ({exc})") from exc
    return pose_from_json_dict(payload, str(path))
