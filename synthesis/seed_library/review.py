"""Running the quality gates over a solved library: per-pose failures and the closest pairs of actions."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from core.kinematics import joint_positions
from core.pose import Pose
from synthesis.seed_library.gates import (
    NEAR_DUPLICATE_MPJPE,
    GateFailure,
    limb_torso_penetration,
    pairwise_action_distance,
    support_failures,
)
from synthesis.seed_library.records import SeedAction
from synthesis.seed_library.solving import SolvedPose


@dataclass(frozen=True)
class ClosePair:
    """Two actions and the smallest yaw-aligned MPJPE (metres) between their key poses (mirrors included),
    with the variants that realise it."""

    first: SeedAction
    second: SeedAction
    mpjpe: float
    first_variant: str
    second_variant: str
    mirrored: bool = False

    @property
    def declared_alike(self) -> bool:
        return self.second.label in self.first.alike or self.first.label in self.second.alike

    def __str__(self) -> str:
        note = " (declared alike)" if self.declared_alike else ""
        return (f"{1000 * self.mpjpe:6.1f} mm  {self.first.category} / {self.first.label}  <->  "
                f"{self.second.category} / {self.second.label}{note}  [{self.variants}]")

    @property
    def variants(self) -> str:
        """The two closest variants, e.g. ``'fork to mouth' vs mirrored 'sipping'``."""
        return f"{self.first_variant!r} vs {'mirrored ' if self.mirrored else ''}{self.second_variant!r}"


def _joints(solved: list[SolvedPose]) -> torch.Tensor:
    return joint_positions(Pose.cat([s.pose for s in solved]))


def pose_failures(solved: list[SolvedPose]) -> list[GateFailure]:
    """Joint-limit / goal reports of the solver, limbs through the torso, and support problems."""
    failures = []
    joints = _joints(solved) if solved else torch.zeros(0, 24, 3)
    for item, pose_joints in zip(solved, joints):
        failures += [GateFailure("solver", item.where, problem) for problem in item.problems]
        failures += [GateFailure("self-intersection", item.where,
                                 f"{segment} passes through the torso ({100 * depth:.0f}% deep)")
                     for segment, depth in limb_torso_penetration(pose_joints)]
        failures += [GateFailure("support", item.where, problem)
                     for problem in support_failures(pose_joints, item.seed_pose.flags)]
    return failures


def closest_pairs(solved: list[SolvedPose], top: int | None = None) -> list[ClosePair]:
    """Pairs of distinct actions sorted by their closest poses' MPJPE (smallest first)."""
    actions: list[SeedAction] = []
    stacks: list[torch.Tensor] = []
    variants: list[list[str]] = []
    joints = _joints(solved) if solved else torch.zeros(0, 24, 3)
    start = 0
    while start < len(solved):
        action = solved[start].action
        end = start
        while end < len(solved) and solved[end].action is action:
            end += 1
        actions.append(action)
        stacks.append(joints[start:end])
        variants.append([s.seed_pose.variant for s in solved[start:end]])
        start = end
    if len(actions) < 2:
        return []
    distances = pairwise_action_distance(stacks)
    upper = torch.triu(torch.ones_like(distances.distance, dtype=torch.bool), diagonal=1)
    values = distances.distance[upper]
    rows, cols = upper.nonzero(as_tuple=True)
    order = values.argsort()
    if top is not None:
        order = order[:top]
    pairs = []
    for k in order.tolist():
        row, col = int(rows[k]), int(cols[k])
        first_pose, second_pose = distances.closest[row, col].tolist()
        pairs.append(ClosePair(actions[row], actions[col], float(values[k]),
                               variants[row][first_pose], variants[col][second_pose],
                               bool(distances.mirrored[row, col])))
    return pairs


def near_duplicate_failures(pairs: list[ClosePair]) -> list[GateFailure]:
    """Pairs closer than the near-duplicate threshold that are not declared alike."""
    return [GateFailure("near-duplicate", f"{p.first.label!r} vs {p.second.label!r}",
                        f"closest poses ({p.variants}) are {1000 * p.mpjpe:.1f} mm apart (MPJPE, facing aligned), under "
                        f"{1000 * NEAR_DUPLICATE_MPJPE:.0f} mm; make them distinct or declare them alike")
            for p in pairs if p.mpjpe < NEAR_DUPLICATE_MPJPE and not p.declared_alike]
