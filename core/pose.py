"""The SMPL pose type: batched, torch-native, validated."""
from __future__ import annotations

from dataclasses import dataclass, replace

import torch

from core.skeleton import NUM_BODY_JOINTS


class PoseError(ValueError):
    """Raised when pose parameters have the wrong shape or non-finite values."""


def _as_tensor(name: str, value, dtype: torch.dtype) -> torch.Tensor:
    try:
        tensor = torch.as_tensor(value, dtype=dtype)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise PoseError(f"{name}: cannot be read as a float array ({exc})") from exc
    if not torch.isfinite(tensor).all():
        bad = (~torch.isfinite(tensor)).nonzero()[0].tolist()
        raise PoseError(f"{name}: contains NaN or infinite values (first at index {bad})")
    return tensor


@dataclass(frozen=True)
class Pose:
    """A batch of SMPL poses in axis-angle.

    global_orient: (B, 3) root rotation; body_pose: (B, 23, 3) rotations of joints 1..23 relative to their
    parents; transl: optional (B, 3) root translation in metres; betas: optional (B, n) shape coefficients.
    Construct with :meth:`from_params` to accept unbatched input and flat (69,) body poses.
    """

    global_orient: torch.Tensor
    body_pose: torch.Tensor
    transl: torch.Tensor | None = None
    betas: torch.Tensor | None = None

    def __post_init__(self) -> None:
        batch = self.global_orient.shape[0] if self.global_orient.ndim == 2 else None
        if self.global_orient.ndim != 2 or self.global_orient.shape[1] != 3:
            raise PoseError(f"global_orient must have shape (B, 3), got {tuple(self.global_orient.shape)}")
        if tuple(self.body_pose.shape[1:]) != (NUM_BODY_JOINTS, 3) or self.body_pose.shape[0] != batch:
            raise PoseError(f"body_pose must have shape ({batch}, 23, 3), got {tuple(self.body_pose.shape)}")
        if self.transl is not None and tuple(self.transl.shape) != (batch, 3):
            raise PoseError(f"transl must have shape ({batch}, 3), got {tuple(self.transl.shape)}")
        if self.betas is not None and (self.betas.ndim != 2 or self.betas.shape[0] != batch):
            raise PoseError(f"betas must have shape ({batch}, n), got {tuple(self.betas.shape)}")

    @classmethod
    def from_params(cls, global_orient, body_pose, transl=None, betas=None, dtype=torch.float32) -> "Pose":
        """Build a validated batch from arrays; unbatched (3,), (69,) or (23, 3) inputs become a batch of one."""
        go = _as_tensor("global_orient", global_orient, dtype)
        bp = _as_tensor("body_pose", body_pose, dtype)
        if go.ndim == 1:
            go = go.unsqueeze(0)
        if bp.ndim == 1 or (bp.ndim == 2 and tuple(bp.shape) == (NUM_BODY_JOINTS, 3)):
            bp = bp.reshape(1, -1)
        if bp.ndim == 2:
            if bp.shape[1] != NUM_BODY_JOINTS * 3:
                raise PoseError(f"body_pose must have 69 values per pose (23 joints x 3), got {bp.shape[1]}")
            bp = bp.reshape(bp.shape[0], NUM_BODY_JOINTS, 3)
        tr = None if transl is None else _as_tensor("transl", transl, dtype)
        if tr is not None and tr.ndim == 1:
            tr = tr.unsqueeze(0)
        be = None if betas is None else _as_tensor("betas", betas, dtype)
        if be is not None and be.ndim == 1:
            be = be.unsqueeze(0)
        return cls(go, bp, tr, be)

    @classmethod
    def zeros(cls, batch: int = 1, dtype=torch.float32) -> "Pose":
        """The rest (T-)pose."""
        return cls(torch.zeros(batch, 3, dtype=dtype), torch.zeros(batch, NUM_BODY_JOINTS, 3, dtype=dtype))

    @classmethod
    def from_full(cls, full: torch.Tensor) -> "Pose":
        """From (B, 24, 3) or (B, 72) axis-angle with the root first."""
        full = _as_tensor("pose", full, torch.float32)
        joints = NUM_BODY_JOINTS + 1
        per_joint = full.ndim in (2, 3) and tuple(full.shape[-2:]) == (joints, 3)
        flat = full.ndim in (1, 2) and full.shape[-1] == joints * 3
        if not (per_joint or flat):
            raise PoseError(f"pose must have shape (B, 24, 3) or (B, 72), got {tuple(full.shape)}")
        full = full.reshape(-1, joints, 3)
        return cls(full[:, 0], full[:, 1:])

    @property
    def batch_size(self) -> int:
        return self.global_orient.shape[0]

    @property
    def full(self) -> torch.Tensor:
        """(B, 24, 3) axis-angle, root first."""
        return torch.cat([self.global_orient.unsqueeze(1), self.body_pose], dim=1)

    def __len__(self) -> int:
        return self.batch_size

    def __getitem__(self, index) -> "Pose":
        """Index or slice the batch; the result stays batched."""
        if isinstance(index, int):
            index = slice(index, index + 1 if index != -1 else None)

        def pick(t):
            return None if t is None else t[index]

        return Pose(self.global_orient[index], self.body_pose[index], pick(self.transl), pick(self.betas))

    def to(self, *args, **kwargs) -> "Pose":
        """Move or cast every tensor, like ``torch.Tensor.to``."""

        def move(t):
            return None if t is None else t.to(*args, **kwargs)

        return Pose(move(self.global_orient), move(self.body_pose), move(self.transl), move(self.betas))

    def with_transl(self, transl: torch.Tensor | None) -> "Pose":
        return replace(self, transl=transl)

    @staticmethod
    def cat(poses: list["Pose"]) -> "Pose":
        """Concatenate batches; optional fields are kept only when every pose has them."""

        def join(name):
            values = [getattr(p, name) for p in poses]
            return None if any(v is None for v in values) else torch.cat(values)

        return Pose(join("global_orient"), join("body_pose"), join("transl"), join("betas"))
