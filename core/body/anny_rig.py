"""Retargeting SMPL joint rotations onto the Anny rig.

Anny's rest pose is an A-pose in a z-up frame (x: body's left, -y: front). Here every Anny bone is first
brought into the project frame (y up, +z front) and into a T-pose (arms straightened along +-x, elbow crease
facing forward, palms down), so that a zero SMPL pose means the same body configuration for both. A posed bone
then takes the world rotation of the SMPL joint that drives it (see :func:`bone_driver`); the twist bones of
the upper arm, forearm, thigh and shin share half the twist of the neighbouring joint so that the mesh twists
gradually. Fingers, toes beyond their roots, eyes and face follow their parent unchanged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import roma
import torch

from core.kinematics import forward_kinematics_full
from core.pose import Pose
from core.rotations import axis_angle_to_matrix, axis_rotation, rotation_between, twist_angle
from core.skeleton import JOINT_INDEX, NUM_JOINTS

# Anny (x: left, y: back, z: up) -> project (x: left, y: up, z: front): a -90 degree turn about x.
ANNY_TO_PROJECT = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]], dtype=torch.float64)


@dataclass(frozen=True)
class TwistShare:
    """A bone also turns about its own axis by ``fraction`` of the twist of joint ``source``'s local rotation
    about the rest direction from joint ``axis_from`` to joint ``axis_to``."""

    source: str
    axis_from: str
    axis_to: str
    fraction: float


# Bones of the centre line: Anny bone -> SMPL joint whose world rotation it takes.
_CENTRAL_DRIVERS = {
    "root": "pelvis", "spine05": "pelvis", "spine04": "pelvis", "spine03": "spine1", "spine02": "spine2",
    "spine01": "spine3", "neck01": "neck", "neck02": "neck", "neck03": "neck", "head": "head",
}
# Bones of one side (label without ".L"/".R"): -> (SMPL joint without side prefix or central joint, twist).
_SIDE_DRIVERS: dict[str, tuple[str, TwistShare | None]] = {
    "pelvis": ("pelvis", None),
    "eye": ("head", None),
    "upperleg01": ("hip", TwistShare("hip", "hip", "knee", -0.5)),
    "upperleg02": ("hip", None),
    "lowerleg01": ("knee", None),
    "lowerleg02": ("knee", TwistShare("ankle", "knee", "ankle", 0.5)),
    "foot": ("ankle", None),
    "toe": ("foot", None),
    "clavicle": ("collar", None),
    "shoulder01": ("collar", None),
    "upperarm01": ("shoulder", TwistShare("shoulder", "shoulder", "elbow", -0.5)),
    "upperarm02": ("shoulder", None),
    "lowerarm01": ("elbow", TwistShare("elbow", "elbow", "wrist", -0.5)),
    "lowerarm02": ("elbow", TwistShare("wrist", "elbow", "wrist", 0.5)),
    "wrist": ("wrist", None),
    "metacarpal": ("wrist", None),
    "thumb": ("wrist", None),
    "finger": ("hand", None),
}
_CENTRAL_JOINTS = {"pelvis", "spine1", "spine2", "spine3", "neck", "head"}

# SMPL joint -> Anny bones whose rest heads it sits at (the mean when several); "{s}" is the side letter.
JOINT_BONES: dict[str, tuple[str, ...]] = {
    "pelvis": ("root",), "spine1": ("spine03",), "spine2": ("spine02",), "spine3": ("spine01",),
    "neck": ("neck01",), "head": ("head",),
    "hip": ("upperleg01.{s}",), "knee": ("lowerleg01.{s}",), "ankle": ("foot.{s}",),
    "foot": tuple(f"toe{i}-1.{{s}}" for i in range(1, 6)),
    "collar": ("clavicle.{s}",), "shoulder": ("upperarm01.{s}",), "elbow": ("lowerarm01.{s}",),
    "wrist": ("wrist.{s}",), "hand": tuple(f"finger{i}-1.{{s}}" for i in range(2, 6)),
}
_SIDES = {"L": "left", "R": "right"}


def _smpl_joint(part: str, side: str) -> str:
    return part if part in _CENTRAL_JOINTS else f"{_SIDES[side]}_{part}"


def bone_driver(label: str) -> tuple[str, TwistShare | None]:
    """The SMPL joint whose world rotation Anny bone ``label`` takes, and its twist share (or None)."""
    if label in _CENTRAL_DRIVERS:
        return _CENTRAL_DRIVERS[label], None
    match = re.fullmatch(r"([a-z]+(?:0\d)?)(\d?)(?:-\d)?\.([LR])", label)
    if match is None:
        raise ValueError(f"Anny bone {label!r} has no SMPL driver; the rig is not the default 'anny' rig")
    base, digit, side = match.groups()
    if base == "finger" and digit == "1":
        base = "thumb"
    if base not in _SIDE_DRIVERS:
        raise ValueError(f"Anny bone {label!r} has no SMPL driver; the rig is not the default 'anny' rig")
    part, twist = _SIDE_DRIVERS[base]
    if twist is not None:
        twist = TwistShare(_smpl_joint(twist.source, side), _smpl_joint(twist.axis_from, side),
                           _smpl_joint(twist.axis_to, side), twist.fraction)
    return _smpl_joint(part, side), twist


def joint_averaging_matrix(labels: list[str]) -> torch.Tensor:
    """(24, n_bones) matrix turning Anny bone heads into the 24 SMPL joint positions."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = torch.zeros(NUM_JOINTS, len(labels), dtype=torch.float64)
    for part, bones in JOINT_BONES.items():
        for side in ("L", "R") if part not in _CENTRAL_JOINTS else ("",):
            names = [bone.format(s=side) for bone in bones]
            missing = [name for name in names if name not in index]
            if missing:
                raise ValueError(f"Anny rig lacks bones {missing} needed for SMPL joint {_smpl_joint(part, side)}")
            for name in names:
                matrix[JOINT_INDEX[_smpl_joint(part, side)], index[name]] = 1.0 / len(names)
    return matrix


def _descendants(root: int, parents: list[int]) -> list[int]:
    found = [root]
    for bone, parent in enumerate(parents):
        if parent in found and bone not in found:
            found.append(bone)
    return found


def tpose_corrections(heads: torch.Tensor, labels: list[str], parents: list[int]) -> torch.Tensor:
    """(n_bones, 3, 3) world rotations taking Anny's rest arms (bone heads (n_bones, 3), project frame) to a T-pose.

    Upper arm: along +-x with the elbow's bending plane horizontal and the forearm bending forward; forearm and
    hand: straightened along the upper arm. Every other bone: identity.
    """
    index = {label: i for i, label in enumerate(labels)}
    corrections = torch.eye(3, dtype=heads.dtype).repeat(len(labels), 1, 1)
    front = torch.tensor([0.0, 0.0, 1.0], dtype=heads.dtype)
    for side, sign in (("L", 1.0), ("R", -1.0)):
        outward = torch.tensor([sign, 0.0, 0.0], dtype=heads.dtype)
        shoulder, elbow, wrist = (heads[index[f"{b}.{side}"]] for b in ("upperarm01", "lowerarm01", "wrist"))
        knuckles = heads[[index[f"finger{i}-1.{side}"] for i in range(2, 6)]].mean(0)
        upper, fore, hand = elbow - shoulder, wrist - elbow, knuckles - wrist
        upper = upper / upper.norm()
        bend = fore - (fore @ upper) * upper
        upper_fix = roma.rigid_vectors_registration(torch.stack([upper, bend / bend.norm()]),
                                                    torch.stack([outward, front]))
        fore_fix = rotation_between(upper_fix @ fore, outward) @ upper_fix
        hand_fix = rotation_between(fore_fix @ hand, outward) @ fore_fix
        for first, fix in (("upperarm01", upper_fix), ("lowerarm01", fore_fix), ("wrist", hand_fix)):
            corrections[_descendants(index[f"{first}.{side}"], parents)] = fix
    return corrections


class AnnyRig:
    """The Anny rig prepared for SMPL poses: per-bone drivers, T-pose rest orientations, joint positions."""

    def __init__(self, labels: list[str], parents: list[int], rest_heads: torch.Tensor, rest_orientations: torch.Tensor):
        """``rest_heads`` (n, 3) and ``rest_orientations`` (n, 3, 3): Anny's rest bone poses in its own frame."""
        self.labels = list(labels)
        self.parents = list(parents)
        dtype = rest_heads.dtype
        to_project = ANNY_TO_PROJECT.to(dtype)
        heads = rest_heads @ to_project.T
        corrections = tpose_corrections(heads, self.labels, self.parents)
        # World orientation of each bone in the T-posed rest, as a map from Anny's rest frame.
        self.tpose_orientations = corrections @ to_project @ rest_orientations
        self.joint_matrix = joint_averaging_matrix(self.labels).to(dtype)
        self.tpose_heads = self._tpose_heads(heads, corrections)
        self.tpose_joints = self.joint_matrix @ self.tpose_heads
        drivers = [bone_driver(label) for label in self.labels]
        self.driver = torch.tensor([JOINT_INDEX[joint] for joint, _ in drivers])
        twisted = [(bone, twist) for bone, (_, twist) in enumerate(drivers) if twist is not None]
        self.twist_bones = torch.tensor([bone for bone, _ in twisted])
        self.twist_source = torch.tensor([JOINT_INDEX[t.source] for _, t in twisted])
        # The twist angle is measured about the SMPL segment and applied about the bone's own axis (head to its
        # only child's head), which leaves the child's head, hence every joint position, in place.
        axes = torch.stack([self.tpose_joints[JOINT_INDEX[t.axis_to]] - self.tpose_joints[JOINT_INDEX[t.axis_from]]
                            for _, t in twisted])
        self.twist_axes = axes / axes.norm(dim=-1, keepdim=True)
        own = torch.stack([self.tpose_heads[self._only_child(bone)] - self.tpose_heads[bone] for bone, _ in twisted])
        self.bone_axes = own / own.norm(dim=-1, keepdim=True)
        self.twist_fraction = torch.tensor([t.fraction for _, t in twisted], dtype=dtype)

    def _only_child(self, bone: int) -> int:
        children = [child for child, parent in enumerate(self.parents) if parent == bone]
        if len(children) != 1:
            raise ValueError(f"twist bone {self.labels[bone]} must have exactly one child, has {len(children)}")
        return children[0]

    def _tpose_heads(self, heads: torch.Tensor, corrections: torch.Tensor) -> torch.Tensor:
        """Bone heads after the T-pose corrections, each bone turning about its own head; pelvis at the origin."""
        posed = torch.empty_like(heads)
        for bone, parent in enumerate(self.parents):
            if parent < 0:
                posed[bone] = 0.0
            else:
                posed[bone] = posed[parent] + corrections[parent] @ (heads[bone] - heads[parent])
        return posed

    def bone_rotations(self, pose: Pose) -> torch.Tensor:
        """(B, n_bones, 3, 3) world rotation of each bone relative to the T-posed rest, in the project frame."""
        local = axis_angle_to_matrix(pose.full.to(self.tpose_orientations.dtype))
        _, world = forward_kinematics_full(local, transl=None)
        bones = world[:, self.driver].clone()
        angles = twist_angle(local[:, self.twist_source], self.twist_axes) * self.twist_fraction
        twists = axis_rotation(self.bone_axes, angles)
        bones[:, self.twist_bones] = bones[:, self.twist_bones] @ twists
        return bones

    def bone_orientations(self, pose: Pose) -> torch.Tensor:
        """(B, n_bones, 3, 3) posed world orientation of each bone (Anny's 'world-orient' pose parameters)."""
        return self.bone_rotations(pose) @ self.tpose_orientations
