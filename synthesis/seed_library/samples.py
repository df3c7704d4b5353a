"""Seed samples for synthesis: every solved key pose and its mirror image, with split and prompt."""
from __future__ import annotations

from dataclasses import dataclass

from core.mirror import mirror_pose, swap_sides_in_text
from core.placement import place_on_ground
from core.pose import Pose
from synthesis.seed_library.solving import SolvedPose
from synthesis.seed_library.split import split_of


@dataclass(frozen=True)
class SeedSample:
    """One seed pose as synthesis consumes it (the fields of a samples.jsonl row that the seed decides)."""

    category: str
    action: str
    abstract_prompt: str
    variant: str
    mirrored: bool
    split: str
    flags: frozenset[str]
    pose: Pose


def seed_samples(solved: list[SolvedPose], split: dict[str, list[str]], mirrors: bool = True) -> list[SeedSample]:
    """The authored poses, each followed by its mirror (left and right swapped in the variant text too)."""
    samples = []
    for item in solved:
        action, seed_pose = item.action, item.seed_pose
        common = dict(category=action.category, action=action.label, abstract_prompt=action.abstract_prompt,
                      split=split_of(action.label, split), flags=seed_pose.flags)
        samples.append(SeedSample(variant=seed_pose.variant, mirrored=False, pose=item.pose, **common))
        if mirrors:
            samples.append(SeedSample(variant=swap_sides_in_text(seed_pose.variant), mirrored=True,
                                      pose=place_on_ground(mirror_pose(item.pose)), **common))
    return samples
