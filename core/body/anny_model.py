"""The Anny body model (free, offline, ships its assets) driven by SMPL poses through :mod:`core.body.anny_rig`."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from core.body.anny_rig import AnnyRig
from core.body.base import BodyModel, BodyModelError, BodyOutput
from core.pose import Pose
from core.skeleton import Skeleton

DEFAULT_CACHE_DIR = Path.home() / ".cache" / "cotpose" / "anny"


def anny_cache_dir() -> Path:
    """Where Anny keeps its built model data: ``$ANNY_CACHE_DIR``, else ~/.cache/cotpose/anny."""
    return Path(os.environ.get("ANNY_CACHE_DIR") or DEFAULT_CACHE_DIR)


def anny_cache_ready() -> bool:
    """Whether the default Anny model has been built into the cache (later loads then take ~1 s)."""
    return any(anny_cache_dir().glob("*/build_compact_model_data_*.safetensors"))


@lru_cache(maxsize=1)
def load_anny_model():
    """The default Anny model (``anny.Anny()``) in float32, built once per process; the first build on a machine
    fills the cache (about a minute)."""
    os.environ.setdefault("ANNY_CACHE_DIR", str(anny_cache_dir()))
    import warp

    warp.config.log_level = warp.LOG_ERROR  # no banner nor missing-CUDA-driver warning on CPU machines
    import anny
    import anny.paths

    anny.paths.set_anny_cache_path(anny_cache_dir())
    return anny.Anny().to(torch.float32).eval()


class AnnyBody(BodyModel):
    """Anny mesh (13718 vertices) posed by SMPL rotations; ``phenotype`` sets Anny's body shape (gender, age,
    muscle, weight, height, proportions, ... in [0, 1]; default 0.5 each). SMPL ``betas`` are ignored."""

    name = "anny"

    def __init__(self, phenotype: dict[str, float] | None = None):
        model = load_anny_model()
        try:
            with torch.no_grad():
                rest = model(None, phenotype_kwargs=phenotype)
        except ValueError as exc:
            raise BodyModelError(f"anny: bad phenotype {phenotype!r}: {exc}") from exc
        self._model = model
        self._rest_vertices = rest["rest_vertices"]
        self._rest_poses = rest["rest_bone_poses"]
        self.rig = AnnyRig(model.bone_labels, [int(p) for p in model.bone_parents],
                           rest["rest_bone_heads"][0].double(), self._rest_poses[0, :, :3, :3].double())
        self._joint_matrix = self.rig.joint_matrix.float()
        self._faces = model.get_triangular_faces().cpu().numpy()
        self._skeleton = Skeleton(self.rig.tpose_joints.float(),
                                  source="anny rest pose, arms turned to a T-pose").symmetrized()

    @property
    def faces(self) -> np.ndarray:
        return self._faces

    def skeleton(self) -> Skeleton:
        return self._skeleton

    def forward(self, pose: Pose) -> BodyOutput:
        batch = pose.batch_size
        params = torch.zeros(batch, len(self.rig.labels), 4, 4, dtype=torch.float32)
        params[..., :3, :3] = self.rig.bone_orientations(pose).float()
        params[..., 3, 3] = 1.0
        if pose.transl is not None:
            params[:, 0, :3, 3] = pose.transl.float()
        transforms, bone_poses = self._model.get_bone_transforms(params, self._rest_poses, "world-orient")
        vertices = self._model.get_skinned_vertices(self._rest_vertices.expand(batch, -1, -1), transforms)
        joints = self._joint_matrix @ bone_poses[..., :3, 3]
        return BodyOutput(vertices=vertices, joints=joints)
