"""Augment stage: mirrored copies (left/right swapped in pose, image and every text) and small pose variations
that keep the key posecodes (perturb, re-caption, keep only if the key posecodes are unchanged)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Hashable

import torch

from core.placement import place_on_ground
from core.pose import Pose


@dataclass
class Augmenter:
    """``mirror``: add the mirror image of every sample. ``variations``: perturbed copies per pose, each joint
    rotated by Gaussian noise of ``noise_deg`` degrees (root untouched), tried ``attempts`` times each."""

    mirror: bool = True
    variations: int = 1
    noise_deg: float = 6.0
    attempts: int = 4
    name: str = "standard"

    def variations_of(self, pose: Pose, key_of: Callable[[Pose], Hashable], seed: int) -> list[Pose]:
        """Up to ``variations`` perturbed poses whose key posecodes equal the original's."""
        if self.variations <= 0:
            return []
        generator = torch.Generator().manual_seed(seed)
        reference = key_of(pose)
        sigma = math.radians(self.noise_deg)
        kept: list[Pose] = []
        for _ in range(self.variations * self.attempts):
            noise = torch.randn(pose.body_pose.shape, generator=generator) * sigma
            candidate = place_on_ground(Pose(pose.global_orient, pose.body_pose + noise, None, pose.betas))
            if key_of(candidate) == reference:
                kept.append(candidate)
                if len(kept) == self.variations:
                    break
        return kept
