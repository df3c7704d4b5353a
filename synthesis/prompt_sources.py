"""Prompts stage: the authored seed library's taxonomy labels -> abstract prompts, one work item per key pose."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from synthesis.seed_library.records import SEED_DIR, load_library
from synthesis.seed_library.split import SPLIT_FILE, load_split, split_of
from synthesis.work_items import WorkItem


@dataclass
class SeedLibraryPrompts:
    """Every key pose of every action in ``data/seed`` (or the listed categories), with the recorded split."""

    seed_dir: str = str(SEED_DIR)
    split_file: str = str(SPLIT_FILE)
    categories: list[str] | None = None
    name: str = "seed_library"
    _split: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False)

    def items(self) -> Iterator[WorkItem]:
        """Work items in library order (category, action, variant)."""
        library = load_library(Path(self.seed_dir), self.categories)
        split = load_split(Path(self.split_file))
        for action in library.actions:
            for pose in action.poses:
                yield WorkItem(
                    key=f"seed/{action.slug}/{action.label}/{pose.variant}", category=action.category,
                    action=action.label, variant=pose.variant, abstract_prompt=action.abstract_prompt,
                    split=split_of(action.label, split), source="seed", spec=pose.spec, flags=pose.flags,
                )

    def describe(self) -> dict[str, Any]:
        return {"seed_dir": self.seed_dir, "split_file": self.split_file, "categories": self.categories}
