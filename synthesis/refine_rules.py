"""Offline refinement: turn a raw posecode caption into reasoning that opens with the action.

"To <action>, the person ..." (the gerund label turned into an infinitive: "To paint on an easel") followed by the caption's own statements joined with connectives, and a closing
sentence tying them to the action. Only statements already in the caption are used, so the rewrite cannot add a
claim the posecodes do not support (the pipeline still checks every refined text).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

from synthesis.action_phrase import purpose_opening

_SUBJECT = re.compile(r"^(?:the person|this person|the figure|the body|the subject|someone|they|he|she)\s+(?=\w)",
                      re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CONNECTIVES = ("", "Meanwhile, ", "At the same time, ", "In addition, ", "Also, ")
_CLOSINGS = (
    "Together, these positions make the pose read as {action}.",
    "This combination is what shows the action of {action}.",
    "These joint positions together express {action}.",
)


def split_sentences(text: str) -> list[str]:
    """Sentences of a caption, stripped, each ending with a full stop."""
    parts = [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    return [p if p[-1] in ".!?" else p + "." for p in parts]


def _lower_first(sentence: str) -> str:
    """Lower-case the first word unless it looks like an acronym."""
    head, _, tail = sentence.partition(" ")
    return (head.lower() if not head.isupper() or len(head) == 1 else head) + (" " + tail if tail else "")


def opening_sentence(action: str, first: str) -> str:
    """"To <action as an infinitive>, the person <rest of the first statement>"."""
    opening = purpose_opening(action)
    stripped = _SUBJECT.sub("", first, count=1)
    if stripped != first:
        return f"{opening}, the person {_lower_first(stripped)}"
    return f"{opening}, the person holds the body so that {_lower_first(first)}"


@dataclass
class RuleRefiner:
    """Deterministic (per seed) rewrite of a caption into action-first reasoning."""

    closing: bool = True
    name: str = "rules"

    def refine(self, action: str, caption: str, facts: list[str], image_png: bytes | None, seed: int) -> str:
        sentences = split_sentences(caption)
        if not sentences:
            raise ValueError(f"{action!r}: the caption to refine is empty")
        rng = random.Random(f"{seed}/{action}/{caption}")
        parts = [opening_sentence(action, sentences[0])]
        for sentence in sentences[1:]:
            connective = rng.choice(_CONNECTIVES)
            parts.append(connective + (_lower_first(sentence) if connective else sentence))
        if self.closing:
            parts.append(rng.choice(_CLOSINGS).format(action=action))
        return " ".join(parts)
