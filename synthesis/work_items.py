"""The unit of work of a synthesis run: one key pose of one action, from the prompts stage."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from core.pose import Pose


@dataclass(frozen=True)
class WorkItem:
    """One action and one of its authored poses (or any other pose source's handle), with its split."""

    key: str
    category: str
    action: str
    variant: str
    abstract_prompt: str
    split: str
    source: str
    spec: dict[str, Any] | None = None
    flags: frozenset[str] = field(default_factory=frozenset)
    solved_pose: Pose | None = None
    solver_problems: tuple[str, ...] = ()

    def unit_key(self, settings: dict[str, Any]) -> str:
        """A stable id of this item processed under these settings (what a resumed run skips)."""
        payload = json.dumps({"key": self.key, "settings": settings}, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:32]
