"""Paraphrases of abstract prompts, so the model hears many wordings of "Generate the pose of <action>"."""
from __future__ import annotations

import random

PROMPT_PREFIX = "Generate the pose of "

TEMPLATES = (
    "Generate the pose of {a}",
    "{a}",
    "Show me someone {a}",
    "A person {a}",
    "Someone is {a}",
    "Pose of a person {a}",
    "Create a 3D pose of somebody {a}",
    "What does {a} look like?",
    "Give me a body pose for {a}",
    "Make the figure look like it is {a}",
    "Generate a pose of a person {a}",
    "I need a pose: {a}",
    "Pose a character {a}",
    "Show the body position for {a}",
)


def action_of(abstract_prompt: str) -> str:
    """The action label inside an abstract prompt ("Generate the pose of X" -> "X")."""
    text = abstract_prompt.strip()
    return text[len(PROMPT_PREFIX):].strip() if text.lower().startswith(PROMPT_PREFIX.lower()) else text


def paraphrase(abstract_prompt: str, rng: random.Random) -> str:
    """A random rewording of an abstract prompt."""
    return rng.choice(TEMPLATES).format(a=action_of(abstract_prompt))


def all_paraphrases(abstract_prompt: str) -> list[str]:
    """Every template applied to the prompt's action (for precomputing sentence embeddings)."""
    return [t.format(a=action_of(abstract_prompt)) for t in TEMPLATES]
