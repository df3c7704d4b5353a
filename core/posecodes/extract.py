"""Posecode extraction: joints (B, 24, 3) -> per pose, a list of categorical facts about the pose.

Everything numeric is computed for the whole batch in torch; only the final (sparse) list of codes is built in
Python. Thresholds follow PoseScript: joint angles at 45/75/105/135/160 degrees, distances at 0.20/0.40/0.80 m,
relative positions in bands at 0.05/0.15 m, segment orientation vertical < 10 degrees / horizontal > 80.
Support (standing, kneeling, lying ...) is gravity-aware: it uses the torso's angle to world up and which body
parts touch the floor, so an upright torso is never "lying" and a horizontal one never "standing".
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from core.placement import SURFACE_RADIUS
from core.posecodes import measures as m
from core.posecodes.points import POINT_NAMES, body_points
from core.skeleton import NUM_JOINTS


@dataclass(frozen=True)
class Posecode:
    """One fact about a pose: ``kind`` of measurement, the ``joints`` it is about, its ``category`` (the words),
    the measured ``value`` (degrees or metres) and a ``salience`` in [0, 1] used to choose what to say."""

    kind: str
    joints: tuple[str, ...]
    category: str
    value: float
    salience: float


@dataclass(frozen=True)
class Measure:
    """A batched measurement binned into categories; a category with salience 0 produces no posecode."""

    kind: str
    joints: tuple[str, ...]
    compute: Callable[[torch.Tensor, m.Frames], torch.Tensor]
    thresholds: tuple[float, ...]
    categories: tuple[str, ...]
    salience: tuple[float, ...]
    swap_below: int | None = None  # for left-vs-right pairs: categories below this index are restated swapped


ANGLE_THRESHOLDS = (45.0, 75.0, 105.0, 135.0, 160.0)
ANGLE_CATEGORIES = ("completely bent", "almost completely bent", "bent at a right angle", "partially bent",
                    "slightly bent", "straight")
DISTANCE_THRESHOLDS = (0.20, 0.40, 0.80)
DISTANCE_CATEGORIES = ("close", "shoulder width apart", "spread apart", "wide apart")
RELATIVE_THRESHOLDS = (-0.15, -0.05, 0.05, 0.15)
VERTICAL_CATEGORIES = ("below", "slightly below", "level with", "slightly above", "above")
DEPTH_CATEGORIES = ("behind", "slightly behind", "in line with", "slightly in front of", "in front of")
ORIENTATION_THRESHOLDS = (10.0, 80.0, 100.0, 170.0)
ORIENTATION_CATEGORIES = ("pointing up", "raised diagonally", "horizontal", "angled downward", "pointing down")
LEAN_THRESHOLDS = (-60.0, -35.0, -15.0, 15.0, 35.0, 60.0)
LEAN_CATEGORIES = ("bent far backward", "leaning backward", "leaning slightly backward", "upright",
                   "leaning slightly forward", "leaning forward", "bent forward")
SIDE_LEAN_THRESHOLDS = (-35.0, -15.0, 15.0, 35.0)
SIDE_LEAN_CATEGORIES = ("leaning to the right", "leaning slightly to the right", "not leaning sideways",
                        "leaning slightly to the left", "leaning to the left")
TWIST_THRESHOLDS = (-40.0, -20.0, 20.0, 40.0)
TWIST_CATEGORIES = ("twisted to the right", "slightly twisted to the right", "not twisted",
                    "slightly twisted to the left", "twisted to the left")
HEAD_THRESHOLDS = (-20.0, 20.0)
HEAD_CATEGORIES = ("tilted back", "level", "bowed forward")
HEAD_SIDE_THRESHOLDS = (-15.0, 15.0)
HEAD_SIDE_CATEGORIES = ("tilted to the right", "not tilted sideways", "tilted to the left")
REACH_CATEGORIES = ("stretched forward", "stretched backward", "raised straight up", "hanging down",
                    "stretched out to the side", "stretched across the body")
LEG_REACH_CATEGORIES = ("extended forward", "extended backward", "raised up", "straight down",
                        "extended out to the side", "crossed over the other leg")
CONTACT_PARTS = ("left_hand", "right_hand", "head", "left_knee", "right_knee", "left_elbow", "right_elbow")
CONTACT_SALIENCE = {"left_hand": 0.7, "right_hand": 0.7, "head": 0.65, "left_knee": 0.3, "right_knee": 0.3,
                    "left_elbow": 0.5, "right_elbow": 0.5}
CONTACT_HEIGHT = 0.08  # a body part whose surface is within this of the lowest surface touches the floor
SEAT_HEIGHT = 0.17  # the pelvis this close to the floor sits on it
LYING_HEIGHT = 0.25  # a horizontal torso this close to the floor lies on it
P_ANKLES = (POINT_NAMES.index("left_ankle"), POINT_NAMES.index("right_ankle"))

SUPPORT_CATEGORIES = ("standing", "standing on one leg", "squatting", "seated", "sitting on the floor",
                      "kneeling on both knees", "kneeling on one knee", "on hands and knees", "on hands and feet",
                      "lying on the back", "lying on the front", "lying on the side", "upside down", "bent over",
                      "bending backward")
LYING = {"lying on the back", "lying on the front", "lying on the side"}
UPRIGHT_SUPPORTS = {"standing", "standing on one leg", "squatting", "seated", "sitting on the floor",
                    "kneeling on both knees", "kneeling on one knee", "bent over", "bending backward"}
SUPPORT_SALIENCE = 1.0


def _sided(build: Callable[[str, str], Measure]) -> list[Measure]:
    return [build("left", "right"), build("right", "left")]


def _angle(joint: str, parent: str, child: str) -> list[Measure]:
    return _sided(lambda s, o: Measure(
        "angle", (f"{s}_{joint}",), lambda p, f, s=s: m.interior_angle(p, f"{s}_{parent}", f"{s}_{joint}",
                                                                        f"{s}_{child}"),
        ANGLE_THRESHOLDS, ANGLE_CATEGORIES, (0.7, 0.65, 0.6, 0.5, 0.25, 0.1 if joint == "elbow" else 0.05)))


def _distance(a: str, b: str, salience: tuple[float, ...]) -> Measure:
    return Measure("distance", (a, b), lambda p, f: m.distance(p, a, b), DISTANCE_THRESHOLDS, DISTANCE_CATEGORIES,
                   salience)


def _vertical(a: str, b: str, salience: tuple[float, ...], swap: bool = False) -> Measure:
    return Measure("relative", (a, b), lambda p, f: m.offset_along(p, a, b, f.world_up), RELATIVE_THRESHOLDS,
                   VERTICAL_CATEGORIES, salience, swap_below=2 if swap else None)


def _depth(a: str, b: str, salience: tuple[float, ...], swap: bool = False) -> Measure:
    return Measure("relative", (a, b), lambda p, f: m.offset_along(p, a, b, f.torso_forward), RELATIVE_THRESHOLDS,
                   DEPTH_CATEGORIES, salience, swap_below=2 if swap else None)


def _crossing(a: str, b: str, what: str) -> Measure:
    """Left part to the right of the right part (arms / legs crossed); phrased without sides."""
    return Measure("crossing", (what,), lambda p, f: m.offset_along(p, a, b, f.torso_left), (-0.10,),
                   ("crossed", "not crossed"), (0.6, 0.0))


def _orientation(segment: str, a: str, b: str, salience: tuple[float, ...]) -> list[Measure]:
    return _sided(lambda s, o: Measure("orientation", (f"{s}_{segment}",),
                                       lambda p, f, s=s: m.angle_from_up(p, f"{s}_{a}", f"{s}_{b}"),
                                       ORIENTATION_THRESHOLDS, ORIENTATION_CATEGORIES, salience))


def _measures() -> list[Measure]:
    ms: list[Measure] = [*_angle("elbow", "shoulder", "wrist"), *_angle("knee", "hip", "ankle")]
    ms.append(_distance("left_hand", "right_hand", (0.7, 0.25, 0.3, 0.45)))
    ms.append(_distance("left_ankle", "right_ankle", (0.35, 0.05, 0.4, 0.6)))
    ms.append(_distance("left_knee", "right_knee", (0.3, 0.05, 0.35, 0.55)))
    for target, own, other in (("head", 0.7, 0.7), ("shoulder", 0.5, 0.6), ("hip", 0.5, 0.55), ("knee", 0.55, 0.6),
                               ("ankle", 0.65, 0.65)):
        for s, o in (("left", "right"), ("right", "left")):
            if target == "head":
                ms.append(_distance(f"{s}_hand", "head", (own, 0, 0, 0)))
                break
            ms.append(_distance(f"{s}_hand", f"{s}_{target}", (own, 0, 0, 0)))
            ms.append(_distance(f"{s}_hand", f"{o}_{target}", (other, 0, 0, 0)))
    ms.append(_distance("right_hand", "head", (0.7, 0, 0, 0)))
    for s in m.SIDES:
        ms.append(_vertical(f"{s}_hand", "head", (0, 0, 0.3, 0.5, 0.8)))
        ms.append(_vertical(f"{s}_hand", f"{s}_shoulder", (0, 0, 0.3, 0.45, 0.45)))
        ms.append(_vertical(f"{s}_knee", f"{s}_hip", (0, 0, 0.35, 0.45, 0.6)))
        ms.append(_depth(f"{s}_hand", "spine3", (0.5, 0.2, 0, 0, 0.2)))
    ms.append(_vertical("left_hand", "right_hand", (0.35, 0.15, 0, 0.15, 0.35), swap=True))
    ms.append(_vertical("left_ankle", "right_ankle", (0.5, 0.3, 0, 0.3, 0.5), swap=True))
    ms.append(_depth("left_ankle", "right_ankle", (0.4, 0.2, 0, 0.2, 0.4), swap=True))
    ms.append(_crossing("left_hand", "right_hand", "arms"))
    ms.append(_crossing("left_ankle", "right_ankle", "legs"))
    ms += _orientation("thigh", "hip", "knee", (0.5, 0.45, 0.45, 0.15, 0))
    ms += _orientation("shin", "knee", "ankle", (0.5, 0.4, 0.4, 0.1, 0))
    ms += _orientation("upper_arm", "shoulder", "elbow", (0.45, 0.35, 0.35, 0.1, 0))
    ms += _orientation("forearm", "elbow", "wrist", (0.3, 0.2, 0.25, 0.05, 0))
    ms.append(Measure("lean", ("torso",), lambda p, f: m.torso_lean(p, f)[0], LEAN_THRESHOLDS, LEAN_CATEGORIES,
                      (0.7, 0.6, 0.4, 0, 0.4, 0.6, 0.75)))
    ms.append(Measure("lean", ("torso",), lambda p, f: m.torso_lean(p, f)[1], SIDE_LEAN_THRESHOLDS,
                      SIDE_LEAN_CATEGORIES, (0.55, 0.35, 0, 0.35, 0.55)))
    ms.append(Measure("twist", ("torso",), m.torso_twist, TWIST_THRESHOLDS, TWIST_CATEGORIES,
                      (0.5, 0.3, 0, 0.3, 0.5)))
    ms.append(Measure("head", ("head",), lambda p, f: m.head_tilt(p, f)[0], HEAD_THRESHOLDS, HEAD_CATEGORIES,
                      (0.45, 0, 0.4)))
    ms.append(Measure("head", ("head",), lambda p, f: m.head_tilt(p, f)[1], HEAD_SIDE_THRESHOLDS,
                      HEAD_SIDE_CATEGORIES, (0.35, 0, 0.35)))
    return ms


MEASURES: tuple[Measure, ...] = tuple(_measures())


def _reach_codes(points: torch.Tensor, frames: m.Frames) -> list[tuple[str, tuple[str, ...], torch.Tensor,
                                                                         torch.Tensor, tuple[str, ...], tuple]]:
    """Arm and leg reach: (kind, joints, mask (B,), category index (B,), categories, salience)."""
    out = []
    left, forward = m.horizontal_heading(frames)  # gravity frame: "up" is world up, also for a horizontal body
    world = m.Frames(frames.world_up, left, frames.world_up, forward, frames.leg_length, frames.arm_length)
    for side in m.SIDES:
        ratio, direction = m.reach_direction(points, world, f"{side}_shoulder", f"{side}_hand", side,
                                             frames.arm_length)
        out.append(("reach", (f"{side}_arm",), ratio > 0.9, direction, REACH_CATEGORIES,
                    (0.6, 0.5, 0.6, 0, 0.55, 0.5)))
        ratio, direction = m.reach_direction(points, world, f"{side}_hip", f"{side}_ankle", side, frames.leg_length)
        out.append(("reach", (f"{side}_leg",), ratio > 0.9, direction, LEG_REACH_CATEGORIES,
                    (0.55, 0.5, 0.6, 0, 0.55, 0.45)))
    return out


def _support(points: torch.Tensor, joints: torch.Tensor, frames: m.Frames) -> tuple[torch.Tensor, torch.Tensor,
                                                                                    torch.Tensor, torch.Tensor]:
    """Support category index (B,), its side (B,: 0 left, 1 right, -1 none), torso tilt (B,), contact (B, 24)."""
    radius = SURFACE_RADIUS.to(joints)
    surface = joints[..., 1] - radius
    height = surface - surface.min(dim=-1, keepdim=True).values
    contact = height < CONTACT_HEIGHT
    J = {name: i for i, name in enumerate(POINT_NAMES[:NUM_JOINTS])}

    def touches(*names: str) -> torch.Tensor:
        return contact[:, [J[n] for n in names]].any(dim=-1)

    tilt = m._deg(torch.acos(frames.torso_up[:, 1].clamp(-1, 1)))
    left_foot, right_foot = touches("left_ankle", "left_foot"), touches("right_ankle", "right_foot")
    left_knee, right_knee = touches("left_knee"), touches("right_knee")
    hands = touches("left_hand", "left_wrist") & touches("right_hand", "right_wrist")
    ankles_height = (height[:, J["left_ankle"]] + height[:, J["right_ankle"]]) / 2
    upright = tilt < 55
    inverted = (tilt > 120) & (ankles_height > height[:, J["pelvis"]])  # head down and legs up
    horizontal = ~upright & ~inverted
    pelvis_down = height[:, J["pelvis"]] < SEAT_HEIGHT
    torso_low = (height[:, [J["pelvis"], J["spine1"], J["spine2"], J["spine3"]]] < LYING_HEIGHT).sum(dim=-1) >= 2
    pelvis_height = (joints[:, J["pelvis"], 1] - surface.min(dim=-1).values) / frames.leg_length
    _, heading = m.horizontal_heading(frames)
    feet_centre = (points[:, P_ANKLES[0]] + points[:, P_ANKLES[1]]) / 2
    pelvis_behind_feet = -((points[:, J["pelvis"]] - feet_centre) * heading).sum(-1) / frames.leg_length
    knees_behind = torch.stack([-((points[:, J[f"{s}_knee"]] - points[:, J["pelvis"]]) * heading).sum(-1)
                                for s in m.SIDES], 1).min(dim=1).values / frames.leg_length
    knee_angles = torch.stack([m.interior_angle(points, f"{s}_hip", f"{s}_knee", f"{s}_ankle") for s in m.SIDES], 1)
    thigh_angles = torch.stack([m.angle_from_up(points, f"{s}_hip", f"{s}_knee") for s in m.SIDES], 1)
    thighs_flat = (thigh_angles - 90).abs() < 35
    feet_up = torch.stack([height[:, J["left_ankle"]], height[:, J["right_ankle"]]], 1) > 0.10
    leaning_forward = m.torso_lean(points, frames)[0] > 0

    up = frames.world_up
    facing_up = (frames.torso_forward * up).sum(-1)
    left_up = (frames.torso_left * up).sum(-1)
    folded_on_knees = left_knee & right_knee & (knee_angles < 70).all(dim=-1)  # sitting back on the heels
    lying = horizontal & torso_low & ~folded_on_knees
    prone_chest_up = pelvis_down & (tilt > 30) & (knees_behind > 0.25)  # cobra, sprawl: legs out behind
    lying_kind = torch.stack([facing_up, -facing_up, left_up.abs()], dim=1).argmax(dim=1)
    one_leg = (left_foot & feet_up[:, 1] & ~right_foot) | (right_foot & feet_up[:, 0] & ~left_foot)
    lower_side = torch.where(left_up < 0, 0, 1)  # the side that is down
    seated = upright & thighs_flat.all(dim=-1) & (pelvis_behind_feet > 0.3)  # on a seat the solver does not draw
    rules = [  # highest priority first: (mask, category, side or None)
        (inverted, "upside down", None),
        (lying & (lying_kind == 0), "lying on the back", None),
        ((lying & (lying_kind == 1)) | prone_chest_up, "lying on the front", None),
        (lying & (lying_kind == 2), "lying on the side", lower_side),
        (horizontal & hands & (left_knee | right_knee) & ~folded_on_knees, "on hands and knees", None),
        (horizontal & hands & (left_foot | right_foot), "on hands and feet", None),
        (pelvis_down, "sitting on the floor", None),
        (left_knee & right_knee, "kneeling on both knees", None),
        (left_knee ^ right_knee, "kneeling on one knee", torch.where(left_knee, 0, 1)),
        (seated, "seated", None),
        (one_leg, "standing on one leg", torch.where(left_foot, 0, 1)),
        (horizontal & leaning_forward, "bent over", None),
        (horizontal, "bending backward", None),
        (upright & (knee_angles < 110).all(dim=-1) & (pelvis_height < 0.7), "squatting", None),
    ]
    index = {name: i for i, name in enumerate(SUPPORT_CATEGORIES)}
    category = torch.full(tilt.shape, index["standing"], dtype=torch.long)
    side = torch.full(tilt.shape, -1, dtype=torch.long)
    for mask, name, which in reversed(rules):  # later (higher-priority) rules overwrite earlier ones
        category = torch.where(mask, index[name], category)
        side = torch.where(mask, which if which is not None else -1, side)
    return category, side, tilt, contact


_JOINT_SIDE = ("left", "right")
_IMPLIED_BY_SUPPORT = {  # support category -> contact parts whose contact it already says
    "on hands and knees": {"left_hand", "right_hand", "left_knee", "right_knee"},
    "on hands and feet": {"left_hand", "right_hand"},
    "upside down": set(),
    "kneeling on both knees": {"left_knee", "right_knee"},
    "kneeling on one knee": {"left_knee", "right_knee"},
}


def _support_code(category: str, side: int, tilt: float) -> Posecode:
    joints = (f"{_JOINT_SIDE[side]}_{'knee' if 'knee' in category else 'leg' if 'leg' in category else 'side'}",) \
        if side >= 0 else ()
    return Posecode("support", joints, category, round(tilt, 2), SUPPORT_SALIENCE)


def _drop_redundant(codes: list[Posecode]) -> list[Posecode]:
    """Remove codes another code already implies (e.g. hand above shoulder when it is above the head)."""
    facts = {(c.kind, c.joints, c.category) for c in codes}
    support = next(c.category for c in codes if c.kind == "support")
    keep = []
    for c in codes:
        side = c.joints[0].split("_")[0] if c.joints and c.joints[0].startswith(_JOINT_SIDE) else None
        if side:
            above_head = ("relative", (f"{side}_hand", "head"), "above") in facts
            arm_up = ("reach", (f"{side}_arm",), "raised straight up") in facts
            arm_flat = any(("reach", (f"{side}_arm",), r) in facts
                           for r in ("stretched forward", "stretched out to the side"))
            if c.kind == "relative" and c.joints == (f"{side}_hand", f"{side}_shoulder") and above_head:
                continue
            if c.joints == (f"{side}_upper_arm",) and (arm_up or above_head) and c.category != "horizontal":
                continue
            if c.joints == (f"{side}_upper_arm",) and arm_flat and c.category == "horizontal":
                continue
            if support == "seated" and c.joints == (f"{side}_thigh",) and c.category == "horizontal":
                continue
        if support in LYING and c.kind == "orientation" and c.category == "horizontal":
            continue
        keep.append(c)
    return keep


@dataclass(frozen=True)
class _Measured:
    """Every batched measurement of a set of poses, as Python lists, ready to be turned into posecodes."""

    support_names: list[str]
    sides: list[int]
    tilts: list[float]
    rows: list[tuple[Measure, list[float], list[int]]]
    reach: list[tuple]
    contact: list[list[bool]]


def _measure(joints: torch.Tensor) -> _Measured:
    """Validate (B, 24, 3) joints and compute all measurements for the batch at once."""
    if joints.ndim == 2:
        joints = joints.unsqueeze(0)
    if joints.ndim != 3 or tuple(joints.shape[1:]) != (NUM_JOINTS, 3):
        raise ValueError(f"joints must have shape (B, 24, 3), got {tuple(joints.shape)}")
    joints = joints.detach().to(torch.float32)
    bad = (~torch.isfinite(joints)).any(dim=-1).any(dim=-1).nonzero().flatten().tolist()
    if bad:
        raise ValueError(f"joints contain NaN or infinite values (poses {bad[:10]})")
    points = body_points(joints)
    frames = m.make_frames(points)
    support, support_side, tilt, contact = _support(points, joints, frames)
    rows = []
    for measure in MEASURES:
        values = measure.compute(points, frames)
        index = torch.bucketize(values, torch.tensor(measure.thresholds, dtype=values.dtype))
        rows.append((measure, values.tolist(), index.tolist()))
    reach = [(kind, jn, mask.tolist(), direction.tolist(), cats, sal)
             for kind, jn, mask, direction, cats, sal in _reach_codes(points, frames)]
    return _Measured([SUPPORT_CATEGORIES[i] for i in support.tolist()], support_side.tolist(), tilt.tolist(), rows,
                     reach, contact[:, [POINT_NAMES.index(n) for n in CONTACT_PARTS]].tolist())


def _codes_of(measured: _Measured, b: int, complete: bool) -> list[Posecode]:
    """The posecodes of pose ``b``: what is worth saying, or with ``complete`` every measured code."""
    support_name = measured.support_names[b]
    codes = [_support_code(support_name, measured.sides[b], measured.tilts[b])]
    upright = support_name in UPRIGHT_SUPPORTS
    for measure, values, index in measured.rows:
        salience = measure.salience[index[b]]
        body_relative = measure.kind == "lean" or measure.categories == DEPTH_CATEGORIES
        if not complete and (salience <= 0 or (body_relative and not upright)):
            continue
        category, joints_ = measure.categories[index[b]], measure.joints
        value = values[b]
        if measure.swap_below is not None and index[b] < measure.swap_below:
            joints_ = joints_[::-1]
            category = measure.categories[len(measure.categories) - 1 - index[b]]
            value = -value
        codes.append(Posecode(measure.kind, joints_, category, round(value, 4), salience))
    for kind, joint_names, mask, direction, categories, salience in measured.reach:
        is_leg = joint_names[0].endswith("_leg")
        if mask[b] and (complete or (salience[direction[b]] > 0 and (upright or not is_leg))):
            codes.append(Posecode(kind, joint_names, categories[direction[b]], 1.0, salience[direction[b]]))
    if complete or support_name not in LYING:
        implied = set() if complete else _IMPLIED_BY_SUPPORT.get(support_name, set())
        for part, touching in zip(CONTACT_PARTS, measured.contact[b]):
            if touching and part not in implied:
                codes.append(Posecode("contact", (part,), "on the ground", 0.0, CONTACT_SALIENCE[part]))
    return codes if complete else _drop_redundant(codes)


def extract_posecodes(joints: torch.Tensor, complete: bool = False) -> list[list[Posecode]]:
    """Posecodes of each pose of (B, 24, 3) joint positions (metres, y up); the support code comes first.

    The floor is taken to be the lowest body surface, so joints need not be placed on y = 0. By default only
    what is worth saying is returned (salient, not implied by another code); ``complete`` returns every measured
    code, trivial and implied ones included (what a text is checked against).
    """
    measured = _measure(joints)
    return [_codes_of(measured, b, complete) for b in range(len(measured.support_names))]


def extract_salient_and_complete(joints: torch.Tensor) -> tuple[list[list[Posecode]], list[list[Posecode]]]:
    """Both views of :func:`extract_posecodes` (salient, complete) from one pass of measurements."""
    measured = _measure(joints)
    batch = range(len(measured.support_names))
    return [_codes_of(measured, b, False) for b in batch], [_codes_of(measured, b, True) for b in batch]


def measure_for(kind: str, joints: tuple[str, ...], category: str) -> Measure | None:
    """The binned measure that states ``category`` of ``joints`` (None for support, reach and contact codes)."""
    return next((ms for ms in MEASURES if ms.kind == kind and ms.joints == joints and category in ms.categories),
                None)
