"""The body-model interface shared by every backend: a posed mesh and its 24 SMPL joints from a Pose."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np
import torch

from core.pose import Pose
from core.skeleton import Skeleton


class BodyModelError(RuntimeError):
    """A body model cannot be loaded (unknown name, missing model files, unusable files)."""


@dataclass(frozen=True)
class BodyOutput:
    """A posed batch in project coordinates (metres, y up, facing +z, +x = body's left).

    vertices: (B, V, 3); joints: (B, 24, 3) SMPL joints; the pelvis sits at ``pose.transl`` (origin if None).
    """

    vertices: torch.Tensor
    joints: torch.Tensor


class BodyModel(ABC):
    """A skinned body mesh driven by SMPL poses."""

    name: str

    @property
    @abstractmethod
    def faces(self) -> np.ndarray:
        """(F, 3) int64 triangle vertex indices."""

    @abstractmethod
    def skeleton(self) -> Skeleton:
        """The model's 24 rest (T-pose) joints, pelvis at the origin."""

    @abstractmethod
    def forward(self, pose: Pose) -> BodyOutput:
        """Pose the mesh; honours ``pose.transl``."""

    def __call__(self, pose: Pose) -> BodyOutput:
        return self.forward(pose)
