"""Configuration of the CoT-Pose reasoning model (stored as cotpose_config.json)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

CONFIG_NAME = "cotpose_config.json"


@dataclass
class CoTPoseConfig:
    """How the language model, the prefix and the pose codes fit together.

    prefix_tokens: number of prefix embeddings the projected MiniLM vector becomes; num_pose_tokens (K) and
    codebook_size mirror the pose tokenizer; max_text_tokens caps the reasoning length; base_llm names the
    directory of the frozen base model when ``llm_adapter/`` holds a LoRA adapter instead of merged weights.
    """

    prefix_tokens: int = 4
    text_embed_dim: int = 384
    num_pose_tokens: int = 32
    codebook_size: int = 512
    max_text_tokens: int = 160
    base_llm: str | None = None

    def save(self, directory: str | Path) -> None:
        Path(directory, CONFIG_NAME).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, directory: str | Path) -> "CoTPoseConfig":
        path = Path(directory, CONFIG_NAME)
        if not path.is_file():
            raise FileNotFoundError(f"{directory}: no {CONFIG_NAME}; not a CoT-Pose model directory")
        payload = json.loads(path.read_text())
        unknown = sorted(set(payload) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"{path}: unknown keys {unknown}")
        return cls(**payload)
