"""Pending triplet records in the shared synthesis output format (see the team brief) and their content hash."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from core.pose import Pose

SPLITS = ("train", "unseen")
IMAGE_KINDS = ("render", "generated", None)
# Fields that define a triplet's content; the id is their hash, so re-running a pipeline adds nothing twice.
_HASHED_FIELDS = ("category", "action", "abstract_prompt", "detailed_raw", "detailed_refined", "source",
                  "variant", "mirrored", "image_kind", "pose")
_POSE_DECIMALS = 5


class RecordError(ValueError):
    """A triplet record is missing a field or holds a value of the wrong type."""


def pose_to_record(pose: Pose) -> dict[str, list[float]]:
    """The record form of a single pose: global_orient [3] and body_pose [69], rounded for stable hashing."""
    if pose.batch_size != 1:
        raise RecordError(f"a record holds one pose, got a batch of {pose.batch_size}")
    return {
        "global_orient": [round(float(v), _POSE_DECIMALS) for v in pose.global_orient[0]],
        "body_pose": [round(float(v), _POSE_DECIMALS) for v in pose.body_pose[0].reshape(-1)],
    }


def pose_from_record(record: dict[str, Any]) -> Pose:
    """The pose stored in a record."""
    return Pose.from_params(record["pose"]["global_orient"], record["pose"]["body_pose"])


def content_hash(record: dict[str, Any]) -> str:
    """sha256 (hex) over the canonical JSON of the content fields."""
    payload = json.dumps({k: record[k] for k in _HASHED_FIELDS}, sort_keys=True, ensure_ascii=False,
                         separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class Triplet:
    """One pending sample before it is written: texts, pose, optional image bytes, flags and provenance."""

    category: str
    action: str
    abstract_prompt: str
    detailed_raw: str
    detailed_refined: str
    source: str
    split: str
    variant: str
    mirrored: bool
    pose: Pose
    image_png: bytes | None = None
    image_kind: str | None = None
    flags: list[str] = field(default_factory=list)
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        """The JSON record (with its content-hash id); the image path is ``images/<id>.png`` when there is one."""
        if self.split not in SPLITS:
            raise RecordError(f"{self.action!r}: split must be one of {SPLITS}, got {self.split!r}")
        if self.image_kind not in IMAGE_KINDS or (self.image_png is None) != (self.image_kind is None):
            raise RecordError(f"{self.action!r}: image_kind {self.image_kind!r} does not match the image")
        record: dict[str, Any] = {
            "category": self.category, "action": self.action, "abstract_prompt": self.abstract_prompt,
            "detailed_raw": self.detailed_raw, "detailed_refined": self.detailed_refined,
            "flags": list(self.flags), "source": self.source, "split": self.split, "variant": self.variant,
            "mirrored": bool(self.mirrored), "image_kind": self.image_kind, "pose": pose_to_record(self.pose),
            "provenance": self.provenance,
        }
        record["id"] = content_hash(record)
        record["image"] = f"images/{record['id']}.png" if self.image_png is not None else None
        return record


_REQUIRED_TYPES: dict[str, type | tuple[type, ...]] = {
    "id": str, "category": str, "action": str, "abstract_prompt": str, "detailed_raw": str,
    "detailed_refined": str, "flags": list, "source": str, "split": str, "variant": str, "mirrored": bool,
    "image": (str, type(None)), "image_kind": (str, type(None)), "pose": dict, "provenance": dict,
}


def validate_record(record: Any, where: str) -> None:
    """Check a record read back from samples.jsonl; ``where`` (file:line) is named in the error."""
    if not isinstance(record, dict):
        raise RecordError(f"{where}: a record must be a JSON object")
    for key, kind in _REQUIRED_TYPES.items():
        if key not in record:
            raise RecordError(f"{where}: missing field '{key}'")
        if not isinstance(record[key], kind):
            raise RecordError(f"{where}: field '{key}' has type {type(record[key]).__name__}")
    pose = record["pose"]
    if len(pose.get("global_orient", [])) != 3 or len(pose.get("body_pose", [])) != 69:
        raise RecordError(f"{where}: field 'pose' needs global_orient [3] and body_pose [69]")
    if record["id"] != content_hash(record):
        raise RecordError(f"{where}: field 'id' is not the content hash of the record")
