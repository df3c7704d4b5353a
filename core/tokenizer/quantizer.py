"""Vector quantizer with an exponential-moving-average codebook and dead-code reset (VQ-VAE-2 / Jukebox style)."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class EMAQuantizer(nn.Module):
    """Maps (B, K, D) vectors to their nearest codes of a shared (N, D) codebook.

    In training mode the codebook follows the running mean of the vectors assigned to each code; codes whose
    usage falls under ``dead_threshold`` (an EMA count) are moved onto random vectors of the current batch.
    """

    def __init__(self, codebook_size: int, code_dim: int, decay: float, dead_threshold: float) -> None:
        super().__init__()
        self.decay = decay
        self.dead_threshold = dead_threshold
        self.register_buffer("codebook", torch.randn(codebook_size, code_dim) * 0.1)
        self.register_buffer("ema_count", torch.ones(codebook_size))
        self.register_buffer("ema_sum", self.codebook.clone())
        self.register_buffer("initialized", torch.zeros((), dtype=torch.bool))

    @property
    def codebook_size(self) -> int:
        return self.codebook.shape[0]

    def nearest(self, z: torch.Tensor) -> torch.Tensor:
        """(B, K) indices of the nearest codes of (B, K, D) vectors."""
        flat = z.reshape(-1, z.shape[-1])
        distances = flat.pow(2).sum(1, keepdim=True) - 2 * flat @ self.codebook.T + self.codebook.pow(2).sum(1)
        return distances.argmin(1).reshape(z.shape[:-1])

    def lookup(self, indices: torch.Tensor) -> torch.Tensor:
        """(B, K) indices -> (B, K, D) code vectors."""
        if indices.min() < 0 or indices.max() >= self.codebook_size:
            raise ValueError(f"pose code indices must be in [0, {self.codebook_size}), "
                             f"got range [{int(indices.min())}, {int(indices.max())}]")
        return F.embedding(indices, self.codebook)

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Quantize; returns (straight-through quantized vectors, indices, commitment loss)."""
        if self.training and not bool(self.initialized):
            self._init_from(z.detach())
        indices = self.nearest(z)
        quantized = self.lookup(indices)
        if self.training:
            self._update(z.detach(), indices)
        commitment = F.mse_loss(z, quantized.detach())
        return z + (quantized - z).detach(), indices, commitment

    @torch.no_grad()
    def _init_from(self, z: torch.Tensor) -> None:
        """Start the codebook on random encoder outputs of the first batch (avoids early dead codes)."""
        flat = z.reshape(-1, z.shape[-1])
        picks = flat[torch.randint(0, flat.shape[0], (self.codebook_size,), device=flat.device)]
        self.codebook.copy_(picks)
        self.ema_sum.copy_(picks)
        self.ema_count.fill_(1.0)
        self.initialized.fill_(True)

    @torch.no_grad()
    def _update(self, z: torch.Tensor, indices: torch.Tensor) -> None:
        flat = z.reshape(-1, z.shape[-1])
        onehot = F.one_hot(indices.reshape(-1), self.codebook_size).to(flat.dtype)
        self.ema_count.mul_(self.decay).add_(onehot.sum(0), alpha=1 - self.decay)
        self.ema_sum.mul_(self.decay).add_(onehot.T @ flat, alpha=1 - self.decay)
        self.codebook.copy_(self.ema_sum / self.ema_count.clamp_min(1e-5).unsqueeze(1))
        dead = self.ema_count < self.dead_threshold
        if dead.any():
            picks = flat[torch.randint(0, flat.shape[0], (int(dead.sum()),), device=flat.device)]
            self.codebook[dead] = picks
            self.ema_sum[dead] = picks
            self.ema_count[dead] = 1.0

    @staticmethod
    def perplexity(indices: torch.Tensor, codebook_size: int) -> float:
        """exp(entropy) of the code usage in ``indices``: how many codes are effectively in use."""
        counts = torch.bincount(indices.reshape(-1), minlength=codebook_size).float()
        probs = counts / counts.sum()
        return float(torch.exp(-(probs * probs.clamp_min(1e-12).log()).sum()))
