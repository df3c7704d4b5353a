"""Configuration of the pose VQ-VAE, stored next to its weights as config.json."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

CONFIG_NAME = "config.json"


@dataclass
class PoseTokenizerConfig:
    """Sizes of the pose VQ-VAE.

    num_tokens is K, the number of codes per pose (UniPose/CoT-Pose: 80); codebook_size x code_dim is the shared
    codebook (paper: 2048 x 256). The encoder and decoder are residual MLPs of ``num_layers`` blocks.
    """

    num_joints: int = 22
    num_tokens: int = 16
    codebook_size: int = 512
    code_dim: int = 64
    hidden_size: int = 512
    num_layers: int = 3
    ema_decay: float = 0.99
    dead_code_threshold: float = 0.03
    commitment_weight: float = 0.25

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"PoseTokenizerConfig.{f.name} must be a positive number, got {value!r}")
        if not 0 < self.ema_decay < 1:
            raise ValueError(f"PoseTokenizerConfig.ema_decay must be in (0, 1), got {self.ema_decay}")

    def save(self, directory: str | Path) -> None:
        """Write config.json into ``directory``."""
        Path(directory, CONFIG_NAME).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, directory: str | Path) -> "PoseTokenizerConfig":
        """Read config.json from ``directory``; unknown keys are an error."""
        path = Path(directory, CONFIG_NAME)
        payload = json.loads(path.read_text())
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(payload) - known)
        if unknown:
            raise ValueError(f"{path}: unknown keys {unknown}")
        return cls(**payload)
