"""Errors of the pose spec language."""
from __future__ import annotations

import difflib


class SpecError(ValueError):
    """A pose spec is malformed, names something unknown, exceeds joint limits or has goals that cannot be met.

    ``problems`` lists every problem found (each names the joint / angle / goal and by how much it is off).
    """

    def __init__(self, problems: list[str], name: str | None = None):
        self.problems = list(problems)
        self.name = name
        where = f"spec {name!r}: " if name else ""
        super().__init__(where + "; ".join(self.problems))


def unknown(kind: str, value: str, known) -> str:
    """'unknown joint 'rigth_knee' (did you mean right_knee?)' style message."""
    known = list(known)
    close = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
    hint = f" (did you mean {' or '.join(close)}?)" if close else f" (known: {', '.join(known)})"
    return f"unknown {kind} {value!r}{hint}"
