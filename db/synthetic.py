"""Synthetic synthesis-output directories (same format as ``python -m synthesis run``) for tests, benchmarks
and UI demos: plausible texts, small random joint rotations, optional tiny PNG images."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from core.skeleton import JOINT_NAMES, NUM_BODY_JOINTS

CATEGORIES = {"sports": ["throwing a ball", "kicking a ball", "swinging a bat"],
              "daily": ["waving hello", "sitting down", "picking up a box"],
              "dance": ["spinning", "raising both arms"]}
SOURCES = ("seed", "amass-posescript-babel")


def content_hash(record: dict[str, Any]) -> str:
    """sha256 of the record (without its id) as canonical JSON."""
    body = {key: value for key, value in record.items() if key != "id"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


def synthetic_record(index: int, rng: np.random.Generator, image: str | None = None) -> dict[str, Any]:
    """One valid samples.jsonl record; every 7th carries a contradiction flag."""
    category = list(CATEGORIES)[index % len(CATEGORIES)]
    action = CATEGORIES[category][index % len(CATEGORIES[category])]
    joint = JOINT_NAMES[1 + index % NUM_BODY_JOINTS].replace("_", " ")
    record = {
        "category": category, "action": action,
        "abstract_prompt": f"Generate the pose of {action}.",
        "detailed_raw": f"The person is {action}; the {joint} is bent (variant {index}).",
        "detailed_refined": f"The person is {action}. The {joint} is bent about {10 + index % 80} degrees.",
        "flags": ["contradiction: left/right mismatch"] if index % 7 == 0 else [],
        "source": SOURCES[index % len(SOURCES)], "split": "unseen" if index % 10 == 0 else "train",
        "variant": f"v{index % 5}", "mirrored": index % 2 == 1,
        "image": image, "image_kind": "render" if image else None,
        "pose": {"global_orient": rng.normal(0, 0.1, 3).round(6).tolist(),
                 "body_pose": rng.normal(0, 0.2, NUM_BODY_JOINTS * 3).round(6).tolist()},
        "provenance": {"caption": {"backend": "posecodes", "config": {"seed": index}, "version": "1"}},
    }
    record["id"] = content_hash(record)
    return record


def write_synthetic_dir(directory: str | Path, count: int, seed: int = 0, images: bool = False,
                        start: int = 0) -> list[dict[str, Any]]:
    """Write samples.jsonl (+ images/ + manifest.json) with ``count`` records; returns the records."""
    directory = Path(directory)
    (directory / "images").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    records = []
    for index in range(start, start + count):
        image = None
        if images:
            from PIL import Image

            image = f"images/sample-{index}.png"
            Image.new("RGB", (8, 8), (index % 256, 80, 160)).save(directory / image)
        records.append(synthetic_record(index, rng, image))
    with (directory / "samples.jsonl").open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    manifest = {"schema_version": 1, "count": count, "config": {"generator": "db.synthetic", "seed": seed}}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return records
