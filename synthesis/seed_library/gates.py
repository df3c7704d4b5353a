"""Quality gates over solved seed poses: self-intersection, ground contact, support flags, near-duplicates."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from core.mirror import mirror_joints
from core.posecodes.points import torso_frame
from core.placement import SURFACE_RADIUS
from core.skeleton import JOINT_INDEX, JOINT_NAMES

# The torso volume that no limb may cross: an elliptic cylinder around the spine, from just above the hip
# joints to just below the collar bones, shrunk well inside the real body so that only gross intersections
# (an arm through the chest, a knee through the belly) fail. Half-axes in metres.
TORSO_HALF_WIDTH = 0.10
TORSO_HALF_DEPTH = 0.06
TORSO_BOTTOM = 0.04  # above the pelvis joint, along the torso axis
TORSO_TOP_BELOW_NECK = 0.08
_LIMB_SEGMENTS: tuple[tuple[str, str, float], ...] = tuple(
    (f"{side}_{a}", f"{side}_{b}", start)
    for side in ("left", "right")
    for a, b, start in (
        ("shoulder", "elbow", 0.4), ("elbow", "wrist", 0.0), ("wrist", "hand", 0.0),
        ("hip", "knee", 0.4), ("knee", "ankle", 0.0), ("ankle", "foot", 0.0),
    )
)
"""(from joint, to joint, first fraction of the segment checked): the part of a limb next to the torso is
skipped because shoulders and hips legitimately sit at its edge."""
_SAMPLES = torch.linspace(0.0, 1.0, 9)

FOOT_CONTACT_TOLERANCE = 0.02  # m: a foot counts as on the ground if its sole is this close to the lowest point
SUPPORT_CONTACT_TOLERANCE = 0.06  # m: for the kneeling / lying / inverted consistency checks
LYING_MAX_TORSO_TILT_FROM_HORIZONTAL = 45.0  # degrees
LYING_MAX_PELVIS_HEIGHT = 0.35  # m
NEAR_DUPLICATE_MPJPE = 0.030  # m: two actions whose closest poses are nearer than this are near-duplicates

_FEET = [JOINT_INDEX[n] for n in ("left_ankle", "right_ankle", "left_foot", "right_foot")]
_KNEES = [JOINT_INDEX[n] for n in ("left_knee", "right_knee")]
_TORSO = [JOINT_INDEX[n] for n in ("pelvis", "spine1", "spine2", "spine3", "neck", "head")]
_HEAD_AND_HANDS = [JOINT_INDEX[n] for n in ("head", "left_wrist", "right_wrist", "left_hand", "right_hand")]


@dataclass(frozen=True)
class GateFailure:
    """One failed gate for one pose (or pair of actions), with a message a person can act on."""

    gate: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"[{self.gate}] {self.where}: {self.message}"


def limb_torso_penetration(joints: torch.Tensor) -> list[tuple[str, float]]:
    """Limb segments of one (24, 3) skeleton that pass through the torso volume, with the depth of the
    deepest sample as a fraction of the ellipse (0 = on its surface, 1 = on the spine axis)."""
    origin = joints[JOINT_INDEX["pelvis"]]
    lateral, up, forward = (axis[0] for axis in torso_frame(joints[None]))
    top = (joints[JOINT_INDEX["neck"]] - origin).norm() - TORSO_TOP_BELOW_NECK
    hits = []
    for start_name, end_name, start_fraction in _LIMB_SEGMENTS:
        a, b = joints[JOINT_INDEX[start_name]], joints[JOINT_INDEX[end_name]]
        t = start_fraction + (1.0 - start_fraction) * _SAMPLES
        points = a + t[:, None] * (b - a) - origin
        height = points @ up
        radial = (points @ lateral / TORSO_HALF_WIDTH) ** 2 + (points @ forward / TORSO_HALF_DEPTH) ** 2
        inside = (height > TORSO_BOTTOM) & (height < top) & (radial < 1.0)
        if inside.any():
            depth = float(1.0 - radial[inside].min().sqrt())
            hits.append((f"{start_name}->{end_name}", depth))
    return hits


def _surface_heights(joints: torch.Tensor) -> torch.Tensor:
    return joints[:, 1] - SURFACE_RADIUS.to(joints)


def support_failures(joints: torch.Tensor, flags: frozenset[str]) -> list[str]:
    """Problems with how a grounded (24, 3) skeleton is supported, given the pose's flags.

    Unflagged poses must stand on a foot. Kneeling poses need a knee down, lying poses a low, roughly horizontal torso, and
    inverted poses the head or hands lowest with the pelvis above the head."""
    heights = _surface_heights(joints)
    floor = heights.min()
    problems = []
    if not flags:
        lowest_foot = heights[_FEET].min()
        if lowest_foot - floor > FOOT_CONTACT_TOLERANCE:
            lowest_joint = int(heights.argmin())
            problems.append(
                f"no foot on the ground: the lowest foot is {100 * float(lowest_foot - floor):.1f} cm above the "
                f"lowest body point ({JOINT_NAMES[lowest_joint]}); flag the pose airborne/seated/kneeling/lying/"
                f"inverted or bring a foot down")
    if "kneeling" in flags and heights[_KNEES].min() - floor > SUPPORT_CONTACT_TOLERANCE:
        problems.append(f"flagged kneeling but no knee is on the ground "
                        f"(lowest knee {100 * float(heights[_KNEES].min() - floor):.1f} cm up)")
    if "lying" in flags:
        axis = joints[JOINT_INDEX["neck"]] - joints[JOINT_INDEX["pelvis"]]
        tilt = float(torch.rad2deg(torch.asin((axis[1] / axis.norm()).abs().clamp(max=1.0))))
        pelvis_height = float(joints[JOINT_INDEX["pelvis"], 1] - joints[:, 1].min())
        if tilt > LYING_MAX_TORSO_TILT_FROM_HORIZONTAL or pelvis_height > LYING_MAX_PELVIS_HEIGHT:
            problems.append(f"flagged lying but the torso is {tilt:.0f} deg from horizontal (max "
                            f"{LYING_MAX_TORSO_TILT_FROM_HORIZONTAL:.0f}) with the pelvis {100 * pelvis_height:.0f} cm "
                            f"above the lowest joint (max {100 * LYING_MAX_PELVIS_HEIGHT:.0f})")
    if "inverted" in flags:
        if heights[_HEAD_AND_HANDS].min() - floor > SUPPORT_CONTACT_TOLERANCE:
            problems.append("flagged inverted but neither the head nor a hand is on the ground")
        if joints[JOINT_INDEX["pelvis"], 1] < joints[JOINT_INDEX["head"], 1]:
            problems.append("flagged inverted but the pelvis is below the head")
    return problems


def root_relative(joints: torch.Tensor) -> torch.Tensor:
    """(..., 24, 3) joints with the pelvis moved to the origin."""
    return joints - joints[..., :1, :]


def yaw_aligned_mpjpe(poses: torch.Tensor, candidates: torch.Tensor) -> torch.Tensor:
    """(N, M) MPJPE (m) between pelvis-relative (N, 24, 3) poses and (M, 24, 3) candidates, each candidate first
    turned about the vertical (y) axis through the pelvis to best fit the pose: the least-squares turn (closed-form
    2D Kabsch on x-z), or no turn when that is closer (least squares is not always the smallest mean distance)."""
    px, py, pz = poses.unbind(-1)
    qx, qy, qz = candidates.unbind(-1)
    # turning q by t: p . R(t) q = p_y q_y + cos t (p_x q_x + p_z q_z) + sin t (p_x q_z - p_z q_x), per joint;
    # the least-squares t maximises the sum over joints: (cos t, sin t) = (a, b) / |(a, b)|
    a = px @ qx.T + pz @ qz.T
    b = px @ qz.T - pz @ qx.T
    norm = torch.sqrt(a ** 2 + b ** 2).clamp_min(1e-12)
    cos, sin = (a / norm)[..., None], (b / norm)[..., None]
    planar = torch.addcmul(px[:, None] * qx[None], pz[:, None], qz[None])
    cross = torch.addcmul(px[:, None] * qz[None], pz[:, None], qx[None], value=-1)
    vertical = py[:, None] * qy[None]
    half_squares = ((poses ** 2).sum(-1)[:, None] + (candidates ** 2).sum(-1)[None]).mul_(0.5)
    turned_dot = torch.addcmul(torch.addcmul(vertical, cos, planar), sin, cross)
    turned = (half_squares - turned_dot).clamp_min_(0).mul_(2).sqrt_().mean(-1)
    unturned = (half_squares - planar - vertical).clamp_min_(0).mul_(2).sqrt_().mean(-1)
    return torch.minimum(turned, unturned)


@dataclass(frozen=True)
class ActionDistances:
    """Closest-pose distances between actions and which poses realise them."""

    distance: torch.Tensor
    """(A, A) smallest yaw-aligned MPJPE (m) over the two actions' poses and the mirrors of the second's."""
    closest: torch.Tensor
    """(A, A, 2) indices, within each action's stack, of the closest poses (row action's, column action's)."""
    mirrored: torch.Tensor
    """(A, A) whether the closest match uses the mirror of one of the two poses."""


def pairwise_action_distance(joints: list[torch.Tensor], block: int = 64) -> ActionDistances:
    """Distances between actions, ``joints[i]`` being action i's (P_i, 24, 3) stack: the smallest MPJPE over
    their key poses and the mirrors, on pelvis-relative joints with the facing (yaw) aligned."""
    sizes = torch.tensor([len(j) for j in joints])
    owners = torch.repeat_interleave(torch.arange(len(joints)), sizes)
    offsets = torch.cumsum(sizes, 0) - sizes
    poses = root_relative(torch.cat(joints))
    mirrors = root_relative(mirror_joints(poses))
    total = len(poses)
    # d(p, q) = d(q, p) and d(p, mirror q) = d(mirror p, q): compute the upper triangle (block rows) only
    plain = torch.zeros(total, total)
    mirror = torch.zeros(total, total)
    for start in range(0, total, block):
        rows = slice(start, start + block)
        plain[rows, start:] = yaw_aligned_mpjpe(poses[rows], poses[start:])
        mirror[rows, start:] = yaw_aligned_mpjpe(poses[rows], mirrors[start:])
    lower = torch.ones(total, total, dtype=torch.bool).tril(-1)
    plain = torch.where(lower, plain.T, plain)
    mirror = torch.where(lower, mirror.T, mirror)
    per_pose = torch.minimum(plain, mirror)
    count = len(joints)
    key = (owners[:, None] * count + owners[None, :]).flatten()
    values = per_pose.flatten()
    distance = torch.full((count * count,), float("inf")).scatter_reduce(0, key, values, "amin")
    is_best = values == distance[key]
    flat_index = torch.where(is_best, torch.arange(len(values)), len(values))
    best = torch.full((count * count,), len(values)).scatter_reduce(0, key, flat_index, "amin")
    best = best.clamp(max=len(values) - 1)
    first, second = best // total, best % total
    closest = torch.stack([first - offsets[owners[first]], second - offsets[owners[second]]], dim=-1)
    return ActionDistances(distance.view(count, count), closest.view(count, count, 2),
                           (mirror < plain).flatten()[best].view(count, count))
