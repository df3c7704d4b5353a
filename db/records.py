"""Validating one line of a synthesis ``samples.jsonl`` and mapping it to sample columns."""
from __future__ import annotations

import json
import math
import re
from typing import Any

from core.skeleton import NUM_BODY_JOINTS
from db.models import MAX_TEXT_CHARS
from synthesis.records import content_hash

SPLITS = ("train", "unseen")
IMAGE_KINDS = ("render", "generated")
MAX_SHORT_CHARS = 256
POSE_SIZES = {"global_orient": 3, "body_pose": NUM_BODY_JOINTS * 3}
_HASH = re.compile(r"^[0-9a-f]{64}$")

# key -> (types accepted, nullable)
_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "id": ((str,), False), "category": ((str,), False), "action": ((str,), False),
    "abstract_prompt": ((str,), False), "detailed_raw": ((str,), False), "detailed_refined": ((str,), False),
    "flags": ((list,), False), "source": ((str,), False), "split": ((str,), False), "variant": ((str,), False),
    "mirrored": ((bool,), False), "image": ((str,), True), "image_kind": ((str,), True),
    "pose": ((dict,), False), "provenance": ((dict,), False),
}


class RecordError(ValueError):
    """A line is invalid; ``field`` names the offending key (None for the whole line)."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(f"field '{field}': {message}" if field else message)
        self.field = field


def _check_types(record: dict[str, Any]) -> None:
    for key, (types, nullable) in _FIELDS.items():
        if key not in record:
            raise RecordError(key, "missing")
        value = record[key]
        if value is None and nullable:
            continue
        if not isinstance(value, types) or (types == (str,) and isinstance(value, bool)):
            expected = " or ".join(t.__name__ for t in types) + (" or null" if nullable else "")
            raise RecordError(key, f"expected {expected}, got {type(value).__name__}")


def _check_values(record: dict[str, Any]) -> None:
    if not _HASH.match(record["id"]):
        raise RecordError("id", "must be a 64-character lowercase hex sha256")
    for key in ("category", "action", "source", "variant"):
        if len(record[key]) > MAX_SHORT_CHARS or (key != "variant" and not record[key].strip()):
            raise RecordError(key, f"must be non-empty and at most {MAX_SHORT_CHARS} characters")
    for key in ("abstract_prompt", "detailed_raw", "detailed_refined"):
        if not record[key].strip() or len(record[key]) > MAX_TEXT_CHARS:
            raise RecordError(key, f"must be non-empty and at most {MAX_TEXT_CHARS} characters")
    if record["split"] not in SPLITS:
        raise RecordError("split", f"must be one of {', '.join(SPLITS)}, got {record['split']!r}")
    if record["image_kind"] is not None and record["image_kind"] not in IMAGE_KINDS:
        raise RecordError("image_kind", f"must be one of {', '.join(IMAGE_KINDS)} or null")
    if not all(isinstance(flag, str) for flag in record["flags"]):
        raise RecordError("flags", "must be a list of strings")


def _clean_pose(pose: dict[str, Any]) -> dict[str, list[float]]:
    out = {}
    for key, size in POSE_SIZES.items():
        values = pose.get(key)
        if not isinstance(values, list) or len(values) != size:
            raise RecordError(f"pose.{key}", f"must be a flat list of {size} numbers")
        for i, value in enumerate(values):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise RecordError(f"pose.{key}", f"element {i} is {value!r}; expected a finite number (radians)")
        out[key] = [float(value) for value in values]
    return out


def parse_line(line: str) -> dict[str, Any]:
    """Sample columns from one JSONL line; RecordError names the bad field."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RecordError(None, f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(record, dict):
        raise RecordError(None, f"expected a JSON object, got {type(record).__name__}")
    _check_types(record)
    _check_values(record)
    pose = _clean_pose(record["pose"])
    if content_hash(record) != record["id"]:
        raise RecordError("id", "not the content hash of the record (was the line edited after it was written?)")
    return {
        "content_hash": record["id"], "category": record["category"], "action": record["action"],
        "abstract_prompt": record["abstract_prompt"], "detailed_raw": record["detailed_raw"],
        "detailed_refined": record["detailed_refined"], "flags": list(record["flags"]),
        "flagged": bool(record["flags"]), "source": record["source"], "split": record["split"],
        "variant": record["variant"], "mirrored": record["mirrored"], "image": record["image"],
        "image_kind": record["image_kind"], "pose": pose, "provenance": record["provenance"],
    }
