"""The fixed unseen split: about 10% of the actions of each category held out for evaluation.

The split is drawn once with a seeded random generator, written to ``data/seed/split.yaml`` and committed;
afterwards it is only read and validated, never redrawn implicitly.
"""
from __future__ import annotations

import random
from pathlib import Path

import yaml

from synthesis.seed_library.records import CATEGORIES, SEED_DIR, SeedLibrary, SeedLibraryError

SPLIT_FILE = SEED_DIR / "split.yaml"
UNSEEN_PER_CATEGORY = 5


def draw_split(library: SeedLibrary, seed: int, per_category: int = UNSEEN_PER_CATEGORY) -> dict[str, list[str]]:
    """Choose ``per_category`` unseen labels in each category (category name -> sorted labels)."""
    rng = random.Random(seed)
    split = {}
    for category in library.categories:
        labels = sorted(a.label for a in library.by_category(category))
        if len(labels) <= per_category:
            raise SeedLibraryError(f"{category}: only {len(labels)} actions, cannot hold out {per_category}")
        split[category] = sorted(rng.sample(labels, per_category))
    return split


def write_split(split: dict[str, list[str]], seed: int, path: Path = SPLIT_FILE) -> None:
    """Write the split file with the seed that drew it."""
    payload = {"seed": seed, "unseen_per_category": {c: split[c] for c in sorted(split)}}
    header = "# Unseen actions held out for evaluation. Drawn once by `python -m synthesis.seed_library split`.\n"
    path.write_text(header + yaml.safe_dump(payload, sort_keys=False, allow_unicode=True, width=120))


def load_split(path: Path = SPLIT_FILE) -> dict[str, list[str]]:
    """Read the recorded split (category name -> unseen labels)."""
    if not path.exists():
        raise SeedLibraryError(f"{path}: split file not found; draw it with `python -m synthesis.seed_library split`")
    raw = yaml.safe_load(path.read_text())
    if not isinstance(raw, dict) or not isinstance(raw.get("unseen_per_category"), dict):
        raise SeedLibraryError(f"{path}: expected a mapping with 'unseen_per_category'")
    split = raw["unseen_per_category"]
    for category, labels in split.items():
        if category not in CATEGORIES.values():
            raise SeedLibraryError(f"{path}: unknown category {category!r}")
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise SeedLibraryError(f"{path}: {category}: unseen labels must be a list of strings")
    return split


def split_problems(library: SeedLibrary, split: dict[str, list[str]]) -> list[str]:
    """Mismatches between a split and the library: unknown labels, labels filed under the wrong category,
    categories of the library without their unseen actions, wrong counts."""
    problems = []
    for category in library.categories:
        labels = split.get(category)
        if labels is None:
            problems.append(f"{category}: no unseen actions recorded")
            continue
        known = {a.label for a in library.by_category(category)}
        problems += [f"{category}: unseen label {label!r} is not an action of this category"
                     for label in labels if label not in known]
        if len(set(labels)) != UNSEEN_PER_CATEGORY:
            problems.append(f"{category}: {len(set(labels))} unseen actions, expected {UNSEEN_PER_CATEGORY}")
    return problems


def split_of(label: str, split: dict[str, list[str]]) -> str:
    """``"unseen"`` if the label is held out, else ``"train"``."""
    return "unseen" if any(label in labels for labels in split.values()) else "train"
