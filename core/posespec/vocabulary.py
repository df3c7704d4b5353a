"""The pose spec vocabulary: joint groups, anatomical angle names, sign conventions, joint limits.

This table is the single source of truth for the spec language (docs/pose_spec.md documents it). Every angle is
a degree value whose positive direction has an anatomical name (``flexion``) and whose negative direction may be
written with the opposite name (``extension: 20`` is ``flexion: -20``).

Each angle maps linearly onto SMPL axis-angle components. Axes are stated for the LEFT side of the body in the
parent's rest frame (+x = body's left, +y = up, +z = forward); the right side is the mirror image (x component
kept, y and z negated), so every name means the same movement on both sides.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.skeleton import JOINT_INDEX

SIDES = ("left", "right")


@dataclass(frozen=True)
class Angle:
    """One anatomical degree of freedom of a spec joint group."""

    name: str
    negative: str | None
    meaning: str
    limits: tuple[float, float]
    axis: tuple[float, float, float]
    targets: tuple[tuple[str, float], ...]  # (SMPL joint suffix or name, share of the angle)
    twist: bool = False  # rotation about the limb's own axis, applied before the swing
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class JointGroup:
    """A spec key (``spine``, ``left_knee`` ...) and its angles."""

    key: str
    description: str
    angles: tuple[Angle, ...]
    sided: bool

    def angle(self, name: str) -> tuple[Angle, float] | None:
        """The angle called ``name`` (or its opposite/alias) and the sign to apply, or None."""
        for angle in self.angles:
            if name == angle.name or name in angle.aliases:
                return angle, 1.0
            if name == angle.negative:
                return angle, -1.0
        return None

    def accepted_names(self) -> list[str]:
        names = []
        for angle in self.angles:
            names += [angle.name, *([angle.negative] if angle.negative else []), *angle.aliases]
        return names


_X, _Y, _Z = (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)


def _neg(v: tuple[float, float, float]) -> tuple[float, float, float]:
    return (-v[0], -v[1], -v[2])


def _central(key: str, description: str, targets: tuple[tuple[str, float], ...], flex: tuple, bend: tuple,
             twist: tuple) -> JointGroup:
    return JointGroup(key, description, (
        Angle("flexion", "extension", "bend forward (chin / chest towards the front); extension bends backwards",
              flex, _X, targets),
        Angle("side_bend", None, "bend sideways towards the body's LEFT (negative: towards the right)", bend,
              _neg(_Z), targets, aliases=("bend_left",)),
        Angle("twist", None, "turn (rotate about the vertical) so the front faces the body's LEFT "
              "(negative: turns to the right)", twist, _Y, targets, aliases=("twist_left",)),
    ), sided=False)


_SPINE_SHARES = (("spine1", 0.4), ("spine2", 0.3), ("spine3", 0.3))

CENTRAL_GROUPS: tuple[JointGroup, ...] = (
    _central("spine", "whole spine, distributed over spine1 40%, spine2 30%, spine3 30%", _SPINE_SHARES,
             (-60, 100), (-50, 50), (-60, 60)),
    _central("spine1", "lower spine only (adds to `spine`)", (("spine1", 1.0),), (-25, 45), (-25, 25), (-25, 25)),
    _central("spine2", "middle spine only (adds to `spine`)", (("spine2", 1.0),), (-20, 35), (-20, 20), (-20, 20)),
    _central("spine3", "upper spine only (adds to `spine`)", (("spine3", 1.0),), (-20, 35), (-20, 20), (-20, 20)),
    _central("neck", "neck (moves the head with it)", (("neck", 1.0),), (-50, 60), (-40, 40), (-50, 50)),
    _central("head", "head on top of the neck", (("head", 1.0),), (-40, 40), (-30, 30), (-40, 40)),
)


def _sided(part: str, description: str, angles: tuple[Angle, ...]) -> tuple[JointGroup, ...]:
    return tuple(JointGroup(f"{side}_{part}", description, angles, sided=True) for side in SIDES)


SIDED_GROUPS: tuple[JointGroup, ...] = (
    *_sided("collar", "collar bone / shoulder girdle", (
        Angle("elevation", "depression", "shoulder shrugged up towards the ear", (-15, 30), _Z, (("collar", 1.0),)),
        Angle("protraction", "retraction", "shoulder pushed forward (rounded); retraction pulls it back",
              (-20, 25), _neg(_Y), (("collar", 1.0),)),
    )),
    *_sided("shoulder", "upper arm at the shoulder; 0 = arm hanging straight down at the side", (
        Angle("flexion", "extension", "arm raised forward (90 = pointing forward at shoulder height, "
              "180 = straight up); extension swings it backwards", (-60, 185), _neg(_X), (("shoulder", 1.0),)),
        Angle("abduction", "adduction", "arm raised out to the side (90 = horizontal, T-pose; 180 = straight up); "
              "adduction brings it across the front of the body", (-45, 185), _Z, (("shoulder", 1.0),)),
        Angle("internal_rotation", "external_rotation", "upper arm turned inwards about its own axis (a forearm "
              "bent forward swings towards the belly); external swings it outwards", (-90, 90), _neg(_Y),
              (("shoulder", 1.0),), twist=True, aliases=("rotation",)),
    )),
    *_sided("elbow", "elbow hinge", (
        Angle("flexion", "extension", "elbow bent (0 = straight arm, 90 = right angle, 150 = fully bent)",
              (-10, 155), _neg(_Y), (("elbow", 1.0),)),
    )),
    *_sided("wrist", "wrist and forearm", (
        Angle("flexion", "extension", "hand bent towards the palm; extension bends it back", (-70, 80), _neg(_Z),
              (("wrist", 1.0),)),
        Angle("radial_deviation", "ulnar_deviation", "hand tilted towards the thumb side", (-35, 25), _neg(_Y),
              (("wrist", 1.0),)),
        Angle("supination", "pronation", "forearm turned palm-forward / palm-up (from the neutral palm-facing-"
              "the-thigh); pronation turns the palm backwards / down", (-90, 90), _neg(_X), (("wrist", 1.0),)),
    )),
    *_sided("hip", "thigh at the hip; 0 = standing leg straight down", (
        Angle("flexion", "extension", "thigh raised forward (90 = thigh horizontal, as when seated); "
              "extension swings it backwards", (-45, 150), _neg(_X), (("hip", 1.0),)),
        Angle("abduction", "adduction", "leg moved out to the side, away from the other leg; adduction crosses it "
              "towards the other leg", (-30, 90), _Z, (("hip", 1.0),)),
        Angle("internal_rotation", "external_rotation", "thigh turned inwards about its own axis (knee and toes "
              "turn towards the other leg); external turns them outwards", (-80, 60), _neg(_Y), (("hip", 1.0),),
              twist=True, aliases=("rotation",)),
    )),
    *_sided("knee", "knee hinge", (
        Angle("flexion", "extension", "knee bent, the shin swinging backwards (0 = straight leg, 90 = right angle, "
              "150 = heel near buttock)", (-10, 160), _X, (("knee", 1.0),)),
    )),
    *_sided("ankle", "ankle", (
        Angle("dorsiflexion", "plantarflexion", "toes pulled up towards the shin; plantarflexion points the toes "
              "down (tiptoe, ballet point)", (-60, 35), _neg(_X), (("ankle", 1.0),)),
        Angle("inversion", "eversion", "sole turned inwards to face the other foot", (-25, 35), _neg(_Z),
              (("ankle", 1.0),)),
    )),
)

GROUPS: dict[str, JointGroup] = {g.key: g for g in (*CENTRAL_GROUPS, *SIDED_GROUPS)}


def smpl_joint(group: JointGroup, target: str) -> int:
    """SMPL joint index of a group's target (``collar`` of ``left_collar`` -> left_collar)."""
    if group.sided:
        return JOINT_INDEX[f"{group.key.split('_', 1)[0]}_{target}"]
    return JOINT_INDEX[target]


def side_axis(group: JointGroup, axis: tuple[float, float, float]) -> tuple[float, float, float]:
    """The axis for this group's side: right-side axes are the mirror of the left-side ones."""
    if group.sided and group.key.startswith("right_"):
        return (axis[0], -axis[1], -axis[2])
    return axis


@dataclass(frozen=True)
class BodyField:
    """A whole-body orientation field of the ``body:`` section."""

    name: str
    meaning: str
    limits: tuple[float, float] | None = None


LYING_CHOICES = ("back", "front", "left_side", "right_side")

BODY_FIELDS: dict[str, BodyField] = {f.name: f for f in (
    BodyField("facing", "compass direction the body faces, degrees about the vertical; 0 = facing the viewer (+z), "
              "90 = turned to its own left (+x), 180 = back to the viewer, 270 = turned to its right",
              (-360, 360)),
    BodyField("lying", f"one of {', '.join(LYING_CHOICES)}: the whole body is laid down horizontally on that side "
              "(back = face up, head away from the viewer; front = face down, head towards the viewer; "
              "left_side / right_side = that side down, head towards +x / -x)"),
    BodyField("upside_down", "true: the whole body is turned head-down (handstand, headstand), still facing the "
              "viewer"),
    BodyField("lean_forward", "pitch the WHOLE body (legs included) forward about the pelvis, degrees; negative = "
              "lean back. Applied before lying/facing, so for a body lying on its back it raises the torso",
              (-180, 180)),
    BodyField("hip_hinge", "fold forward at the hips, degrees: the pelvis and everything above it pitch forward while "
              "the legs keep their direction (adds the same amount to both hips' flexion). Bowing, touching the "
              "toes, a deadlift; negative arches back", (-30, 120)),
    BodyField("lean_left", "roll the WHOLE body towards its own left, degrees; negative = towards its right",
              (-180, 180)),
)}
