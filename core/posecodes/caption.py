"""The captioner's public API: poses or joints -> captions (text + the statements and posecodes behind it),
key posecodes for augmentation, and contradiction checks of any text against a pose."""
from __future__ import annotations

import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import torch

from core.kinematics import joint_positions
from core.pose import Pose
from core.posecodes.aggregate import Statement, aggregate
from core.posecodes.extract import Posecode, extract_posecodes, extract_salient_and_complete
from core.posecodes.parse import contradictions
from core.posecodes.select import MAX_WORDS, select
from core.posecodes.text import clause, compose

KEY_SALIENCE = 0.55
"""Posecodes at least this salient are a pose's key posecodes (a small variation of the pose must keep them)."""
_WORD_SLACK = 6  # phrasing variants are up to this many words longer than the canonical clauses selection counts
_ATTEMPTS = 4  # draws per caption to find one that differs from the pose's earlier captions


@dataclass(frozen=True)
class Caption:
    """A caption: its ``text``, the ``statements`` it makes (in order), the salient ``posecodes`` of the pose and
    the ``complete`` posecodes (every measurement, what texts are checked against)."""

    text: str
    statements: tuple[Statement, ...]
    posecodes: tuple[Posecode, ...]
    complete: tuple[Posecode, ...]

    @property
    def facts(self) -> list[str]:
        """Short statements of what the caption says (canonical wording), for a refiner's prompt."""
        return [clause(s) for s in self.statements]

    def contradictions(self, text: str) -> list[str]:
        """Problems of ``text`` against this pose (see ``core.posecodes.parse.contradictions``)."""
        return contradictions(text, list(self.complete))


def pose_joints(pose: Pose) -> torch.Tensor:
    """(B, 24, 3) joints of a pose on the canonical skeleton (the captioner finds the floor itself)."""
    return joint_positions(pose)


def _captions_of(statements: list[Statement], codes: list[Posecode], complete: list[Posecode], n: int,
                 seed: int) -> list[Caption]:
    captions: list[Caption] = []
    for k in range(n):
        for attempt in range(_ATTEMPTS):
            rng = random.Random(f"posecodes/{seed}/{k}/{attempt}")
            chosen = select(statements, rng, max_words=MAX_WORDS - _WORD_SLACK)
            text = compose(chosen, rng)
            if all(text != c.text for c in captions):
                break
        captions.append(Caption(text, tuple(chosen), tuple(codes), tuple(complete)))
    return captions


def caption_joints(joints: torch.Tensor, n: int = 1, seed: int | Sequence[int] = 0) -> list[list[Caption]]:
    """``n`` captions for each pose of (B, 24, 3) joints; ``seed`` (one, or one per pose) picks the variation.

    The same seed gives the same captions; a mirrored pose gets the side-swapped captions.
    """
    if n < 1:
        raise ValueError(f"n (captions per pose) must be at least 1, got {n}")
    codes, complete = extract_salient_and_complete(joints)
    seeds = [seed] * len(codes) if isinstance(seed, int) else list(seed)
    if len(seeds) != len(codes):
        raise ValueError(f"got {len(seeds)} seeds for {len(codes)} poses")
    return [_captions_of(aggregate(c), c, full, n, s) for c, full, s in zip(codes, complete, seeds)]


def caption_poses(pose: Pose, n: int = 1, seed: int | Sequence[int] = 0) -> list[list[Caption]]:
    """``n`` captions for each pose of a batch (see :func:`caption_joints`)."""
    return caption_joints(pose_joints(pose), n, seed)


def key_posecodes(pose: Pose) -> Hashable:
    """The facts a small variation of a (batch-of-one) pose must keep: support and the most salient codes."""
    codes = extract_posecodes(pose_joints(pose))[0]
    return frozenset((c.kind, c.joints, c.category) for c in codes
                     if c.kind == "support" or c.salience >= KEY_SALIENCE)
