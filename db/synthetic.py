"""Synthetic synthesis-output directories for tests, benchmarks and UI demos: plausible texts, small random joint
rotations, optional tiny PNG images, written by synthesis.output (the same writer as ``python -m synthesis run``)."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from core.pose import Pose
from core.skeleton import JOINT_NAMES, NUM_BODY_JOINTS
from synthesis.output import OutputDirectory
from synthesis.records import Triplet

CATEGORIES = {"sports": ["throwing a ball", "kicking a ball", "swinging a bat"],
              "daily": ["waving hello", "sitting down", "picking up a box"],
              "dance": ["spinning", "raising both arms"]}
SOURCES = ("seed", "amass-posescript-babel")
_BATCH = 1000  # triplets per write_batch call (the writer's duplicate check is quadratic in the batch size)


def _png(index: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (index % 256, 80, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def synthetic_triplet(index: int, rng: np.random.Generator, image: bool = False) -> Triplet:
    """One valid triplet; every 7th carries a contradiction flag, every 10th is in the unseen split."""
    category = list(CATEGORIES)[index % len(CATEGORIES)]
    action = CATEGORIES[category][index % len(CATEGORIES[category])]
    joint = JOINT_NAMES[1 + index % NUM_BODY_JOINTS].replace("_", " ")
    return Triplet(
        category=category, action=action, abstract_prompt=f"Generate the pose of {action}.",
        detailed_raw=f"The person is {action}; the {joint} is bent (variant {index}).",
        detailed_refined=f"The person is {action}. The {joint} is bent about {10 + index % 80} degrees.",
        source=SOURCES[index % len(SOURCES)], split="unseen" if index % 10 == 0 else "train",
        variant=f"v{index % 5}", mirrored=index % 2 == 1,
        pose=Pose.from_params(rng.normal(0, 0.1, 3), rng.normal(0, 0.2, NUM_BODY_JOINTS * 3)),
        image_png=_png(index) if image else None, image_kind="render" if image else None,
        flags=["contradiction: left/right mismatch"] if index % 7 == 0 else [],
        provenance={"caption": {"backend": "synthetic", "config": {"seed": index}, "version": "1"}},
    )


def write_synthetic_dir(directory: str | Path, count: int, seed: int = 0, images: bool = False,
                        start: int = 0) -> list[Triplet]:
    """Write ``count`` triplets (indexes ``start``...) to a synthesis output directory; returns them."""
    rng = np.random.default_rng(seed)
    triplets = [synthetic_triplet(index, rng, images) for index in range(start, start + count)]
    output = OutputDirectory(directory, {"generator": "db.synthetic", "seed": seed})
    for first in range(0, count, _BATCH):
        output.write_batch(triplets[first:first + _BATCH], [])
    return triplets
