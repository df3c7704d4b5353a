"""Attention masks for joint text + pose decoding.

Text positions attend causally. The pose-query block (SPQ, K x PQ, EPQ) attends to every earlier position and
bidirectionally within itself, so all K pose tokens are predicted in one step. Nothing before the block sees
it. Padding keys are never attended to.
"""
from __future__ import annotations

import torch


def allowed_attention(lengths: list[int], query_blocks: list[tuple[int, int] | None], total: int) -> torch.Tensor:
    """(B, total, total) boolean matrix: entry [b, i, j] says whether position i may attend to position j.

    ``lengths[b]`` counts real (unpadded) positions of row b; ``query_blocks[b]`` is the half-open range
    [start, end) of its pose-query block, or None.
    """
    causal = torch.ones(total, total, dtype=torch.bool).tril()
    allowed = causal.expand(len(lengths), total, total).clone()
    for b, (length, block) in enumerate(zip(lengths, query_blocks)):
        if block is not None:
            start, end = block
            allowed[b, start:end, start:end] = True
        allowed[b, :, length:] = False
        padded = torch.arange(length, total)
        allowed[b, padded, padded] = True  # padded rows see themselves only (no all -inf row)
    return allowed


def to_additive_mask(allowed: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Boolean (B, Q, K) -> (B, 1, Q, K) additive float mask: 0 where allowed, -inf where forbidden."""
    mask = torch.zeros(allowed.shape, dtype=dtype)
    mask.masked_fill_(~allowed, float("-inf"))
    return mask.unsqueeze(1)
