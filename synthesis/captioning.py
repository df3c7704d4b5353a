"""Caption stage: the posecodes captioner (core.posecodes) as a synthesis stage backend."""
from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from core.pose import Pose
from core.posecodes.caption import Caption, caption_poses, key_posecodes


@dataclass
class PosecodesCaptioner:
    """``n`` PoseScript-style captions per pose, seeded; checks texts against the pose's posecodes."""

    n: int = 1
    name: str = "posecodes"

    def captions(self, pose: Pose, seed: int) -> list[Caption]:
        """The ``n`` captions of a batch-of-one pose (each has ``.text`` and ``.facts``)."""
        return caption_poses(pose, self.n, seed)[0]

    def contradictions(self, text: str, caption: Caption) -> list[str]:
        """Statements of ``text`` that the posecodes behind ``caption`` contradict."""
        return caption.contradictions(text)

    @staticmethod
    def key_posecodes(pose: Pose) -> Hashable:
        """The key posecodes a small variation of ``pose`` must keep."""
        return key_posecodes(pose)
