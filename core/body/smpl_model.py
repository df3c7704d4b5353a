"""The SMPL body model through ``smplx``, for users who have the licensed SMPL files.

The model directory comes from the ``model_dir`` option or ``$COTPOSE_SMPL_DIR``; it must hold
``SMPL_{NEUTRAL,MALE,FEMALE}.pkl`` (directly or in a ``smpl/`` subfolder), as downloaded from
https://smpl.is.tue.mpg.de (registration required). Model files are never shipped with this project.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch

from core.body.base import BodyModel, BodyModelError, BodyOutput
from core.pose import Pose
from core.skeleton import NUM_JOINTS, Skeleton

SMPL_DIR_ENV = "COTPOSE_SMPL_DIR"
SMPL_URL = "https://smpl.is.tue.mpg.de"
GENDERS = ("neutral", "male", "female")


def smpl_file_name(gender: str) -> str:
    """The file name smplx expects for a gender, e.g. SMPL_NEUTRAL.pkl."""
    if gender not in GENDERS:
        raise BodyModelError(f"smpl: unknown gender {gender!r}; choose one of {', '.join(GENDERS)}")
    return f"SMPL_{gender.upper()}.pkl"


def resolve_smpl_file(model_dir: str | Path | None = None, gender: str = "neutral") -> Path:
    """The SMPL model file to load; raises BodyModelError saying what is needed, where it looked, where to get it."""
    name = smpl_file_name(gender)
    model_dir = model_dir or os.environ.get(SMPL_DIR_ENV)
    if not model_dir:
        raise BodyModelError(
            f"smpl: no SMPL model directory set. Download {name} from {SMPL_URL} (free registration), put it in "
            f"a directory and pass model_dir=... or set {SMPL_DIR_ENV}=/that/directory.")
    candidates = [Path(model_dir) / name, Path(model_dir) / "smpl" / name]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise BodyModelError(
        f"smpl: model file {name} not found; looked for {', '.join(str(c) for c in candidates)}. "
        f"Download it from {SMPL_URL} (free registration) into {model_dir}.")


class SmplBody(BodyModel):
    """SMPL (6890 vertices) posed directly by the pose's SMPL parameters, ``betas`` included."""

    name = "smpl"

    def __init__(self, model_file: str | Path, num_betas: int = 10):
        import smplx

        try:
            self._model = smplx.SMPL(model_path=str(model_file), num_betas=num_betas).eval()
        except Exception as exc:  # smplx raises assorted errors (pickle, key, shape) for unusable files
            raise BodyModelError(f"smpl: cannot load {model_file}: {type(exc).__name__}: {exc}") from exc
        self.model_file = Path(model_file)
        self._faces = np.asarray(self._model.faces, dtype=np.int64)
        with torch.no_grad():
            rest = self._model.J_regressor @ self._model.v_template
        self._skeleton = Skeleton((rest - rest[0]).float(), source=f"smpl rest pose ({self.model_file.name})")

    @property
    def faces(self) -> np.ndarray:
        return self._faces

    def skeleton(self) -> Skeleton:
        return self._skeleton

    def forward(self, pose: Pose) -> BodyOutput:
        batch, num_betas = pose.batch_size, self._model.num_betas
        betas = torch.zeros(batch, num_betas)
        if pose.betas is not None:
            count = min(num_betas, pose.betas.shape[1])
            betas[:, :count] = pose.betas[:, :count]
        output = self._model(
            global_orient=pose.global_orient.float(), body_pose=pose.body_pose.reshape(batch, -1).float(),
            betas=betas, transl=None if pose.transl is None else pose.transl.float())
        # smplx rotates about the shaped pelvis joint and adds transl; move that pelvis to transl.
        pelvis = (self._model.J_regressor[0] @ (self._model.v_template + torch.einsum(
            "bl,vcl->bvc", betas, self._model.shapedirs)))
        shift = -pelvis.unsqueeze(1)
        return BodyOutput(vertices=output.vertices + shift, joints=output.joints[:, :NUM_JOINTS] + shift)
