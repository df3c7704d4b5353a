"""SMPL-X parameters (as SMPLest-X and similar mesh-recovery tools write them) -> SMPL poses in project axes.

Accepted input: a dict or an ``.npz`` with, per person (optionally batched along the first axis),
``global_orient`` (3), ``body_pose`` (63 or 21 x 3), ``left_hand_pose`` / ``right_hand_pose`` (45 or 15 x 3,
full axis-angle relative to a flat hand), ``jaw_pose`` (3), ``betas`` (n) and ``transl`` (3). The key names
SMPLest-X uses in its outputs (``smplx_root_pose``, ``smplx_body_pose``, ``smplx_lhand_pose``,
``smplx_rhand_pose``, ``smplx_jaw_pose``, ``smplx_shape``, ``cam_trans``) are read as the same fields.

Conversion:
- SMPL joints 1-21 are the same joints as SMPL-X body joints 1-21 (same tree up to the wrists): copied.
- SMPL's hand joints 22/23 (one rigid hand each) have no SMPL-X counterpart. ``hands="knuckles"`` (default) uses
  the mean rotation of the four wrist-adjacent finger joints (index1, middle1, ring1, pinky1 - the knuckles,
  where SMPL's hand joint sits), projected back onto SO(3); this keeps a clenched or flexed hand flexed.
  ``hands="zero"`` leaves them at rest. The thumb is ignored: it does not move the SMPL hand segment.
- Jaw, eyes, expression and finger detail are dropped (SMPL has no such joints); betas are kept as given
  (SMPL-X shape space, recorded for provenance, not re-fitted).
- ``frame``: ``"camera"`` (OpenCV: x right, y down, z forward, as estimators output) is turned into project
  axes (y up, body facing +z when it faces the camera) by a 180 degree rotation about x; ``"z_up"`` (AMASS
  world) by -90 degrees about x; ``"y_up"`` is taken as is. The root rotation and translation are rotated.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import roma
import torch

from core.pose import Pose, PoseError
from core.rotations import axis_angle_to_matrix, matrix_to_axis_angle

FIELD_ALIASES = {
    "global_orient": ("global_orient", "smplx_root_pose", "root_pose"),
    "body_pose": ("body_pose", "smplx_body_pose"),
    "left_hand_pose": ("left_hand_pose", "smplx_lhand_pose", "lhand_pose"),
    "right_hand_pose": ("right_hand_pose", "smplx_rhand_pose", "rhand_pose"),
    "jaw_pose": ("jaw_pose", "smplx_jaw_pose"),
    "betas": ("betas", "smplx_shape", "shape"),
    "transl": ("transl", "cam_trans", "trans"),
}
# SMPL-X hand joint order: index1-3, middle1-3, pinky1-3, ring1-3, thumb1-3; the knuckles are the first of each.
KNUCKLE_JOINTS = (0, 3, 6, 9)
FRAMES = {
    "y_up": torch.eye(3),
    "camera": axis_angle_to_matrix(torch.tensor([math.pi, 0.0, 0.0])),
    "z_up": axis_angle_to_matrix(torch.tensor([-math.pi / 2, 0.0, 0.0])),
}
HAND_MODES = ("knuckles", "zero")


class SmplxInputError(ValueError):
    """SMPL-X input is missing a field or a field has the wrong size; the message names file, record, field."""


def _field(params: Mapping[str, Any], name: str, per_item: int, source: str, required: bool) -> np.ndarray | None:
    key = next((k for k in FIELD_ALIASES[name] if k in params), None)
    if key is None:
        if required:
            raise SmplxInputError(f"{source}: missing field '{name}' (also accepted: {FIELD_ALIASES[name][1:]})")
        return None
    try:
        values = np.asarray(params[key], dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise SmplxInputError(f"{source}: field '{key}' is not numeric ({exc})") from exc
    if values.size % per_item:
        raise SmplxInputError(f"{source}: field '{key}' has {values.size} values, not a multiple of {per_item}")
    values = values.reshape(-1, per_item)
    if not np.isfinite(values).all():
        row = int(np.nonzero(~np.isfinite(values).all(axis=1))[0][0])
        raise SmplxInputError(f"{source}: record {row}: field '{key}' holds NaN or infinite values")
    return values


def _hand_joint(hand: np.ndarray | None, batch: int, mode: str) -> torch.Tensor:
    """(B, 3) SMPL hand-joint rotation from (B, 45) SMPL-X finger rotations."""
    if hand is None or mode == "zero":
        return torch.zeros(batch, 3)
    knuckles = axis_angle_to_matrix(torch.from_numpy(hand).reshape(batch, 15, 3)[:, list(KNUCKLE_JOINTS)])
    return matrix_to_axis_angle(roma.special_procrustes(knuckles.mean(dim=1)))


def smplx_to_smpl(params: Mapping[str, Any], frame: str = "camera", hands: str = "knuckles",
                  source: str = "<smplx>") -> Pose:
    """Convert SMPL-X parameters of one or more people to an SMPL pose batch in project axes."""
    if frame not in FRAMES:
        raise SmplxInputError(f"{source}: unknown frame {frame!r}; use one of {sorted(FRAMES)}")
    if hands not in HAND_MODES:
        raise SmplxInputError(f"{source}: unknown hands mode {hands!r}; use one of {HAND_MODES}")
    root = _field(params, "global_orient", 3, source, required=True)
    body = _field(params, "body_pose", 63, source, required=True)
    batch = len(root)
    named = {"body_pose": body}
    for name, size in (("left_hand_pose", 45), ("right_hand_pose", 45), ("transl", 3)):
        named[name] = _field(params, name, size, source, required=False)
    for name, values in named.items():
        if values is not None and len(values) != batch:
            raise SmplxInputError(f"{source}: field '{name}' has {len(values)} records, global_orient has {batch}")
    betas = _field(params, "betas", 1, source, required=False)
    if betas is not None:
        betas = betas.reshape(1, -1) if batch == 1 or betas.size % batch else betas.reshape(batch, -1)
        betas = np.broadcast_to(betas, (batch, betas.shape[1])).copy()
    rotate = FRAMES[frame]
    global_orient = matrix_to_axis_angle(rotate @ axis_angle_to_matrix(torch.from_numpy(root)))
    body_pose = torch.cat([
        torch.from_numpy(body).reshape(batch, 21, 3),
        _hand_joint(named["left_hand_pose"], batch, hands).unsqueeze(1),
        _hand_joint(named["right_hand_pose"], batch, hands).unsqueeze(1),
    ], dim=1)
    transl = None if named["transl"] is None else torch.from_numpy(named["transl"]) @ rotate.T
    try:
        return Pose.from_params(global_orient, body_pose, transl, betas)
    except PoseError as exc:
        raise SmplxInputError(f"{source}: {exc}") from exc


def load_smplx_file(path: str | Path, frame: str = "camera", hands: str = "knuckles") -> Pose:
    """Read an SMPL-X ``.npz`` (or ``.json`` object of arrays) written by a mesh-recovery tool."""
    path = Path(path)
    try:
        if path.suffix == ".json":
            params = json.loads(path.read_text())
        else:
            with np.load(path, allow_pickle=False) as data:
                params = {key: data[key] for key in data.files}
    except (OSError, ValueError) as exc:
        raise SmplxInputError(f"{path}: not a readable SMPL-X parameter file ({exc})") from exc
    if not isinstance(params, dict):
        raise SmplxInputError(f"{path}: expected an object of named arrays")
    return smplx_to_smpl(params, frame=frame, hands=hands, source=str(path))
