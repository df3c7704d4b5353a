"""Goals of a pose spec: relations between named body points (and the floor), their parsing and their residuals.

A goal is met when its residual (metres by which the relation is violated) is <= GOAL_TOLERANCE.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from core.placement import SURFACE_RADIUS
from core.posecodes.points import ANCHOR_JOINT, POINT_NAMES, VIRTUAL_SURFACE_RADIUS, body_points, torso_frame
from core.posespec.errors import unknown
from core.skeleton import JOINT_INDEX, NUM_JOINTS, PARENTS

GOAL_TOLERANCE = 0.02
CONTACT_DISTANCE = 0.08
NEAR_DISTANCE = 0.18
MARGIN = 0.05
FLOOR_DISTANCE = 0.03

RELATIONS = {
    "on": "point within 0.08 m of the target (touching); `on: floor`: the point's surface is at the level of the "
          "lowest other body part, within 0.03 m",
    "near": "point within 0.18 m of the target",
    "above": "point at least 0.05 m higher than the target (gravity up)",
    "below": "point at least 0.05 m lower than the target",
    "in_front_of": "point at least 0.05 m in front of the target (along the torso's forward direction)",
    "behind": "point at least 0.05 m behind the target",
    "left_of": "point at least 0.05 m to the body's left of the target",
    "right_of": "point at least 0.05 m to the body's right of the target",
}
RELATION_ALIASES = {"at": "on", "touching": "on", "touch": "on", "close_to": "near", "next_to": "near"}
POINT_ALIASES = {
    "left_fingertips": "left_hand_tip", "right_fingertips": "right_hand_tip", "top_of_head": "head_top",
    "nose": "face", "mouth": "face", "chin": "face", "stomach": "belly", "abdomen": "belly", "waist": "pelvis",
    "left_palm": "left_hand", "right_palm": "right_hand", "left_heel": "left_ankle", "right_heel": "right_ankle",
    "left_toes": "left_foot", "right_toes": "right_foot", "left_ear": "head", "right_ear": "head",
}
FLOOR = "floor"


@dataclass(frozen=True)
class Goal:
    """``point`` stands in ``relation`` to ``target`` (+ ``offset`` in the torso frame: left, up, forward)."""

    point: str
    relation: str
    target: str
    threshold: float
    offset: tuple[float, float, float] = (0.0, 0.0, 0.0)
    source: str = ""

    def describe(self) -> str:
        return self.source or f"{self.point} {self.relation} {self.target}"


def _presets() -> dict[str, dict[str, list[tuple]]]:
    """Preset goals, as (point, relation, target, threshold, offset) tuples."""
    both = ("left", "right")

    def s(side, x):  # sideways offset towards the hand's own side
        return x if side == "left" else -x

    return {
        "hands": {
            "together_in_front_of_chest": [("left_hand", "on", "right_hand", 0.08, (0, 0, 0)),
                                           *[(f"{h}_hand", "near", "chest", 0.12, (0, -0.05, 0.25)) for h in both]],
            "together_overhead": [("left_hand", "on", "right_hand", 0.08, (0, 0, 0)),
                                  *[(f"{h}_hand", "above", "head_top", 0.10, (0, 0, 0)) for h in both]],
            "overhead": [(f"{h}_hand", "above", "head_top", 0.10, (0, 0, 0)) for h in both],
            "on_hips": [(f"{h}_hand", "on", f"{h}_hip", 0.08, (s(h, 0.08), 0.07, 0.0)) for h in both],
            "behind_head": [(f"{h}_hand", "on", "head", 0.10, (s(h, 0.05), 0.0, -0.11)) for h in both],
            "on_knees": [(f"{h}_hand", "on", f"{h}_knee", 0.08, (0, 0.04, 0.06)) for h in both],
            "on_floor": [(f"{h}_hand", "on", FLOOR, FLOOR_DISTANCE, (0, 0, 0)) for h in both],
            "on_face": [(f"{h}_hand", "on", "face", 0.08, (s(h, 0.04), 0, 0.03)) for h in both],
            "clasped_behind_back": [("left_hand", "on", "right_hand", 0.08, (0, 0, 0)),
                                    *[(f"{h}_hand", "behind", "pelvis", 0.08, (0, 0, 0)) for h in both]],
        },
        "feet": {
            "together": [("left_ankle", "on", "right_ankle", 0.16, (0, 0, 0))],
            "on_floor": [(f"{f}_foot", "on", FLOOR, FLOOR_DISTANCE, (0, 0, 0)) for f in both],
        },
    }


PRESETS = _presets()


def _point(name, where: str, problems: list[str], allow_floor: bool = False) -> str | None:
    if not isinstance(name, str):
        problems.append(f"{where}: expected a body point name, got {name!r}")
        return None
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    key = POINT_ALIASES.get(key, key)
    if key in POINT_NAMES or (allow_floor and key == FLOOR):
        return key
    problems.append(f"{where}: " + unknown("body point", name, (*POINT_NAMES, *([FLOOR] if allow_floor else []))))
    return None


def parse_goals(raw, problems: list[str]) -> list[Goal]:
    """Parse the ``goals:`` section; every problem is appended to ``problems`` (nothing raised here)."""
    if raw is None:
        return []
    if not isinstance(raw, dict):
        problems.append(f"goals: expected a mapping of point -> relation, got {type(raw).__name__}")
        return []
    goals: list[Goal] = []
    for key, value in raw.items():
        if key in PRESETS:
            names = value if isinstance(value, list) else [value]
            for name in names:
                if name not in PRESETS[key]:
                    problems.append(f"goals.{key}: " + unknown("preset", str(name), PRESETS[key]))
                    continue
                for point, rel, target, thr, off in PRESETS[key][name]:
                    goals.append(Goal(point, rel, target, thr, off, f"{key}: {name} ({point} {rel} {target})"))
            continue
        point = _point(key, f"goals.{key}", problems)
        if point is None:
            continue
        if not isinstance(value, dict):
            problems.append(f"goals.{key}: expected a mapping like {{near: head}}, got {value!r}")
            continue
        options = dict(value)
        distance = options.pop("distance", None)
        offset = options.pop("offset", (0.0, 0.0, 0.0))
        if distance is not None and (not isinstance(distance, (int, float)) or distance <= 0):
            problems.append(f"goals.{key}.distance: expected a positive number of metres, got {distance!r}")
            continue
        if (not isinstance(offset, (list, tuple)) or len(offset) != 3
                or not all(isinstance(v, (int, float)) for v in offset)):
            problems.append(f"goals.{key}.offset: expected [left, up, forward] metres, got {offset!r}")
            continue
        if not options:
            problems.append(f"goals.{key}: no relation given (one of {', '.join(RELATIONS)})")
        for rel, target in options.items():
            rel = "on" if rel is True else str(rel)  # YAML 1.1 reads a bare `on:` key as true
            relation = RELATION_ALIASES.get(rel, rel)
            if relation not in RELATIONS:
                problems.append(f"goals.{key}: " + unknown("relation", rel, [*RELATIONS, "distance", "offset"]))
                continue
            target_point = _point(target, f"goals.{key}.{rel}", problems, allow_floor=relation == "on")
            if target_point is None:
                continue
            if target_point == FLOOR:
                threshold = distance or FLOOR_DISTANCE
            else:
                threshold = distance or {"on": CONTACT_DISTANCE, "near": NEAR_DISTANCE}.get(relation, MARGIN)
            goals.append(Goal(point, relation, target_point, float(threshold), tuple(float(v) for v in offset),
                              f"{point} {rel} {target}"))
    return goals


_SURFACE = {**{n: float(r) for n, r in zip(POINT_NAMES, SURFACE_RADIUS.tolist())}, **VIRTUAL_SURFACE_RADIUS}


def _floor_level(goals: list[Goal], joints: torch.Tensor) -> torch.Tensor:
    """(B,) height of the floor the rest of the body stands on: the lowest body surface, leaving out the parts
    that floor goals place (each goal point's joint, its parent and its descendants), so that "hands on the
    floor" brings the hands down to the knees' or feet's level instead of lifting the body onto the hands."""
    excluded: set[int] = set()
    for goal in goals:
        if goal.target != FLOOR:
            continue
        anchor = JOINT_INDEX[ANCHOR_JOINT[goal.point]]
        excluded |= {anchor, PARENTS[anchor]} | {j for j in range(NUM_JOINTS) if anchor in _ancestors(j)}
    kept = [j for j in range(NUM_JOINTS) if j not in excluded] or list(range(NUM_JOINTS))
    return (joints[:, kept, 1] - SURFACE_RADIUS.to(joints)[kept]).min(dim=-1).values


def _ancestors(joint: int) -> set[int]:
    found = set()
    while PARENTS[joint] >= 0:
        joint = PARENTS[joint]
        found.add(joint)
    return found


def goal_residuals(goals: list[Goal], joints: torch.Tensor, inset: float = 0.0) -> torch.Tensor:
    """(B, G) metres by which each goal is violated (0 when met) for (B, 24, 3) joints.

    ``inset`` tightens every threshold by that many metres (the IK aims a little inside the goals).
    """
    names = sorted({g.point for g in goals} | {g.target for g in goals if g.target != FLOOR})
    points = dict(zip(names, body_points(joints, names).unbind(1)))
    left, up, forward = torso_frame(joints)
    floor = _floor_level(goals, joints)
    world_up = torch.tensor([0.0, 1.0, 0.0]).to(joints)
    columns = []
    for g in goals:
        p = points[g.point]
        if g.target == FLOOR:
            gap = (p[:, 1] - _SURFACE[g.point] - floor).abs()
            columns.append(torch.relu(gap - max(g.threshold - inset, 0.0)))
            continue
        t = points[g.target] + g.offset[0] * left + g.offset[1] * up + g.offset[2] * forward
        if g.relation in ("on", "near"):
            columns.append(torch.relu((p - t).norm(dim=-1) - max(g.threshold - inset, 0.0)))
            continue
        direction = {"above": world_up, "below": -world_up, "in_front_of": forward, "behind": -forward,
                     "left_of": left, "right_of": -left}[g.relation]
        columns.append(torch.relu(g.threshold + inset - ((p - t) * direction).sum(dim=-1)))
    return torch.stack(columns, dim=1)
