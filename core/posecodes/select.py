"""Selection: which statements a caption makes, most salient first, within the length budget.

Trivial facts (salience below ``MIN_SALIENCE``: straight knees when standing, arms hanging) are left out unless
the caption is still shorter than ``MIN_WORDS``; codes another code implies were already dropped by extraction.
Seeded variation: each statement below ``KEEP_SALIENCE`` may be skipped, so captions of one pose differ in
content as well as in wording.
"""
from __future__ import annotations

import random

from core.posecodes.aggregate import Statement
from core.posecodes.text import clause, word_count

MIN_SALIENCE = 0.12
KEEP_SALIENCE = 0.5  # statements at least this salient are always said (when they fit)
SKIP_PROBABILITY = 0.3
MAX_STATEMENTS = 9
MIN_WORDS, MAX_WORDS = 35, 90
_WORDS_PER_JOIN = 1  # "and" between clauses


def select(statements: list[Statement], rng: random.Random | None = None,
           max_statements: int = MAX_STATEMENTS, max_words: int = MAX_WORDS) -> list[Statement]:
    """The statements to say, in order: the support statement, then salient ones, then filler up to MIN_WORDS.

    ``statements`` must be in side-free salience order (as ``aggregate`` returns them); with ``rng`` the
    lower-salience statements are skipped at random.
    """
    support = [s for s in statements if s.kind == "support"]
    rest = [s for s in statements if s.kind != "support"]
    chosen = list(support)
    words = sum(word_count(clause(s)) for s in chosen)

    def fits(statement: Statement) -> bool:
        return len(chosen) < max_statements and words + word_count(clause(statement)) + _WORDS_PER_JOIN <= max_words

    for statement in rest:
        if statement.salience < MIN_SALIENCE:
            break
        if rng is not None and statement.salience < KEEP_SALIENCE and rng.random() < SKIP_PROBABILITY:
            continue
        if fits(statement):
            chosen.append(statement)
            words += word_count(clause(statement)) + _WORDS_PER_JOIN
    for statement in rest:
        if words >= MIN_WORDS:
            break
        if statement not in chosen and fits(statement):
            chosen.append(statement)
            words += word_count(clause(statement)) + _WORDS_PER_JOIN
    order = {id(s): i for i, s in enumerate(statements)}
    return sorted(chosen, key=lambda s: order[id(s)])
