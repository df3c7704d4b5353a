"""Solving a pose spec: anatomical angles -> SMPL axis-angle, goals by gradient IK, then ground placement."""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from core.kinematics import forward_kinematics_full
from core.placement import place_on_ground
from core.pose import Pose
from core.posecodes.points import ANCHOR_JOINT
from core.posespec.angles import DOF_INDEX, DOF_JOINTS, DOFS, LIMITS_RAD, local_rotations
from core.posespec.errors import SpecError
from core.posespec.goals import GOAL_TOLERANCE, goal_residuals
from core.posespec.parse import ParsedSpec, parse_spec
from core.posespec.vocabulary import GROUPS
from core.rotations import matrix_to_axis_angle
from core.skeleton import JOINT_INDEX, PARENTS, Skeleton

IK_ITERATIONS_PER_ROUND = 40
IK_ROUNDS = 3
IK_TOLERANCE_CHANGE = 1e-4
STATED_WEIGHT = 1.0  # pull back towards the angles the author wrote (per rad^2)
UNSTATED_WEIGHT = 0.15  # naturalness: unstated limb angles prefer the relaxed anatomical zero
UNSTATED_CENTRAL_WEIGHT = 1.0  # ... and the spine, neck and head move even more reluctantly
GOAL_WEIGHT = 400.0  # per m^2 of goal violation
LIMIT_WEIGHT = 100.0  # per rad^2 beyond a joint limit during the search
SEED_JITTER_DEG = 2.0


@dataclass(frozen=True)
class SolveResult:
    """The solved pose (placed on the ground), the final angles and everything that is off."""

    pose: Pose
    angles_deg: dict[str, float]
    problems: list[str]
    goal_residuals_m: dict[str, float]


def _pose(dofs: torch.Tensor, global_rotation: torch.Tensor) -> Pose:
    local = local_rotations(dofs)
    local[:, 0] = global_rotation
    full = matrix_to_axis_angle(local)
    return Pose(full[:, 0].contiguous(), full[:, 1:].contiguous())


def _joints(dofs: torch.Tensor, global_rotation: torch.Tensor, skeleton: Skeleton | None) -> torch.Tensor:
    local = local_rotations(dofs)
    rotations = torch.cat([global_rotation.expand(dofs.shape[0], 1, 3, 3), local[:, 1:]], dim=1)
    return forward_kinematics_full(rotations, skeleton)[0]


def _movable_dofs(parsed: ParsedSpec) -> torch.Tensor:
    """Indices of the DOFs on the kinematic chains of the goals' points (their targets stay where they are)."""
    chain: set[int] = set()
    for goal in parsed.goals:
        joint = JOINT_INDEX[ANCHOR_JOINT[goal.point]]
        while joint > 0:
            chain.add(joint)
            joint = PARENTS[joint]
    return torch.tensor([i for i, moved in enumerate(DOF_JOINTS) if moved & chain], dtype=torch.long)


def _run_ik(parsed: ParsedSpec, start: torch.Tensor, seed: int, skeleton: Skeleton | None) -> torch.Tensor:
    """Minimise goal violation + weighted distance to the stated angles (L-BFGS), within the joint limits.

    Limits are a stiff penalty during the search and a hard clamp at the end.
    """
    generator = torch.Generator().manual_seed(seed)
    jitter = (torch.rand(start.shape, generator=generator) * 2 - 1) * SEED_JITTER_DEG * math.pi / 180
    weights = torch.tensor([UNSTATED_CENTRAL_WEIGHT if not GROUPS[d.group].sided else UNSTATED_WEIGHT for d in DOFS])
    for key in parsed.stated:
        weights[DOF_INDEX[key]] = STATED_WEIGHT
    movable = _movable_dofs(parsed)
    lo, hi = LIMITS_RAD[movable, 0], LIMITS_RAD[movable, 1]
    free = torch.clamp(start[movable] + jitter[movable], lo, hi).requires_grad_(True)
    optimiser = torch.optim.LBFGS([free], lr=1.0, max_iter=IK_ITERATIONS_PER_ROUND, line_search_fn="strong_wolfe",
                                  tolerance_change=IK_TOLERANCE_CHANGE)

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        dofs = start.index_put((movable,), free).unsqueeze(0)
        joints = _joints(dofs, parsed.global_rotation, skeleton)
        # aim a little inside each goal's threshold so the result is met robustly
        residuals = goal_residuals(parsed.goals, joints, inset=GOAL_TOLERANCE)
        beyond_limits = torch.relu(free - hi) + torch.relu(lo - free)
        loss = (GOAL_WEIGHT * (residuals ** 2).sum() + (weights[movable] * (free - start[movable]) ** 2).sum()
                + LIMIT_WEIGHT * (beyond_limits ** 2).sum())
        loss.backward()
        return loss

    for _ in range(IK_ROUNDS):  # a quick first round; more only while a goal is still unmet
        optimiser.step(closure)
        with torch.no_grad():
            dofs = start.index_put((movable,), torch.maximum(torch.minimum(free, hi), lo)).unsqueeze(0)
            if float(goal_residuals(parsed.goals, _joints(dofs, parsed.global_rotation, skeleton)).max()) <= 0:
                break
    return start.index_put((movable,), torch.maximum(torch.minimum(free.detach(), hi), lo))


def solve(spec: dict | str, seed: int = 0, skeleton: Skeleton | None = None, name: str | None = None) -> SolveResult:
    """Solve a spec and report every joint-limit violation and unmet goal instead of raising for them.

    Structural problems (unknown joints, angles, fields, bad values) still raise :class:`SpecError`.
    Angles outside their limits are clamped to the limit in the returned pose. Deterministic given ``seed``
    (the seed only perturbs the IK start when the spec has goals).
    """
    parsed = parse_spec(spec, name)
    start = parsed.dof_vector(clamp=True)
    dofs = _run_ik(parsed, start, seed, skeleton) if parsed.goals else start
    problems = list(parsed.limit_problems)
    residuals: dict[str, float] = {}
    if parsed.goals:
        joints = _joints(dofs.unsqueeze(0), parsed.global_rotation, skeleton)
        for goal, value in zip(parsed.goals, goal_residuals(parsed.goals, joints)[0].tolist()):
            residuals[goal.describe()] = value
            if value > GOAL_TOLERANCE:
                problems.append(f"goal not met: {goal.describe()} is off by {value * 100:.1f} cm")
    pose = place_on_ground(_pose(dofs.unsqueeze(0), parsed.global_rotation), skeleton)
    angles = {d.key: round(float(v) * 180 / math.pi, 2) for d, v in zip(DOFS, dofs) if abs(float(v)) > 1e-6}
    return SolveResult(pose, angles, problems, residuals)


def solve_spec(spec: dict | str, seed: int = 0, skeleton: Skeleton | None = None, strict: bool = True,
               name: str | None = None) -> Pose:
    """Spec (mapping or YAML text) -> Pose of batch 1, placed on the ground (y = 0), pelvis above the origin.

    With ``strict`` (default) any joint-limit violation or unmet goal raises :class:`SpecError` naming it and by
    how much; otherwise the clamped, best-effort pose is returned.
    """
    result = solve(spec, seed, skeleton, name)
    if strict and result.problems:
        raise SpecError(result.problems, name or (spec.get("name") if isinstance(spec, dict) else None))
    return result.pose
