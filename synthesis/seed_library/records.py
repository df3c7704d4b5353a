"""Typed records of the seed pose library and the loader for its per-category YAML files."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core.posespec.parse import SpecLoader

SEED_DIR = Path(__file__).resolve().parents[2] / "data" / "seed"
PROMPT_PREFIX = "Generate the pose of "

CATEGORIES: dict[str, str] = {
    "art_and_performance": "Art and Performance",
    "daily_activities": "Daily Activities",
    "dance": "Dance",
    "fitness_and_exercise": "Fitness and Exercise",
    "gestures_and_communication": "Gestures and Communication",
    "martial_arts": "Martial Arts",
    "music": "Music",
    "occupations_and_professions": "Occupations and Professions",
    "outdoor_and_adventure": "Outdoor and Adventure",
    "social_interactions": "Social Interactions",
    "sports": "Sports",
}
"""Category slug (file name stem) -> exact category name."""

SUPPORT_FLAGS = frozenset({"airborne", "seated", "kneeling", "lying", "inverted"})
"""How a pose is supported when it is not simply standing on the feet (see data/seed/STYLE.md)."""

_LABEL_PATTERN = re.compile(r"^[a-z][a-z0-9'\- ]*[a-z0-9]$")
_SIDE_WORDS = re.compile(r"\b(left|right)\b")


class SeedLibraryError(ValueError):
    """A seed file or record is malformed; the message names the file and the record."""


@dataclass(frozen=True)
class SeedPose:
    """One authored key pose of an action: a named variant, its support flags and its pose spec."""

    variant: str
    spec: dict[str, Any]
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SeedAction:
    """One action label of a category with its key poses (the first is the canonical one)."""

    category: str
    slug: str
    label: str
    poses: tuple[SeedPose, ...]
    alike: frozenset[str] = frozenset()

    @property
    def abstract_prompt(self) -> str:
        """The paper's abstract prompt for this action."""
        return PROMPT_PREFIX + self.label


@dataclass(frozen=True)
class SeedLibrary:
    """All loaded actions, in file order, category by category."""

    actions: tuple[SeedAction, ...]
    categories: tuple[str, ...] = field(default=())

    def by_category(self, category: str) -> list[SeedAction]:
        """Actions of one category, given by exact name or slug."""
        name = CATEGORIES.get(category, category)
        return [a for a in self.actions if a.category == name]

    def action(self, label: str) -> SeedAction:
        """The action with this label; KeyError naming it if absent."""
        for candidate in self.actions:
            if candidate.label == label:
                return candidate
        raise KeyError(f"no seed action labelled {label!r}")

    @property
    def labels(self) -> list[str]:
        return [a.label for a in self.actions]

    @property
    def pose_count(self) -> int:
        return sum(len(a.poses) for a in self.actions)


def _require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise SeedLibraryError(f"{where}: {message}")


def _parse_pose(raw: Any, where: str) -> SeedPose:
    _require(isinstance(raw, dict), where, "a pose must be a mapping with 'variant' and 'spec'")
    unknown = set(raw) - {"variant", "spec", "flags"}
    _require(not unknown, where, f"unknown keys {sorted(unknown)} (allowed: variant, spec, flags)")
    variant = raw.get("variant")
    _require(isinstance(variant, str) and variant.strip() == variant and variant != "", where,
             "'variant' must be a non-empty string without surrounding spaces")
    _require(variant == variant.lower(), where, f"variant {variant!r} must be lowercase")
    flags = raw.get("flags", [])
    _require(isinstance(flags, list) and all(isinstance(f, str) for f in flags), where,
             "'flags' must be a list of strings")
    bad_flags = set(flags) - SUPPORT_FLAGS
    _require(not bad_flags, where, f"unknown flags {sorted(bad_flags)} (allowed: {sorted(SUPPORT_FLAGS)})")
    spec = raw.get("spec")
    _require(isinstance(spec, dict) and bool(spec), where, "'spec' must be a non-empty mapping (a pose spec)")
    return SeedPose(variant=variant, spec=spec, flags=frozenset(flags))


def _parse_action(raw: Any, category: str, slug: str, where: str) -> SeedAction:
    _require(isinstance(raw, dict), where, "an action must be a mapping with 'label' and 'poses'")
    unknown = set(raw) - {"label", "poses", "alike"}
    _require(not unknown, where, f"unknown keys {sorted(unknown)} (allowed: label, poses, alike)")
    label = raw.get("label")
    _require(isinstance(label, str) and bool(_LABEL_PATTERN.match(label or "")), where,
             f"label {label!r} must be a lowercase phrase of letters, digits, spaces, hyphens or apostrophes")
    where = f"{where} ({label!r})"
    _require("  " not in label, where, "label has a double space")
    _require(not _SIDE_WORDS.search(label), where, "labels must not name a side (mirrors supply the other side)")
    poses_raw = raw.get("poses")
    _require(isinstance(poses_raw, list) and bool(poses_raw), where, "'poses' must be a non-empty list")
    poses = tuple(_parse_pose(p, f"{where} pose {i}") for i, p in enumerate(poses_raw))
    variants = [p.variant for p in poses]
    _require(len(set(variants)) == len(variants), where, f"variant names repeat: {variants}")
    alike = raw.get("alike", [])
    _require(isinstance(alike, list) and all(isinstance(a, str) for a in alike), where,
             "'alike' must be a list of labels")
    return SeedAction(category=category, slug=slug, label=label, poses=poses, alike=frozenset(alike))


def load_category_file(path: Path) -> list[SeedAction]:
    """Load and validate one category file ``data/seed/<slug>.yaml``."""
    slug = path.stem
    where = str(path)
    _require(slug in CATEGORIES, where, f"unknown category slug {slug!r} (known: {sorted(CATEGORIES)})")
    try:
        raw = yaml.load(path.read_text(), Loader=SpecLoader)  # keeps a bare `on:` goal key a string
    except yaml.YAMLError as exc:
        raise SeedLibraryError(f"{where}: invalid YAML: {exc}") from exc
    _require(isinstance(raw, dict), where, "the file must be a mapping with 'category' and 'actions'")
    unknown = set(raw) - {"category", "actions"}
    _require(not unknown, where, f"unknown top-level keys {sorted(unknown)} (allowed: category, actions)")
    category = raw.get("category")
    _require(category == CATEGORIES[slug], where,
             f"'category' is {category!r}, expected {CATEGORIES[slug]!r} for {slug}.yaml")
    actions_raw = raw.get("actions")
    _require(isinstance(actions_raw, list) and bool(actions_raw), where, "'actions' must be a non-empty list")
    actions = [_parse_action(a, category, slug, f"{where} action {i}") for i, a in enumerate(actions_raw)]
    labels = [a.label for a in actions]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    _require(not repeated, where, f"labels appear twice: {repeated}")
    return actions


def load_library(seed_dir: Path | str = SEED_DIR, categories: list[str] | None = None) -> SeedLibrary:
    """Load every category file present (or only ``categories``, by slug or name) and check labels are unique
    across the library and that ``alike`` references exist."""
    seed_dir = Path(seed_dir)
    wanted = list(CATEGORIES) if categories is None else [_slug_of(c) for c in categories]
    actions: list[SeedAction] = []
    loaded: list[str] = []
    for slug in wanted:
        path = seed_dir / f"{slug}.yaml"
        if not path.exists():
            if categories is not None:
                raise SeedLibraryError(f"{path}: category file not found")
            continue
        actions.extend(load_category_file(path))
        loaded.append(CATEGORIES[slug])
    seen: dict[str, str] = {}
    for action in actions:
        if action.label in seen:
            raise SeedLibraryError(
                f"label {action.label!r} appears in both {seen[action.label]!r} and {action.category!r}")
        seen[action.label] = action.category
    if categories is None:
        for action in actions:
            missing = sorted(action.alike - seen.keys())
            if missing:
                raise SeedLibraryError(f"{action.category} / {action.label!r}: 'alike' names unknown labels {missing}")
    return SeedLibrary(actions=tuple(actions), categories=tuple(loaded))


def _slug_of(category: str) -> str:
    if category in CATEGORIES:
        return category
    for slug, name in CATEGORIES.items():
        if name == category:
            return slug
    raise SeedLibraryError(f"unknown category {category!r} (known slugs: {sorted(CATEGORIES)})")
