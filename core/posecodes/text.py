"""Text from statements: one clause per statement from the phrase templates of words.py, clauses joined into
sentences. Every choice is drawn from a ``random.Random`` the caller seeds, in statement order, so a caption
never depends on which side is which (the mirror of a pose gets the mirrored caption)."""
from __future__ import annotations

import random

from core.posecodes.aggregate import Statement
from core.posecodes.words import PART_NOUNS, PREDICATES, SUPPORT_PHRASES, noun, split_side

_PAIR_SUBJECTS = {"hand": "the hands", "ankle": "the feet", "knee": "the knees"}


def _target(statement: Statement) -> str:
    """The object of a two-point statement: "the head", "the left shoulder", "the shoulders", "the other hand"."""
    first = statement.joints[0]
    if len(statement.joints) == 1:
        return f"the {noun(first[1])}"
    own_side, _ = split_side(first[0])
    target_side, part = split_side(first[1])
    if target_side is None:
        return f"the {noun(first[1])}"
    if target_side == own_side:
        return f"the {PART_NOUNS[part][1]}"
    return f"the opposite {PART_NOUNS[part][0]}"


def subject(statement: Statement) -> tuple[str, bool]:
    """(noun phrase, plural) of the statement's subject."""
    joints = statement.joints
    if statement.kind == "support":
        return "the person", False
    if statement.kind == "distance" and len(joints[0]) == 2 and split_side(joints[0][1])[0] \
            and split_side(joints[0][0])[1] == split_side(joints[0][1])[1]:
        return _PAIR_SUBJECTS[split_side(joints[0][0])[1]], True  # the hands / feet / knees (to each other)
    if len(joints) == 2:
        part = split_side(joints[0][0])[1]
        crossed = len(joints[0]) == 2 and split_side(joints[0][1])[0] not in (None, split_side(joints[0][0])[0])
        return (f"each {PART_NOUNS[part][0]}", False) if crossed else (f"both {PART_NOUNS[part][1]}", True)
    if joints[0][0] in ("arms", "legs"):
        return f"the {joints[0][0]}", True
    return f"the {noun(joints[0][0])}", False


def clause(statement: Statement, variant: int = 0) -> str:
    """The statement as a clause ("both knees are slightly bent"); ``variant`` picks a phrasing (modulo)."""
    if statement.kind == "support":
        phrases = SUPPORT_PHRASES[statement.category]
        side = split_side(statement.joints[0][0])[0] if statement.joints[0] else None
        return "the person " + phrases[variant % len(phrases)].format(side=side)
    words, plural = subject(statement)
    phrases = PREDICATES[(statement.kind, statement.category)]
    predicate = phrases[variant % len(phrases)].format(be="are" if plural else "is", s="" if plural else "s",
                                                       es="" if plural else "es")
    if statement.kind == "distance":
        if words in _PAIR_SUBJECTS.values():
            close = ("are close together", "are near each other")
            return f"{words} {close[variant % 2] if statement.category == 'close' else predicate}"
        return f"{words} {predicate} {_target(statement)}"
    if statement.kind == "relative":
        return f"{words} {predicate} {_target(statement)}"
    return f"{words} {predicate}"


def _capitalised(text: str) -> str:
    return text[0].upper() + text[1:]


def compose(statements: list[Statement], rng: random.Random, variants: bool = True) -> str:
    """Sentences of two or three clauses each, the first sentence opening with the support statement."""
    clauses = [clause(s, rng.randrange(4) if variants else 0) for s in statements]
    sentences, index = [], 0
    while index < len(clauses):
        size = min(len(clauses) - index, rng.choice((1, 2, 2, 3)) if variants else 2)
        group = clauses[index:index + size]
        index += size
        if len(group) == 1:
            body = group[0]
        else:
            last = rng.choice((", and ", " and ", "; " if size == 2 else " and ")) if variants else " and "
            body = ", ".join(group[:-1]) + last + group[-1]
        sentences.append(_capitalised(body) + ".")
    return " ".join(sentences)


def word_count(text: str) -> int:
    return len(text.split())
