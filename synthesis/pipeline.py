"""The synthesis run: for every work item, image and 3D pose, captions, refinement, checks and augmentation.

Order per item (one authored key pose of an action):
1. prompt: "Generate the pose of <action>";
2-3. image and pose: a text-to-image backend draws first and the pose is estimated from its image; a render
   backend needs the pose first (from the spec) and draws it;
4. the captioner writes ``n`` captions of the pose; 5. each is refined and checked against the pose's posecodes
   (contradictions go into ``flags``); 6. variations of the pose that keep the key posecodes are captioned the same
   way, and every sample gets a mirrored twin (pose mirrored, side words swapped in every text).
Items are processed in a process pool when ``workers`` > 0 and written in fsync'd batches; finished items are
skipped on a rerun, and samples are keyed by content hash, so a rerun adds nothing twice.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import signal
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from tqdm import tqdm

from core.mirror import mirror_pose, swap_sides_in_text
from core.pose import Pose
from synthesis.config import SynthesisConfig
from synthesis.image_backends import mirror_png
from synthesis.output import OutputDirectory
from synthesis.records import Triplet
from synthesis.stages import Stages
from synthesis.work_items import WorkItem


class SynthesisError(RuntimeError):
    """A work item failed; the message names the item."""


@dataclass(frozen=True)
class RunSummary:
    """What a run did: items seen / skipped as already done, samples added, samples in the directory."""

    output: Path
    items: int
    skipped_items: int
    added: int
    total: int
    stage_seconds: dict[str, float] = field(default_factory=dict)


class StageClock:
    """Seconds spent per stage (summed over items; in worker processes when the run is parallel)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - start

    def add(self, other: dict[str, float]) -> None:
        for name, seconds in other.items():
            self.seconds[name] += seconds


def item_seed(base_seed: int, item: WorkItem) -> int:
    """A per-item seed independent of processing order."""
    return int(hashlib.sha256(f"{base_seed}/{item.key}".encode()).hexdigest()[:8], 16)


def _image(stages: Stages, clock: StageClock, item: WorkItem, pose: Pose | None, seed: int) -> bytes | None:
    with clock.stage("image"):
        return stages.image.image(item.abstract_prompt, item.action, pose, seed)


def _pose_and_image(stages: Stages, clock: StageClock, item: WorkItem,
                    seed: int) -> tuple[Pose, bytes | None, list[str]]:
    if stages.image.needs_pose:
        with clock.stage("pose"):
            pose, flags = stages.pose.pose(item, None, seed)
        return pose, _image(stages, clock, item, pose, seed), flags
    image = _image(stages, clock, item, None, seed)
    with clock.stage("pose"):
        pose, flags = stages.pose.pose(item, image, seed)
    return pose, image, flags


def _captioned(stages: Stages, clock: StageClock, item: WorkItem, pose: Pose, image: bytes | None,
               flags: list[str], variant: str, seed: int) -> list[Triplet]:
    """One triplet per caption of the pose: raw caption, refined text, contradiction flags."""
    triplets = []
    provenance = stages.provenance()
    with clock.stage("caption"):
        captions = stages.caption.captions(pose, seed)
    for index, caption in enumerate(captions):
        with clock.stage("refine"):
            refined = stages.refine.refine(item.action, caption.text, caption.facts, image, seed + index)
        with clock.stage("check"):
            problems = [f"contradiction: {p}" for p in stages.caption.contradictions(refined, caption)]
        triplets.append(Triplet(
            category=item.category, action=item.action, abstract_prompt=item.abstract_prompt,
            detailed_raw=caption.text, detailed_refined=refined, source=item.source, split=item.split,
            variant=variant, mirrored=False, pose=pose, image_png=image,
            image_kind=None if image is None else stages.image.image_kind, flags=flags + problems,
            provenance=provenance,
        ))
    return triplets


def _mirrored(stages: Stages, clock: StageClock, item: WorkItem, triplets: list[Triplet],
              seed: int) -> list[Triplet]:
    """Mirror twins: pose mirrored, left/right swapped in every text and flag, image re-drawn or flipped."""
    if not triplets:
        return []
    pose = mirror_pose(triplets[0].pose)
    image = triplets[0].image_png
    if image is not None:
        image = _image(stages, clock, item, pose, seed) if stages.image.needs_pose else mirror_png(image)
    return [Triplet(
        category=t.category, action=t.action, abstract_prompt=t.abstract_prompt,
        detailed_raw=swap_sides_in_text(t.detailed_raw), detailed_refined=swap_sides_in_text(t.detailed_refined),
        source=t.source, split=t.split, variant=t.variant, mirrored=True, pose=pose, image_png=image,
        image_kind=t.image_kind, flags=[swap_sides_in_text(f) for f in t.flags], provenance=t.provenance,
    ) for t in triplets]


def triplets_for_item(stages: Stages, item: WorkItem, seed: int,
                      clock: StageClock | None = None) -> list[Triplet]:
    """All samples of one work item (see the module docstring for the order)."""
    clock = clock or StageClock()
    try:
        pose, image, flags = _pose_and_image(stages, clock, item, seed)
        groups = [_captioned(stages, clock, item, pose, image, flags, item.variant, seed)]
        with clock.stage("augment"):
            varied = stages.augment.variations_of(pose, stages.caption.key_posecodes, seed)
        for number, variation in enumerate(varied, start=1):
            # a generated image shows the original pose, not the variation: only a render can be re-drawn
            var_image = _image(stages, clock, item, variation, seed) if stages.image.needs_pose else None
            groups.append(_captioned(stages, clock, item, variation, var_image, flags,
                                     f"{item.variant} / variation {number}", seed + number))
        if stages.augment.mirror:
            groups += [_mirrored(stages, clock, item, group, seed) for group in list(groups)]
    except Exception as exc:
        raise SynthesisError(f"{item.key}: {type(exc).__name__}: {exc}") from exc
    return [triplet for group in groups for triplet in group]


_WORKER_STAGES: Stages | None = None


def _init_worker(config: SynthesisConfig) -> None:
    global _WORKER_STAGES
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled once, by the main process
    _WORKER_STAGES = Stages.from_config(config)


def _work(job: tuple[WorkItem, int]) -> tuple[list[Triplet], dict[str, float]]:
    item, seed = job
    clock = StageClock()
    return triplets_for_item(_WORKER_STAGES, item, seed, clock), dict(clock.seconds)


def _results(stages: Stages, config: SynthesisConfig,
             jobs: list[tuple[WorkItem, int]]) -> Iterator[tuple[list[Triplet], dict[str, float]]]:
    """Per-item (triplets, stage seconds) in job order, computed here or in a process pool."""
    if config.workers == 0:
        for item, seed in jobs:
            clock = StageClock()
            yield triplets_for_item(stages, item, seed, clock), dict(clock.seconds)
        return
    context = multiprocessing.get_context("spawn")  # a fresh process per worker: no inherited GL/torch state
    with context.Pool(min(config.workers, max(1, len(jobs))), _init_worker, (config,)) as pool:
        yield from pool.imap(_work, jobs, chunksize=1)


def _batched(results: Iterable[tuple[list[Triplet], dict[str, float]]], jobs: list[tuple[WorkItem, int]],
             size: int, clock: StageClock):
    batch, items = [], []
    for (item, _), (triplets, seconds) in zip(jobs, results):
        clock.add(seconds)
        batch.append(triplets)
        items.append(item)
        if len(batch) == size:
            yield batch, items
            batch, items = [], []
    if batch:
        yield batch, items


def unit_settings(config: SynthesisConfig) -> dict[str, Any]:
    """The part of the config that changes a work item's output (what resume keys depend on)."""
    return {"seed": config.seed, "stages": {n: s.as_dict() for n, s in config.stages.items()}}


def run(config: SynthesisConfig, limit: int | None = None, output: str | Path | None = None,
        progress: bool = True) -> RunSummary:
    """Run the pipeline over the prompt stage's items (the first ``limit`` of them), resuming where it stopped."""
    out = OutputDirectory(output or config.output, config.as_dict())
    stages = Stages.from_config(config)
    clock = StageClock()
    with clock.stage("prompts"):
        items = list(stages.prompts.items())
    items = items[:limit] if limit is not None else items
    settings = unit_settings(config)
    jobs = [(item, item_seed(config.seed, item)) for item in items
            if item.unit_key(settings) not in out.done_units]
    added = 0
    with tqdm(total=len(items), initial=len(items) - len(jobs), desc="synthesis", unit="pose",
              disable=not progress) as bar:
        for batch, batch_items in _batched(_results(stages, config, jobs), jobs, config.batch_size, clock):
            with clock.stage("write"):
                added += out.write_batch([t for triplets in batch for t in triplets],
                                         [item.unit_key(settings) for item in batch_items])
            bar.update(len(batch))
            bar.set_postfix(samples=out.count)
    out.write_manifest()
    return RunSummary(out.path, len(items), len(items) - len(jobs), added, out.count, dict(clock.seconds))
