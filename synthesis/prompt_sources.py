"""Prompts stage: the authored seed library's taxonomy labels -> abstract prompts, one work item per key pose."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from synthesis.seed_library import load_library, load_split
from synthesis.seed_library.records import SEED_DIR
from synthesis.seed_library.solving import solve_library
from synthesis.seed_library.split import SPLIT_FILE, split_of
from synthesis.work_items import WorkItem


@dataclass
class SeedLibraryPrompts:
    """Every key pose of every action in ``data/seed`` (or the listed categories), with the recorded split.

    The specs are solved here once (the seed library's cached solver, the same poses its quality gates check),
    so the pose stage's ``seed_spec`` backend uses exactly the reviewed poses.
    """

    seed_dir: str = str(SEED_DIR)
    split_file: str = str(SPLIT_FILE)
    categories: list[str] | None = None
    name: str = "seed_library"

    def items(self) -> Iterator[WorkItem]:
        """Work items in library order (category, action, variant)."""
        library = load_library(Path(self.seed_dir), self.categories)
        split = load_split(Path(self.split_file))
        for solved in solve_library(library):
            action, pose = solved.action, solved.seed_pose
            yield WorkItem(
                key=f"seed/{action.slug}/{action.label}/{pose.variant}", category=action.category,
                action=action.label, variant=pose.variant, abstract_prompt=action.abstract_prompt,
                split=split_of(action.label, split), source="seed", spec=pose.spec, flags=pose.flags,
                solved_pose=solved.pose, solver_problems=solved.problems,
            )
