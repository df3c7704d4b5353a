"""Aggregation: posecodes -> statements; the same fact on both sides becomes one "both ..." statement.

A statement is the unit of a caption (one clause) and of the parser's output, so a text can be compared with the
posecodes it was written from.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.posecodes.extract import Posecode
from core.posecodes.words import other_side, split_side

BOTH_BONUS = 0.05  # one clause that states two facts is worth a little more than either alone


@dataclass(frozen=True)
class Statement:
    """One clause: a ``category`` of ``kind`` stated of one or two joint tuples (``both`` when two sides)."""

    kind: str
    joints: tuple[tuple[str, ...], ...]
    category: str
    salience: float = 0.0

    @property
    def codes(self) -> tuple[tuple[str, tuple[str, ...], str], ...]:
        """The (kind, joints, category) facts this statement makes."""
        return tuple((self.kind, j, self.category) for j in self.joints)


def neutral(joints: tuple[str, ...]) -> tuple[str, ...]:
    """Joint names with sides replaced by "own" / "other" (relative to the first sided joint)."""
    first = next((split_side(j)[0] for j in joints if split_side(j)[0]), None)
    out = []
    for joint in joints:
        side, part = split_side(joint)
        out.append(part if side is None else f"{'own' if side == first else 'other'}_{part}")
    return tuple(out)


def mirrored(joints: tuple[str, ...]) -> tuple[str, ...]:
    """The same joints on the other side of the body."""
    out = []
    for joint in joints:
        side, part = split_side(joint)
        out.append(joint if side is None else f"{other_side(side)}_{part}")
    return tuple(out)


def side_free_key(statement: Statement) -> tuple:
    """A sort key that does not change when left and right are swapped (so mirrored poses order alike)."""
    return (-statement.salience, statement.kind, neutral(statement.joints[0]), statement.category,
            len(statement.joints))


def aggregate(codes: list[Posecode]) -> list[Statement]:
    """Statements of the codes: left and right codes of the same fact merge into one two-sided statement."""
    by_fact = {(c.kind, c.joints, c.category): c for c in codes}
    statements, used = [], set()
    for code in codes:
        fact = (code.kind, code.joints, code.category)
        if fact in used:
            continue
        twin = (code.kind, mirrored(code.joints), code.category)
        sided = mirrored(code.joints) != code.joints and code.kind != "support"
        if sided and twin in by_fact and twin not in used and twin != fact:
            other = by_fact[twin]
            pair = sorted([code, other], key=lambda c: split_side(next(j for j in c.joints if split_side(j)[0]))[0])
            used.update({fact, twin})
            statements.append(Statement(code.kind, (pair[0].joints, pair[1].joints), code.category,
                                        round(max(code.salience, other.salience) + BOTH_BONUS, 4)))
        else:
            used.add(fact)
            statements.append(Statement(code.kind, (code.joints,), code.category, code.salience))
    return sorted(statements, key=side_free_key)
