"""The measurements behind posecodes, computed for a whole batch of joint sets at once (torch, vectorised).

Each measurement yields one value per pose (degrees or metres) that is binned into categories with PoseScript's
thresholds. Every function takes the (B, P, 3) tensor of named body points (``core.posecodes.points``) plus the
precomputed frames and returns a (B,) tensor.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from core.posecodes.points import POINT_NAMES, torso_frame, unit
from core.skeleton import NUM_JOINTS

P = {name: i for i, name in enumerate(POINT_NAMES)}
SIDES = ("left", "right")


@dataclass(frozen=True)
class Frames:
    """Per-pose reference directions (B, 3) and sizes (B,), derived from the joints."""

    world_up: torch.Tensor
    torso_left: torch.Tensor
    torso_up: torch.Tensor
    torso_forward: torch.Tensor
    leg_length: torch.Tensor
    arm_length: torch.Tensor


def _dot(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return (a * b).sum(dim=-1)


def _deg(x: torch.Tensor) -> torch.Tensor:
    return torch.rad2deg(x)


def make_frames(points: torch.Tensor) -> Frames:
    """Torso frame from hips/shoulders/pelvis/neck, world up, and limb lengths (for height-independent tests)."""
    left, up, forward = torso_frame(points[:, :NUM_JOINTS])  # the first points are the 24 joints

    def length(*chain: str) -> torch.Tensor:
        return sum((points[:, P[a]] - points[:, P[b]]).norm(dim=-1) for a, b in zip(chain, chain[1:]))

    legs = (length("left_hip", "left_knee", "left_ankle") + length("right_hip", "right_knee", "right_ankle")) / 2
    arms = (length("left_shoulder", "left_elbow", "left_wrist", "left_hand")
            + length("right_shoulder", "right_elbow", "right_wrist", "right_hand")) / 2
    world_up = torch.zeros_like(up)
    world_up[:, 1] = 1.0
    return Frames(world_up, left, up, forward, legs, arms)


def interior_angle(points: torch.Tensor, a: str, b: str, c: str) -> torch.Tensor:
    """(B,) angle in degrees at ``b`` between the segments to ``a`` and ``c`` (180 = straight)."""
    u = unit(points[:, P[a]] - points[:, P[b]])
    v = unit(points[:, P[c]] - points[:, P[b]])
    return _deg(torch.acos(_dot(u, v).clamp(-1.0, 1.0)))


def distance(points: torch.Tensor, a: str, b: str) -> torch.Tensor:
    return (points[:, P[a]] - points[:, P[b]]).norm(dim=-1)


def offset_along(points: torch.Tensor, a: str, b: str, axis: torch.Tensor) -> torch.Tensor:
    """(B,) signed distance of ``a`` beyond ``b`` along the (B, 3) unit ``axis``."""
    return _dot(points[:, P[a]] - points[:, P[b]], axis)


def angle_from_up(points: torch.Tensor, a: str, b: str) -> torch.Tensor:
    """(B,) degrees between the segment a -> b and world up (0 = pointing up, 180 = pointing down)."""
    v = unit(points[:, P[b]] - points[:, P[a]])
    return _deg(torch.acos(v[:, 1].clamp(-1.0, 1.0)))


def horizontal_heading(frames: Frames) -> tuple[torch.Tensor, torch.Tensor]:
    """(left, forward) horizontal unit vectors of the body (from the torso frame, projected on the floor)."""
    left = frames.torso_left.clone()
    left[:, 1] = 0
    left = unit(left)
    forward = torch.cross(left, frames.world_up, dim=-1)
    return left, forward


def torso_lean(points: torch.Tensor, frames: Frames) -> tuple[torch.Tensor, torch.Tensor]:
    """(forward, sideways-to-the-left) lean of the torso from vertical, degrees (signed).

    The sideways lean is the torso axis' angle out of the body's vertical mid-plane, so it stays near 0 for a
    symmetric pose even when the torso is horizontal.
    """
    left, forward = horizontal_heading(frames)
    up = frames.torso_up
    return _deg(torch.atan2(_dot(up, forward), up[:, 1])), _deg(torch.asin(_dot(up, left).clamp(-1.0, 1.0)))


def torso_twist(points: torch.Tensor, frames: Frames) -> torch.Tensor:
    """(B,) degrees the shoulder line is turned relative to the hip line about the torso axis (+ = to the left)."""
    up = frames.torso_up

    def flat(v):
        return unit(v - _dot(v, up).unsqueeze(-1) * up)

    hips = flat(points[:, P["left_hip"]] - points[:, P["right_hip"]])
    shoulders = flat(points[:, P["left_shoulder"]] - points[:, P["right_shoulder"]])
    sine = _dot(torch.cross(hips, shoulders, dim=-1), up)
    return _deg(torch.atan2(sine, _dot(hips, shoulders)))


def head_tilt(points: torch.Tensor, frames: Frames) -> tuple[torch.Tensor, torch.Tensor]:
    """(forward, to-the-left) tilt of the neck -> head direction relative to the torso, degrees."""
    h = unit(points[:, P["head"]] - points[:, P["neck"]])
    up = _dot(h, frames.torso_up)
    return _deg(torch.atan2(_dot(h, frames.torso_forward), up)), _deg(torch.atan2(_dot(h, frames.torso_left), up))


def reach_direction(points: torch.Tensor, frames: Frames, start: str, end: str, side: str, length: torch.Tensor
                    ) -> tuple[torch.Tensor, torch.Tensor]:
    """How extended a limb is (|start -> end| / limb length) and its dominant direction in the torso frame.

    Direction index: 0 forward, 1 backward, 2 up, 3 down, 4 out to its own side, 5 across the body.
    """
    v = points[:, P[end]] - points[:, P[start]]
    outward = frames.torso_left if side == "left" else -frames.torso_left
    components = torch.stack([_dot(v, frames.torso_forward), -_dot(v, frames.torso_forward), _dot(v, frames.torso_up),
                              -_dot(v, frames.torso_up), _dot(v, outward), -_dot(v, outward)], dim=-1)
    return v.norm(dim=-1) / length.clamp_min(1e-6), components.argmax(dim=-1)
