"""The pose VQ-VAE: 22 joint rotations (6D) -> K codes of a shared codebook -> 22 joint rotations."""
from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn

from core.pose import Pose
from core.tokenizer.config import PoseTokenizerConfig
from core.tokenizer.features import TOKENIZED_JOINTS, pose_to_sixd, sixd_to_pose
from core.tokenizer.quantizer import EMAQuantizer

WEIGHTS_NAME = "model.safetensors"


class ResidualMLP(nn.Module):
    """in -> hidden -> (LayerNorm, GELU, Linear) residual blocks -> out."""

    def __init__(self, in_dim: int, hidden: int, out_dim: int, num_layers: int) -> None:
        super().__init__()
        self.input = nn.Linear(in_dim, hidden)
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.LayerNorm(hidden), nn.GELU(), nn.Linear(hidden, hidden)) for _ in range(num_layers)
        )
        self.output = nn.Sequential(nn.LayerNorm(hidden), nn.GELU(), nn.Linear(hidden, out_dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.input(x)
        for block in self.blocks:
            h = h + block(h)
        return self.output(h)


class PoseTokenizer(nn.Module):
    """VQ-VAE pose tokenizer with HF-style ``save_pretrained`` / ``from_pretrained`` (safetensors + config.json)."""

    def __init__(self, config: PoseTokenizerConfig) -> None:
        super().__init__()
        if config.num_joints != TOKENIZED_JOINTS:
            raise ValueError(f"num_joints must be {TOKENIZED_JOINTS} (root + 21 body joints), got {config.num_joints}")
        self.config = config
        in_dim = config.num_joints * 6
        latent = config.num_tokens * config.code_dim
        self.encoder = ResidualMLP(in_dim, config.hidden_size, latent, config.num_layers)
        self.decoder = ResidualMLP(latent, config.hidden_size, in_dim, config.num_layers)
        self.quantizer = EMAQuantizer(config.codebook_size, config.code_dim, config.ema_decay, config.dead_code_threshold)

    @property
    def num_tokens(self) -> int:
        return self.config.num_tokens

    @property
    def codebook_size(self) -> int:
        return self.config.codebook_size

    def _latents(self, sixd: torch.Tensor) -> torch.Tensor:
        return self.encoder(sixd.reshape(sixd.shape[0], -1)).reshape(-1, self.num_tokens, self.config.code_dim)

    def _decode_vectors(self, vectors: torch.Tensor) -> torch.Tensor:
        return self.decoder(vectors.reshape(vectors.shape[0], -1)).reshape(-1, self.config.num_joints, 6)

    def forward(self, sixd: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(B, 22, 6) -> (reconstructed 6D (B, 22, 6), code indices (B, K), commitment loss)."""
        quantized, indices, commitment = self.quantizer(self._latents(sixd))
        return self._decode_vectors(quantized), indices, commitment

    @torch.no_grad()
    def encode(self, pose: Pose) -> torch.Tensor:
        """(B, K) code indices of a pose batch."""
        return self.quantizer.nearest(self._latents(pose_to_sixd(pose).to(self.quantizer.codebook)))

    @torch.no_grad()
    def decode(self, indices: torch.Tensor) -> Pose:
        """Pose batch from (B, K) code indices."""
        indices = torch.as_tensor(indices, dtype=torch.long)
        if indices.ndim != 2 or indices.shape[1] != self.num_tokens:
            raise ValueError(f"expected code indices of shape (B, {self.num_tokens}), got {tuple(indices.shape)}")
        return sixd_to_pose(self._decode_vectors(self.quantizer.lookup(indices)))

    @torch.no_grad()
    def decode_soft(self, probabilities: torch.Tensor) -> Pose:
        """Pose batch from (B, K, N) code probabilities: each slot decodes the probability-weighted code vector."""
        if probabilities.ndim != 3 or tuple(probabilities.shape[1:]) != (self.num_tokens, self.codebook_size):
            raise ValueError(f"expected code probabilities of shape (B, {self.num_tokens}, {self.codebook_size}), "
                             f"got {tuple(probabilities.shape)}")
        return sixd_to_pose(self._decode_vectors(probabilities @ self.quantizer.codebook))

    def save_pretrained(self, directory: str | Path) -> None:
        """Write config.json and model.safetensors."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.config.save(directory)
        save_file({k: v.contiguous() for k, v in self.state_dict().items()}, str(directory / WEIGHTS_NAME))

    @classmethod
    def from_pretrained(cls, directory: str | Path) -> "PoseTokenizer":
        """Load a tokenizer written by :meth:`save_pretrained`, in eval mode."""
        directory = Path(directory)
        if not (directory / WEIGHTS_NAME).is_file():
            raise FileNotFoundError(f"{directory}: no {WEIGHTS_NAME}; not a pose tokenizer directory")
        model = cls(PoseTokenizerConfig.load(directory))
        model.load_state_dict(load_file(str(directory / WEIGHTS_NAME)))
        return model.eval()
