"""Action labels are gerund phrases ("painting on an easel"); reasoning opens with the infinitive ("To paint on an
easel, the person ..."). The verb's base form comes from lemminflect's English lemma tables (offline data)."""
from __future__ import annotations

from functools import lru_cache

from lemminflect import getLemma

_LEADING_WORDS = 3  # "irish step dancing", "tap dancing": the gerund may follow a short modifier


@lru_cache(maxsize=4096)
def _base_form(gerund: str) -> str:
    if gerund.endswith("-ing"):  # "dj-ing"
        return gerund[:-4]
    lemmas = getLemma(gerund, upos="VERB")
    return lemmas[0] if lemmas else gerund[:-3]


def _is_gerund(word: str) -> bool:
    return word.endswith("ing") and len(word) > 4


def infinitive_phrase(label: str) -> str | None:
    """"painting on an easel" -> "paint on an easel"; "bobbing and weaving" -> "bob and weave"; None when the
    label has no gerund among its first words."""
    words = label.strip().split()
    for index, word in enumerate(words[:_LEADING_WORDS]):
        if _is_gerund(word.lower()):
            words[index] = _base_form(word.lower())
            if index + 2 < len(words) and words[index + 1] == "and" and _is_gerund(words[index + 2].lower()):
                words[index + 2] = _base_form(words[index + 2].lower())
            return " ".join(words)
    return None


def purpose_opening(label: str) -> str:
    """The opening clause of a reasoning text: "To paint on an easel" (or "For <label>" without a gerund)."""
    phrase = infinitive_phrase(label)
    return f"To {phrase}" if phrase else f"For {label.strip()}"
