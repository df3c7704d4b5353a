"""Parsing a pose spec (dict or YAML text) into degrees of freedom, a global orientation and goals."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import torch
import yaml

from core.posecodes.points import POINT_NAMES
from core.posespec.angles import DOF_INDEX, DOFS
from core.posespec.errors import SpecError, unknown
from core.posespec.goals import Goal, parse_goals
from core.posespec.vocabulary import BODY_FIELDS, GROUPS, LYING_CHOICES
from core.rotations import axis_angle_to_matrix

META_KEYS = ("name", "notes")
SECTION_KEYS = ("body", "goals")
BODY_ALIASES = {"lean_back": ("lean_forward", -1.0), "lean_right": ("lean_left", -1.0)}


class SpecLoader(yaml.SafeLoader):
    """YAML loader that keeps `on`, `off`, `yes`, `no` as strings (only true/false are booleans)."""


SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SpecLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                 list("tTfF"))


def load_yaml(text: str):
    """Parse YAML text with :class:`SpecLoader`."""
    return yaml.load(text, Loader=SpecLoader)


@dataclass
class ParsedSpec:
    """A validated spec: stated angles (degrees, by DOF key), global rotation (3, 3), goals, limit problems."""

    name: str | None
    stated: dict[str, float]
    global_rotation: torch.Tensor
    goals: list[Goal]
    limit_problems: list[str] = field(default_factory=list)

    def dof_vector(self, clamp: bool = True) -> torch.Tensor:
        """(D,) radians of the stated angles (0 elsewhere), clamped to the joint limits if ``clamp``."""
        values = torch.zeros(len(DOFS))
        for key, deg in self.stated.items():
            lo, hi = DOFS[DOF_INDEX[key]].limits
            values[DOF_INDEX[key]] = (min(max(deg, lo), hi) if clamp else deg) * math.pi / 180
        return values


def normalise_key(key) -> str:
    """Lower-case a spec key and turn spaces and hyphens into underscores."""
    return str(key).strip().lower().replace(" ", "_").replace("-", "_")


def _number(value, where: str, problems: list[str]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        problems.append(f"{where}: expected a number of degrees, got {value!r}")
        return None
    return float(value)


def _parse_joint(key: str, raw, stated: dict, problems: list[str]) -> None:
    group = GROUPS[key]
    if not isinstance(raw, dict):
        if len(group.angles) == 1:  # hinge shorthand: `left_knee: 90`
            raw = {group.angles[0].name: raw}
        else:
            problems.append(f"{key}: expected a mapping of angle -> degrees like "
                            f"{{{group.angles[0].name}: 30}}, got {raw!r}")
            return
    for angle_name, value in raw.items():
        found = group.angle(normalise_key(angle_name))
        if found is None:
            problems.append(f"{key}: " + unknown("angle", str(angle_name), group.accepted_names()))
            continue
        angle, sign = found
        deg = _number(value, f"{key}.{angle_name}", problems)
        if deg is None:
            continue
        dof = f"{key}.{angle.name}"
        if dof in stated:
            problems.append(f"{key}: {angle.name} given twice (as {angle.name}/{angle.negative} or an alias)")
            continue
        stated[dof] = sign * deg


def _limit_problems(stated: dict[str, float], hinge: float) -> list[str]:
    problems = []
    for dof, deg in stated.items():
        lo, hi = DOFS[DOF_INDEX[dof]].limits
        if not lo <= deg <= hi:
            off = lo - deg if deg < lo else deg - hi
            note = f", including body.hip_hinge {hinge:g}" if hinge and dof.endswith("hip.flexion") else ""
            problems.append(f"{dof} = {deg:g} deg{note} is outside the joint limit [{lo:g}, {hi:g}] by {off:g} deg")
    return problems


def _parse_body(raw, problems: list[str], limit_problems: list[str]) -> tuple[torch.Tensor, float]:
    """The global rotation (3, 3) of the ``body:`` section and its hip hinge in degrees."""
    if raw is None:
        return torch.eye(3), 0.0
    if not isinstance(raw, dict):
        problems.append(f"body: expected a mapping like {{facing: 90}}, got {raw!r}")
        return torch.eye(3), 0.0
    values = {"facing": 0.0, "lean_forward": 0.0, "lean_left": 0.0, "hip_hinge": 0.0}
    lying, upside_down = None, False
    for key, value in raw.items():
        name = normalise_key(key)
        if name == "lying":
            lying = normalise_key(value) if value is not None else None
            if lying not in LYING_CHOICES:
                problems.append(f"body.lying: expected one of {', '.join(LYING_CHOICES)}, got {value!r}")
                lying = None
            continue
        if name == "upside_down":
            if not isinstance(value, bool):
                problems.append(f"body.upside_down: expected true or false, got {value!r}")
            upside_down = value is True
            continue
        target, sign = BODY_ALIASES.get(name, (name, 1.0))
        if target not in BODY_FIELDS:
            problems.append("body: " + unknown("field", str(key), [*BODY_FIELDS, *BODY_ALIASES]))
            continue
        deg = _number(value, f"body.{key}", problems)
        if deg is None:
            continue
        lo, hi = BODY_FIELDS[target].limits
        if not lo <= deg <= hi:
            limit_problems.append(f"body.{key} = {deg:g} deg is outside [{lo:g}, {hi:g}]")
        values[target] += sign * deg
    if lying and upside_down:
        problems.append("body: lying and upside_down cannot be combined (lean_forward: 180 turns a lying body over)")
    rad = math.pi / 180
    base_rotvec = {None: (0, 0, 0), "back": (-90, 0, 0), "front": (90, 0, 0), "left_side": (0, 0, -90),
                   "right_side": (0, 0, 90)}[lying]
    if upside_down:
        base_rotvec = (0, 0, 180)
    yaw = axis_angle_to_matrix(torch.tensor([0.0, values["facing"] * rad, 0.0]))
    base = axis_angle_to_matrix(torch.tensor(base_rotvec, dtype=torch.float32) * rad)
    pitch = values["lean_forward"] + values["hip_hinge"]
    lean = axis_angle_to_matrix(torch.tensor([pitch, 0.0, -values["lean_left"]]) * rad)
    return yaw @ base @ lean, values["hip_hinge"]


def parse_spec(spec: dict | str, name: str | None = None) -> ParsedSpec:
    """Validate a spec (a mapping, or YAML text of one); raise SpecError listing every structural problem.

    Joint-limit violations are not raised here; they are kept in ``limit_problems`` for the solver to report.
    """
    if isinstance(spec, str):
        try:
            spec = load_yaml(spec)
        except yaml.YAMLError as exc:
            raise SpecError([f"not valid YAML: {exc}"], name) from exc
    if spec is None:
        spec = {}
    if not isinstance(spec, dict):
        raise SpecError([f"a spec must be a mapping of joint -> angles, got {type(spec).__name__}"], name)
    name = name or spec.get("name")
    problems: list[str] = []
    limit_problems: list[str] = []
    stated: dict[str, float] = {}
    rotation, hinge = torch.eye(3), 0.0
    goals: list[Goal] = []
    for raw_key, value in spec.items():
        key = normalise_key(raw_key)
        if key in META_KEYS:
            continue
        if key == "body":
            rotation, hinge = _parse_body(value, problems, limit_problems)
        elif key == "goals":
            goals = parse_goals(value, problems)
        elif key in GROUPS:
            _parse_joint(key, value, stated, problems)
        elif key in POINT_NAMES:
            problems.append(f"{raw_key!r} is a body point, not a joint with angles: put it under goals:, "
                            f"e.g. goals: {{{key}: {{near: head}}}}")
        else:
            problems.append(unknown("joint", str(raw_key), [*GROUPS, *SECTION_KEYS, *META_KEYS]))
    if problems:
        raise SpecError(problems, name)
    for side in ("left", "right"):
        if hinge:  # the legs keep their orientation while the pelvis pitches forward
            stated[f"{side}_hip.flexion"] = stated.get(f"{side}_hip.flexion", 0.0) + hinge
    return ParsedSpec(name, stated, rotation, goals, limit_problems + _limit_problems(stated, hinge))
