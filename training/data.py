"""Training samples: (abstract prompt, detailed description, pose) triplets from a dataset export.

A dataset export is a directory with ``samples.jsonl`` (one JSON object per line; keys include action, category,
abstract_prompt, detailed, detailed_raw, split, mirrored, variant, index) and ``poses.npz`` (row ``index`` of
each sample, AMASS/smplx keys). See the team brief for the full format.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.pose import Pose
from core.pose_io import load_npz

REQUIRED_KEYS = ("action", "category", "abstract_prompt", "split", "index")


class DatasetError(ValueError):
    """A dataset directory is missing files or holds malformed records."""


@dataclass(frozen=True)
class Sample:
    """One training triplet; ``pose`` is the (72,) SMPL axis-angle vector, root first."""

    action: str
    category: str
    abstract_prompt: str
    detailed: str
    detailed_raw: str
    split: str
    mirrored: bool
    pose: np.ndarray


def _record_text(record: dict, key: str, fallback: str | None, where: str) -> str:
    value = record.get(key, fallback)
    if not isinstance(value, str) or not value.strip():
        raise DatasetError(f"{where}: field '{key}' must be a non-empty string")
    return value.strip()


def load_export(directory: str | Path) -> list[Sample]:
    """Read a dataset export directory into samples (the approved 'detailed' text is the reasoning target)."""
    directory = Path(directory)
    jsonl, npz = directory / "samples.jsonl", directory / "poses.npz"
    for path in (jsonl, npz):
        if not path.is_file():
            raise DatasetError(f"{directory}: missing {path.name}; not a dataset export")
    poses = load_npz(npz).full.reshape(-1, 72).numpy()
    samples = []
    for line_no, line in enumerate(jsonl.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{jsonl}:{line_no}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{where}: not valid JSON ({exc})") from exc
        missing = [k for k in REQUIRED_KEYS if k not in record]
        if missing:
            raise DatasetError(f"{where}: missing field(s) {', '.join(missing)}")
        index = record["index"]
        if not isinstance(index, int) or not 0 <= index < len(poses):
            raise DatasetError(f"{where}: field 'index' = {index!r} is not a row of poses.npz ({len(poses)} rows)")
        if record["split"] not in ("train", "unseen"):
            raise DatasetError(f"{where}: field 'split' must be 'train' or 'unseen', got {record['split']!r}")
        detailed = _record_text(record, "detailed", record.get("detailed_refined"), where)
        samples.append(Sample(
            action=_record_text(record, "action", None, where),
            category=_record_text(record, "category", None, where),
            abstract_prompt=_record_text(record, "abstract_prompt", None, where),
            detailed=detailed,
            detailed_raw=_record_text(record, "detailed_raw", detailed, where),
            split=record["split"],
            mirrored=bool(record.get("mirrored", False)),
            pose=poses[index].astype(np.float32),
        ))
    if not samples:
        raise DatasetError(f"{jsonl}: no samples")
    return samples


def split_samples(samples: list[Sample]) -> tuple[list[Sample], list[Sample]]:
    """(train, unseen) by each sample's split; an action is unseen if any of its samples is."""
    unseen_actions = {s.action for s in samples if s.split == "unseen"}
    train = [s for s in samples if s.action not in unseen_actions]
    unseen = [s for s in samples if s.action in unseen_actions]
    return train, unseen


def poses_of(samples: list[Sample]) -> Pose:
    """All sample poses as one batch."""
    return Pose.from_full(np.stack([s.pose for s in samples]))


def data_hash(samples: list[Sample]) -> str:
    """sha256 over the sample texts and poses, recorded in checkpoint manifests."""
    digest = hashlib.sha256()
    for s in samples:
        digest.update(json.dumps([s.action, s.abstract_prompt, s.detailed, s.detailed_raw, s.split]).encode())
        digest.update(np.round(s.pose, 5).tobytes())
    return digest.hexdigest()
